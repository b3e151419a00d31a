import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  LegacyFormatError,
  LegacyStreamReader,
  decodeFacadeKey,
  decodeLegacyTree,
  deserializeLegacy,
  serializeLegacy,
} from '../../src/wire/legacy/index.ts';
import type { LegacyWireErrorCode } from '../../src/wire/legacy/index.ts';
import { vectorBin, vectorIndex } from './legacy-support.ts';

function isLegacyError(code?: LegacyWireErrorCode, text?: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof LegacyFormatError, `expected LegacyFormatError, got ${String(e)}`);
    if (code) assert.equal(e.code, code, e.message);
    if (text) assert.ok(e.message.includes(text), e.message);
    return true;
  };
}

/** Builds a single-object stream: header, the given pool, then the record bytes. */
function stream(pool: string[], record: number[]): Uint8Array {
  const parts: Buffer[] = [Buffer.from('0000fafb00000002', 'hex'), int(pool.length)];
  pool.forEach((name, code) => {
    const b = Buffer.from(name, 'utf8');
    parts.push(int(b.length), b, int(code));
  });
  parts.push(Buffer.from(record));
  return new Uint8Array(Buffer.concat(parts));
}

function int(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function bytesOfInt(n: number): number[] {
  return [...int(n)];
}

/** A record of type code 0 with one anonymous field holding `payload`. */
function anonRecord(payload: number[]): number[] {
  return [0x3d, ...bytesOfInt(0), 0x46, ...bytesOfInt(payload.length), ...payload, 0x48];
}

describe('legacy serializer: malformed input', () => {
  const vectors = vectorIndex()
    .map((e) => ({ name: e.name, bin: vectorBin(e.name) }))
    .filter((v): v is { name: string; bin: Uint8Array } => v.bin !== undefined);

  it('every truncation of every vector is a LegacyFormatError', () => {
    let checked = 0;
    // (A multi-object stream cut after its first object is a valid single-object stream.)
    for (const { name, bin } of vectors.filter((v) => !v.name.startsWith('stream_'))) {
      // Every offset of the small ones; an even spread over the large ones.
      const step = bin.length <= 4096 ? 1 : Math.ceil(bin.length / 1500);
      for (let n = 1; n < bin.length; n += step) {
        const cut = bin.subarray(0, n);
        assert.throws(() => deserializeLegacy(cut), isLegacyError(undefined), `${name} cut at ${n}`);
        assert.throws(() => decodeLegacyTree(cut), isLegacyError(undefined), `${name} tree cut at ${n}`);
        checked++;
      }
    }
    assert.ok(checked > 10000);
  });

  it('empty bytes are null (MessagesUtil), but not a tree', () => {
    assert.equal(deserializeLegacy(new Uint8Array(0)), null);
    assert.equal(serializeLegacy(null).length, 0);
    assert.throws(() => decodeLegacyTree(new Uint8Array(0)), isLegacyError('TRUNCATED'));
  });

  it('bad magic and bad version', () => {
    const ok = stream(['String'], anonRecord([0, 0, 0, 1, 0x41]));
    assert.equal(deserializeLegacy(ok), 'A');
    const badMagic = ok.slice();
    badMagic[3] = 0xfc;
    assert.throws(() => deserializeLegacy(badMagic), isLegacyError('BAD_MAGIC'));
    const badVersion = ok.slice();
    badVersion[7] = 3;
    assert.throws(() => deserializeLegacy(badVersion), isLegacyError('BAD_VERSION', '3'));
  });

  it('unknown type names', () => {
    assert.throws(() => deserializeLegacy(stream(['NoSuchType'], [0x3d, 0, 0, 0, 0, 0x48])), isLegacyError('UNKNOWN_TYPE', 'No deserializer for type: NoSuchType'));
    // Descriptor-only names have no handler either.
    assert.throws(() => deserializeLegacy(stream(['CreateApiOp'], [0x3d, 0, 0, 0, 0, 0x48])), isLegacyError('UNKNOWN_TYPE', 'CreateApiOp'));
    // The raw tree still shows it, guessing kinds.
    const tree = decodeLegacyTree(stream(['NoSuchType'], anonRecord([0, 0, 0, 2, 0x68, 0x69])));
    assert.deepStrictEqual(tree, { type: 'NoSuchType', fields: [{ field: null, kind: 'string', value: 'hi' }] });
  });

  it('undeclared codes, bad descriptor and field tag bytes', () => {
    assert.throws(() => deserializeLegacy(stream(['String'], [0x3d, 0, 0, 0, 7, 0x48])), isLegacyError('UNDECLARED_CODE', 'Undeclared code: 7'));
    assert.throws(() => deserializeLegacy(stream(['String'], [0x3d, 0, 0, 0, 0, 0x47, 0, 0, 0, 9, 0, 0, 0, 0, 0x48])), isLegacyError('UNDECLARED_CODE'));
    assert.throws(() => deserializeLegacy(stream(['String'], [0x3f, 0x48])), isLegacyError('BAD_DESCRIPTOR', 'Bad type value: 63'));
    assert.throws(() => deserializeLegacy(stream(['String'], [0x3d, 0, 0, 0, 0, 0x49])), isLegacyError('BAD_FIELD_TAG', 'Unknown type: 73'));
    assert.throws(() => deserializeLegacy(stream(['String'], [0x3e, 0x3c, 0x48])), isLegacyError('BAD_DESCRIPTOR'));
  });

  it('negative and oversized lengths and counts fail at once', () => {
    const poolHuge = new Uint8Array(Buffer.concat([Buffer.from('0000fafb00000002', 'hex'), int(0x7fffffff)]));
    assert.throws(() => deserializeLegacy(poolHuge), isLegacyError('TRUNCATED'));
    const poolNegative = new Uint8Array(Buffer.concat([Buffer.from('0000fafb00000002', 'hex'), int(-1)]));
    assert.throws(() => deserializeLegacy(poolNegative), isLegacyError('BAD_LENGTH'));
    const fieldNegative = stream(['String'], [0x3d, 0, 0, 0, 0, 0x46, ...bytesOfInt(-5), 0x48]);
    assert.throws(() => deserializeLegacy(fieldNegative), isLegacyError('BAD_LENGTH'));
    const fieldHuge = stream(['String'], [0x3d, 0, 0, 0, 0, 0x46, ...bytesOfInt(0x7ffffff0), 0x48]);
    assert.throws(() => deserializeLegacy(fieldHuge), isLegacyError('TRUNCATED'));
    const stringHuge = stream(['String'], anonRecord([...bytesOfInt(0x7fffffff), 0x41]));
    assert.throws(() => deserializeLegacy(stringHuge), isLegacyError('TRUNCATED'));
    const stringNegative = stream(['String'], anonRecord([...bytesOfInt(-1)]));
    assert.throws(() => deserializeLegacy(stringNegative), isLegacyError('BAD_LENGTH'));
    const nameHuge = new Uint8Array(Buffer.concat([Buffer.from('0000fafb00000002', 'hex'), int(1), int(0x7fffffff)]));
    assert.throws(() => deserializeLegacy(nameHuge), isLegacyError('TRUNCATED'));
  });

  it('deep nesting is refused, both ways', () => {
    let rec: number[] = [0x3c, 0x48];
    for (let i = 0; i < 5000; i++) rec = anonRecord(rec);
    const deep = stream(['List'], rec);
    assert.throws(() => deserializeLegacy(deep), isLegacyError('TOO_DEEP'));
    assert.throws(() => decodeLegacyTree(deep), isLegacyError('TOO_DEEP'));
    const dims = stream(['String'], [...new Array<number>(300).fill(0x3e), 0x3d, 0, 0, 0, 0, 0x48]);
    assert.throws(() => deserializeLegacy(dims), isLegacyError('TOO_DEEP'));
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    assert.throws(() => serializeLegacy(cyclic), isLegacyError('TOO_DEEP'));
  });

  it('a modest nesting depth (a 200-operand filter) still works', () => {
    let rec: number[] = [0x3c, 0x48];
    for (let i = 0; i < 200; i++) rec = anonRecord(rec);
    const value = deserializeLegacy(stream(['List'], rec));
    assert.ok(Array.isArray(value));
  });

  it('invalid UTF-8', () => {
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0x61, 0x80]]) {
      const blob = stream(['String'], anonRecord([...bytesOfInt(bad.length), ...bad]));
      assert.throws(() => deserializeLegacy(blob), isLegacyError('INVALID_UTF8'));
    }
    // A BOM is a character like any other.
    assert.equal(deserializeLegacy(stream(['String'], anonRecord([0, 0, 0, 3, 0xef, 0xbb, 0xbf]))), '\uFEFF');
  });

  it("Java's constructor rules: blank Uid, ConnectorObject without a Name, wrong field types", () => {
    const blankUid = stream(['Uid', 'uid'], [0x3d, 0, 0, 0, 0, 0x47, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 1, 0x20, 0x48]);
    assert.throws(() => deserializeLegacy(blankUid), isLegacyError('INVALID_VALUE', 'blank'));
    const noUid = stream(['Uid'], [0x3d, 0, 0, 0, 0, 0x48]);
    assert.throws(() => deserializeLegacy(noUid), isLegacyError('INVALID_VALUE'));
    const emptyChar = stream(['Character'], anonRecord([0, 0, 0, 0]));
    assert.throws(() => deserializeLegacy(emptyChar), isLegacyError('INVALID_VALUE'));
    const missingAnon = stream(['Integer'], [0x3d, 0, 0, 0, 0, 0x48]);
    assert.throws(() => deserializeLegacy(missingAnon), isLegacyError('MISSING_FIELD', 'Anonymous content not found'));
    const shortInt = stream(['Integer'], anonRecord([0, 1]));
    assert.throws(() => deserializeLegacy(shortInt), isLegacyError('TRUNCATED'));
    // NotFilter holding a String instead of a Filter.
    const notString = stream(['NotFilter', 'String'], anonRecord([0x3d, 0, 0, 0, 1, 0x46, 0, 0, 0, 5, 0, 0, 0, 1, 0x41, 0x48]));
    assert.throws(() => deserializeLegacy(notString), isLegacyError('MISSING_FIELD'));
    const co = vectorBin('connectorobject')!;
    assert.ok(deserializeLegacy(co));
  });

  it('random corruption never escapes as another error type', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const picks = vectors.filter((v) => v.bin.length < 3000);
    for (let i = 0; i < 3000; i++) {
      const { bin } = picks[rnd(picks.length)]!;
      const mutated = bin.slice();
      const flips = 1 + rnd(4);
      for (let f = 0; f < flips; f++) mutated[rnd(mutated.length)] = rnd(256);
      for (const decode of [deserializeLegacy, decodeLegacyTree]) {
        try {
          decode(mutated);
        } catch (e) {
          assert.ok(e instanceof LegacyFormatError, `${String(e)} from a corrupted vector`);
        }
      }
    }
  });

  it('a stream reader fails for good after malformed input', () => {
    const reader = new LegacyStreamReader();
    reader.push(new Uint8Array([0, 0, 0xfa, 0xfc, 0, 0, 0, 2]));
    assert.throws(() => reader.next(), isLegacyError('BAD_MAGIC'));
    assert.throws(() => reader.next(), isLegacyError('BAD_MAGIC'));
    assert.throws(() => reader.push(new Uint8Array([1])), isLegacyError('BAD_MAGIC'));
  });

  it('a stream reader refuses an object larger than its limit', () => {
    const reader = new LegacyStreamReader({ maxObjectBytes: 64 });
    reader.push(stream(['String'], [0x3d, 0, 0, 0, 0, 0x46, ...bytesOfInt(1_000_000)]));
    reader.push(new Uint8Array(100));
    assert.throws(() => reader.next(), isLegacyError('BAD_LENGTH'));
  });

  it('values with no wire form are refused with UNSUPPORTED_VALUE', () => {
    for (const v of [{}, () => 1, Symbol('s'), new Date(0), 2n ** 70n]) {
      assert.throws(() => serializeLegacy(v), isLegacyError('UNSUPPORTED_VALUE'));
    }
  });

  it('facade keys must be strict Base64', () => {
    const key = Buffer.from(vectorBin('apiconfiguration_default_TstConnector')!).toString('base64');
    assert.ok(decodeFacadeKey(key));
    for (const bad of [key.slice(0, -1), ` ${key.slice(1)}`, key.replace(/\+/g, '-'), `${key.slice(0, 40)}\n${key.slice(41)}`, '']) {
      assert.throws(() => decodeFacadeKey(bad), isLegacyError());
    }
    assert.throws(() => decodeFacadeKey(Buffer.from(serializeLegacy('x')).toString('base64')), isLegacyError('INVALID_VALUE'));
  });
});
