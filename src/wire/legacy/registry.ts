/**
 * The serial type registry, in Java's registration order (Primitives, OperationMappings, APIConfigurationHandlers,
 * FilterHandlers, CommonObjectHandlers, MessageHandlers, Object), and the mapping from JS values to handlers.
 */
import * as M from '../../model/index.ts';
import { API_OPERATIONS } from '../../model/index.ts';
import type { TypeHandler } from './handler.ts';
import { COMMON_HANDLERS } from './handlers/common.ts';
import { CONFIG_HANDLERS } from './handlers/config.ts';
import { EXCEPTION_HANDLERS, throwableWireName } from './handlers/exceptions.ts';
import { FILTER_HANDLERS } from './handlers/filters.ts';
import { MESSAGE_HANDLERS } from './handlers/messages.ts';
import { MapEntry, PRIMITIVE_HANDLERS } from './handlers/primitives.ts';
import * as Msg from './messages.ts';

export interface RegistryEntry {
  /** Serial type name. */
  readonly name: string;
  /** The handler, or null for names that are only valid as class descriptors (the *ApiOp interfaces, Object). */
  readonly handler: TypeHandler | null;
}

/** Java's OperationMappings order. */
const OPERATION_MAPPINGS = [
  'BatchApiOp',
  'AuthenticationApiOp',
  'ResolveUsernameApiOp',
  'SearchApiOp',
  'ValidateApiOp',
  'CreateApiOp',
  'SchemaApiOp',
  'UpdateApiOp',
  'DeleteApiOp',
  'GetApiOp',
  'TestApiOp',
  'ScriptOnResourceApiOp',
  'ScriptOnConnectorApiOp',
  'SyncApiOp',
  'ConnectorEventSubscriptionApiOp',
  'SyncEventSubscriptionApiOp',
] as const;

export const LEGACY_REGISTRY: readonly RegistryEntry[] = Object.freeze([
  ...PRIMITIVE_HANDLERS.map((h) => ({ name: h.name, handler: h })),
  ...OPERATION_MAPPINGS.map((name) => ({ name, handler: null })),
  ...CONFIG_HANDLERS.map((h) => ({ name: h.name, handler: h })),
  ...FILTER_HANDLERS.map((h) => ({ name: h.name, handler: h })),
  ...EXCEPTION_HANDLERS.map((h) => ({ name: h.name, handler: h })),
  ...COMMON_HANDLERS.map((h) => ({ name: h.name, handler: h })),
  ...MESSAGE_HANDLERS.map((h) => ({ name: h.name, handler: h })),
  { name: 'Object', handler: null },
]);

const BY_NAME = new Map<string, RegistryEntry>(LEGACY_REGISTRY.map((e) => [e.name, e]));
if (BY_NAME.size !== LEGACY_REGISTRY.length) throw new Error('duplicate serial type name in the legacy registry');
for (const op of API_OPERATIONS) if (!BY_NAME.has(op)) throw new Error(`API operation ${op} missing from the legacy registry`);

/** True for every registered serial type name (handlers and descriptor-only names). */
export function isRegisteredType(name: string): boolean {
  return BY_NAME.has(name);
}

export function handlerByName(name: string): TypeHandler | null {
  return BY_NAME.get(name)?.handler ?? null;
}

function h(name: string): TypeHandler {
  const handler = handlerByName(name);
  if (!handler) throw new Error(`no handler ${name}`);
  return handler;
}

