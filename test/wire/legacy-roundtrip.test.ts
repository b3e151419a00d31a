import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AndFilter,
  Attribute,
  CaseInsensitiveMap,
  ConnectorObject,
  EqualsFilter,
  JavaArray,
  JavaBigDecimal,
  JavaBigInteger,
  JavaByte,
  JavaCharacter,
  JavaClasses,
  JavaDouble,
  JavaFloat,
  Name,
  NotFilter,
  ObjectClass,
  OperationOptions,
  OperationOptionsBuilder,
  OrFilter,
  PresenceFilter,
  QualifiedUid,
  SortKey,
  StartsWithFilter,
  Uid,
  ConnectorException,
  IllegalStateException,
  UnknownUidException,
  RemoteWrappedException,
  JavaThrowable,
} from '../../src/model/index.ts';
import type { Filter } from '../../src/model/index.ts';
import {
  LegacyStreamReader,
  LegacyStreamWriter,
  decodeLegacyTree,
  deserializeLegacy,
  serializeBinaryObject,
  serializeLegacy,
} from '../../src/wire/legacy/index.ts';
import { hexOf } from './legacy-support.ts';

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const nonBlank = text.filter((s) => s.trim() !== '');
const long = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

/** Values an attribute may hold (Java's FrameworkUtil supported types, minus the guarded ones). */
const attrValue = fc.oneof(
  text,
  fc.integer(),
  long,
  fc.boolean(),
  fc.double().map((d) => new JavaDouble(d)),
  fc.float().map((f) => new JavaFloat(f)),
  fc.integer({ min: -128, max: 127 }).map((b) => new JavaByte(b)),
  // A lone surrogate would travel as '?' (Java's UTF-8 encoder), so chars are taken outside that range.
  fc.integer({ min: 0, max: 0xffff - 0x800 }).map((c) => new JavaCharacter(String.fromCharCode(c < 0xd800 ? c : c + 0x800))),
  long.map((v) => new JavaBigInteger(v * 1000n)),
  fc.tuple(long, fc.integer({ min: -20, max: 20 })).map(([u, s]) => new JavaBigDecimal(u, s)),
  fc.uint8Array({ maxLength: 16 }),
);

const attrName = nonBlank.filter((n) => !/^__(UID|NAME|PASSWORD|CURRENT_PASSWORD)__$/i.test(n));
const attribute = fc.tuple(attrName, fc.array(attrValue, { maxLength: 4 })).map(([n, v]) => new Attribute(n, v));
const uid = fc.tuple(nonBlank, fc.option(nonBlank, { nil: undefined })).map(([v, r]) => new Uid(v, r));

const connectorObject = fc
  .tuple(nonBlank, uid, nonBlank, fc.uniqueArray(attribute, { maxLength: 5, selector: (a) => a.name.toUpperCase() }))
  .map(([oc, u, n, attrs]) => new ConnectorObject(new ObjectClass(oc), [u, new Name(n), ...attrs]));

const leafFilter: fc.Arbitrary<Filter> = fc.oneof(
  attribute.map((a) => new EqualsFilter(a)),
  fc.tuple(attrName, text).map(([n, v]) => new StartsWithFilter(new Attribute(n, [v]))),
  attrName.map((n) => new PresenceFilter(n)),
);
const filter: fc.Arbitrary<Filter> = fc.letrec<{ f: Filter }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafFilter,
    fc.array(tie('f'), { minLength: 1, maxLength: 4 }).map((fs) => new AndFilter(fs)),
    fc.array(tie('f'), { minLength: 1, maxLength: 4 }).map((fs) => new OrFilter(fs)),
    tie('f').map((f) => new NotFilter(f)),
  ),
})).f;

const options = fc
  .record({
    attrs: fc.array(text, { maxLength: 3 }),
    pageSize: fc.option(fc.integer({ min: 0, max: 1000 })),
    cookie: fc.option(text),
    sort: fc.array(fc.tuple(text, fc.boolean()), { maxLength: 2 }),
    container: fc.option(fc.tuple(nonBlank, uid)),
  })
  .map(({ attrs, pageSize, cookie, sort, container }) => {
    const b = new OperationOptionsBuilder().attributesToGet(...attrs);
    if (pageSize !== null) b.pageSize(pageSize);
    if (cookie !== null) b.pagedResultsCookie(cookie);
    if (sort.length) b.sortKeys(...sort.map(([f, a]) => new SortKey(f, a)));
    if (container) b.container(new QualifiedUid(new ObjectClass(container[0]), container[1]));
    return b.build();
  });

