import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  decodePropertiesBytes,
  encodePropertiesText,
  escapePropertyKey,
  escapePropertyValue,
  parseProperties,
  parsePropertyEntries,
  PropertiesSyntaxError,
  setProperty,
} from '../../src/server/config/java-properties.ts';

const shippedFile = fileURLToPath(new URL('../../conf/ConnectorServer.properties', import.meta.url));

function props(text: string): Record<string, string> {
  return Object.fromEntries(parseProperties(text));
}

describe('parseProperties', () => {
  it('accepts =, : and blanks as separators, with blanks around them', () => {
    assert.deepEqual(props('a=1\nb:2\nc 3\nd\t4\ne  =  5\nf\f:\f6\ng = = 7\nh:=8\n'), {
      a: '1', b: '2', c: '3', d: '4', e: '5', f: '6', g: '= 7', h: '=8',
    });
  });

  it('skips comments (# and !, after leading blanks) and blank lines', () => {
    assert.deepEqual(props('# c\n  ! c2\n\n   \t\nk=v # not a comment\n'), { k: 'v # not a comment' });
  });

  it('keeps trailing blanks of values and drops leading ones', () => {
    assert.deepEqual(props('k =   v  \n'), { k: 'v  ' });
  });

  it('decodes escapes in keys and values', () => {
    assert.deepEqual(props('a\\=b\\:c\\ d=x\\=y\\:z\\ \\t\\n\\r\\f\\\\\\q\n'), { 'a=b:c d': 'x=y:z \t\n\r\f\\q' });
    assert.deepEqual(props('k=\\u0041\\u00e9\\u2603\n'), { k: 'Aé☃' });
    assert.deepEqual(props('connectorserver.key=lmA6bMfENJGlIDbfrVtklXFK32s\\=\n'), {
      'connectorserver.key': 'lmA6bMfENJGlIDbfrVtklXFK32s=',
    });
  });

  it('joins continuation lines, dropping their leading blanks', () => {
    assert.deepEqual(props('list=a, \\\n    b, \\\n\t  c\nnext=1\n'), { list: 'a, b, c', next: '1' });
    // An even number of backslashes is an escaped backslash, not a continuation.
    assert.deepEqual(props('k=a\\\\\nnext=1\n'), { k: 'a\\', next: '1' });
    // A continued line may start with # without being a comment.
    assert.deepEqual(props('k=a\\\n#b\n'), { k: 'a#b' });
    // A comment line never continues.
    assert.deepEqual(props('# c \\\nk=v\n'), { k: 'v' });
    // An empty line ends a continuation.
    assert.deepEqual(props('k=a\\\n\nnext=1\n'), { k: 'a', next: '1' });
  });

  it('handles \\r\\n and lone \\r line endings', () => {
    assert.deepEqual(props('a=1\r\nb=2\rc=3\\\r\n  4'), { a: '1', b: '2', c: '34' });
  });

  it('keeps the last of duplicate keys, and lists all entries with their lines', () => {
    assert.deepEqual(props('k=1\nk=2\n'), { k: '2' });
    assert.deepEqual(parsePropertyEntries('# x\nk=1\nj=a\\\n b\nk=2\n'), [
      { key: 'k', value: '1', line: 2 },
      { key: 'j', value: 'ab', line: 3 },
      { key: 'k', value: '2', line: 5 },
    ]);
  });

  it('reads a key without value as an empty value', () => {
    assert.deepEqual(props('alone\nother=\n'), { alone: '', other: '' });
  });

  it('rejects a malformed unicode escape with the line number', () => {
    assert.throws(
      () => parseProperties('ok=1\nbad=\\u12G4\n'),
      (err: unknown) => err instanceof PropertiesSyntaxError && err.line === 2 && /\\uXXXX/.test(err.message),
    );
  });
});

describe('decodePropertiesBytes', () => {
  it('reads UTF-8 and falls back to ISO-8859-1 for invalid UTF-8', () => {
    assert.deepEqual(decodePropertiesBytes(Buffer.from('k=é☃\n', 'utf8')), { text: 'k=é☃\n', encoding: 'utf8' });
    const latin1 = Buffer.from([0x6b, 0x3d, 0xe9, 0x0a]); // "k=é\n" in ISO-8859-1
    const decoded = decodePropertiesBytes(latin1);
    assert.deepEqual(decoded, { text: 'k=é\n', encoding: 'latin1' });
    assert.deepEqual(encodePropertiesText(decoded.text, decoded.encoding), latin1);
  });

  it('treats a UTF-8 byte-order mark as a blank, not as part of the first key', () => {
    const { text } = decodePropertiesBytes(Buffer.from('\uFEFFk=v\n', 'utf8'));
    assert.deepEqual(props(text), { k: 'v' });
  });
});

