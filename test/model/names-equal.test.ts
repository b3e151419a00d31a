import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Attribute, ConnectorObject, GuardedString, Name, ObjectClass, Uid, namesEqual } from '../../src/model/index.ts';

test('namesEqual compares like Java equalsIgnoreCase, unit by unit', () => {
  const equal: Array<[string, string]> = [
    ['__NAME__', '__name__'],
    ['mail', 'MAIL'],
    ['', ''],
    ['é', 'É'],
    // Dotless i and the Kelvin sign match through Java's upper-then-lower rule.
    ['ı', 'i'],
    ['\u212A', 'k'],
    ['Straße', 'STRAßE'],
  ];
  const different: Array<[string, string]> = [
    ['@', '`'],
    ['[', '{'],
    ['abc', 'abd'],
    // A mapping to several units (ß → SS) never matches: the lengths differ.
    ['Straße', 'STRASSE'],
    ['__PAßWORD__', '__PASSWORD__'],
  ];
  for (const [a, b] of equal) assert.equal(namesEqual(a, b), true, `${a} = ${b}`);
  for (const [a, b] of different) assert.equal(namesEqual(a, b), false, `${a} ≠ ${b}`);
});

test('password attributes are recognised whatever their case', () => {
  assert.throws(() => new Attribute('__password__', ['clear']), /GuardedString/);
  assert.throws(() => new Attribute('__Current_Password__', []), /GuardedString/);
  assert.equal(new Attribute('__PASSWORD__', [new GuardedString('x')]).values!.length, 1);
  assert.deepEqual(new Attribute('password', ['clear']).values, ['clear']);
});

test('a connector object finds its Uid and Name case-insensitively', () => {
  const o = new ConnectorObject(ObjectClass.ACCOUNT, [new Attribute('a', [1]), new Name('n'), new Uid('u')]);
  assert.equal(o.uid.value, 'u');
  assert.equal(o.attribute('__name__')?.values?.[0], 'n');
  assert.throws(() => new ConnectorObject(ObjectClass.ACCOUNT, [new Uid('u')]), /Name/);
});
