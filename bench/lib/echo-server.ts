/**
 * The baseline: a bare `ws` server in its own process, doing the least a WebSocket server can do with the same
 * frames. A binary message is answered by its first byte:
 *   0x01 count:u32 size:u32  → `count` frames of `size` bytes, then one 1-byte frame (a stream, with back-pressure)
 *   0x02 size:u32 ...        → one frame of `size` bytes (a request/response round trip)
 *   anything else            → echoed back
 * The script is passed to `node -e`, so it is plain CommonJS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from './proc.ts';

export const ECHO_SERVER_SCRIPT = `
const { WebSocketServer } = require('ws');
const port = Number(process.argv[1]);
const wss = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: 64 * 1024 * 1024 });
const HIGH_WATER = 1024 * 1024;
function stream(ws, count, size) {
  const frame = Buffer.alloc(size, 7);
  let sent = 0;
  const pump = () => {
    while (sent < count) {
      if (ws.readyState !== 1) return;
      if (ws.bufferedAmount > HIGH_WATER) { setTimeout(pump, 1); return; }
      ws.send(frame, { binary: true });
      sent++;
    }
    ws.send(Buffer.from([0]), { binary: true });
  };
  pump();
}
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    const b = Buffer.isBuffer(data) ? data : Buffer.concat(data);
    if (b[0] === 1 && b.length >= 9) return stream(ws, b.readUInt32BE(1), b.readUInt32BE(5));
    if (b[0] === 2 && b.length >= 5) return ws.send(Buffer.alloc(b.readUInt32BE(1), 9), { binary: true });
    ws.send(b, { binary: isBinary });
  });
});
wss.on('listening', () => process.stdout.write('listening\\n'));
process.on('SIGTERM', () => { for (const c of wss.clients) c.terminate(); wss.close(() => process.exit(0)); });
`;

export interface EchoServer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** Spawns the bare echo server on `port`; resolves when it listens (or rejects after `timeoutMs`). */
export function spawnEchoServer(port: number, timeoutMs = 15_000): Promise<EchoServer> {
  const child = spawn(process.execPath, ['-e', ECHO_SERVER_SCRIPT, String(port)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('echo server did not start'));
    }, timeoutMs);
    child.stdout!.on('data', (b: Buffer) => {
      if (!b.toString().includes('listening')) return;
      clearTimeout(timer);
      resolve({
        child,
        pid: child.pid!,
        url: `ws://127.0.0.1:${port}/`,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const t = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(t);
          }
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`echo server exited with ${code}`));
    });
  });
}
