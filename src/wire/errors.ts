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
