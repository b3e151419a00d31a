/**
 * Many streams waiting for the same slow socket must not pile listeners onto it (Node warns about a leak at 11).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { ConnectionGroup } from '../../src/rpc/connection-group.ts';
import { silentLogger } from './helpers.ts';

test('concurrent back-pressured sends share one drain wait per socket', async (t) => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', (ws) => resolve(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  let received = 0;
  client.on('message', () => received++);
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
  const ws = await serverSide;
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => {
    if (w.name === 'MaxListenersExceededWarning') warnings.push(w);
  };
  process.on('warning', onWarning);
  // One signal per stream, as each operation has its own.
  const aborts = Array.from({ length: 20 }, () => new AbortController());
  t.after(async () => {
    process.off('warning', onWarning);
    for (const a of aborts) a.abort();
    client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  const group = new ConnectionGroup('peer', silentLogger);
  group.addSocket({ ws, info: { remoteAddress: '127.0.0.1', principal: 'p' }, group: null });
  // The reader stops reading: the server's send buffer fills and every stream has to wait.
  (client as unknown as { _socket: { pause(): void } })._socket.pause();
  const chunk = new Uint8Array(256 * 1024);
  while (ws.bufferedAmount < 2 * 1024 * 1024) group.sendBytes(chunk);

  const streams = aborts.map((a) => group.sendWithBackpressure(chunk, a.signal, 1024 * 1024));
  // Let every stream register its wait (bounded: a few event-loop turns).
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  const raw = (ws as unknown as { _socket: NodeJS.EventEmitter })._socket;
  const drainListeners = raw.listenerCount('drain');
  const closeListeners = ws.listenerCount('close');

  (client as unknown as { _socket: { resume(): void } })._socket.resume();
  const results = await Promise.race([
    Promise.all(streams),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('streams did not finish')), 10_000).unref()),
  ]);
  assert.deepEqual(results, Array(20).fill(true));
  assert.ok(drainListeners <= 3, `${drainListeners} drain listeners on one socket`);
  assert.ok(closeListeners <= 3, `${closeListeners} close listeners on one socket`);
  assert.deepEqual(warnings.map((w) => w.message), []);
});
