/** Reassembly of streamed parts: order restored, and a peer that skips far ahead is cut off, not buffered. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SequencedStream, MAX_REORDER_GAP, type CallControl } from '../../src/client/remote-call.ts';
import { ConnectorIOException } from '../../src/model/index.ts';

function control(): CallControl<string | null> & { outcome: Promise<{ kind: string; value: unknown }> } {
  let settle!: (v: { kind: string; value: unknown }) => void;
  const outcome = new Promise<{ kind: string; value: unknown }>((r) => (settle = r));
  return {
    outcome,
    resolve: (value) => settle({ kind: 'resolve', value }),
    reject: (value) => settle({ kind: 'reject', value }),
    stop: (value) => settle({ kind: 'stop', value }),
    abort: (value) => settle({ kind: 'abort', value }),
  };
}

test('parts arriving out of order are delivered in sequence, then the final value', async () => {
  const seen: number[] = [];
  const c = control();
  const stream = new SequencedStream<number, string>(async (p) => (seen.push(p), true), c);
  stream.part(2n, 2);
  stream.part(3n, 3);
  stream.end(3n, 'done');
  stream.part(1n, 1);
  const r = await c.outcome;
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(r, { kind: 'resolve', value: 'done' });
});

test('a part far beyond the next expected one aborts the stream with ConnectorIOException', async () => {
  const c = control();
  const stream = new SequencedStream<number, string>(async () => true, c);
  stream.part(MAX_REORDER_GAP + 5n, 0);
  const r = await c.outcome;
  assert.equal(r.kind, 'abort');
  assert.ok(r.value instanceof ConnectorIOException);
});
