/**
 * Attribute values of the memory store: ordering for sort keys, Java type checks and the fixture's JSON encoding
 * ({"$type": "Long", "value": "5"}). Equality and comparison are the framework's (javaEquals, javaCompare).
 */
import {
  compareIgnoreCase,
  javaCompare,
  GuardedByteArray,
  GuardedString,
  InvalidAttributeValueException,
  JavaBigDecimal,
  JavaBigInteger,
  JavaByte,
  JavaCharacter,
  JavaClass,
  JavaDouble,
  JavaFile,
  JavaFloat,
  JavaURI,
} from '../../src/spi/index.ts';

/**
 * Total order used for sorting (Java's Comparable for values of one type): never throws; values that cannot be
 * compared with each other are ordered by type name.
 */
export function sortOrder(a: unknown, b: unknown, ignoreCase = false): number {
  if (ignoreCase && typeof a === 'string' && typeof b === 'string') return compareIgnoreCase(a, b);
  try {
    return javaCompare(a, b);
  } catch {
    const ta = javaTypeOf(a);
    const tb = javaTypeOf(b);
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  }
}

/** The Java serial type name of a value as the model represents it. */
export function javaTypeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'boolean') return 'Boolean';
  if (typeof v === 'bigint') return 'Long';
  if (typeof v === 'number') return Number.isInteger(v) ? 'Integer' : 'Double';
  if (v instanceof Uint8Array) return 'ByteArray';
  if (v instanceof JavaDouble) return 'Double';
  if (v instanceof JavaFloat) return 'Float';
  if (v instanceof JavaByte) return 'Byte';
  if (v instanceof JavaCharacter) return 'Character';
  if (v instanceof JavaBigInteger) return 'BigInteger';
  if (v instanceof JavaBigDecimal) return 'BigDecimal';
  if (v instanceof JavaURI) return 'URI';
  if (v instanceof JavaFile) return 'File';
  if (v instanceof GuardedString) return 'GuardedString';
  if (v instanceof GuardedByteArray) return 'GuardedByteArray';
  if (v instanceof Map) return 'Map';
  return 'Object';
}

/** Attribute type names accepted in fixtures, mapped to the serial type names of the schema. */
const TYPE_ALIASES: Record<string, string> = {
  string: 'String',
  'java.lang.string': 'String',
  long: 'Long',
  'java.lang.long': 'Long',
  integer: 'Integer',
  int: 'Integer',
  'java.lang.integer': 'Integer',
  boolean: 'Boolean',
  'java.lang.boolean': 'Boolean',
  double: 'Double',
  'java.lang.double': 'Double',
  float: 'Float',
  'java.lang.float': 'Float',
  character: 'Character',
  char: 'Character',
  biginteger: 'BigInteger',
  bigdecimal: 'BigDecimal',
  'byte[]': 'ByteArray',
  bytearray: 'ByteArray',
  bytes: 'ByteArray',
  byte: 'Byte',
  guardedstring: 'GuardedString',
  guardedbytearray: 'GuardedByteArray',
  uri: 'URI',
  file: 'File',
  map: 'Map',
  object: 'Object',
};

/** Resolves a fixture attribute type name to a schema JavaClass; unknown names are a typed error. */
export function attributeTypeClass(name: string): JavaClass {
  const serial = TYPE_ALIASES[name.trim().toLowerCase()];
  if (!serial) throw new InvalidAttributeValueException(`Unknown attribute type in fixture: ${name}`);
  return JavaClass.of(serial);
}

/** Whether a value may be stored in an attribute of the given schema type. */
export function valueFitsType(value: unknown, type: JavaClass): boolean {
  if (value === null || value === undefined) return true;
  const t = type.name;
  if (t === 'Object') return true;
  return javaTypeOf(value) === t;
}

/**
 * Decodes a fixture value: JSON scalars (string, boolean, integer = Integer, other number = Double) or
 * {"$type": T, "value" | "base64": ...} for the Java types JSON cannot express.
 */
export function decodeFixtureValue(raw: unknown, where: string): unknown {
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : new JavaDouble(raw);
  if (typeof raw === 'object' && !Array.isArray(raw) && '$type' in raw) {
    const typed = raw as { $type: unknown; value?: unknown; base64?: unknown };
    const text = typed.value === undefined || typed.value === null ? undefined : String(typed.value);
    const need = (): string => {
      if (text === undefined) throw new InvalidAttributeValueException(`${where}: $type ${String(typed.$type)} needs a "value"`);
      return text;
    };
    const bytes = (): Uint8Array => {
      if (typeof typed.base64 !== 'string') throw new InvalidAttributeValueException(`${where}: $type ${String(typed.$type)} needs "base64"`);
      return new Uint8Array(Buffer.from(typed.base64, 'base64'));
    };
    try {
      switch (typed.$type) {
        case 'String':
          return need();
        case 'Long':
          return BigInt(need());
        case 'Integer': {
          const n = Number(need());
          if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) throw new RangeError('not an int');
          return n;
        }
        case 'Boolean':
          return need() === 'true';
        case 'Double':
          return new JavaDouble(Number(need()));
        case 'Float':
          return new JavaFloat(Number(need()));
        case 'Character':
          return new JavaCharacter(need());
        case 'BigInteger':
          return new JavaBigInteger(BigInt(need()));
        case 'BigDecimal':
          return JavaBigDecimal.parse(need());
        case 'File':
          return new JavaFile(need());
        case 'URI':
          return new JavaURI(need());
        case 'GuardedString':
          return new GuardedString(need());
        case 'GuardedByteArray':
          return new GuardedByteArray(bytes());
        case 'bytes':
        case 'ByteArray':
          return bytes();
        default:
          throw new InvalidAttributeValueException(`${where}: unknown $type ${String(typed.$type)}`);
      }
    } catch (err) {
      if (err instanceof InvalidAttributeValueException) throw err;
      // The message names the type only: the value may be a secret.
      throw new InvalidAttributeValueException(`${where}: bad value for $type ${String(typed.$type)}`);
    }
  }
  throw new InvalidAttributeValueException(`${where}: unsupported value; use a JSON scalar or {"$type", "value"}`);
}
