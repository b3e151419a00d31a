/** A peer that never answers our periodic ControlRequests does not make the session's request table grow. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { RpcPeer } from '../../src/rpc/index.ts';
import { createConnectorRegistry } from '../../src/framework/index.ts';
import { FrameQueue, handshake } from '../support/raw-peer.ts';

test('unanswered ControlRequests are dropped at the next periodic check', async () => {
  const registry = await createConnectorRegistry({ bundles: [] });
  const peer = new RpcPeer({ role: 'server', logger: pino({ level: 'silent' }), registry, controlIntervalMs: 30 });
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (ws) => peer.attach(ws, { remoteAddress: '127.0.0.1', principal: 'anonymous' }));
  await new Promise((r) => wss.once('listening', r));
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  await new Promise((r) => ws.once('open', r));
  try {
    const frames = new FrameQueue(ws);
    await handshake(ws, frames);
    // Let many periods pass without answering anything.
    let controlRequests = 0;
    ws.on('message', () => controlRequests++);
    await new Promise((r) => setTimeout(r, 600));
    assert.ok(controlRequests >= 5, `the server kept checking (${controlRequests} control requests)`);
    const group = [...peer.groups.values()][0]!;
    assert.ok(group.remoteRequests.size <= 2, `awaited requests stay bounded (${group.remoteRequests.size})`);
  } finally {
    ws.terminate();
    await peer.close();
    wss.close();
    await registry.dispose();
  }
});
