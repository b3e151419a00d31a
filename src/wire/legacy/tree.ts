/** The raw-tree view of a legacy object: what was written, field by field (the golden vectors' "value" format). */
import type { FieldKind } from './handler.ts';

/** A serial type name, or an array of a component type. */
export type LegacyTypeRef = string | { readonly array: LegacyTypeRef };

export interface LegacyNode {
  /** Serial type name, {array: T}, or "null" for a null record (which has no fields). */
  readonly type: LegacyTypeRef;
  readonly fields?: readonly LegacyField[];
}

/**
 * One field. Values by kind: int/byte → number; long → number when exact, else decimal string; double → number
 * or "NaN"/"Infinity"/"-Infinity"; boolean → boolean; bytes → lower-case hex; string → string;
 * class → LegacyTypeRef (null for a null descriptor); object → LegacyNode.
 */
export interface LegacyField {
  /** Field name; null for an anonymous field. */
  readonly field: string | null;
  readonly kind: FieldKind;
  readonly value: LegacyFieldValue;
}

export type LegacyFieldValue = number | string | boolean | null | LegacyNode | LegacyTypeRef;

export function typeRef(name: string, dims: number): LegacyTypeRef {
  let t: LegacyTypeRef = name;
  for (let i = 0; i < dims; i++) t = { array: t };
  return t;
}

export function longToTree(v: bigint): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

export function doubleToTree(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
