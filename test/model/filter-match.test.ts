import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConnectorObject,
  F,
  JavaBigDecimal,
  JavaCharacter,
  JavaDouble,
  Name,
  ObjectClass,
  Uid,
  attr,
  type Attribute,
  type JavaThrowable,
} from '../../src/model/index.ts';
import { matchesFilter } from '../../src/model/index.ts';

function obj(...attrs: Attribute[]): ConnectorObject {
  return new ConnectorObject(ObjectClass.ACCOUNT, [new Uid('1'), new Name('n'), ...attrs]);
}

test('numbers of each Java type compare with their own kind', () => {
  const o = obj(attr('long', 10n), attr('double', new JavaDouble(2.5)), attr('dec', JavaBigDecimal.parse('1.50')), attr('int', 3));
  assert.equal(matchesFilter(F.greaterThan(attr('long', 9n)), o), true);
  assert.equal(matchesFilter(F.lessThan(attr('double', new JavaDouble(2.5))), o), false);
  assert.equal(matchesFilter(F.lessThanOrEqual(attr('double', new JavaDouble(2.5))), o), true);
  assert.equal(matchesFilter(F.greaterThanOrEqual(attr('dec', JavaBigDecimal.parse('1.5'))), o), true, 'compareTo ignores the scale');
  assert.equal(matchesFilter(F.equals(attr('dec', JavaBigDecimal.parse('1.5'))), o), false, 'equals does not');
  assert.equal(matchesFilter(F.equals(attr('dec', JavaBigDecimal.parse('1.50'))), o), true);
  assert.throws(() => matchesFilter(F.greaterThan(attr('int', 2n)), o), (e) => (e as JavaThrowable).javaClass === 'java.lang.ClassCastException');
});

test('non-comparable values and multi-valued attributes', () => {
  const o = obj(attr('bytes', new Uint8Array([1])), attr('multi', 1, 2));
  assert.throws(() => matchesFilter(F.greaterThan(attr('bytes', 1)), o), (e) => (e as JavaThrowable).javaClass === 'java.lang.IllegalArgumentException');
  assert.equal(matchesFilter(F.greaterThan(attr('multi', 0)), o), false, 'a multi-valued attribute is UNDEFINED for ordering');
  assert.equal(matchesFilter(F.equals(attr('bytes', new Uint8Array([1]))), o), true, 'byte arrays compare by content');
  assert.equal(matchesFilter(F.containsAllValues(attr('multi', 2)), o), true);
  assert.equal(matchesFilter(F.containsAllValues(attr('multi', 2, 3)), o), false);
  assert.equal(matchesFilter(F.containsAllValues(attr('multi')), o), true, 'no wanted values: TRUE');
  assert.equal(matchesFilter(F.containsAllValues(attr('absent', 1)), o), false);
});

test('case-insensitive mode covers strings and characters', () => {
  const o = obj(attr('s', 'Straße'), attr('c', new JavaCharacter('Q')), attr('list', 'Alpha', 'Beta'));
  assert.equal(matchesFilter(F.contains(attr('s', 'STRA')), o, true), true);
  assert.equal(matchesFilter(F.contains(attr('s', 'STRA')), o, false), false);
  assert.equal(matchesFilter(F.endsWith(attr('s', 'SSE')), o, true), false);
  assert.equal(matchesFilter(F.equals(attr('c', new JavaCharacter('q'))), o, true), true);
  assert.equal(matchesFilter(F.lessThan(attr('c', new JavaCharacter('r'))), o, true), true);
  assert.equal(matchesFilter(F.containsAllValues(attr('list', 'beta', 'ALPHA')), o, true), true);
  assert.equal(matchesFilter(F.containsAllValues(attr('list', 'beta')), o, false), false);
});

test('and/or/not combine FALSE < TRUE < UNDEFINED by ordinal, exactly as Java\'s visitor does', () => {
  const o = obj(attr('a', 'x'));
  const undef = F.equals(attr('missing', 'y'));
  // Java's And keeps the lowest ordinal, Or the highest: UNDEFINED never lowers an AND and dominates an OR.
  assert.equal(matchesFilter(F.or(undef, F.equals(attr('a', 'x'))), o), false);
  assert.equal(matchesFilter(F.or(F.equals(attr('a', 'x')), undef), o), true, 'OR stops at the first TRUE');
  assert.equal(matchesFilter(F.and(undef, F.equals(attr('a', 'x'))), o), true);
  assert.equal(matchesFilter(F.and(undef, F.equals(attr('a', 'z'))), o), false);
  assert.equal(matchesFilter(F.not(undef), o), false);
  assert.equal(matchesFilter(F.not(F.and(F.equals(attr('a', 'z')), undef)), o), true, 'FALSE wins in AND');
  assert.equal(matchesFilter(null, o), true);
});
