/**
 * The OpenICF legacy binary object serializer, byte-compatible with Java's BinaryObjectEncoder/Decoder:
 * single-object blobs (the legacy bytes fields of the WebSocket protocol), multi-object streams (the legacy
 * TCP protocol), the connector facade key, and a raw-tree view for tooling.
 */
export {
  serializeLegacy,
  deserializeLegacy,
  serializeBinaryObject,
  deserializeBinaryObject,
  decodeLegacyTree,
  LegacyStreamWriter,
  LegacyStreamReader,
} from './stream.ts';
export type { LegacyStreamReaderOptions } from './stream.ts';
export { encodeFacadeKey, decodeFacadeKey, decodeStrictBase64 } from './facade-key.ts';
export type { LegacyNode, LegacyField, LegacyFieldValue, LegacyTypeRef } from './tree.ts';
export type { FieldKind } from './handler.ts';
export { LEGACY_REGISTRY, isRegisteredType } from './registry.ts';
export type { RegistryEntry } from './registry.ts';
export {
  encryptGuardedString,
  decryptGuardedString,
  encryptBytes as encryptGuardedBytes,
  decryptBytes as decryptGuardedBytes,
} from './guarded-crypto.ts';
export { throwableWireName } from './handlers/exceptions.ts';
export * from './messages.ts';
export { LegacyFormatError } from '../errors.ts';
export type { LegacyWireErrorCode } from '../errors.ts';
