/** Conversions between attribute values and CSV cells (every column holds at most one String). */
import {
  GuardedString,
  InvalidAttributeValueException,
  JavaBigDecimal,
  JavaBigInteger,
  JavaByte,
  JavaCharacter,
  JavaDouble,
  JavaFloat,
  type Attribute,
} from '../../src/spi/index.ts';
import { javaTrim } from './csv-format.ts';

/** The values of `attr` that a CSV column can hold, each as the string to store (trimmed, as it is read back). */
export function cellValues(attr: Attribute, allowGuarded: boolean): string[] {
  const out: string[] = [];
  for (const v of attr.values ?? []) {
    if (v === null || v === undefined) continue;
    out.push(javaTrim(toCellString(attr.name, v, allowGuarded)));
  }
  return out;
}

/** The single value to store for `attr`, or null to clear the column. */
export function cellValue(attr: Attribute, allowGuarded = false): string | null {
  const values = cellValues(attr, allowGuarded);
  if (values.length > 1) {
    throw new InvalidAttributeValueException(
      `Attribute ${attr.name} is single-valued in a CSV file but ${values.length} values were given.`,
    );
  }
  return values.length === 0 ? null : values[0]!;
}

function toCellString(name: string, v: unknown, allowGuarded: boolean): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'number':
      if (Number.isFinite(v)) return String(v);
      break;
    case 'object':
      if (v instanceof GuardedString) {
        if (allowGuarded) return v.access((clear) => clear);
        break;
      }
      if (
        v instanceof JavaDouble ||
        v instanceof JavaFloat ||
        v instanceof JavaByte ||
        v instanceof JavaCharacter ||
        v instanceof JavaBigInteger ||
        v instanceof JavaBigDecimal
      ) {
        return v.toString();
      }
      break;
    default:
      break;
  }
  throw new InvalidAttributeValueException(`Attribute ${name} has a value of a type that a CSV file cannot hold.`);
}
