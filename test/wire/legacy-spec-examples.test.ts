import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  APIConfiguration,
  AndFilter,
  AttributeInfo,
  CaseInsensitiveSet,
  ConfigurationProperties,
  ConfigurationProperty,
  ConnectorKey,
  EqualsFilter,
  GuardedByteArray,
  GuardedString,
  IllegalStateException,
  JavaArray,
  JavaBigDecimal,
  JavaBigInteger,
  JavaByte,
  JavaCharacter,
  JavaClass,
  JavaClasses,
  JavaDouble,
  JavaEnum,
  JavaFloat,
  Locale,
  Name,
  ObjectClass,
  OperationOptionsBuilder,
  PresenceFilter,
  SyncToken,
  Uid,
  attr,
} from '../../src/model/index.ts';
import { LegacyStreamWriter, deserializeBinaryObject, serializeBinaryObject } from '../../src/wire/legacy/index.ts';
import { hexOf } from './legacy-support.ts';
import { sharedPath } from '../support/shared.ts';

const SPEC = readFileSync(sharedPath('spec/binary-serializer.md'), 'utf8');

/** The hex the specification's vector table gives for an object description. */
function specHex(description: string): string {
  const row = SPEC.split('\n').find((l) => l.startsWith(`| \`${description}\` |`));
  assert.ok(row, `no spec row for ${description}`);
  return /\| `([0-9a-f]+)` \|$/.exec(row)![1]!;
}

const EXAMPLES: ReadonlyArray<readonly [string, unknown]> = [
  ['null', null],
  ['"hi"', 'hi'],
  ['Integer 7', 7],
  ['Boolean true', true],
  ['Long -2', -2n],
  ['Double -0.5', new JavaDouble(-0.5)],
  ['Float 1.5', new JavaFloat(1.5)],
  ['Byte -1', new JavaByte(-1)],
  ["Character 'c'", new JavaCharacter('c')],
  ['BigInteger -12', new JavaBigInteger(-12n)],
  ['BigDecimal 123.45', JavaBigDecimal.parse('123.45')],
  ['"é😀"', 'é😀'],
  ['"\\uD83D"` (lone surrogate', '\uD83D'],
  ['byte[]{1,2}', new Uint8Array([1, 2])],
  ['int[]{5}', new JavaArray(JavaClasses.int, [5])],
  ['String[]{"x"}', new JavaArray(JavaClasses.String, ['x'])],
  ['String.class', JavaClasses.String],
  ['String[].class', JavaClasses.StringArray],
  ['Arrays.asList("a", 1L)', ['a', 1n]],
  ['HashMap{"k":"v"}', new Map([['k', 'v']])],
  ['new Uid("u1")', new Uid('u1')],
  ['new ObjectClass("__ACCOUNT__")', new ObjectClass('__ACCOUNT__')],
  ['ConnectorKey("b","1.0","c")', new ConnectorKey('b', '1.0', 'c')],
  ['GuardedString("secret")', new GuardedString('secret')],
  ['GuardedString("")', new GuardedString('')],
  ['GuardedByteArray{1,2,3}', new GuardedByteArray(new Uint8Array([1, 2, 3]))],
  ['SyncDeltaType.DELETE', new JavaEnum('SyncDeltaType', 'DELETE')],
  ['SyncToken(5L)', new SyncToken(5n)],
  ['new IllegalStateException("boom")', new IllegalStateException('boom')],
  ['EqualsFilter(mail="a@b")', new EqualsFilter(attr('mail', 'a@b'))],
  ['And(present a, present b, present c)', new AndFilter([new PresenceFilter('a'), new PresenceFilter('b'), new PresenceFilter('c')])],
  ['OperationOptions{ATTRS_TO_GET: String[]{"cn"}}', new OperationOptionsBuilder().attributesToGet('cn').build()],
  ['AttributeInfo(mail, String, {REQUIRED})', new AttributeInfo('mail', JavaClasses.String, ['REQUIRED'])],
];

describe('legacy serializer: the specification examples, encoded from TypeScript values', () => {
  for (const [description, value] of EXAMPLES) {
    it(description, () => {
      const row = description.includes('lone surrogate')
        ? SPEC.split('\n').find((l) => l.includes('(lone surrogate)'))!
        : undefined;
      const expected = row ? /\| `([0-9a-f]+)` \|$/.exec(row)![1]! : specHex(description);
      assert.equal(hexOf(serializeBinaryObject(value)), expected);
      if (!description.includes('lone surrogate')) {
        assert.equal(hexOf(serializeBinaryObject(deserializeBinaryObject(Buffer.from(expected, 'hex')))), expected);
      }
    });
  }

  it('case-insensitive Set{"A"}', () => {
    const row = SPEC.split('\n').find((l) => l.startsWith('| case-insensitive `Set{"A"}` |'))!;
    assert.equal(hexOf(serializeBinaryObject(new CaseInsensitiveSet(['A']))), /\| `([0-9a-f]+)` \|$/.exec(row)![1]);
  });

  it('Locale("en","US")', () => {
    assert.equal(hexOf(serializeBinaryObject(new Locale('en', 'US'))), specHex('Locale("en","US")'));
  });

  it('a multi-object stream: Uid a, Uid b, Name n', () => {
    const writer = new LegacyStreamWriter();
    const hex = [new Uid('a'), new Uid('b'), new Name('n')].map((v) => hexOf(writer.write(v))).join('');
    const block = /one encoder, writing[\s\S]*?```\n([0-9a-f ]+)\n```/.exec(SPEC)![1]!;
    assert.equal(hex, block.replace(/ /g, ''));
  });

  it('the hand-built APIConfiguration', () => {
    const cfg = new APIConfiguration({
      configurationProperties: new ConfigurationProperties([
        new ConfigurationProperty({ order: 1, name: 'host', type: JavaClasses.String, required: true, value: 'localhost', operations: [] }),
        new ConfigurationProperty({
          order: 2,
          name: 'password',
          type: JavaClass.of('GuardedString'),
          confidential: true,
          value: new GuardedString('x'),
          operations: ['CreateApiOp'],
        }),
      ]),
      supportedOperations: ['CreateApiOp'],
      timeoutMap: new Map([['CreateApiOp', 1000]]),
    });
    const block = /into a facade key:\n\n```\n([0-9a-f]+)\n```/.exec(SPEC)![1]!;
    assert.equal(hexOf(serializeBinaryObject(cfg)), block);
  });
});
