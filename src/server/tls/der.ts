/** Small, strict accessors over asn1js trees: every mismatch becomes a 'malformed' Pkcs12Error. */
import * as asn1js from 'asn1js';
import { Pkcs12Error } from './errors.ts';

export type Asn1 = asn1js.AsnType;

export function parseDer(data: Uint8Array, what: string): Asn1 {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const parsed = asn1js.fromBER(view);
  if (parsed.offset === -1) throw new Pkcs12Error('malformed', `${what}: not valid DER/BER (${parsed.result.error || 'parse error'})`);
  return parsed.result;
}

function tagOf(node: Asn1): { cls: number; num: number } {
  const block = (node as asn1js.BaseBlock).idBlock;
  return { cls: block.tagClass, num: block.tagNumber };
}

/** Children of a SEQUENCE (or SET), checking the minimum count. */
export function children(node: Asn1, what: string, min = 0): Asn1[] {
  if (!(node instanceof asn1js.Sequence) && !(node instanceof asn1js.Set) && !(node instanceof asn1js.Constructed)) {
    throw new Pkcs12Error('malformed', `${what}: expected a SEQUENCE`);
  }
  const items = (node.valueBlock.value as Asn1[]).filter((x) => !(x instanceof asn1js.EndOfContent));
  if (items.length < min) throw new Pkcs12Error('malformed', `${what}: expected at least ${min} elements, got ${items.length}`);
  return items;
}

export function oid(node: Asn1 | undefined, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw new Pkcs12Error('malformed', `${what}: expected an OBJECT IDENTIFIER`);
  return node.valueBlock.toString();
}

export function integer(node: Asn1 | undefined, what: string): number {
  if (!(node instanceof asn1js.Integer)) throw new Pkcs12Error('malformed', `${what}: expected an INTEGER`);
  const value = Number(node.toBigInt());
  if (!Number.isSafeInteger(value)) throw new Pkcs12Error('malformed', `${what}: INTEGER out of range`);
  return value;
}

/**
 * Content octets of an OCTET STRING, or of an implicitly tagged one ([n] IMPLICIT OCTET STRING), in primitive or
 * constructed (BER) form.
 */
export function octets(node: Asn1 | undefined, what: string): Buffer {
  if (node === undefined) throw new Pkcs12Error('malformed', `${what}: missing OCTET STRING`);
  const block = node as asn1js.BaseBlock & { valueBlock: { value?: Asn1[]; valueHexView?: Uint8Array; isConstructed?: boolean } };
  const { cls, num } = tagOf(node);
  const universalOctetString = cls === 1 && num === 4;
  const contextTagged = cls === 3;
  if (!universalOctetString && !contextTagged) throw new Pkcs12Error('malformed', `${what}: expected an OCTET STRING`);
  if (block.idBlock.isConstructed) {
    const parts = (block.valueBlock.value ?? []).filter((x) => !(x instanceof asn1js.EndOfContent));
    return Buffer.concat(parts.map((p) => octets(p, what)));
  }
  const hex = block.valueBlock.valueHexView;
  if (!hex) throw new Pkcs12Error('malformed', `${what}: expected an OCTET STRING`);
  return Buffer.from(hex);
}

/** The single element inside an explicit context tag [n]. */
export function explicit(node: Asn1 | undefined, tagNumber: number, what: string): Asn1 {
  if (node === undefined) throw new Pkcs12Error('malformed', `${what}: missing [${tagNumber}]`);
  const { cls, num } = tagOf(node);
  if (cls !== 3 || num !== tagNumber || !(node instanceof asn1js.Constructed)) {
    throw new Pkcs12Error('malformed', `${what}: expected [${tagNumber}] EXPLICIT`);
  }
  const inner = children(node, what, 1);
  return inner[0];
}

export function isContextTag(node: Asn1 | undefined, tagNumber: number): boolean {
  if (node === undefined) return false;
  const { cls, num } = tagOf(node);
  return cls === 3 && num === tagNumber;
}

export function isInteger(node: Asn1 | undefined): node is asn1js.Integer {
  return node instanceof asn1js.Integer;
}

export function isNull(node: Asn1 | undefined): boolean {
  return node instanceof asn1js.Null;
}

/** Text of a BMPString / UTF8String / other string type (friendlyName is a BMPString, be lenient). */
export function text(node: Asn1 | undefined, what: string): string {
  if (node instanceof asn1js.BmpString || node instanceof asn1js.Utf8String || node instanceof asn1js.PrintableString || node instanceof asn1js.IA5String) {
    return node.valueBlock.value;
  }
  throw new Pkcs12Error('malformed', `${what}: expected a string`);
}

/** Re-encodes a node to DER bytes. */
export function encode(node: Asn1): Buffer {
  return Buffer.from(node.toBER(false));
}

/** Parses a DER AlgorithmIdentifier: OID plus optional parameters. */
export function algorithmIdentifier(node: Asn1 | undefined, what: string): { oid: string; params?: Asn1 } {
  if (node === undefined) throw new Pkcs12Error('malformed', `${what}: missing AlgorithmIdentifier`);
  const items = children(node, what, 1);
  const params = items[1];
  return params === undefined ? { oid: oid(items[0], what) } : { oid: oid(items[0], what), params };
}
