/**
 * Configuration property types: the Java class each SPI type name stands for, the Java wire form of values
 * (what travels inside an APIConfiguration) and the JavaScript form a connector receives.
 *
 * Wire form → JS form:
 *   String → string          int/Integer → number        long/Long → bigint       boolean/Boolean → boolean
 *   double/Double → number   float/Float → number        char/Character → string (one UTF-16 unit)
 *   GuardedString → GuardedString                          GuardedByteArray → GuardedByteArray
 *   File (JavaFile) → string path                          URI (JavaURI) → string
 *   X[] (JavaArray of X) → X's JS form in a plain array
 *
 * Type checks follow Java reflection: a value must be of the declared class, except that a primitive target
 * accepts a boxed value that widens to it (Integer into long or double, Float into double...), as Method.invoke
 * does.
 */
import { javaTypeNameOf } from '../model/index.ts';
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
} from '../model/index.ts';
import type { ConfigurationPropertyScalarType, ConfigurationPropertyType } from '../spi/index.ts';

export const SCALAR_PROPERTY_TYPES: readonly ConfigurationPropertyScalarType[] = [
  'String',
  'int',
  'Integer',
  'long',
  'Long',
  'boolean',
  'Boolean',
  'double',
  'Double',
  'float',
  'Float',
  'char',
  'Character',
  'GuardedString',
  'GuardedByteArray',
  'File',
  'URI',
];

const PRIMITIVES = new Set<ConfigurationPropertyScalarType>(['int', 'long', 'boolean', 'double', 'float', 'char']);

export interface PropertyTypeInfo {
  /** The SPI type name ("String[]"). */
  readonly name: ConfigurationPropertyType;
  readonly javaClass: JavaClass;
  readonly isArray: boolean;
  /** The scalar (component) type. */
  readonly scalar: ConfigurationPropertyScalarType;
  /** Confidential by nature (GuardedString, GuardedByteArray and their arrays). */
  readonly secret: boolean;
}

export function isPropertyType(text: unknown): text is ConfigurationPropertyType {
  if (typeof text !== 'string') return false;
  const scalar = text.endsWith('[]') ? text.slice(0, -2) : text;
  return (SCALAR_PROPERTY_TYPES as readonly string[]).includes(scalar);
}

export function propertyTypeInfo(type: ConfigurationPropertyType): PropertyTypeInfo {
  const isArray = type.endsWith('[]');
  const scalar = (isArray ? type.slice(0, -2) : type) as ConfigurationPropertyScalarType;
  const component = JavaClass.of(scalar);
  return {
    name: type,
    javaClass: isArray ? JavaClass.arrayOf(component) : component,
    isArray,
    scalar,
    secret: scalar === 'GuardedString' || scalar === 'GuardedByteArray',
  };
}

export function isPrimitive(t: PropertyTypeInfo): boolean {
  return !t.isArray && PRIMITIVES.has(t.scalar);
}

/** The Java default of a field without initializer: 0, false, '\0' for primitives, null otherwise. */
export function javaZeroValue(t: PropertyTypeInfo): unknown {
  if (t.isArray) return null;
  switch (t.scalar) {
    case 'int':
      return 0;
    case 'long':
      return 0n;
    case 'boolean':
      return false;
    case 'double':
      return new JavaDouble(0);
    case 'float':
      return new JavaFloat(0);
    case 'char':
      return new JavaCharacter('\0');
    default:
      return null;
  }
}

/** Thrown by the conversions below; callers turn it into a ConfigurationException naming the property. */
export class PropertyTypeMismatch extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`expected type '${expected}' actual type '${actual}'`);
  }
}

function isInt32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}

