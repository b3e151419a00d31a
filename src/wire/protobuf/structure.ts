/**
 * Structural check of protobuf bytes against a message descriptor, run before
 * decoding.
 *
 * The protobuf-es decoder is lenient in ways that would let malformed frames
 * through silently: it reads a known field with whatever wire type arrives
 * (misinterpreting the bytes), and it lets the last field of an embedded
 * message run past the embedded message's declared length. Java peers reject
 * or skip such input, so we reject it here with a precise WireFormatError.
 */
import { ScalarType } from '@bufbuild/protobuf';
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { WireFormatError } from '../errors.ts';

/** Same nesting limit as the protobuf runtimes (Java, protobuf-es). */
export const MAX_NESTING_DEPTH = 100;

/** Protobuf wire types. */
const Wire = {
  Varint: 0,
  Bit64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Bit32: 5,
} as const;
type Wire = (typeof Wire)[keyof typeof Wire];

const fieldIndexCache = new WeakMap<DescMessage, Map<number, DescField>>();

function fieldsByNumber(desc: DescMessage): Map<number, DescField> {
  let index = fieldIndexCache.get(desc);
  if (index === undefined) {
    index = new Map(desc.fields.map((f) => [f.number, f]));
    fieldIndexCache.set(desc, index);
  }
  return index;
}

function scalarWireType(scalar: ScalarType): Wire {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return Wire.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return Wire.Bit32;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return Wire.LengthDelimited;
    default:
      return Wire.Varint;
  }
}

class StructureReader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  /** Reads a varint of at most 10 bytes; returns its low 32 bits as unsigned and whether higher bits were set. */
  varint(limit: number): { low: number; high: boolean } {
    let low = 0;
    let high = false;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= limit) {
        throw new WireFormatError('TRUNCATED', `input ends inside a varint at offset ${this.pos}`);
      }
      const b = this.buf[this.pos++];
      if (i < 4) {
        low |= (b & 0x7f) << (7 * i);
      } else if (i === 4) {
        low |= (b & 0x0f) << 28;
        if ((b & 0x70) !== 0) high = true;
      } else if ((b & 0x7f) !== 0) {
        high = true;
      }
      if ((b & 0x80) === 0) return { low: low >>> 0, high };
    }
    throw new WireFormatError('MALFORMED', `varint longer than 10 bytes at offset ${this.pos}`);
  }

  tag(limit: number): { fieldNo: number; wireType: number } {
    const start = this.pos;
    const { low, high } = this.varint(limit);
    const fieldNo = low >>> 3;
    const wireType = low & 7;
    if (high || this.pos - start > 5 || fieldNo === 0 || wireType > 5) {
      throw new WireFormatError('MALFORMED', `invalid field tag at offset ${start}`);
    }
    return { fieldNo, wireType };
  }

  /** Reads a length prefix and returns the end offset of the delimited payload. */
  delimitedEnd(limit: number): number {
    const start = this.pos;
    const { low, high } = this.varint(limit);
    // Lengths are int32 in every runtime; anything larger cannot be valid.
    if (high || low > 0x7fffffff) {
      throw new WireFormatError('MALFORMED', `invalid length prefix at offset ${start}`);
    }
    const end = this.pos + low;
    if (end > limit) {
      throw new WireFormatError(
        'TRUNCATED',
        `length-delimited field at offset ${start} declares ${low} bytes but only ${limit - this.pos} remain`,
      );
    }
    return end;
  }

  skipFixed(size: number, limit: number): void {
    if (this.pos + size > limit) {
      throw new WireFormatError('TRUNCATED', `input ends inside a ${size * 8}-bit value at offset ${this.pos}`);
    }
    this.pos += size;
  }

  /** Skips one value of the given wire type (an unknown field, or a checked known one). */
  skipValue(wireType: number, fieldNo: number, limit: number, depth: number): void {
    switch (wireType) {
      case Wire.Varint:
        this.varint(limit);
        return;
      case Wire.Bit64:
        this.skipFixed(8, limit);
        return;
      case Wire.Bit32:
        this.skipFixed(4, limit);
        return;
      case Wire.LengthDelimited:
        this.pos = this.delimitedEnd(limit);
        return;
      case Wire.StartGroup:
        this.skipGroup(fieldNo, limit, depth + 1);
        return;
      default:
        throw new WireFormatError('MALFORMED', `unexpected end-group tag for field ${fieldNo}`);
    }
  }

  private skipGroup(fieldNo: number, limit: number, depth: number): void {
    checkDepth(depth);
    for (;;) {
      const tag = this.tag(limit);
      if (tag.wireType === Wire.EndGroup) {
        if (tag.fieldNo !== fieldNo) {
          throw new WireFormatError('MALFORMED', `end-group tag does not match field ${fieldNo}`);
        }
        return;
      }
      this.skipValue(tag.wireType, tag.fieldNo, limit, depth);
    }
  }
}

