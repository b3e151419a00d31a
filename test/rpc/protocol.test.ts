/** The engine on raw sockets: handshake, control exchange, routing, malformed input, transcript replay. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { create } from '@bufbuild/protobuf';
import * as pb from '../../src/wire/protobuf/index.ts';
import { encodeFacadeKey } from '../../src/wire/legacy/index.ts';
import { decodeConnectorInfos } from '../../src/rpc/index.ts';
import { ConnectorInfo } from '../../src/model/index.ts';
import { RawClient, startServer, type TestServer } from './helpers.ts';
import { conformancePath } from '../support/conformance.ts';

let server: TestServer;
const clients: RawClient[] = [];

before(async () => {
  server = await startServer();
});

after(async () => {
  for (const c of clients) await c.close();
  await server?.close();
});

async function open(): Promise<RawClient> {
  const c = await RawClient.open(server.url);
  clients.push(c);
  return c;
}

/** Handshakes, answers the server's ControlRequest, and returns the server's connector infos. */
async function session(c: RawClient): Promise<ConnectorInfo[]> {
  c.send(c.handshakeMessage());
  await c.waitFor((m) => m.response?.handshakeMessage !== undefined);
  const ctl = await c.waitFor((m) => m.request?.controlRequest !== undefined);
  c.send(create(pb.RemoteMessageSchema, { messageId: ctl.messageId, response: { controlResponse: {} } }));
  c.send(create(pb.RemoteMessageSchema, { messageId: 1n, request: { controlRequest: { infoLevel: [pb.ControlRequest_InfoLevel.CONNECTOR_INFO] } } }));
  const resp = await c.waitFor((m) => m.messageId === 1n && m.response?.controlResponse !== undefined);
  return decodeConnectorInfos(resp.response!.controlResponse!.connectorInfos);
}

function testRequest(id: bigint, info: ConnectorInfo, op: Record<string, unknown> = { testOpRequest: {} }): pb.RemoteMessage {
  return create(pb.RemoteMessageSchema, {
    messageId: id,
    request: {
      operationRequest: {
        connectorKey: { bundleName: info.connectorKey.bundleName, bundleVersion: info.connectorKey.bundleVersion, connectorName: info.connectorKey.connectorName },
        connectorFacadeKey: new TextEncoder().encode(encodeFacadeKey(info.defaultApiConfiguration)),
        ...op,
      } as pb.MessageInitShape<typeof pb.OperationRequestSchema>,
    },
  });
}

test('a request before the handshake is answered with an error under its id', async () => {
  const c = await open();
  c.send(create(pb.RemoteMessageSchema, { messageId: 7n, request: { controlRequest: {} } }));
  const reply = await c.waitFor((m) => m.messageId === 7n);
  assert.equal(reply.response?.error?.message, 'Connection received request before handshake');
  assert.equal(reply.response?.error?.exceptionClass, 'org.identityconnectors.framework.common.exceptions.ConnectorException');
});

test('handshake, then the server asks for connector infos with id 1 and answers ours', async () => {
  const c = await open();
  c.send(c.handshakeMessage());
  const hs = await c.waitFor((m) => m.response?.handshakeMessage !== undefined);
  assert.equal(hs.messageId, 0n);
  assert.match(hs.response!.handshakeMessage!.sessionId, /^[0-9A-F]{40}$/);
  assert.equal(hs.response!.handshakeMessage!.serverType, pb.HandshakeMessage_ServerType.JAVA);
  assert.ok(hs.response!.handshakeMessage!.publicKey.length > 150);
  const ctl = await c.waitFor((m) => m.request?.controlRequest !== undefined);
  assert.equal(ctl.messageId, 1n);
  assert.deepEqual(ctl.request!.controlRequest!.infoLevel, [pb.ControlRequest_InfoLevel.CONNECTOR_INFO]);
  assert.deepEqual(ctl.request!.controlRequest!.remoteRequestId, [1n]);
  c.send(create(pb.RemoteMessageSchema, { messageId: 1n, response: { controlResponse: {} } }));
  c.send(create(pb.RemoteMessageSchema, { messageId: 1n, request: { controlRequest: { infoLevel: [pb.ControlRequest_InfoLevel.CONNECTOR_INFO] } } }));
  const resp = await c.waitFor((m) => m.messageId === 1n && m.response?.controlResponse !== undefined);
  const infos = decodeConnectorInfos(resp.response!.controlResponse!.connectorInfos);
  assert.equal(infos.length, 1);
  assert.equal(infos[0]!.connectorCategoryKey, null);
  // Without CONNECTOR_INFO the ControlResponse is empty but present.
  c.send(create(pb.RemoteMessageSchema, { messageId: 2n, request: { controlRequest: {} } }));
  const empty = await c.waitFor((m) => m.messageId === 2n);
  assert.equal(empty.response?.controlResponse?.connectorInfos.length, 0);
});

test('an unknown connector gets "Connector not found" with the key in text format', async () => {
  const c = await open();
  const [info] = await session(c);
  const bogus = new ConnectorInfo(
    { ...info!.connectorKey, bundleVersion: '9.9' } as ConnectorInfo['connectorKey'],
    info!.connectorDisplayNameKey,
    info!.messages,
    info!.defaultApiConfiguration,
  );
  c.send(testRequest(5n, bogus));
  const reply = await c.waitFor((m) => m.messageId === 5n && m.response !== undefined);
  assert.equal(reply.response?.error?.exceptionClass, 'org.identityconnectors.framework.common.exceptions.ConnectorException');
  assert.match(reply.response?.error?.message ?? '', /^Connector not found: bundleName: "test.memory"\nbundleVersion: "9.9"\n/);
  assert.ok((reply.response?.error?.stackTrace ?? '').length > 0);
});

