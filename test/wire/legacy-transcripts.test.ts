import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { APIConfiguration, GuardedString, Locale } from '../../src/model/index.ts';
import {
  HelloRequest,
  HelloResponse,
  LegacyStreamReader,
  LegacyStreamWriter,
  decodeFacadeKey,
  deserializeLegacy,
} from '../../src/wire/legacy/index.ts';
import { TRANSCRIPTS, assertTreeEquals, hexOf, readJsonLines } from './legacy-support.ts';

/** Protobuf JSON fields that carry legacy blobs (Base64 of the raw stream). */
const LEGACY_FIELDS = new Set([
  'connectorInfos',
  'attributes',
  'createAttributes',
  'replaceAttributes',
  'options',
  'filter',
  'eventFilter',
  'schema',
  'connectorObject',
  'scriptArguments',
  'value',
  'object',
  'password',
  'configurationPropertyChange',
]);

interface Found {
  field: string;
  bytes: Uint8Array;
}

function collect(node: unknown, out: Found[], keys: Found[], parentKey = ''): void {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, out, keys, parentKey);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (typeof v === 'string' && k === 'connectorFacadeKey' && v !== '') {
      keys.push({ field: k, bytes: new Uint8Array(Buffer.from(v, 'base64')) });
    } else if (typeof v === 'string' && LEGACY_FIELDS.has(k) && v !== '') {
      const bytes = new Uint8Array(Buffer.from(v, 'base64'));
      // "value" is also a plain protobuf field name in places; only legacy streams start with the magic.
      if (k !== 'value' || hexOf(bytes.subarray(0, 4)) === '0000fafb') out.push({ field: `${parentKey}.${k}`, bytes });
    } else {
      collect(v, out, keys, k);
    }
  }
}

describe('legacy blobs inside WebSocket transcripts', () => {
  const files = readdirSync(TRANSCRIPTS)
    .filter((f) => f.endsWith('-session.jsonl'))
    .map((f) => join(TRANSCRIPTS, f))
    .concat([join(TRANSCRIPTS, 'ws-raw', 'ws-list-raw.frames.jsonl')]);

  it('has transcripts', () => {
    assert.ok(files.length >= 3);
    for (const f of files) assert.ok(existsSync(f), f);
  });

  for (const file of files) {
    it(`every legacy field of ${file.slice(TRANSCRIPTS.length + 1)} decodes`, () => {
      const blobs: Found[] = [];
      const keys: Found[] = [];
      for (const frame of readJsonLines(file) as Array<{ decoded?: unknown }>) collect(frame.decoded, blobs, keys);
      assert.ok(blobs.length > 0, 'no legacy blobs found');
      for (const b of blobs) {
        assert.doesNotThrow(() => deserializeLegacy(b.bytes), `${b.field} does not decode`);
      }
      for (const k of keys) {
        const cfg = decodeFacadeKey(Buffer.from(k.bytes).toString('utf8'));
        assert.ok(cfg instanceof APIConfiguration);
      }
      const fields = new Set(blobs.map((b) => b.field.split('.').pop()));
      if (file.includes('list')) assert.ok(fields.has('connectorInfos'));
    });
  }
});

describe('legacy TCP protocol streams', () => {
  const dir = join(TRANSCRIPTS, 'legacy');
  const streams = readdirSync(dir)
    .filter((f) => /^legacy-tst-conn\d+-(c2s|s2c)\.bin$/.test(f))
    .sort();
  const chunks = readJsonLines(join(dir, 'legacy-tst-chunks.jsonl')) as Array<{
    connection: number;
    direction: string;
    hex: string;
  }>;

  it('has the captured streams', () => {
    assert.ok(streams.length >= 20, `only ${streams.length} streams`);
  });

  for (const file of streams) {
    it(`${file} decodes object by object, as Java read it`, () => {
      const bytes = new Uint8Array(readFileSync(join(dir, file)));
      const expected = readJsonLines(join(dir, file.replace('.bin', '.decoded.jsonl'))) as Array<{
        javaClass: string;
        value: unknown;
      }>;
      const [, conn, dir2] = /conn(\d+)-(c2s|s2c)/.exec(file)!;
      const direction = dir2 === 'c2s' ? 'client->server' : 'server->client';

      // As the TCP reads arrived.
      const reader = new LegacyStreamReader();
      const treeReader = new LegacyStreamReader();
      const values: unknown[] = [];
      const trees: unknown[] = [];
      for (const c of chunks.filter((x) => x.connection === Number(conn) && x.direction === direction)) {
        const piece = new Uint8Array(Buffer.from(c.hex, 'hex'));
        reader.push(piece);
        treeReader.push(piece);
        for (let v = reader.next(); v; v = reader.next()) values.push(v.value);
        for (let t = treeReader.nextTree(); t; t = treeReader.nextTree()) trees.push(t.value);
      }
      assert.equal(reader.bufferedBytes, 0);
      assert.equal(values.length, expected.length);
      assert.equal(trees.length, expected.length);
      // The recorded structures come from a Java decode, so hash-ordered collections may be in another order.
      expected.forEach((e, i) => assertTreeEquals(trees[i] as never, e.value, `object #${i + 1}`, true));

      // Every c2s stream opens with the locale and the shared key ("changeit").
      if (dir2 === 'c2s') {
        assert.ok(values[0] instanceof Locale);
        assert.ok(values[1] instanceof GuardedString);
        (values[1] as GuardedString).access((s) => assert.equal(s, 'changeit'));
      }
      if (conn === '1' && dir2 === 'c2s') assert.ok(values[2] instanceof HelloRequest);
      if (conn === '1' && dir2 === 's2c') assert.ok(values[0] instanceof HelloResponse);

      // Re-encoding the same objects through one stream writer gives back a stream that reads the same.
      const writer = new LegacyStreamWriter();
      const again = Buffer.concat(values.map((v) => writer.write(v)));
      const check = new LegacyStreamReader();
      check.push(again);
      for (const e of expected) {
        const t = check.nextTree();
        assert.ok(t);
        assert.equal(JSON.stringify(t.value.type), JSON.stringify((e.value as { type: unknown }).type));
      }
      assert.equal(check.next(), undefined);
    });
  }

  it('reads a stream fed one byte at a time', () => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'legacy-tst-conn1-s2c.bin')));
    const reader = new LegacyStreamReader();
    let count = 0;
    for (let i = 0; i < bytes.length; i++) {
      reader.push(bytes.subarray(i, i + 1));
      for (let v = reader.next(); v; v = reader.next()) count++;
    }
    assert.equal(count, readJsonLines(join(dir, 'legacy-tst-conn1-s2c.decoded.jsonl')).length);
  });
});
