/** Transport behaviour of the listener on real sockets: auth, throttling, health, pings, limits. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { defineBundle, defineConnector } from '../../src/spi/index.ts';
import { openSocket, basicAuth, FrameQueue, handshake } from '../support/raw-peer.ts';

const bundle = defineBundle({
  bundleName: 'transport.test',
  bundleVersion: '1.0.0.0',
  connectors: [
    defineConnector({
      name: 'transport.TestConnector',
      displayNameKey: 'display',
      configuration: [],
      create: () => ({ init() {}, test() {} }),
    }),
  ],
});

function httpGet(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

async function refusedStatus(url: string, options: Parameters<typeof openSocket>[1]): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  try {
    const ws = await openSocket(url, options);
    ws.terminate();
    throw new Error('upgrade unexpectedly accepted');
  } catch (err) {
    const e = err as { status?: number; headers?: http.IncomingHttpHeaders };
    if (e.status === undefined) throw err;
    return { status: e.status, headers: e.headers ?? {} };
  }
}

function closeCode(ws: WebSocket, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
    ws.once('close', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

describe('authentication of the upgrade', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ bundles: [bundle], authFailureLimit: 0 });
  });
  after(() => server.close());

  test('no Authorization header: 401 with the OpenICF realm', async () => {
    const r = await refusedStatus(server.url, { authorization: null });
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Basic realm="openicf.forgerock.org"');
  });

  test('garbled header: 401', async () => {
    assert.equal((await refusedStatus(server.url, { authorization: 'Basic !!!not-base64!!!' })).status, 401);
    assert.equal((await refusedStatus(server.url, { authorization: 'Bearer abc' })).status, 401);
    const noColon = 'Basic ' + Buffer.from('justuser').toString('base64');
    assert.equal((await refusedStatus(server.url, { authorization: noColon })).status, 401);
  });

  test('blank principal: 401', async () => {
    assert.equal((await refusedStatus(server.url, { authorization: basicAuth('  ', 'changeit') })).status, 401);
  });

  test('wrong key: 403', async () => {
    assert.equal((await refusedStatus(server.url, { authorization: basicAuth('anonymous', 'wrong') })).status, 403);
  });

  test('right key: accepted, subprotocol echoed, handshake answered', async () => {
    const ws = await openSocket(server.url);
    assert.equal(ws.protocol, 'v1.openicf.forgerock.org');
    const frames = new FrameQueue(ws);
    const reply = await handshake(ws, frames);
    assert.match(reply.response!.handshakeMessage!.sessionId, /^[0-9A-F]{40}$/);
    ws.close();
  });

  test('credentials are trimmed like Java does, and the subprotocol is optional', async () => {
    const ws = await openSocket(server.url, { authorization: basicAuth(' idm ', ' changeit '), protocols: [] });
    assert.equal(ws.protocol, '');
    ws.close();
  });
});

describe('throttling of repeated failures', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ bundles: [bundle], authFailureLimit: 3, authFailureWindowSeconds: 60 });
  });
  after(() => server.close());

  test('an address over the limit gets 429 even with the right key; other addresses are unaffected', async () => {
    const bad = { authorization: basicAuth('anonymous', 'nope'), localAddress: '127.0.0.2' };
    for (let i = 0; i < 3; i++) assert.equal((await refusedStatus(server.url, bad)).status, 403);
    const throttled = await refusedStatus(server.url, { localAddress: '127.0.0.2' });
    assert.equal(throttled.status, 429);
    assert.ok(Number(throttled.headers['retry-after']) > 0);
    const other = await openSocket(server.url, { localAddress: '127.0.0.3' });
    other.close();
  });
});

describe('plain HTTP', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ bundles: [bundle] });
  });
  after(() => server.close());

  test('GET /openicf without upgrade answers with the Server header health checks grep for', async () => {
    const r = await httpGet(server.url.replace('ws://', 'http://'));
    assert.equal(r.headers['server'], 'OpenICF Connector Server');
    assert.match(r.body, /OpenICF Connector Server/);
  });

  test('GET /health reports readiness', async () => {
    const r = await httpGet(server.url.replace('ws://', 'http://').replace('/openicf', '/health'));
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body) as { status: string; connectors: number };
    assert.equal(body.status, 'ok');
    assert.equal(body.connectors, 1);
  });

  test('unknown paths: 404, and upgrades elsewhere than /openicf are refused', async () => {
    const r = await httpGet(server.url.replace('ws://', 'http://').replace('/openicf', '/nope'));
    assert.equal(r.status, 404);
    assert.equal((await refusedStatus(server.url.replace('/openicf', '/other'), {})).status, 404);
  });
});

describe('pingPongInterval', () => {
  test('pings arrive at the configured rate', async () => {
    const server = await startServer({ bundles: [bundle], pingPongIntervalSeconds: 1 });
    try {
      const ws = await openSocket(server.url);
      let pings = 0;
      ws.on('ping', () => pings++);
      await new Promise((r) => setTimeout(r, 3300));
      assert.ok(pings >= 2 && pings <= 4, `expected about 3 pings, saw ${pings}`);
      ws.close();
    } finally {
      await server.close();
    }
  });

  test('a peer that does not answer pings is terminated', async () => {
    const server = await startServer({ bundles: [bundle], pingPongIntervalSeconds: 1 });
    try {
      const ws = await openSocket(server.url, { autoPong: false });
      const code = await closeCode(ws, 6000);
      assert.equal(code, 1006, 'terminated without a close frame');
      for (let i = 0; i < 100 && server.listener.connectionCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(server.listener.connectionCount, 0);
    } finally {
      await server.close();
    }
  });

  test('0 disables pings', async () => {
    const server = await startServer({ bundles: [bundle], pingPongIntervalSeconds: 0 });
    try {
      const ws = await openSocket(server.url);
      let pings = 0;
      ws.on('ping', () => pings++);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(pings, 0);
      ws.close();
    } finally {
      await server.close();
    }
  });
});

describe('limits and bad frames', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ bundles: [bundle], maxMessageSize: 64 * 1024 });
  });
  after(() => server.close());

  test('an oversized frame closes that socket with 1009; other sockets keep working', async () => {
    const other = await openSocket(server.url);
    const otherFrames = new FrameQueue(other);
    const big = await openSocket(server.url);
    const closed = closeCode(big);
    big.send(Buffer.alloc(65 * 1024, 1));
    assert.equal(await closed, 1009);
    const reply = await handshake(other, otherFrames);
    assert.ok(reply.response?.handshakeMessage);
    other.close();
  });

  test('garbage and text frames do not break the session', async () => {
    const ws = await openSocket(server.url);
    const frames = new FrameQueue(ws);
    ws.send(Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]));
    ws.send('hello, text frames are ignored');
    const reply = await handshake(ws, frames);
    assert.ok(reply.response?.handshakeMessage);
    ws.close();
  });

  test('idle sockets are closed with 1000', async () => {
    const idle = await startServer({ bundles: [bundle], idleTimeoutSeconds: 1 });
    try {
      const ws = await openSocket(idle.url);
      assert.equal(await closeCode(ws, 8000), 1000);
    } finally {
      await idle.close();
    }
  });
});