const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    attrValue,
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.array(fc.tuple(text, tie('v')), { maxLength: 4 }).map((e) => new Map(e)),
    fc.uniqueArray(text, { maxLength: 4 }).map((e) => new Set(e)),
    fc.array(fc.tuple(text, fc.integer()), { maxLength: 4 }).map((e) => new CaseInsensitiveMap(e)),
    fc.array(text, { maxLength: 3 }).map((e) => new JavaArray(JavaClasses.String, e)),
    fc.array(fc.integer(), { maxLength: 3 }).map((e) => new JavaArray(JavaClasses.int, e)),
    attribute,
    uid,
    connectorObject,
    options,
  ),
})).v;

/** A composite filter's operands with same-kind nesting flattened (the wire nests n-ary composites). */
function flatten(f: Filter): unknown {
  if (f instanceof AndFilter || f instanceof OrFilter) {
    const kind = f.kind;
    const ops: unknown[] = [];
    const visit = (g: Filter): void => {
      if (g.kind === kind) (g as AndFilter).filters.forEach(visit);
      else ops.push(flatten(g));
    };
    f.filters.forEach(visit);
    return { kind, ops };
  }
  if (f instanceof NotFilter) return { kind: 'not', f: flatten(f.filter) };
  return f;
}

describe('legacy serializer: property-based round trips', () => {
  it('any value graph decodes to an equal value and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(anyValue, (v) => {
        const bytes = serializeBinaryObject(v);
        const back = deserializeLegacy(bytes);
        assert.deepStrictEqual(back, v);
        assert.equal(hexOf(serializeBinaryObject(back)), hexOf(bytes));
        assert.ok(decodeLegacyTree(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('filters keep their meaning; n-ary OR is written as nested ORs', () => {
    fc.assert(
      fc.property(filter, (f) => {
        const bytes = serializeLegacy(f);
        const back = deserializeLegacy(bytes) as Filter;
        assert.deepStrictEqual(flatten(back), flatten(f));
        assert.equal(hexOf(serializeLegacy(back)), hexOf(bytes));
      }),
      { numRuns: 300 },
    );
    const or3 = decodeLegacyTree(serializeLegacy(new OrFilter([new PresenceFilter('a'), new PresenceFilter('b'), new PresenceFilter('c')])));
    const right = or3.fields![1]!.value as { type: string };
    assert.equal(right.type, 'OrFilter');
  });

  it('a stream of many objects shares one constant pool and reads back in order', () => {
    fc.assert(
      fc.property(fc.array(anyValue, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 50 }), (values, chunk) => {
        const writer = new LegacyStreamWriter();
        const bytes = Buffer.concat(values.map((v) => writer.write(v)));
        const reader = new LegacyStreamReader();
        const out: unknown[] = [];
        for (let i = 0; i < bytes.length; i += chunk) {
          reader.push(bytes.subarray(i, i + chunk));
          for (let r = reader.next(); r; r = reader.next()) out.push(r.value);
        }
        assert.deepStrictEqual(out, values);
      }),
      { numRuns: 100 },
    );
  });

  it('exceptions go out under their registered name or nearest registered ancestor', () => {
    const typeOf = (e: Error): unknown => decodeLegacyTree(serializeLegacy(e)).type;
    assert.equal(typeOf(new UnknownUidException('gone')), 'UnknownUidException');
    assert.equal(typeOf(new IllegalStateException('x')), 'RuntimeException');
    assert.equal(typeOf(new JavaThrowable('x', { javaClass: 'com.example.Odd' })), 'ConnectorException');
    assert.equal(typeOf(new ConnectorException('x', { javaClass: 'com.example.Odd' })), 'ConnectorException');
    assert.equal(typeOf(new Error('plain')), 'ConnectorException');
    const back = deserializeLegacy(serializeLegacy(new UnknownUidException('gone')));
    assert.ok(back instanceof UnknownUidException);
    assert.equal(back.message, 'gone');
    const wrapped = new RemoteWrappedException('java.lang.NullPointerException', 'npe', {
      cause: new RemoteWrappedException('java.io.IOException', 'io', { stackTrace: 'at x' }),
      stackTrace: 'at y',
    });
    const w = deserializeLegacy(serializeLegacy(wrapped)) as RemoteWrappedException;
    assert.equal(w.remoteClass, 'java.lang.NullPointerException');
    assert.equal(w.remoteStackTrace, 'at y');
    assert.equal((w.cause as RemoteWrappedException).remoteClass, 'java.io.IOException');
  });

  it('options keep Java array types (String[], SortKey[])', () => {
    const o = new OperationOptionsBuilder().attributesToGet('cn', 'mail').sortKeys(new SortKey('cn', false)).build();
    const back = deserializeLegacy(serializeLegacy(o)) as OperationOptions;
    assert.deepStrictEqual(back.attributesToGet, ['cn', 'mail']);
    assert.equal(back.sortKeys![0]!.ascending, false);
    assert.deepStrictEqual((decodeLegacyTree(serializeLegacy(o)).fields![0]!.value as { type: unknown }).type, 'Map');
  });
});
