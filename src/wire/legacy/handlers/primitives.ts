/** Scalars, collections and guarded values (Java's Primitives handlers). */
import {
  CaseInsensitiveMap,
  CaseInsensitiveSet,
  GuardedByteArray,
  GuardedString,
  JavaBigDecimal,
  JavaBigInteger,
  JavaByte,
  JavaCharacter,
  JavaDouble,
  JavaFile,
  JavaFloat,
  JavaURI,
  Locale,
} from '../../../model/index.ts';
import type { JavaClass } from '../../../model/index.ts';
import { defineHandler, type TypeHandler } from '../handler.ts';
import { decryptBytes, decryptGuardedString, encryptBytes, encryptGuardedString } from '../guarded-crypto.ts';
import { build, invalid, javaStringValueOf, wrongField } from './util.ts';

/** One Map entry on the wire (Java's private Primitives$1MapEntry). */
export class MapEntry {
  constructor(
    readonly key: unknown,
    readonly value: unknown,
  ) {}
}

const DECIMAL_INTEGER = /^[+-]?\d+$/;

function parseJavaBigInteger(typeName: string, s: string): bigint {
  if (!DECIMAL_INTEGER.test(s)) throw invalid(typeName, 'not a decimal integer');
  return BigInt(s);
}

/** Java's String.CASE_INSENSITIVE_ORDER (per UTF-16 unit: upper case, then lower case). */
export function compareCaseInsensitive(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let c1 = a[i]!;
    let c2 = b[i]!;
    if (c1 === c2) continue;
    c1 = upperUnit(c1);
    c2 = upperUnit(c2);
    if (c1 === c2) continue;
    c1 = lowerUnit(c1);
    c2 = lowerUnit(c2);
    if (c1 !== c2) return c1.charCodeAt(0) - c2.charCodeAt(0);
  }
  return a.length - b.length;
}

function upperUnit(c: string): string {
  const u = c.toUpperCase();
  return u.length === 1 ? u : c;
}
function lowerUnit(c: string): string {
  const l = c.toLowerCase();
  return l.length === 1 ? l : c;
}

function scalar(name: string, kind: 'boolean' | 'int' | 'long' | 'double' | 'byte' | 'string', write: TypeHandler['write'], read: TypeHandler['read']): TypeHandler {
  return defineHandler(name, {}, kind, write, read);
}

const booleanWrite: TypeHandler['write'] = (o, v) => o.anonBool(v as boolean);
const booleanRead: TypeHandler['read'] = (i) => i.anonBool();
const charWrite: TypeHandler['write'] = (o, v) => o.anonString((v as JavaCharacter).value);
const charRead: TypeHandler['read'] = (i) => {
  const s = i.anonString();
  if (s.length === 0) throw invalid(i.typeName, 'empty string for a char');
  return new JavaCharacter(s[0]!);
};
const intWrite: TypeHandler['write'] = (o, v) => o.anonInt(v as number);
const intRead: TypeHandler['read'] = (i) => i.anonInt();
const longWrite: TypeHandler['write'] = (o, v) => o.anonLong(v as bigint);
const longRead: TypeHandler['read'] = (i) => i.anonLong();
const floatWrite: TypeHandler['write'] = (o, v) => o.anonDouble((v as JavaFloat).value);
const floatRead: TypeHandler['read'] = (i) => new JavaFloat(i.anonDouble());
const doubleWrite: TypeHandler['write'] = (o, v) => o.anonDouble((v as JavaDouble).value);
const doubleRead: TypeHandler['read'] = (i) => new JavaDouble(i.anonDouble());
const byteWrite: TypeHandler['write'] = (o, v) => o.anonByte((v as JavaByte).value);
const byteRead: TypeHandler['read'] = (i) => new JavaByte(i.anonByte());

