/** Session lifecycle: periodic control requests, session expiry, several servers behind one client. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import * as pb from '../../src/wire/protobuf/index.ts';
import { ConnectorKey, RemoteWrappedException, ConnectionFailedException } from '../../src/model/index.ts';
import { RcsClient } from '../../src/client/index.ts';
import { RawClient, startServer, silentLogger } from './helpers.ts';

async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('periodic control requests carry complete id lists and stop asking for infos once received', async () => {
  const server = await startServer({ controlIntervalMs: 50 });
  const c = await RawClient.open(server.url);
  try {
    c.send(c.handshakeMessage());
    const first = await c.waitFor((m) => m.request?.controlRequest !== undefined);
    c.send(create(pb.RemoteMessageSchema, { messageId: first.messageId, response: { controlResponse: {} } }));
    // A periodic request may already be on its way before our answer arrives; the ones after it stop asking.
    let later = first;
    for (let i = 0; i < 20; i++) {
      const after = later.messageId;
      later = await c.waitFor((m) => m.request?.controlRequest !== undefined && m.messageId > after);
      if (later.request!.controlRequest!.infoLevel.length === 0) break;
    }
    assert.deepEqual(later.request!.controlRequest!.infoLevel, []);
    assert.ok(later.request!.controlRequest!.remoteRequestId.includes(later.messageId), 'lists its own id');
    assert.deepEqual(later.request!.controlRequest!.localRequestId, []);
  } finally {
    await c.close();
    await server.close();
  }
});

test('a session without sockets is forgotten after the linger time', async () => {
  const server = await startServer({ sessionLingerMs: 100 });
  try {
    const c = await RawClient.open(server.url);
    c.send(c.handshakeMessage());
    await c.waitFor((m) => m.response?.handshakeMessage !== undefined);
    assert.equal(server.engine.sessionCount(), 1);
    await c.close();
    await until(() => server.engine.sessionCount() === 0, 'session expiry');
  } finally {
    await server.close();
  }
});

test('a client with two servers spreads operations and fails over when one goes away', async () => {
  const s1 = await startServer();
  const s2 = await startServer();
  const key = new ConnectorKey('test.memory', '1.0.0', 'org.example.MemoryConnector');
  const client = await RcsClient.connect({
    servers: [{ url: s1.url }, { url: s2.url }],
    key: 'changeit',
    connections: 1,
    logger: silentLogger,
    connectTimeoutMs: 5000,
  });
  try {
    await until(() => client.healthyServerCount() === 2, 'both servers connected');
    await client.connectorInfos();
    const f = client.newFacade(key, { realm: 'rr', failTest: true });
    const before = [s1.frames, s2.frames];
    for (let i = 0; i < 4; i++) {
      await assert.rejects(f.test(), (e: unknown) => e instanceof RemoteWrappedException);
    }
    // Round-robin: both servers received some of the four requests.
    assert.ok(s1.frames - before[0]! >= 1);
    assert.ok(s2.frames - before[1]! >= 1);
    assert.ok(s1.frames - before[0]! + s2.frames - before[1]! >= 4);
    assert.equal(s1.engine.sessionCount(), 1);
    assert.equal(s2.engine.sessionCount(), 1);
    await s1.close();
    await until(() => client.healthyServerCount() === 1, 'first server seen as down');
    const ok = client.newFacade(key, { realm: 'rr' });
    for (let i = 0; i < 3; i++) await ok.test();
    await s2.close();
    await until(() => client.healthyServerCount() === 0, 'second server seen as down');
    await assert.rejects(ok.test(), (e: unknown) => e instanceof ConnectionFailedException);
  } finally {
    await client.close();
    await s1.close().catch(() => undefined);
    await s2.close().catch(() => undefined);
  }
});
