/**
 * The contract between the stream codec and the per-type handlers. A handler writes one object's fields in
 * Java's exact order and reads them back by name/index; its declared field kinds also drive the raw-tree view.
 */
import type { JavaClass } from '../../model/index.ts';

/** What a field payload holds (the vocabulary of the golden vectors' "kind"). */
export type FieldKind = 'int' | 'long' | 'double' | 'boolean' | 'byte' | 'bytes' | 'string' | 'class' | 'object';

export interface FieldWriter {
  int(name: string, v: number): void;
  long(name: string, v: bigint): void;
  bool(name: string, v: boolean): void;
  double(name: string, v: number): void;
  /** Omitted when null/undefined, as Java's writeStringField does. */
  string(name: string, v: string | null | undefined): void;
  /** Omitted when null/undefined. */
  classField(name: string, c: JavaClass | null | undefined): void;
  /** Always written; null becomes the record 3C 48. */
  object(name: string, v: unknown): void;
  anonInt(v: number): void;
  anonLong(v: bigint): void;
  anonBool(v: boolean): void;
  anonByte(v: number): void;
  anonDouble(v: number): void;
  anonString(v: string): void;
  anonBytes(v: Uint8Array): void;
  anonClass(c: JavaClass | null): void;
  anonObject(v: unknown): void;
  /** The class Java would see for a value (its serial type, or an array class); null for null. */
  wireClassOf(v: unknown): JavaClass | null;
}

export interface FieldReader {
  /** The serial type name being read (for messages). */
  readonly typeName: string;
  has(name: string): boolean;
  int(name: string, dflt: number): number;
  long(name: string, dflt: bigint): bigint;
  bool(name: string, dflt: boolean): boolean;
  double(name: string, dflt: number): number;
  string(name: string, dflt: string | null): string | null;
  classField(name: string, dflt: JavaClass | null): JavaClass | null;
  /** Absent → dflt; present → the decoded object (null for 3C 48). */
  object(name: string, dflt?: unknown): unknown;
  readonly anonCount: number;
  anonInt(i?: number): number;
  anonLong(i?: number): bigint;
  anonBool(i?: number): boolean;
  anonByte(i?: number): number;
  anonDouble(i?: number): number;
  anonString(i?: number): string;
  anonBytes(i?: number): Uint8Array;
  anonClass(i?: number): JavaClass | null;
  anonObject(i: number): unknown;
}

export interface TypeHandler {
  /** Registered serial type name. */
  readonly name: string;
  /** Kinds of the named fields it writes, in write order. */
  readonly named: Readonly<Record<string, FieldKind>>;
  /** Kind of its anonymous fields (null: it writes none). */
  readonly anon: FieldKind | null;
  write(out: FieldWriter, value: unknown): void;
  read(input: FieldReader): unknown;
}

export function defineHandler(
  name: string,
  named: Readonly<Record<string, FieldKind>>,
  anon: FieldKind | null,
  write: (out: FieldWriter, value: unknown) => void,
  read: (input: FieldReader) => unknown,
): TypeHandler {
  return { name, named, anon, write, read };
}
