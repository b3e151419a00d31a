/**
 * Mutated real frames (bit flips, truncations, spliced legacy blobs) thrown at one authenticated session: the
 * server answers or drops each, never crashes, and the session still works afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { startServer } from '../../src/server/index.ts';
import { encodeFacadeKey } from '../../src/wire/legacy/index.ts';
import { create, encodeRemoteMessage, RemoteMessageSchema } from '../../src/wire/protobuf/index.ts';
import { openSocket, FrameQueue, handshake } from '../support/raw-peer.ts';
import { conformancePath } from '../support/conformance.ts';

function clientFrames(): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (const file of ['ws-tst-session.jsonl', 'ws-csv-session.jsonl']) {
    for (const line of readFileSync(conformancePath('transcripts', file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const f = JSON.parse(line) as { direction: string; frame: string; hex?: string };
      if (f.direction === 'client->server' && f.frame === 'binary' && f.hex) frames.push(Buffer.from(f.hex, 'hex'));
    }
  }
  return frames;
}

test('500 mutated client frames: no crash, the session keeps serving', { timeout: 120_000 }, async () => {
  const server = await startServer({ bundleDir: true, maxMessageSize: 1024 * 1024 });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    const originals = clientFrames();
    assert.ok(originals.length > 20, 'transcripts provide frames to mutate');
    const ws = await openSocket(server.url);
    const frames = new FrameQueue(ws);
    await handshake(ws, frames);
    const mutation = fc.record({
      index: fc.nat(originals.length - 1),
      kind: fc.constantFrom('flip', 'truncate', 'splice', 'duplicate'),
      at: fc.nat(),
      bits: fc.integer({ min: 1, max: 255 }),
    });
    const samples = fc.sample(mutation, { numRuns: 500, seed: 424242 });
    for (const m of samples) {
      const base = Buffer.from(originals[m.index]!);
      let bytes: Buffer;
      const at = base.length ? m.at % base.length : 0;
      if (m.kind === 'flip') {
        bytes = Buffer.from(base);
        bytes[at] = bytes[at]! ^ m.bits;
      } else if (m.kind === 'truncate') {
        bytes = base.subarray(0, at);
      } else if (m.kind === 'splice') {
        const other = originals[(m.index + m.bits) % originals.length]!;
        bytes = Buffer.concat([base.subarray(0, at), Buffer.from(other).subarray(at % Math.max(1, other.length))]);
      } else {
        bytes = Buffer.concat([base, base]);
      }
      ws.send(bytes);
    }
    // The session still runs an operation end to end.
    const info = server.registry.connectorInfos().find((i) => i.connectorKey.bundleName === 'org.openicf.rcs.memory')!;
    const k = info.connectorKey;
    const id = 999_999n;
    ws.send(
      encodeRemoteMessage(
        create(RemoteMessageSchema, {
          messageId: id,
          request: {
            operationRequest: {
              connectorKey: { bundleName: k.bundleName, bundleVersion: k.bundleVersion, connectorName: k.connectorName },
              connectorFacadeKey: new TextEncoder().encode(encodeFacadeKey(info.defaultApiConfiguration)),
              testOpRequest: {},
            },
          },
        }),
      ),
    );
    const reply = await frames.next((m) => m.messageId === id, 30_000);
    assert.ok(reply.response?.operationResponse?.testOpResponse, 'test answered after the fuzzing');
    ws.close();
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await server.close();
  }
});
