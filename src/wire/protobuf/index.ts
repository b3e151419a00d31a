/**
 * Protobuf half of the wire layer: the generated OpenICF message schemas and
 * types (see ./proto, regenerated with `npm run gen`), plus safe helpers for
 * the RemoteMessage envelope that frames every binary WebSocket message.
 *
 * Usage with protobuf-es v2:
 *   const msg = create(RemoteMessageSchema, { messageId: 5n, request: { ... } });
 *   const bytes = encodeRemoteMessage(msg);
 *   const back = decodeRemoteMessage(bytes); // throws WireFormatError on bad input
 *   if (back.response?.operationResponse?.testOpResponse !== undefined) { ... }
 */
import { fromBinary, toBinary, toJson } from '@bufbuild/protobuf';
import type { DescMessage, JsonObject, MessageShape } from '@bufbuild/protobuf';
import { WireFormatError } from '../errors.ts';
import { RemoteMessageSchema } from './gen/RPCMessages_pb.ts';
import type { RemoteMessage } from './gen/RPCMessages_pb.ts';
import { checkStructure } from './structure.ts';

export * from './gen/CommonObjectMessages_pb.ts';
export * from './gen/ConnectorObjects_pb.ts';
export * from './gen/FilterMessages_pb.ts';
export * from './gen/OperationMessages_pb.ts';
export * from './gen/RPCMessages_pb.ts';
export * from './gen/SchemaMessages_pb.ts';

// The protobuf-es runtime functions callers need, so one import suffices.
export { create, clone, equals, isMessage, toBinary } from '@bufbuild/protobuf';
export type { MessageInitShape, MessageShape, JsonObject } from '@bufbuild/protobuf';
export { WireFormatError } from '../errors.ts';

/**
 * Decodes protobuf bytes as the given message type. Throws only
 * WireFormatError: truncated input, bad tags or varints, wire types that do
 * not match the declared field type, invalid UTF-8 in string fields,
 * excessive nesting.
 */
export function decodeMessage<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> {
  if (!(bytes instanceof Uint8Array)) {
    throw new WireFormatError('INVALID_INPUT', `expected a Uint8Array, got ${describe(bytes)}`);
  }
  checkStructure(schema, bytes);
  try {
    return fromBinary(schema, bytes);
  } catch (err) {
    throw new WireFormatError('MALFORMED', `cannot decode ${schema.typeName}: ${reason(err)}`, { cause: err });
  }
}

/** Decodes one binary WebSocket frame payload. Throws only WireFormatError. */
export function decodeRemoteMessage(bytes: Uint8Array): RemoteMessage {
  return decodeMessage(RemoteMessageSchema, bytes);
}

/**
 * Encodes a RemoteMessage. Unset message fields are omitted; message fields
 * set to an empty message (e.g. `testOpResponse: {}`) are written as tag plus
 * zero length, as peers test their presence.
 */
export function encodeRemoteMessage(msg: RemoteMessage): Uint8Array {
  try {
    return toBinary(RemoteMessageSchema, msg);
  } catch (err) {
    // Only reachable with values outside their field's range (e.g. an int32 > 2^31-1).
    throw new WireFormatError('INVALID_MESSAGE', `cannot encode RemoteMessage: ${reason(err)}`, { cause: err });
  }
}

/**
 * Protobuf JSON of a RemoteMessage as the Java JsonFormat prints it with
 * proto field names and default values: int64 as strings, bytes as Base64,
 * enums by name, unset message fields left out.
 */
export function remoteMessageToJson(msg: RemoteMessage): JsonObject {
  return toJson(RemoteMessageSchema, msg, { alwaysEmitImplicit: true, useProtoFieldName: true }) as JsonObject;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
