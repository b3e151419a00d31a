/**
 * CancelOpRequest on the wire: never answered itself; a cancelled search stops the connector and ends with the
 * final message (sequence = parts sent), as the Java server does; a cancel that comes first suppresses the request.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { encodeFacadeKey, serializeLegacy } from '../../src/wire/legacy/index.ts';
import { create, encodeRemoteMessage, RemoteMessageSchema, type RemoteMessage } from '../../src/wire/protobuf/index.ts';
import { OperationOptions } from '../../src/model/index.ts';
import { openSocket, FrameQueue, handshake } from '../support/raw-peer.ts';

const BENCH = { bundleName: 'org.openicf.rcs.benchmark', bundleVersion: '1.0.0.0', connectorName: 'org.openicf.rcs.benchmark.BenchmarkConnector' };

let server: RunningServer;
let ws: WebSocket;
let frames: FrameQueue;
let facadeKey: Uint8Array;

before(async () => {
  server = await startServer({ bundleDir: true });
  const info = server.registry.connectorInfos().find((i) => i.connectorKey.connectorName === BENCH.connectorName)!;
  const cfg = info.defaultApiConfiguration;
  cfg.configurationProperties.setValue('numResults', 100_000);
  facadeKey = new TextEncoder().encode(encodeFacadeKey(cfg));
  ws = await openSocket(server.url);
  frames = new FrameQueue(ws);
  await handshake(ws, frames);
});
after(async () => {
  ws.close();
  await server.close();
});

function slowSearch(id: bigint): Uint8Array {
  const options = serializeLegacy(new OperationOptions(new Map([['delay', 20]])));
  return encodeRemoteMessage(
    create(RemoteMessageSchema, {
      messageId: id,
      request: { operationRequest: { connectorKey: BENCH, connectorFacadeKey: facadeKey, searchOpRequest: { objectClass: '__ACCOUNT__', options } } },
    }),
  );
}

function cancel(id: bigint): Uint8Array {
  return encodeRemoteMessage(create(RemoteMessageSchema, { messageId: id, request: { cancelOpRequest: {} } }));
}

const isFinal = (id: bigint) => (m: RemoteMessage) =>
  m.messageId === id && (m.response?.error !== undefined || (m.response?.operationResponse?.searchOpResponse !== undefined && m.response.operationResponse.searchOpResponse.connectorObject === undefined));

test('a cancelled search stops and ends with its final message, not an error', async () => {
  const id = 7n;
  ws.send(slowSearch(id));
  let parts = 0n;
  for (let i = 0; i < 3; i++) {
    const part = await frames.next((m) => m.messageId === id && m.response?.operationResponse?.searchOpResponse?.connectorObject !== undefined);
    parts = part.response!.operationResponse!.searchOpResponse!.sequence;
  }
  ws.send(cancel(id));
  const final = await frames.next(isFinal(id));
  assert.equal(final.response?.error, undefined, 'no error after a cancel');
  const sequence = final.response!.operationResponse!.searchOpResponse!.sequence;
  assert.ok(sequence >= parts && sequence < 100n, `the connector stopped early (final sequence ${sequence})`);
  // Nothing more comes for that id.
  await assert.rejects(frames.next((m) => m.messageId === id, 300));
});

test('a cancel that arrives before its request suppresses the operation; cancels are never answered', async () => {
  const id = 8n;
  ws.send(cancel(id));
  ws.send(slowSearch(id));
  await assert.rejects(frames.next((m) => m.messageId === id, 500), /timed out/);
});
