/**
 * Errors raised by the wire layer (protobuf envelope and legacy object
 * serializer) when bytes received from a peer cannot be understood.
 *
 * Messages describe *where* decoding failed, never the payload itself, so
 * secrets carried in a frame cannot leak through logs.
 */

/** Codes used by the protobuf envelope decoder. Other wire codecs may add their own. */
export type ProtobufWireErrorCode =
  /** The input was not a byte array. */
  | 'INVALID_INPUT'
  /** The input ended in the middle of a field or of an embedded message. */
  | 'TRUNCATED'
  /** A known field arrived with a wire type its declared type cannot have. */
  | 'WIRE_TYPE_MISMATCH'
  /** Nesting deeper than the decoder accepts. */
  | 'TOO_DEEP'
  /** Any other malformed protobuf (bad tag, bad varint, invalid UTF-8, ...). */
  | 'MALFORMED'
  /** A message to encode holds a value its field cannot carry. */
  | 'INVALID_MESSAGE';

export class WireFormatError extends Error {
  /** Stable machine-readable reason, e.g. 'TRUNCATED'. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WireFormatError';
    this.code = code;
  }
}

/** Codes used by the legacy binary object serializer (OpenICF BinaryObjectEncoder/Decoder format). */
export type LegacyWireErrorCode =
  /** The input ended before the object was complete. */
  | 'TRUNCATED'
  /** The stream does not start with the 0x0000FAFB magic. */
  | 'BAD_MAGIC'
  /** The stream's format version is not 2. */
  | 'BAD_VERSION'
  /** A type name that no handler knows ("No deserializer for type: X"). */
  | 'UNKNOWN_TYPE'
  /** A constant-pool code that was never declared. */
  | 'UNDECLARED_CODE'
  /** A class descriptor byte other than 0x3C/0x3D/0x3E. */
  | 'BAD_DESCRIPTOR'
  /** A field tag byte other than 0x46/0x47/0x48. */
  | 'BAD_FIELD_TAG'
  /** A negative or impossible length or count. */
  | 'BAD_LENGTH'
  /** Nesting deeper than the decoder accepts. */
  | 'TOO_DEEP'
  /** A string that is not valid UTF-8. */
  | 'INVALID_UTF8'
  /** A required field is absent, or a field holds the wrong kind of value. */
  | 'MISSING_FIELD'
  /** The decoded data is refused by the type's constructor rules (e.g. a blank Uid). */
  | 'INVALID_VALUE'
  /** A GuardedString/GuardedByteArray ciphertext that does not decrypt. */
  | 'BAD_CIPHERTEXT'
  /** Text that is not strict Base64. */
  | 'BAD_BASE64'
  /** A value the encoder cannot write (no serializer for its type). */
  | 'UNSUPPORTED_VALUE';

/** Malformed legacy binary object data, or a value the legacy serializer cannot write. */
export class LegacyFormatError extends WireFormatError {
  declare readonly code: LegacyWireErrorCode;

  constructor(code: LegacyWireErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'LegacyFormatError';
  }
}
