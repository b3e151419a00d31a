/** A large object arriving in many small chunks decodes once complete, and the stream goes on after it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LegacyStreamReader, LegacyStreamWriter } from '../../src/wire/legacy/index.ts';

test('an 8 MB object pushed in 4 KB chunks decodes, and nothing comes out before its last byte', { timeout: 60_000 }, () => {
  const items = Array.from({ length: 8192 }, (_, i) => `${i}:`.padEnd(1024, 'x'));
  const writer = new LegacyStreamWriter();
  const bytes = Buffer.concat([writer.write(items), writer.write('after')]);
  const reader = new LegacyStreamReader();
  const out: unknown[] = [];
  let firstCompleteAt = -1;
  for (let off = 0; off < bytes.length; off += 4096) {
    reader.push(bytes.subarray(off, Math.min(off + 4096, bytes.length)));
    for (let r = reader.next(); r; r = reader.next()) {
      if (firstCompleteAt < 0) firstCompleteAt = off;
      out.push(r.value);
    }
  }
  assert.equal(out.length, 2);
  assert.deepEqual(out[0], items);
  assert.equal(out[1], 'after');
  assert.ok(firstCompleteAt >= bytes.length - 4096 - 64, 'the list completed only with its last chunk');
});