test('garbage frames are answered or dropped and the session keeps working', async () => {
  const c = await open();
  const [info] = await session(c);
  c.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]));
  c.ws.send('hello', { binary: false });
  // messageId 9, then a request whose length runs past the end of the frame.
  c.send(new Uint8Array([0x08, 0x09, 0x12, 0x40, 0x1a, 0x00]));
  const err = await c.waitFor((m) => m.messageId === 9n);
  assert.ok(err.response?.error);
  // A well-formed request with a bad legacy blob in a field.
  c.send(testRequest(10n, info!, { createOpRequest: { objectClass: '__ACCOUNT__', createAttributes: new Uint8Array([0, 0, 0xfa, 0xfb, 0, 0, 0, 2, 9, 9]) } }));
  const bad = await c.waitFor((m) => m.messageId === 10n);
  assert.ok(bad.response?.error, 'bad blob gives an error');
  c.send(testRequest(11n, info!));
  const ok = await c.waitFor((m) => m.messageId === 11n);
  assert.ok(ok.response?.operationResponse?.testOpResponse, 'session still works');
});

test('a cancel that arrives before its request suppresses it', async () => {
  const c = await open();
  const [info] = await session(c);
  c.send(create(pb.RemoteMessageSchema, { messageId: 20n, request: { cancelOpRequest: {} } }));
  c.send(testRequest(20n, info!));
  c.send(testRequest(21n, info!));
  await c.waitFor((m) => m.messageId === 21n);
  c.send(testRequest(22n, info!));
  await c.waitFor((m) => m.messageId === 22n);
  assert.equal(c.received.filter((m) => m.messageId === 20n).length, 0);
});

test('two sockets with one sessionId form one session; responses use either socket', async () => {
  const before = server.engine.sessionCount();
  const a = await open();
  const b = await RawClient.open(server.url);
  clients.push(b);
  (b as unknown as { identity: unknown }).identity; // same identity below
  const [info] = await session(a);
  b.send(create(pb.RemoteMessageSchema, {
    request: { handshakeMessage: { sessionId: a.identity.sessionId, serverType: pb.HandshakeMessage_ServerType.JAVA, publicKey: a.identity.publicKey } },
  }));
  await b.waitFor((m) => m.response?.handshakeMessage !== undefined);
  assert.equal(server.engine.sessionCount(), before + 1);
  // No second connector-info request for a socket joining an existing session.
  for (let i = 0n; i < 6n; i++) a.send(testRequest(100n + i, info!));
  const all = async (): Promise<number> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const n = [...a.received, ...b.received].filter((m) => m.messageId >= 100n && m.messageId < 106n).length;
      if (n === 6 || Date.now() > deadline) return n;
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  assert.equal(await all(), 6);
  assert.ok(b.received.some((m) => m.messageId >= 100n && m.messageId < 106n), 'some responses went out on the other socket');
  assert.equal(b.received.filter((m) => m.request?.controlRequest).length, 0);
});

interface FrameLine {
  seq: number;
  connection: number;
  direction: string;
  frame: string;
  hex?: string;
  decoded?: { messageId: string; request?: Record<string, unknown>; response?: Record<string, unknown> };
}

function kindOf(d: NonNullable<FrameLine['decoded']>): string {
  const part = d.request ? 'request' : 'response';
  const body = (d.request ?? d.response)!;
  return `${part}.${Object.keys(body)[0]}`;
}

function kindOfMessage(m: pb.RemoteMessage): string {
  if (m.request) {
    const r = m.request;
    return `request.${r.handshakeMessage ? 'handshakeMessage' : r.controlRequest ? 'controlRequest' : r.operationRequest ? 'operationRequest' : 'cancelOpRequest'}`;
  }
  const r = m.response!;
  return `response.${r.handshakeMessage ? 'handshakeMessage' : r.controlResponse ? 'controlResponse' : r.operationResponse ? 'operationResponse' : 'error'}`;
}

test('replay of a recorded Java list session gives the same response structure', async () => {
  const fresh = await startServer();
  const sockets = new Map<number, RawClient>();
  try {
    const lines = readFileSync(conformancePath('transcripts/ws-list-session.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as FrameLine);
    for (const conn of new Set(lines.map((l) => l.connection))) sockets.set(conn, await RawClient.open(fresh.url));
    const consumed = new Map<number, number>();
    for (const line of lines) {
      if (line.frame !== 'binary' || !line.decoded) continue;
      const socket = sockets.get(line.connection)!;
      if (line.direction === 'client->server') {
        socket.send(new Uint8Array(Buffer.from(line.hex!, 'hex')));
        continue;
      }
      const wantId = BigInt(line.decoded.messageId);
      const wantKind = kindOf(line.decoded);
      const start = consumed.get(line.connection) ?? 0;
      const got = await socket.waitFor((m) => socket.received.indexOf(m) >= start && m.messageId === wantId && kindOfMessage(m) === wantKind);
      consumed.set(line.connection, socket.received.indexOf(got) + 1);
      if (wantKind === 'request.controlRequest') {
        const want = line.decoded.request!.controlRequest as { infoLevel: string[]; remoteRequestId: string[] };
        assert.deepEqual(got.request!.controlRequest!.infoLevel.map((l) => pb.ControlRequest_InfoLevel[l]), want.infoLevel);
        assert.deepEqual(got.request!.controlRequest!.remoteRequestId.map(String), want.remoteRequestId);
      }
      if (wantKind === 'response.controlResponse') {
        assert.ok(decodeConnectorInfos(got.response!.controlResponse!.connectorInfos).length > 0);
      }
    }
    assert.equal(fresh.engine.sessionCount(), 1);
  } finally {
    for (const s of sockets.values()) await s.close();
    await fresh.close();
  }
});