/** Exact JS classes → handler. Subclasses are resolved below, like Java's one-level superclass fallback. */
const BY_CONSTRUCTOR = new Map<unknown, TypeHandler>([
  [M.JavaDouble, h('Double')],
  [M.JavaFloat, h('Float')],
  [M.JavaByte, h('Byte')],
  [M.JavaCharacter, h('Character')],
  [M.JavaBigInteger, h('BigInteger')],
  [M.JavaBigDecimal, h('BigDecimal')],
  [M.JavaURI, h('URI')],
  [M.JavaFile, h('File')],
  [M.JavaClass, h('Class')],
  [M.Locale, h('Locale')],
  [Uint8Array, h('ByteArray')],
  [Buffer, h('ByteArray')],
  [Array, h('List')],
  [Map, h('Map')],
  [M.CaseInsensitiveMap, h('Map')],
  [Set, h('Set')],
  [M.CaseInsensitiveSet, h('Set')],
  [M.GuardedString, h('GuardedString')],
  [M.GuardedByteArray, h('GuardedByteArray')],
  [MapEntry, h('MapEntry')],
  [M.ObjectPoolConfiguration, h('ObjectPoolConfiguration')],
  [M.ResultsHandlerConfiguration, h('ResultsHandlerConfiguration')],
  [M.ConfigurationProperty, h('ConfigurationProperty')],
  [M.ConfigurationProperties, h('ConfigurationProperties')],
  [M.APIConfiguration, h('APIConfiguration')],
  [M.ConnectorMessages, h('ConnectorMessages')],
  [M.ConnectorKey, h('ConnectorKey')],
  [M.ConnectorInfo, h('ConnectorInfo')],
  [M.AndFilter, h('AndFilter')],
  [M.OrFilter, h('OrFilter')],
  [M.NotFilter, h('NotFilter')],
  [M.EqualsFilter, h('EqualsFilter')],
  [M.ContainsFilter, h('ContainsFilter')],
  [M.StartsWithFilter, h('StartsWithFilter')],
  [M.EndsWithFilter, h('EndsWithFilter')],
  [M.GreaterThanFilter, h('GreaterThanFilter')],
  [M.GreaterThanOrEqualFilter, h('GreaterThanOrEqualFilter')],
  [M.LessThanFilter, h('LessThanFilter')],
  [M.LessThanOrEqualFilter, h('LessThanOrEqualFilter')],
  [M.ContainsAllValuesFilter, h('ContainsAllValuesFilter')],
  [M.PresenceFilter, h('PresenceFilter')],
  [M.ExtendedMatchFilter, h('ExtendedMatchFilter')],
  [M.Attribute, h('Attribute')],
  [M.Uid, h('Uid')],
  [M.Name, h('Name')],
  [M.AttributeInfo, h('AttributeInfo')],
  [M.ConnectorObject, h('ConnectorObject')],
  [M.ObjectClass, h('ObjectClass')],
  [M.ObjectClassInfo, h('ObjectClassInfo')],
  [M.Schema, h('Schema')],
  [M.Script, h('Script')],
  [M.ScriptContext, h('ScriptContext')],
  [M.OperationOptions, h('OperationOptions')],
  [M.SearchResult, h('SearchResult')],
  [M.SortKey, h('SortKey')],
  [M.OperationOptionInfo, h('OperationOptionInfo')],
  [M.SyncToken, h('SyncToken')],
  [M.SyncDelta, h('SyncDelta')],
  [M.QualifiedUid, h('QualifiedUid')],
  [M.CreateBatchTask, h('CreateBatchTask')],
  [M.DeleteBatchTask, h('DeleteBatchTask')],
  [M.UpdateBatchTask, h('UpdateBatchTask')],
  [M.BatchEmptyResult, h('BatchEmptyResult')],
  [M.BatchToken, h('BatchToken')],
  [M.BatchResult, h('BatchResult')],
  [Msg.HelloRequest, h('HelloRequest')],
  [Msg.HelloResponse, h('HelloResponse')],
  [Msg.OperationRequest, h('OperationRequest')],
  [Msg.OperationResponseEnd, h('OperationResponseEnd')],
  [Msg.OperationResponsePart, h('OperationResponsePart')],
  [Msg.OperationRequestMoreData, h('OperationRequestMoreData')],
  [Msg.OperationRequestStopData, h('OperationRequestStopData')],
  [Msg.OperationResponsePause, h('OperationResponsePause')],
  [Msg.EchoMessage, h('EchoMessage')],
]);

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** True for a JS number written as a Java Integer (an int32 integer other than -0). */
export function isJavaInteger(v: number): boolean {
  return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX && !Object.is(v, -0);
}

/**
 * The handler for a non-null, non-array JS value, or undefined when the value has no wire form.
 * Numbers: int32 → Integer, otherwise Double. bigint → Long.
 */
export function handlerForValue(v: unknown): TypeHandler | undefined {
  switch (typeof v) {
    case 'string':
      return STRING;
    case 'boolean':
      return BOOLEAN;
    case 'number':
      return isJavaInteger(v) ? INTEGER : DOUBLE;
    case 'bigint':
      return LONG;
    case 'object':
      break;
    default:
      return undefined;
  }
  const obj = v as object;
  const exact = BY_CONSTRUCTOR.get(obj.constructor);
  if (exact) return exact;
  if (obj instanceof M.JavaEnum) return handlerByName(obj.enumType) ?? undefined;
  if (obj instanceof Error) {
    if (obj.constructor === M.RemoteWrappedException) return REMOTE_WRAPPED;
    return handlerByName(throwableWireName(obj)) ?? undefined;
  }
  // Subclasses: the nearest registered ancestor (Attribute, Map, Set, List, Uint8Array...).
  for (let proto = Object.getPrototypeOf(obj) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
    const found = BY_CONSTRUCTOR.get((proto as { constructor?: unknown }).constructor);
    if (found) return found;
  }
  if (Array.isArray(obj)) return LIST;
  return undefined;
}

const STRING = h('String');
const BOOLEAN = h('Boolean');
const INTEGER = h('Integer');
const DOUBLE = h('Double');
const LONG = h('Long');
const LIST = h('List');
const REMOTE_WRAPPED = h('RemoteWrappedException');
