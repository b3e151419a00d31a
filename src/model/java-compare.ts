/**
 * Java equality and ordering of attribute values (Object.equals, CollectionUtil.equals, Comparable.compareTo),
 * used by in-memory filtering, sorting and the add/remove-values emulation, in the framework and in connectors.
 */
import {
  JavaArray,
  JavaBigDecimal,
  JavaBigInteger,
  JavaByte,
  JavaCharacter,
  JavaDouble,
  JavaEnum,
  JavaFile,
  JavaFloat,
  JavaURI,
} from './java-values.ts';
import { GuardedByteArray, GuardedString } from './security.ts';
import { RuntimeException, IllegalArgumentException } from './exceptions.ts';

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function foldChar(c: string): string {
  const u = c.toUpperCase();
  const up = u.length === 1 ? u : c;
  const l = up.toLowerCase();
  return l.length === 1 ? l : up;
}

/** Java's String.equalsIgnoreCase (per UTF-16 unit, upper then lower case). */
export function equalsIgnoreCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && foldChar(x) !== foldChar(y)) return false;
  }
  return true;
}

/** Java's String.compareToIgnoreCase. */
export function compareIgnoreCase(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const fx = foldChar(x);
    const fy = foldChar(y);
    if (fx !== fy) return fx.charCodeAt(0) - fy.charCodeAt(0);
  }
  return a.length - b.length;
}

/** CollectionUtil.equals(o1, o2, ignoreCase): deep for lists/arrays/maps, Object.equals otherwise. */
export function javaEquals(a: unknown, b: unknown, ignoreCase = false): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (a instanceof JavaArray) {
    if (!(b instanceof JavaArray) || a.componentType !== b.componentType || a.length !== b.length) return false;
    return a.items.every((x, i) => javaEquals(x, b.items[i], ignoreCase));
  }
  if (a instanceof Uint8Array) return b instanceof Uint8Array && bytesEqual(a, b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => javaEquals(x, b[i], ignoreCase));
  }
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false;
    for (const x of a) if (![...b].some((y) => javaEquals(x, y))) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k)) return false;
      if (!javaEquals(v, b.get(k), ignoreCase)) return false;
    }
    return true;
  }
  if (typeof a === 'string') return typeof b === 'string' && (ignoreCase ? equalsIgnoreCase(a, b) : a === b);
  if (a instanceof JavaCharacter) {
    if (!(b instanceof JavaCharacter)) return false;
    return ignoreCase ? foldChar(a.value) === foldChar(b.value) : a.value === b.value;
  }
  if (typeof a === 'number' || typeof a === 'bigint' || typeof a === 'boolean') return false; // a !== b above
  if (a instanceof JavaDouble || a instanceof JavaFloat) {
    return b.constructor === a.constructor && Object.is(a.value, (b as JavaDouble).value);
  }
  if (a instanceof JavaByte) return b instanceof JavaByte && a.value === b.value;
  if (a instanceof JavaBigInteger) return b instanceof JavaBigInteger && a.value === b.value;
  // BigDecimal.equals is scale-sensitive (2.0 != 2.00).
  if (a instanceof JavaBigDecimal) return b instanceof JavaBigDecimal && a.unscaled === b.unscaled && a.scale === b.scale;
  if (a instanceof JavaURI) return b instanceof JavaURI && a.value === b.value;
  if (a instanceof JavaFile) return b instanceof JavaFile && a.path === b.path;
  if (a instanceof JavaEnum) return b instanceof JavaEnum && a.enumType === b.enumType && a.value === b.value;
  if (a instanceof GuardedString) return b instanceof GuardedString && a.equals(b);
  if (a instanceof GuardedByteArray) {
    return b instanceof GuardedByteArray && a.access((x) => b.access((y) => bytesEqual(x, y)));
  }
  const eq = (a as { equals?: (o: unknown) => unknown }).equals;
  if (typeof eq === 'function') return Boolean(eq.call(a, b));
  return false;
}