export const PRIMITIVE_HANDLERS: readonly TypeHandler[] = [
  scalar('Boolean', 'boolean', booleanWrite, booleanRead),
  scalar('boolean', 'boolean', booleanWrite, booleanRead),
  scalar('Character', 'string', charWrite, charRead),
  scalar('char', 'string', charWrite, charRead),
  scalar('Integer', 'int', intWrite, intRead),
  scalar('int', 'int', intWrite, intRead),
  scalar('Long', 'long', longWrite, longRead),
  scalar('long', 'long', longWrite, longRead),
  scalar('Float', 'double', floatWrite, floatRead),
  scalar('float', 'double', floatWrite, floatRead),
  scalar('Double', 'double', doubleWrite, doubleRead),
  scalar('double', 'double', doubleWrite, doubleRead),
  scalar('String', 'string', (o, v) => o.anonString(v as string), (i) => i.anonString()),
  scalar('URI', 'string', (o, v) => o.anonString((v as JavaURI).value), (i) => new JavaURI(i.anonString())),
  scalar('File', 'string', (o, v) => o.anonString((v as JavaFile).path), (i) => new JavaFile(i.anonString())),
  defineHandler(
    'BigDecimal',
    { unscaled: 'string', scale: 'int' },
    null,
    (o, v) => {
      const d = v as JavaBigDecimal;
      o.string('unscaled', d.unscaled.toString());
      o.int('scale', d.scale);
    },
    (i) => {
      const unscaled = i.string('unscaled', null);
      if (unscaled === null) throw wrongField(i.typeName, 'unscaled', 'a decimal string');
      return new JavaBigDecimal(parseJavaBigInteger(i.typeName, unscaled), i.int('scale', 0));
    },
  ),
  scalar(
    'BigInteger',
    'string',
    (o, v) => o.anonString((v as JavaBigInteger).value.toString()),
    (i) => new JavaBigInteger(parseJavaBigInteger(i.typeName, i.anonString())),
  ),
  scalar('Byte', 'byte', byteWrite, byteRead),
  scalar('byte', 'byte', byteWrite, byteRead),
  defineHandler('ByteArray', {}, 'bytes', (o, v) => o.anonBytes(v as Uint8Array), (i) => i.anonBytes().slice()),
  defineHandler('Class', {}, 'class', (o, v) => o.anonClass(v as JavaClass), (i) => i.anonClass()),
  defineHandler(
    'MapEntry',
    {},
    'object',
    (o, v) => {
      o.anonObject((v as MapEntry).key);
      o.anonObject((v as MapEntry).value);
    },
    (i) => new MapEntry(i.anonObject(0), i.anonObject(1)),
  ),
  defineHandler(
    'Map',
    { caseInsensitive: 'boolean' },
    'object',
    (o, v) => {
      const map = v as Map<unknown, unknown>;
      if (map instanceof CaseInsensitiveMap) {
        o.bool('caseInsensitive', true);
        // A Java TreeMap iterates in comparator order.
        const entries = [...(map as CaseInsensitiveMap).entries()].sort((a, b) => compareCaseInsensitive(a[0], b[0]));
        for (const [k, val] of entries) o.anonObject(new MapEntry(k, val));
        return;
      }
      for (const [k, val] of map) o.anonObject(new MapEntry(k, val));
    },
    (i) => {
      const caseInsensitive = i.bool('caseInsensitive', false);
      const out: Map<unknown, unknown> = caseInsensitive ? new CaseInsensitiveMap() : new Map();
      for (let n = 0; n < i.anonCount; n++) {
        const e = i.anonObject(n);
        if (!(e instanceof MapEntry)) throw wrongField(i.typeName, `#${n}`, 'a MapEntry');
        if (caseInsensitive) out.set(javaStringValueOf(e.key), e.value);
        else out.set(e.key, e.value);
      }
      return out;
    },
  ),
  defineHandler(
    'List',
    {},
    'object',
    (o, v) => {
      for (const e of v as readonly unknown[]) o.anonObject(e);
    },
    (i) => {
      const out = new Array<unknown>(i.anonCount);
      for (let n = 0; n < out.length; n++) out[n] = i.anonObject(n);
      return out;
    },
  ),
  defineHandler(
    'Set',
    { caseInsensitive: 'boolean' },
    'object',
    (o, v) => {
      if (v instanceof CaseInsensitiveSet) {
        o.bool('caseInsensitive', true);
        for (const e of [...v].sort(compareCaseInsensitive)) o.anonObject(e);
        return;
      }
      for (const e of v as Set<unknown>) o.anonObject(e);
    },
    (i) => {
      const caseInsensitive = i.bool('caseInsensitive', false);
      const out: Set<unknown> = caseInsensitive ? new CaseInsensitiveSet() : new Set();
      for (let n = 0; n < i.anonCount; n++) {
        const e = i.anonObject(n);
        out.add(caseInsensitive ? javaStringValueOf(e) : e);
      }
      return out;
    },
  ),
  defineHandler(
    'Locale',
    { language: 'string', country: 'string', variant: 'string' },
    null,
    (o, v) => {
      const l = v as Locale;
      o.string('language', l.language);
      o.string('country', l.country);
      o.string('variant', l.variant);
    },
    (i) =>
      build(i.typeName, () => new Locale(i.string('language', '') ?? '', i.string('country', '') ?? '', i.string('variant', '') ?? '')),
  ),
  defineHandler(
    'GuardedString',
    {},
    'bytes',
    (o, v) => o.anonBytes((v as GuardedString).access((clear) => encryptGuardedString(clear))),
    (i) => new GuardedString(decryptGuardedString(i.anonBytes())),
  ),
  defineHandler(
    'GuardedByteArray',
    {},
    'bytes',
    (o, v) => o.anonBytes((v as GuardedByteArray).access((clear) => {
      try {
        return encryptBytes(clear);
      } finally {
        clear.fill(0);
      }
    })),
    (i) => {
      const clear = decryptBytes(i.anonBytes());
      try {
        return new GuardedByteArray(clear);
      } finally {
        clear.fill(0);
      }
    },
  ),
];
