/** Real sockets for the session tests: a plain `ws` server running the engine, and a raw protocol client. */
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { create } from '@bufbuild/protobuf';
import * as pb from '../../src/wire/protobuf/index.ts';
import { createRpcEngine, createSessionIdentity, type RpcEngine } from '../../src/rpc/index.ts';
import { createConnectorRegistry } from '../../src/framework/index.ts';
import type { ConnectorRegistry } from '../../src/framework/facade-types.ts';
import { memoryBundle } from './fixtures/memory-bundle.ts';

export const silentLogger = pino({ level: process.env.RPC_TEST_LOG ?? 'silent' });

export interface TestServer {
  url: string;
  engine: RpcEngine;
  registry: ConnectorRegistry;
  wss: WebSocketServer;
  /** Binary frames received from clients. */
  frames: number;
  close(): Promise<void>;
}

export async function startServer(opts: { registry?: ConnectorRegistry; controlIntervalMs?: number; sessionLingerMs?: number } = {}): Promise<TestServer> {
  const registry = opts.registry ?? (await Promise.resolve(createConnectorRegistry({ bundles: [memoryBundle] })));
  const engine = createRpcEngine({ registry, logger: silentLogger, controlIntervalMs: opts.controlIntervalMs ?? 0, sessionLingerMs: opts.sessionLingerMs });
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/openicf' });
  const counter = { frames: 0 };
  wss.on('connection', (ws, req) => {
    ws.on('message', (_d, isBinary) => {
      if (isBinary) counter.frames++;
    });
    engine.attach(ws, { remoteAddress: req.socket.remoteAddress ?? '', principal: 'anonymous' });
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/openicf`,
    engine,
    registry,
    wss,
    get frames() {
      return counter.frames;
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await engine.close();
      await registry.dispose();
    },
  };
}

/** A raw protocol client: sends RemoteMessages, collects decoded replies. */
export class RawClient {
  readonly received: pb.RemoteMessage[] = [];
  private waiters: Array<() => void> = [];
  readonly identity = createSessionIdentity();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      this.received.push(pb.decodeRemoteMessage(new Uint8Array(data)));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(url: string): Promise<RawClient> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawClient(ws);
  }

  send(message: pb.RemoteMessage | Uint8Array): void {
    this.ws.send(message instanceof Uint8Array ? message : pb.toBinary(pb.RemoteMessageSchema, message), { binary: true });
  }

  handshakeMessage(): pb.RemoteMessage {
    return create(pb.RemoteMessageSchema, {
      request: { handshakeMessage: { sessionId: this.identity.sessionId, serverType: pb.HandshakeMessage_ServerType.JAVA, publicKey: this.identity.publicKey } },
    });
  }

  /** Waits (bounded) until `predicate` matches a received message; returns it. */
  async waitFor(predicate: (m: pb.RemoteMessage) => boolean, timeoutMs = 5000): Promise<pb.RemoteMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a message');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
      setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 1000).unref();
    });
  }
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}