/** Whether Java would see the value as Comparable. */
export function isComparable(v: unknown): boolean {
  return (
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'bigint' ||
    typeof v === 'boolean' ||
    v instanceof JavaDouble ||
    v instanceof JavaFloat ||
    v instanceof JavaByte ||
    v instanceof JavaCharacter ||
    v instanceof JavaBigInteger ||
    v instanceof JavaBigDecimal ||
    v instanceof JavaURI ||
    v instanceof JavaFile ||
    v instanceof JavaEnum
  );
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function compareBigDecimal(a: JavaBigDecimal, b: JavaBigDecimal): number {
  // Bring both to the larger scale, then compare the unscaled values.
  const scale = Math.max(a.scale, b.scale);
  const x = a.unscaled * 10n ** BigInt(scale - a.scale);
  const y = b.unscaled * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Java's Double.compare: -0.0 < 0.0, NaN greatest. */
function compareDoubles(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  if (x === 0 && y === 0) return Object.is(x, -0) === Object.is(y, -0) ? 0 : Object.is(x, -0) ? -1 : 1;
  return 0;
}

function classCast(a: unknown, b: unknown): RuntimeException {
  return new RuntimeException(`${javaTypeNameOf(b)} cannot be cast to ${javaTypeNameOf(a)}`, {
    javaClass: 'java.lang.ClassCastException',
  });
}

/**
 * Comparable.compareTo of two values of the same Java type (CollectionUtil.forceCompare). Values of
 * different types fail with java.lang.ClassCastException, as in Java.
 */
export function javaCompare(a: unknown, b: unknown): number {
  if (!isComparable(a)) {
    throw new IllegalArgumentException(`Value of type ${javaTypeNameOf(a)} is not comparable`);
  }
  if (typeof a === 'string') {
    if (typeof b !== 'string') throw classCast(a, b);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'number') {
    if (typeof b !== 'number') throw classCast(a, b);
    return sign(a - b);
  }
  if (typeof a === 'bigint') {
    if (typeof b !== 'bigint') throw classCast(a, b);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean') {
    if (typeof b !== 'boolean') throw classCast(a, b);
    return a === b ? 0 : a ? 1 : -1;
  }
  if (a instanceof JavaDouble || a instanceof JavaFloat) {
    if (!(b instanceof a.constructor)) throw classCast(a, b);
    return compareDoubles(a.value, (b as JavaDouble).value);
  }
  if (a instanceof JavaByte) {
    if (!(b instanceof JavaByte)) throw classCast(a, b);
    return sign(a.value - b.value);
  }
  if (a instanceof JavaCharacter) {
    if (!(b instanceof JavaCharacter)) throw classCast(a, b);
    return sign(a.value.charCodeAt(0) - b.value.charCodeAt(0));
  }
  if (a instanceof JavaBigInteger) {
    if (!(b instanceof JavaBigInteger)) throw classCast(a, b);
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  }
  if (a instanceof JavaBigDecimal) {
    if (!(b instanceof JavaBigDecimal)) throw classCast(a, b);
    return compareBigDecimal(a, b);
  }
  if (a instanceof JavaURI || a instanceof JavaFile || a instanceof JavaEnum) {
    if (!(b instanceof a.constructor)) throw classCast(a, b);
    const x = a.toString();
    const y = String(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw classCast(a, b);
}

/** The Java type name of a value, for error messages. */
export function javaTypeNameOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'number') return 'Integer';
  if (typeof value === 'bigint') return 'Long';
  if (typeof value === 'boolean') return 'Boolean';
  if (value instanceof JavaDouble) return 'Double';
  if (value instanceof JavaFloat) return 'Float';
  if (value instanceof JavaByte) return 'Byte';
  if (value instanceof JavaCharacter) return 'Character';
  if (value instanceof JavaBigInteger) return 'BigInteger';
  if (value instanceof JavaBigDecimal) return 'BigDecimal';
  if (value instanceof JavaFile) return 'File';
  if (value instanceof JavaURI) return 'URI';
  if (value instanceof GuardedString) return 'GuardedString';
  if (value instanceof GuardedByteArray) return 'GuardedByteArray';
  if (value instanceof JavaArray) return `${value.componentType.toString()}[]`;
  if (value instanceof JavaEnum) return value.enumType;
  if (value instanceof Uint8Array) return 'byte[]';
  if (Array.isArray(value)) return 'List';
  if (value instanceof Map) return 'Map';
  if (value instanceof Set) return 'Set';
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  return ctor || typeof value;
}