/** Wire scalar → JS scalar; throws PropertyTypeMismatch when the value does not fit. */
function wireScalarToJs(scalar: ConfigurationPropertyScalarType, v: unknown, primitive: boolean): unknown {
  const fail = (): never => {
    throw new PropertyTypeMismatch(scalar, javaTypeNameOf(v));
  };
  if (v === null || v === undefined) {
    if (primitive) fail();
    return null;
  }
  switch (scalar) {
    case 'String':
      return typeof v === 'string' ? v : fail();
    case 'int':
      if (isInt32(v)) return v;
      if (v instanceof JavaByte) return v.value;
      if (v instanceof JavaCharacter) return v.value.charCodeAt(0);
      return fail();
    case 'Integer':
      return isInt32(v) ? v : fail();
    case 'long':
      if (typeof v === 'bigint') return v;
      if (isInt32(v)) return BigInt(v);
      if (v instanceof JavaByte) return BigInt(v.value);
      if (v instanceof JavaCharacter) return BigInt(v.value.charCodeAt(0));
      return fail();
    case 'Long':
      return typeof v === 'bigint' ? v : fail();
    case 'boolean':
    case 'Boolean':
      return typeof v === 'boolean' ? v : fail();
    case 'double':
      if (v instanceof JavaDouble || v instanceof JavaFloat || v instanceof JavaByte) return v.value;
      if (isInt32(v)) return v;
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof JavaCharacter) return v.value.charCodeAt(0);
      return fail();
    case 'Double':
      return v instanceof JavaDouble ? v.value : fail();
    case 'float':
      if (v instanceof JavaFloat || v instanceof JavaByte) return v.value;
      if (isInt32(v)) return Math.fround(v);
      if (typeof v === 'bigint') return Math.fround(Number(v));
      if (v instanceof JavaCharacter) return v.value.charCodeAt(0);
      return fail();
    case 'Float':
      return v instanceof JavaFloat ? v.value : fail();
    case 'char':
    case 'Character':
      return v instanceof JavaCharacter ? v.value : fail();
    case 'GuardedString':
      return v instanceof GuardedString ? v : fail();
    case 'GuardedByteArray':
      return v instanceof GuardedByteArray ? v : fail();
    case 'File':
      return v instanceof JavaFile ? v.path : fail();
    case 'URI':
      return v instanceof JavaURI ? v.value : fail();
  }
}

/** Converts a wire (Java-form) value to what the connector receives; throws PropertyTypeMismatch. */
export function wireToJs(t: PropertyTypeInfo, value: unknown): unknown {
  if (!t.isArray) return wireScalarToJs(t.scalar, value, PRIMITIVES.has(t.scalar));
  if (value === null || value === undefined) return null;
  if (!(value instanceof JavaArray) || value.componentType !== JavaClass.of(t.scalar)) {
    throw new PropertyTypeMismatch(t.name, javaTypeNameOf(value));
  }
  return value.items.map((item) => {
    try {
      return wireScalarToJs(t.scalar, item, PRIMITIVES.has(t.scalar));
    } catch (e) {
      if (e instanceof PropertyTypeMismatch) throw new PropertyTypeMismatch(t.name, `${e.actual} element`);
      throw e;
    }
  });
}

/** JS scalar (as a connector author writes it) → wire scalar; throws PropertyTypeMismatch. */
function jsScalarToWire(scalar: ConfigurationPropertyScalarType, v: unknown): unknown {
  const fail = (): never => {
    throw new PropertyTypeMismatch(scalar, v === null || v === undefined ? 'null' : typeof v);
  };
  if (v === null || v === undefined) {
    if (PRIMITIVES.has(scalar)) fail();
    return null;
  }
  switch (scalar) {
    case 'String':
      return typeof v === 'string' ? v : fail();
    case 'int':
    case 'Integer':
      return isInt32(v) ? v : fail();
    case 'long':
    case 'Long':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      return fail();
    case 'boolean':
    case 'Boolean':
      return typeof v === 'boolean' ? v : fail();
    case 'double':
    case 'Double':
      return typeof v === 'number' ? new JavaDouble(v) : v instanceof JavaDouble ? v : fail();
    case 'float':
    case 'Float':
      return typeof v === 'number' ? new JavaFloat(v) : v instanceof JavaFloat ? v : fail();
    case 'char':
    case 'Character':
      if (typeof v === 'string' && v.length === 1) return new JavaCharacter(v);
      return v instanceof JavaCharacter ? v : fail();
    case 'GuardedString':
      if (typeof v === 'string') return new GuardedString(v);
      return v instanceof GuardedString ? v : fail();
    case 'GuardedByteArray':
      if (v instanceof Uint8Array) return new GuardedByteArray(v);
      return v instanceof GuardedByteArray ? v : fail();
    case 'File':
      if (typeof v === 'string') return new JavaFile(v);
      return v instanceof JavaFile ? v : fail();
    case 'URI':
      if (typeof v === 'string') return new JavaURI(v);
      if (v instanceof URL) return new JavaURI(v.href);
      return v instanceof JavaURI ? v : fail();
  }
}

/**
 * Converts a JS value (a definition's default, or a value a connector reports as changed) to its Java wire
 * form; undefined gives the Java zero value of the type. Throws PropertyTypeMismatch.
 */
export function jsToWire(t: PropertyTypeInfo, value: unknown): unknown {
  if (value === undefined) return javaZeroValue(t);
  if (!t.isArray) return jsScalarToWire(t.scalar, value);
  if (value === null) return null;
  if (value instanceof JavaArray) {
    wireToJs(t, value); // checks the component type
    return value;
  }
  if (!Array.isArray(value)) throw new PropertyTypeMismatch(t.name, typeof value);
  return new JavaArray(
    JavaClass.of(t.scalar),
    value.map((item) => jsScalarToWire(t.scalar, item)),
  );
}
