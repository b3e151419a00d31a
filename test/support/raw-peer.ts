/** A minimal OpenICF peer on a raw `ws` socket, for transport tests that must see frames as they are. */
import { WebSocket } from 'ws';
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  create,
  decodeRemoteMessage,
  encodeRemoteMessage,
  HandshakeMessage_ServerType,
  RemoteMessageSchema,
  type RemoteMessage,
} from '../../src/wire/protobuf/index.ts';

export function basicAuth(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`, 'latin1').toString('base64');
}

export interface OpenOptions {
  authorization?: string | null;
  protocols?: string[];
  localAddress?: string;
  autoPong?: boolean;
  ca?: string | string[];
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
}

/** Opens a WebSocket; resolves with it, or rejects with the HTTP status of a refused upgrade. */
export function openSocket(url: string, options: OpenOptions = {}): Promise<WebSocket> {
  const headers: Record<string, string> = {};
  const auth = options.authorization === undefined ? basicAuth('anonymous', 'changeit') : options.authorization;
  if (auth !== null) headers['Authorization'] = auth;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? ['v1.openicf.forgerock.org'], {
      headers,
      localAddress: options.localAddress,
      autoPong: options.autoPong ?? true,
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      rejectUnauthorized: options.rejectUnauthorized,
      handshakeTimeout: 5000,
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      const err = Object.assign(new Error(`upgrade refused: ${res.statusCode}`), {
        status: res.statusCode,
        headers: res.headers,
      });
      res.resume();
      reject(err);
    });
    ws.once('error', reject);
  });
}

/** Collects decoded frames and lets a test wait for one that matches. */
export class FrameQueue {
  private readonly frames: RemoteMessage[] = [];
  private waiters: Array<() => void> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      this.frames.push(decodeRemoteMessage(new Uint8Array(data)));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async next(match: (m: RemoteMessage) => boolean, timeoutMs = 5000): Promise<RemoteMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(match);
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

const keyPair = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
const spki = keyPair.publicKey.export({ type: 'spki', format: 'der' });
export const TEST_SESSION_ID = createHash('sha1').update(spki).digest('hex').toUpperCase();

export function handshakeFrame(sessionId = TEST_SESSION_ID): Uint8Array {
  return encodeRemoteMessage(
    create(RemoteMessageSchema, {
      request: {
        handshakeMessage: { sessionId, serverType: HandshakeMessage_ServerType.JAVA, publicKey: new Uint8Array(spki) },
      },
    }),
  );
}

/** Sends the handshake and waits for the server's handshake response. */
export async function handshake(ws: WebSocket, frames: FrameQueue, sessionId?: string): Promise<RemoteMessage> {
  ws.send(handshakeFrame(sessionId));
  return frames.next((m) => m.response?.handshakeMessage !== undefined);
}
