/**
 * The wire layer: the protobuf envelope of the WebSocket protocol and the legacy binary object serializer.
 * Both share names such as OperationRequest, so each is exported as a namespace; the legacy codec's main
 * entry points are also exported directly.
 */
export * as legacy from './legacy/index.ts';
export * as protobuf from './protobuf/index.ts';
export { WireFormatError, LegacyFormatError } from './errors.ts';
export type { LegacyWireErrorCode, ProtobufWireErrorCode } from './errors.ts';
export {
  serializeLegacy,
  deserializeLegacy,
  serializeBinaryObject,
  deserializeBinaryObject,
  decodeLegacyTree,
  LegacyStreamWriter,
  LegacyStreamReader,
  encodeFacadeKey,
  decodeFacadeKey,
} from './legacy/index.ts';
export type { LegacyNode, LegacyField, LegacyTypeRef } from './legacy/index.ts';
