/**
 * Reading values out of asn1js nodes that pkijs hands over unparsed (algorithm parameters pkijs has no class for,
 * OCTET STRING contents that may be in BER constructed form). Every mismatch is a 'malformed' Pkcs12Error.
 */
import * as asn1js from 'asn1js';
import { Pkcs12Error } from './errors.ts';

type Node = asn1js.AsnType | undefined;

/** Content octets of an OCTET STRING (or implicitly tagged one), primitive or constructed. */
export function octetBytes(node: Node, what: string): Buffer {
  const block = node as (asn1js.BaseBlock & { valueBlock: { value?: asn1js.AsnType[]; valueHexView?: Uint8Array } }) | undefined;
  if (!block || !block.idBlock) throw new Pkcs12Error('malformed', `${what}: missing OCTET STRING`);
  const universalOctetString = block.idBlock.tagClass === 1 && block.idBlock.tagNumber === 4;
  if (!universalOctetString && block.idBlock.tagClass !== 3) throw new Pkcs12Error('malformed', `${what}: expected an OCTET STRING`);
  if (block.idBlock.isConstructed) {
    const parts = (block.valueBlock.value ?? []).filter((part) => !(part instanceof asn1js.EndOfContent));
    return Buffer.concat(parts.map((part) => octetBytes(part, what)));
  }
  if (!block.valueBlock.valueHexView) throw new Pkcs12Error('malformed', `${what}: expected an OCTET STRING`);
  return Buffer.from(block.valueBlock.valueHexView);
}

/** Elements of a SEQUENCE, checking the minimum count. */
export function sequenceItems(node: Node, what: string, min: number): asn1js.AsnType[] {
  if (!(node instanceof asn1js.Sequence)) throw new Pkcs12Error('malformed', `${what}: expected a SEQUENCE`);
  const items = node.valueBlock.value.filter((item) => !(item instanceof asn1js.EndOfContent));
  if (items.length < min) throw new Pkcs12Error('malformed', `${what}: expected at least ${min} elements, got ${items.length}`);
  return items;
}

export function integerValue(node: Node, what: string): number {
  if (!(node instanceof asn1js.Integer)) throw new Pkcs12Error('malformed', `${what}: expected an INTEGER`);
  const value = Number(node.toBigInt());
  if (!Number.isSafeInteger(value)) throw new Pkcs12Error('malformed', `${what}: INTEGER out of range`);
  return value;
}

export function oidValue(node: Node, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw new Pkcs12Error('malformed', `${what}: expected an OBJECT IDENTIFIER`);
  return node.valueBlock.toString();
}

/** Text of a BMPString / UTF8String / other string type (friendlyName is a BMPString; be lenient). */
export function textValue(node: Node, what: string): string {
  if (node instanceof asn1js.BmpString || node instanceof asn1js.Utf8String || node instanceof asn1js.PrintableString || node instanceof asn1js.IA5String) {
    return node.valueBlock.value;
  }
  throw new Pkcs12Error('malformed', `${what}: expected a string`);
}

/** Parses DER/BER bytes into an asn1js node. */
export function parseBer(data: Uint8Array, what: string): asn1js.AsnType {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } catch (cause) {
    // asn1js throws (rather than reporting) on some broken string contents
    throw new Pkcs12Error('malformed', `${what}: not valid DER/BER (${(cause as Error).message})`, { cause });
  }
  if (parsed.offset === -1) throw new Pkcs12Error('malformed', `${what}: not valid DER/BER (${parsed.result.error || 'parse error'})`);
  return parsed.result;
}

/** DER bytes of an asn1js node. */
export function derBytes(node: asn1js.AsnType): Buffer {
  return Buffer.from(node.toBER(false));
}

/** Runs a pkijs parse: anything it throws (schema mismatch, bad BER) becomes a 'malformed' Pkcs12Error about `what`. */
export function parseWithPkijs<T>(parse: () => T, what: string): T {
  try {
    return parse();
  } catch (cause) {
    if (cause instanceof Pkcs12Error) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Pkcs12Error('malformed', `${what} is malformed (${reason})`, { cause });
  }
}