describe('escaping', () => {
  it('writes values the way java.util.Properties.store does', () => {
    assert.equal(escapePropertyValue('lmA6bMfENJGlIDbfrVtklXFK32s='), 'lmA6bMfENJGlIDbfrVtklXFK32s\\=');
    assert.equal(escapePropertyValue(' a=b:c#d!e\\f\tgé☃ '), '\\ a\\=b\\:c\\#d\\!e\\\\f\\tg\\u00E9\\u2603 ');
    assert.equal(escapePropertyKey('k e=y:'), 'k\\ e\\=y\\:');
  });

  it('round-trips awkward values through the parser', () => {
    for (const value of ['', ' lead', 'trail ', 'a\nb\r\tc', '=:#!\\', 'é☃\u0001', '\\u0041']) {
      const text = `${escapePropertyKey('k y')}=${escapePropertyValue(value)}\n`;
      assert.equal(parseProperties(text).get('k y'), value, JSON.stringify(value));
    }
  });
});

describe('setProperty', () => {
  it('changes the shared key of the shipped file and leaves every other line byte for byte', () => {
    const original = readFileSync(shippedFile, 'utf8');
    const edited = setProperty(original, 'connectorserver.key', 'xOS4IeeE6eb/AhMbhxZEC37PgtE=');
    const before = original.split('\n');
    const after = edited.split('\n');
    assert.equal(after.length, before.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [i]));
    assert.equal(changed.length, 1);
    assert.equal(before[changed[0]], 'connectorserver.key=lmA6bMfENJGlIDbfrVtklXFK32s\\=');
    assert.equal(after[changed[0]], 'connectorserver.key=xOS4IeeE6eb/AhMbhxZEC37PgtE\\=');
    assert.equal(parseProperties(edited).get('connectorserver.key'), 'xOS4IeeE6eb/AhMbhxZEC37PgtE=');
  });

  it('keeps the key spelling, indentation and separator of the existing line', () => {
    const text = '# head\n  connectorserver\\.key  :  old\\=\\\n     continued\nother = x\\:y\n';
    assert.equal(
      setProperty(text, 'connectorserver.key', 'new='),
      '# head\n  connectorserver\\.key  :  new\\=\nother = x\\:y\n',
    );
  });

  it('edits the last of duplicate entries (the one Java uses) only', () => {
    assert.equal(setProperty('k=1\nk=2\nz=3\n', 'k', 'v'), 'k=1\nk=v\nz=3\n');
  });

  it('gives a bare key a separator', () => {
    assert.equal(setProperty('k\nz=1\n', 'k', 'v'), 'k=v\nz=1\n');
    assert.equal(setProperty('k = \n', 'k', 'v'), 'k = v\n');
  });

  it('appends a missing key with the file line ending, adding a final newline when needed', () => {
    assert.equal(setProperty('a=1\n', 'k', 'v=w'), 'a=1\nk=v\\=w\n');
    assert.equal(setProperty('a=1', 'k', 'v'), 'a=1\nk=v\n');
    assert.equal(setProperty('a=1\r\nb=2\r\n', 'k', 'v'), 'a=1\r\nb=2\r\nk=v\r\n');
    assert.equal(setProperty('', 'k', 'v'), 'k=v\n');
    // A commented-out line for the key is not an entry: it stays, and the key is appended.
    assert.equal(setProperty('#k=old\n', 'k', 'v'), '#k=old\nk=v\n');
  });

  it('does not let an appended line join a continued last line', () => {
    const edited = setProperty('a=1\\\n', 'k', 'v');
    assert.deepEqual(props(edited), { a: '1', k: 'v' });
    assert.ok(edited.startsWith('a=1\\\n'));
  });

  it('refuses text it cannot read', () => {
    assert.throws(() => setProperty('k=\\uZZZZ\n', 'k', 'v'), PropertiesSyntaxError);
  });
});
