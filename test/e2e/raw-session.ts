/**
 * A protocol-level OpenICF client on raw `ws` sockets, for tests and benchmarks that must see (and count) frames:
 * handshake, connector infos, operation requests and cancels, with every received frame's size.
 */
import type { WebSocket } from 'ws';
import type { MessageInitShape } from '@bufbuild/protobuf';
import * as pb from '../../src/wire/protobuf/index.ts';
import { connectorKeyToProto, decodeConnectorInfos, toLegacy } from '../../src/rpc/index.ts';
import { encodeFacadeKey } from '../../src/wire/legacy/index.ts';
import type { ConnectorInfo, ConnectorKey } from '../../src/model/index.ts';
import { handshakeFrame, openSocket, TEST_SESSION_ID } from '../support/raw-peer.ts';

/** The operation part of an OperationRequest (key, facade key and locale are filled in). */
export type OperationInit = MessageInitShape<typeof pb.OperationRequestSchema>;

interface Pending {
  onFrame(message: pb.RemoteMessage, size: number): void;
}

export class RawSession {
  private nextId = 100n;
  private readonly pending = new Map<bigint, Pending>();
  private roundRobin = 0;
  infos: ConnectorInfo[] = [];
  /** Size in bytes of the last frame sent (benchmarks size their baselines by it). */
  lastSentBytes = 0;
  /** Frames received for no pending request (server control requests, late frames). */
  readonly stray: pb.RemoteMessage[] = [];

  private constructor(readonly sockets: WebSocket[]) {
    for (const ws of sockets) {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) return;
        const m = pb.decodeRemoteMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        // Answer the server's own ControlRequest, as the Java client does (an empty connector list).
        if (m.request?.controlRequest) {
          ws.send(pb.encodeRemoteMessage(pb.create(pb.RemoteMessageSchema, { messageId: m.messageId, response: { controlResponse: { connectorInfos: toLegacy([]) } } })));
          return;
        }
        const p = this.pending.get(m.messageId);
        if (p) p.onFrame(m, data.byteLength);
        else this.stray.push(m);
      });
    }
  }

  /** Opens `connections` sockets of one session and fetches the server's connector infos. */
  static async open(url: string, connections = 1, sessionId = TEST_SESSION_ID): Promise<RawSession> {
    const sockets: WebSocket[] = [];
    try {
      for (let i = 0; i < connections; i++) sockets.push(await openSocket(url));
    } catch (err) {
      for (const s of sockets) s.terminate();
      throw err;
    }
    const session = new RawSession(sockets);
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve, reject) => {
            const t = setTimeout(() => reject(new Error('no handshake response')), 10_000);
            const on = (data: Buffer): void => {
              const m = pb.decodeRemoteMessage(new Uint8Array(data));
              if (m.response?.handshakeMessage) {
                clearTimeout(t);
                ws.off('message', on);
                resolve();
              }
            };
            ws.on('message', on);
            ws.send(handshakeFrame(sessionId));
          }),
      ),
    );
    const reply = await session.request({ controlRequest: { infoLevel: [pb.ControlRequest_InfoLevel.CONNECTOR_INFO] } });
    session.infos = decodeConnectorInfos(reply.response?.controlResponse?.connectorInfos ?? new Uint8Array());
    return session;
  }

  private send(message: pb.RemoteMessage): void {
    const ws = this.sockets[this.roundRobin++ % this.sockets.length]!;
    const bytes = pb.encodeRemoteMessage(message);
    this.lastSentBytes = bytes.length;
    ws.send(bytes, { binary: true });
  }

  /** Sends a request and resolves with its first response frame. */
  request(request: MessageInitShape<typeof pb.RPCRequestSchema>, timeoutMs = 30_000): Promise<pb.RemoteMessage> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no response to request ${id}`));
      }, timeoutMs);
      this.pending.set(id, {
        onFrame: (m) => {
          clearTimeout(t);
          this.pending.delete(id);
          resolve(m);
        },
      });
      this.send(pb.create(pb.RemoteMessageSchema, { request, messageId: id }));
    });
  }

  /** The facade key (Java's base64 APIConfiguration) of a connector configured with `values`. */
  facadeKey(key: ConnectorKey, values: Record<string, unknown>): string {
    const info = this.infos.find((i) => i.connectorKey.equals(key));
    if (!info) throw new Error(`server has no ${key.toString()}`);
    const cfg = info.defaultApiConfiguration;
    const saved = new Map(cfg.configurationProperties.names.map((n) => [n, cfg.configurationProperties.get(n)?.value]));
    try {
      for (const [n, v] of Object.entries(values)) cfg.configurationProperties.setValue(n, v);
      return encodeFacadeKey(cfg);
    } finally {
      for (const [n, v] of saved) cfg.configurationProperties.setValue(n, v);
    }
  }

  /**
   * Starts an operation; every frame answering it goes to `onFrame` until `done` says the stream ended.
   * Returns its id and a promise of the frame count.
   */
  operation(
    key: ConnectorKey,
    facadeKey: string,
    op: OperationInit,
    onFrame: (m: pb.RemoteMessage, size: number) => boolean | void,
  ): { id: bigint; done: Promise<void> } {
    const id = this.nextId++;
    const done = new Promise<void>((resolve) => {
      this.pending.set(id, {
        onFrame: (m, size) => {
          if (onFrame(m, size) === true) {
            this.pending.delete(id);
            resolve();
          }
        },
      });
    });
    const operationRequest = pb.create(pb.OperationRequestSchema, op);
    operationRequest.connectorKey = connectorKeyToProto(key);
    operationRequest.connectorFacadeKey = new TextEncoder().encode(facadeKey);
    operationRequest.locale = pb.create(pb.LocaleSchema, { language: 'en' });
    this.send(pb.create(pb.RemoteMessageSchema, { messageId: id, request: { operationRequest } }));
    return { id, done };
  }

  /** Stops listening for `id` (frames that still come are counted as stray) and asks the server to cancel it. */
  cancel(id: bigint, keepListening = false): void {
    if (!keepListening) this.pending.delete(id);
    this.send(pb.create(pb.RemoteMessageSchema, { messageId: id, request: { cancelOpRequest: {} } }));
  }

  /** Pauses/resumes reading from every socket (a slow consumer: the server must hold back). */
  pause(): void {
    for (const s of this.sockets) s.pause();
  }
  resume(): void {
    for (const s of this.sockets) s.resume();
  }

  close(): void {
    for (const ws of this.sockets) {
      try {
        ws.close(1000, 'Shutdown');
      } catch {
        ws.terminate();
      }
    }
  }
}

/** True for the frame that ends a search: its result (or an error). */
export function isSearchEnd(m: pb.RemoteMessage): boolean {
  const s = m.response?.operationResponse?.searchOpResponse;
  return m.response?.error !== undefined || (s !== undefined && s.connectorObject === undefined);
}