function checkDepth(depth: number): void {
  if (depth > MAX_NESTING_DEPTH) {
    throw new WireFormatError('TOO_DEEP', `nesting deeper than ${MAX_NESTING_DEPTH} levels`);
  }
}

function mismatch(desc: DescMessage, field: DescField, wireType: number): WireFormatError {
  return new WireFormatError(
    'WIRE_TYPE_MISMATCH',
    `field ${desc.typeName}.${field.name} (#${field.number}) arrived with wire type ${wireType}`,
  );
}

function checkMessage(reader: StructureReader, desc: DescMessage, end: number, depth: number): void {
  checkDepth(depth);
  const fields = fieldsByNumber(desc);
  while (reader.pos < end) {
    const { fieldNo, wireType } = reader.tag(end);
    const field = fields.get(fieldNo);
    if (field === undefined) {
      reader.skipValue(wireType, fieldNo, end, depth);
      continue;
    }
    checkField(reader, desc, field, wireType, end, depth);
  }
}

function checkField(
  reader: StructureReader,
  desc: DescMessage,
  field: DescField,
  wireType: number,
  end: number,
  depth: number,
): void {
  switch (field.fieldKind) {
    case 'scalar':
    case 'enum': {
      const expected = field.fieldKind === 'enum' ? Wire.Varint : scalarWireType(field.scalar);
      if (wireType !== expected) throw mismatch(desc, field, wireType);
      reader.skipValue(wireType, field.number, end, depth);
      return;
    }
    case 'message':
      if (wireType !== Wire.LengthDelimited) throw mismatch(desc, field, wireType);
      checkMessage(reader, field.message, reader.delimitedEnd(end), depth + 1);
      return;
    case 'list': {
      if (field.listKind === 'message') {
        if (wireType !== Wire.LengthDelimited) throw mismatch(desc, field, wireType);
        checkMessage(reader, field.message, reader.delimitedEnd(end), depth + 1);
        return;
      }
      const element = field.listKind === 'enum' ? Wire.Varint : scalarWireType(field.scalar);
      if (wireType === element) {
        reader.skipValue(wireType, field.number, end, depth);
        return;
      }
      // Packed encoding (accepted for any packable element type, packed or not by declaration).
      if (wireType === Wire.LengthDelimited && element !== Wire.LengthDelimited) {
        const packedEnd = reader.delimitedEnd(end);
        while (reader.pos < packedEnd) reader.skipValue(element, field.number, packedEnd, depth);
        return;
      }
      throw mismatch(desc, field, wireType);
    }
    case 'map':
      // No map fields in the OpenICF schema; entries are checked only for framing.
      if (wireType !== Wire.LengthDelimited) throw mismatch(desc, field, wireType);
      reader.pos = reader.delimitedEnd(end);
      return;
  }
}

/** Throws WireFormatError unless `bytes` is well-formed protobuf for `desc`. */
export function checkStructure(desc: DescMessage, bytes: Uint8Array): void {
  checkMessage(new StructureReader(bytes), desc, bytes.length, 0);
}
