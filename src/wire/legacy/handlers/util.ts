/** Small checks shared by the handlers: they turn wrong shapes into LegacyFormatError. */
import { LegacyFormatError } from '../../errors.ts';

export function invalid(typeName: string, message: string, cause?: unknown): LegacyFormatError {
  return new LegacyFormatError('INVALID_VALUE', `${typeName}: ${message}`, cause === undefined ? undefined : { cause });
}

export function wrongField(typeName: string, field: string, expected: string): LegacyFormatError {
  return new LegacyFormatError('MISSING_FIELD', `${typeName}.${field}: expected ${expected}`);
}

/** Returns v when it is an instance of ctor (or null when allowed), else throws. */
export function expectInstance<T>(
  v: unknown,
  ctor: abstract new (...args: never[]) => T,
  typeName: string,
  field: string,
  nullable: boolean,
): T | null {
  if (v === null || v === undefined) {
    if (nullable) return null;
    throw wrongField(typeName, field, `a ${ctor.name}, got null`);
  }
  if (v instanceof ctor) return v;
  throw wrongField(typeName, field, `a ${ctor.name}`);
}

/** Elements of a decoded Set or List (Java reads both through Collection). */
export function elementsOf(v: unknown, typeName: string, field: string): unknown[] | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Set) return [...v];
  if (Array.isArray(v)) return v;
  throw wrongField(typeName, field, 'a Set or List');
}

/** Runs a model constructor; its validation errors become INVALID_VALUE. */
export function build<T>(typeName: string, make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof LegacyFormatError) throw err;
    throw invalid(typeName, err instanceof Error ? err.message : String(err), err);
  }
}

/** Java's String.valueOf for the key types a case-insensitive map can meet. */
export function javaStringValueOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return String(v);
}
