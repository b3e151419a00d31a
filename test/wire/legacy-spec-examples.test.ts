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
import { conformancePath } from '../support/conformance.ts';

interface LegacyExamples {
  objects: Record<string, string>;
  multiObjectStream: { hex: string };
  apiConfiguration: { hex: string };
}

const EXAMPLES_HEX = JSON.parse(readFileSync(conformancePath('legacy-examples.json'), 'utf8')) as LegacyExamples;

/** The hex Java writes for an object description. */
function specHex(description: string): string {
  const hex = EXAMPLES_HEX.objects[description];
  assert.ok(hex, `no example for ${description}`);
  return hex;
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
  ['"\\uD83D" (lone surrogate)', '\uD83D'],
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
      const expected = specHex(description);
      assert.equal(hexOf(serializeBinaryObject(value)), expected);
      if (!description.includes('lone surrogate')) {
        assert.equal(hexOf(serializeBinaryObject(deserializeBinaryObject(Buffer.from(expected, 'hex')))), expected);
      }
    });
  }

  it('case-insensitive Set{"A"}', () => {
    assert.equal(hexOf(serializeBinaryObject(new CaseInsensitiveSet(['A']))), specHex('case-insensitive Set{"A"}'));
  });

  it('Locale("en","US")', () => {
    assert.equal(hexOf(serializeBinaryObject(new Locale('en', 'US'))), specHex('Locale("en","US")'));
  });

  it('a multi-object stream: Uid a, Uid b, Name n', () => {
    const writer = new LegacyStreamWriter();
    const hex = [new Uid('a'), new Uid('b'), new Name('n')].map((v) => hexOf(writer.write(v))).join('');
    assert.equal(hex, EXAMPLES_HEX.multiObjectStream.hex);
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
    assert.equal(hexOf(serializeBinaryObject(cfg)), EXAMPLES_HEX.apiConfiguration.hex);
  });
});
