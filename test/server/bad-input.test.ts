/**
 * Hostile or broken operation requests on an authenticated session: each gets an ExceptionMessage with the right
 * Java class, and the session (and the server) keep working.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { encodeFacadeKey, serializeLegacy } from '../../src/wire/legacy/index.ts';
import {
  create,
  encodeRemoteMessage,
  RemoteMessageSchema,
  type MessageInitShape,
  type RemoteMessage,
  OperationRequestSchema,
} from '../../src/wire/protobuf/index.ts';
import { Attribute, Uid } from '../../src/model/index.ts';
import { openSocket, FrameQueue, handshake } from '../support/raw-peer.ts';

const MEMORY = {
  bundleName: 'org.openicf.rcs.memory',
  bundleVersion: '1.0.0.0',
  connectorName: 'org.openicf.rcs.memory.MemoryConnector',
};

let server: RunningServer;
let ws: WebSocket;
let frames: FrameQueue;
let facadeKey: Uint8Array;
let nextId = 100n;

before(async () => {
  server = await startServer({ bundleDir: true });
  const info = server.registry.connectorInfos().find((i) => i.connectorKey.connectorName === MEMORY.connectorName)!;
  facadeKey = new TextEncoder().encode(encodeFacadeKey(info.defaultApiConfiguration));
  ws = await openSocket(server.url);
  frames = new FrameQueue(ws);
  await handshake(ws, frames);
});
after(async () => {
  ws.close();
  await server.close();
});

async function call(op: MessageInitShape<typeof OperationRequestSchema>): Promise<RemoteMessage> {
  const id = nextId++;
  ws.send(encodeRemoteMessage(create(RemoteMessageSchema, { messageId: id, request: { operationRequest: op } })));
  return frames.next((m) => m.messageId === id && m.response !== undefined);
}

function errorClass(m: RemoteMessage): string | undefined {
  return m.response?.error?.exceptionClass;
}

const FW = 'org.identityconnectors.framework.common.exceptions.';

test('unknown connector: ConnectorException "Connector not found"', async () => {
  const r = await call({ connectorKey: { ...MEMORY, bundleVersion: '9.9' }, connectorFacadeKey: facadeKey, testOpRequest: {} });
  assert.equal(errorClass(r), FW + 'ConnectorException');
  assert.match(r.response!.error!.message, /Connector not found/);
  assert.ok(r.response!.error!.stackTrace.length > 0, 'a stack trace is always sent, as Java does');
});

test('a facade key that is not base64, or base64 of garbage: an error, not a crash', async () => {
  for (const key of ['not base64 at all!', Buffer.from('garbage bytes here').toString('base64'), '']) {
    const r = await call({ connectorKey: MEMORY, connectorFacadeKey: new TextEncoder().encode(key), testOpRequest: {} });
    assert.ok(errorClass(r), `an error for facade key ${JSON.stringify(key)}`);
  }
});

test('garbage legacy blobs in options, filter and attributes: errors under the same id', async () => {
  const garbage = new Uint8Array([0, 0, 0xfa, 0xfb, 0, 0, 0, 2, 0, 0, 0, 1, 0xff, 0xff]);
  const search = await call({ connectorKey: MEMORY, connectorFacadeKey: facadeKey, searchOpRequest: { objectClass: '__ACCOUNT__', filter: garbage } });
  assert.ok(errorClass(search));
  const opts = await call({ connectorKey: MEMORY, connectorFacadeKey: facadeKey, deleteOpRequest: { objectClass: '__ACCOUNT__', uid: { value: '1' }, options: garbage } });
  assert.ok(errorClass(opts));
  const attrs = await call({ connectorKey: MEMORY, connectorFacadeKey: facadeKey, createOpRequest: { objectClass: '__ACCOUNT__', createAttributes: garbage } });
  assert.ok(errorClass(attrs));
});

test('framework checks: __UID__ in create attributes, __ALL__ object class, unknown uid', async () => {
  const withUid = serializeLegacy(new Set([new Uid('x'), new Attribute('__NAME__', ['n'])]));
  const r1 = await call({ connectorKey: MEMORY, connectorFacadeKey: facadeKey, createOpRequest: { objectClass: '__ACCOUNT__', createAttributes: withUid } });
  assert.equal(errorClass(r1), FW + 'InvalidAttributeValueException');
  const r2 = await call({ connectorKey: MEMORY, connectorFacadeKey: facadeKey, searchOpRequest: { objectClass: '__ALL__' } });
  assert.equal(errorClass(r2), 'java.lang.UnsupportedOperationException');
  const r3 = await call({ connectorKey: MEMORY, connectorFacadeKey: facadeKey, deleteOpRequest: { objectClass: '__ACCOUNT__', uid: { value: 'nobody' } } });
  assert.equal(errorClass(r3), FW + 'UnknownUidException');
});

test('an operation request with no operation: "Unknown OperationRequest"', async () => {
  const r = await call({ connectorKey: MEMORY, connectorFacadeKey: facadeKey });
  assert.equal(errorClass(r), FW + 'ConnectorException');
});

test('after all that, the same session still runs operations', async () => {
  const r = await call({ connectorKey: MEMORY, connectorFacadeKey: facadeKey, testOpRequest: {} });
  assert.ok(r.response?.operationResponse?.testOpResponse, 'test answered');
  assert.equal(errorClass(r), undefined);
});
