import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import {
  APIConfiguration,
  GuardedString,
} from '../../src/model/index.ts';
import {
  LEGACY_REGISTRY,
  LegacyStreamReader,
  LegacyStreamWriter,
  decodeFacadeKey,
  decodeLegacyTree,
  deserializeBinaryObject,
  encodeFacadeKey,
  serializeBinaryObject,
} from '../../src/wire/legacy/index.ts';
import { assertTreeEquals, hexOf, readJson, vectorBin, vectorIndex, vectorJson, VECTORS } from './legacy-support.ts';

describe('legacy serializer: golden vectors', () => {
  const index = vectorIndex();

  it('has the vectors', () => {
    assert.ok(index.length >= 160, `only ${index.length} vectors`);
    assert.ok(readdirSync(VECTORS).filter((f) => f.endsWith('.bin')).length >= 160);
  });

  it('registers every serial type in Java order', () => {
    const registry = readJson(`${VECTORS}/_registry.json`) as Array<{ serialType: string; hasSerializer: boolean }>;
    assert.deepStrictEqual(
      LEGACY_REGISTRY.map((e) => [e.name, e.handler !== null]),
      registry.map((e) => [e.serialType, e.hasSerializer]),
    );
  });

  for (const entry of index) {
    const bin = vectorBin(entry.name);
    if (!bin) {
      it(`${entry.name}: Java refused it, so there is no .bin`, () => {
        assert.ok(entry.error, `${entry.name} has neither bytes nor an error`);
      });
      continue;
    }
    it(`${entry.name}: ${entry.description}`, () => {
      const json = vectorJson(entry.name);
      assert.equal(hexOf(bin), json.hex);
      if (json.values) {
        // A multi-object stream: one shared constant pool.
        const reader = new LegacyStreamReader();
        reader.push(bin);
        const expected = json.values as unknown[];
        const writer = new LegacyStreamWriter();
        const chunks: Uint8Array[] = [];
        const trees = new LegacyStreamReader();
        trees.push(bin);
        for (const value of expected) {
          const tree = trees.nextTree();
          assert.ok(tree, 'tree stream ended early');
          assertTreeEquals(tree.value, value);
          const next = reader.next();
          assert.ok(next, 'stream ended early');
          chunks.push(writer.write(next.value));
        }
        assert.equal(reader.next(), undefined);
        assert.equal(reader.bufferedBytes, 0);
        assert.equal(hexOf(Buffer.concat(chunks)), hexOf(bin));
        return;
      }
      assertTreeEquals(decodeLegacyTree(bin), json.value);
      const value = deserializeBinaryObject(bin);
      if (entry.roundTripBytesIdentical) {
        assert.equal(hexOf(serializeBinaryObject(value)), hexOf(bin), 're-encoding differs');
      } else {
        // Still a valid stream that decodes to the same structure.
        const again = serializeBinaryObject(value);
        assert.ok(decodeLegacyTree(again));
      }
      if (typeof json.connectorFacadeKey === 'string') {
        assert.equal(Buffer.from(bin).toString('base64'), json.connectorFacadeKey);
        const cfg = decodeFacadeKey(json.connectorFacadeKey);
        assert.ok(cfg instanceof APIConfiguration);
        assert.equal(cfg.configurationProperties.names.join(','), (value as APIConfiguration).configurationProperties.names.join(','));
      }
    });
  }

  for (const name of ['wire_facadekey_tst', 'wire_facadekey_csv']) {
    it(`${name}: the facade key a real client sent decodes to an APIConfiguration`, () => {
      const json = vectorJson(name);
      const bin = vectorBin(name)!;
      assert.equal(Buffer.from(bin).toString('base64'), json.connectorFacadeKey);
      const cfg = decodeFacadeKey(json.connectorFacadeKey as string);
      assert.ok(cfg instanceof APIConfiguration);
      assert.ok(cfg.configurationProperties.properties.length > 0);
      assert.ok(cfg.supportedOperations.length > 0);
      // The structure Java saw after decoding, field for field at the top level.
      const tree = decodeLegacyTree(bin);
      const expected = json.valueAfterJavaDecode as { type: string; fields: Array<{ field: string }> };
      assert.equal(tree.type, expected.type);
      assert.deepStrictEqual(
        new Set(tree.fields!.map((f) => f.field)),
        new Set(expected.fields.map((f) => f.field)),
      );
      // Our own key for this configuration is stable and decodes to the same properties.
      const key = encodeFacadeKey(cfg);
      assert.equal(encodeFacadeKey(decodeFacadeKey(key)), key);
      assert.deepStrictEqual(decodeFacadeKey(key).configurationProperties.names, cfg.configurationProperties.names);
    });
  }

  it('the csv facade key carries its configuration values, GuardedStrings included', () => {
    const cfg = decodeFacadeKey(vectorJson('wire_facadekey_csv').connectorFacadeKey as string);
    const values = cfg.configurationProperties.properties.map((p) => p.value);
    assert.ok(values.some((v) => typeof v === 'string' && v.length > 0));
    for (const v of values) if (v instanceof GuardedString) v.access((s) => assert.equal(typeof s, 'string'));
  });
});
