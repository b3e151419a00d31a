/** Renders decoded wire values (model objects, Java wrappers, maps, bigints) as plain JSON for people to read. */
import {
  GuardedByteArray,
  GuardedString,
  JavaArray,
  JavaBigDecimal,
  JavaBigInteger,
  JavaByte,
  JavaCharacter,
  JavaClass,
  JavaDouble,
  JavaEnum,
  JavaFile,
  JavaFloat,
  JavaURI,
  Locale,
} from '../model/index.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export interface DescribeOptions {
  /** Show GuardedString clear text (inspect --reveal); off by default. */
  reveal?: boolean;
}

const MAX_DEPTH = 200;

export function describeValue(value: unknown, options: DescribeOptions = {}, depth = 0): JsonValue {
  if (depth > MAX_DEPTH) return '[too deep]';
  const d = (v: unknown): JsonValue => describeValue(v, options, depth + 1);
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return { Long: value.toString() };
    case 'function':
    case 'symbol':
      return String(value);
  }
  if (value instanceof Uint8Array) return { ByteArray: Buffer.from(value).toString('hex') };
  if (Array.isArray(value)) return value.map(d);
  if (value instanceof GuardedString) {
    return { GuardedString: options.reveal ? value.access((s) => s) : '***' };
  }
  if (value instanceof GuardedByteArray) {
    return { GuardedByteArray: options.reveal ? value.access((b) => Buffer.from(b).toString('hex')) : '***' };
  }
  if (value instanceof JavaDouble) return { Double: Number.isFinite(value.value) ? value.value : String(value.value) };
  if (value instanceof JavaFloat) return { Float: Number.isFinite(value.value) ? value.value : String(value.value) };
  if (value instanceof JavaByte) return { Byte: value.value };
  if (value instanceof JavaCharacter) return { Character: value.value };
  if (value instanceof JavaBigInteger) return { BigInteger: value.toString() };
  if (value instanceof JavaBigDecimal) return { BigDecimal: value.toString() };
  if (value instanceof JavaURI) return { URI: value.value };
  if (value instanceof JavaFile) return { File: value.path };
  if (value instanceof JavaClass) return { Class: value.toString() };
  if (value instanceof JavaEnum) return { [value.enumType]: value.value };
  if (value instanceof Locale) return { Locale: value.toString() };
  if (value instanceof JavaArray) return { [`${value.componentType.toString()}[]`]: value.items.map(d) };
  if (value instanceof Map) {
    return { Map: [...value.entries()].map(([k, v]) => ({ key: d(k), value: d(v) })) };
  }
  if (value instanceof Set) return { Set: [...value].map(d) };
  if (value instanceof Error) {
    const javaClass = (value as { javaClass?: string }).javaClass;
    return { exception: javaClass ?? value.name, message: value.message };
  }
  const out: { [k: string]: JsonValue } = {};
  const ctor = (value as object).constructor?.name;
  if (ctor && ctor !== 'Object') out['@type'] = ctor;
  for (const [k, v] of Object.entries(value as object)) out[k] = d(v);
  return out;
}
