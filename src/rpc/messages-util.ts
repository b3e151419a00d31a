/**
 * Mapping between the protobuf messages of the OpenICF wire protocol and the model objects (OpenICF's
 * MessagesUtil). Fields that carry legacy-serialized objects go through serializeLegacy/deserializeLegacy:
 * null ↔ empty bytes.
 */
import { create } from '@bufbuild/protobuf';
import * as pb from '../wire/protobuf/index.ts';
import { deserializeLegacy, serializeLegacy } from '../wire/legacy/index.ts';
import {
  Attribute,
  ConnectorException,
  ConnectorKey,
  ConnectorObject,
  Locale,
  ObjectClass,
  RemoteWrappedException,
  ScriptContext,
  SearchResult,
  SyncDelta,
  SyncToken,
  Uid,
  toJavaThrowable,
  type CountPolicy,
  type SyncDeltaType,
} from '../model/index.ts';

const EMPTY = new Uint8Array(0);

/** Java's ConnectorException FQCN, used when a peer sends a blank exception class. */
export const CONNECTOR_EXCEPTION_CLASS = ConnectorException.JAVA_CLASS;

/** Legacy bytes of a value; null/undefined → empty bytes. */
export function toLegacy(value: unknown): Uint8Array {
  if (value === null || value === undefined) return EMPTY;
  return serializeLegacy(value);
}

/** Value of legacy bytes; empty → null. Throws LegacyFormatError on a malformed blob. */
export function fromLegacy(bytes: Uint8Array | undefined): unknown {
  if (!bytes || bytes.length === 0) return null;
  return deserializeLegacy(bytes);
}

/** Legacy bytes expected to hold an instance of `type` (or nothing). */
export function fromLegacyAs<T>(bytes: Uint8Array | undefined, type: abstract new (...args: never[]) => T, what: string): T | null {
  const v = fromLegacy(bytes);
  if (v === null) return null;
  if (!(v instanceof type)) throw new ConnectorException(`Expected ${what} but received ${describe(v)}`);
  return v;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  return typeof v;
}

// ---- Uid, ConnectorKey, Locale -------------------------------------------------------------------------------

export function uidToProto(uid: Uid): pb.Uid {
  return create(pb.UidSchema, { value: uid.value, revision: uid.revision ?? '' });
}

/** A blank revision means none (Java's `new Uid(value)`). */
export function uidFromProto(uid: pb.Uid): Uid {
  return uid.revision.trim() !== '' ? new Uid(uid.value, uid.revision) : new Uid(uid.value);
}

export function connectorKeyToProto(key: ConnectorKey): pb.ConnectorKey {
  return create(pb.ConnectorKeySchema, {
    bundleName: key.bundleName,
    bundleVersion: key.bundleVersion,
    connectorName: key.connectorName,
  });
}

export function connectorKeyFromProto(key: pb.ConnectorKey): ConnectorKey {
  return new ConnectorKey(key.bundleName, key.bundleVersion, key.connectorName);
}

/** The protobuf text format of a ConnectorKey, as Java prints it in "Connector not found" messages. */
export function connectorKeyText(key: pb.ConnectorKey): string {
  const q = (s: string): string => JSON.stringify(s);
  return `bundleName: ${q(key.bundleName)}\nbundleVersion: ${q(key.bundleVersion)}\nconnectorName: ${q(key.connectorName)}\n`;
}

export function localeToProto(locale: Locale): pb.Locale {
  return create(pb.LocaleSchema, { language: locale.language, country: locale.country, variant: locale.variant });
}

export function localeFromProto(locale: pb.Locale): Locale {
  return new Locale(locale.language, locale.country, locale.variant);
}

// ---- ScriptContext --------------------------------------------------------------------------------------------

export function scriptContextToProto(ctx: ScriptContext): pb.ScriptContext {
  return create(pb.ScriptContextSchema, {
    script: { scriptLanguage: ctx.language, scriptText: ctx.text },
    // The Java client always serializes the argument map, even when empty.
    scriptArguments: serializeLegacy(new Map(ctx.scriptArguments)),
  });
}

export function scriptContextFromProto(ctx: pb.ScriptContext): ScriptContext {
  const args = fromLegacy(ctx.scriptArguments);
  if (args !== null && !(args instanceof Map)) throw new ConnectorException(`Expected script arguments map but received ${describe(args)}`);
  const map = new Map<string, unknown>();
  if (args) for (const [k, v] of args) map.set(String(k), v);
  return new ScriptContext(ctx.script?.scriptLanguage ?? '', ctx.script?.scriptText ?? '', map);
}

// ---- SearchResult ---------------------------------------------------------------------------------------------

const COUNT_POLICIES: readonly CountPolicy[] = ['NONE', 'ESTIMATE', 'EXACT'];

export function searchResultToProto(result: SearchResult): pb.SearchResult {
  return create(pb.SearchResultSchema, {
    pagedResultsCookie: result.pagedResultsCookie ?? '',
    totalPagedResultsPolicy: Math.max(0, COUNT_POLICIES.indexOf(result.totalPagedResultsPolicy)) as pb.SearchResult_CountPolicy,
    totalPagedResults: result.totalPagedResults,
    remainingPagedResults: result.remainingPagedResults,
  });
}

/** A blank cookie means none; counts are copied as they are. */
export function searchResultFromProto(result: pb.SearchResult): SearchResult {
  const cookie = result.pagedResultsCookie.trim() === '' ? null : result.pagedResultsCookie;
  return new SearchResult(
    cookie,
    COUNT_POLICIES[result.totalPagedResultsPolicy] ?? 'NONE',
    result.totalPagedResults,
    result.remainingPagedResults,
  );
}

// ---- SyncToken, SyncDelta -------------------------------------------------------------------------------------

export function syncTokenToProto(token: SyncToken): pb.SyncToken {
  return create(pb.SyncTokenSchema, { value: serializeLegacy(token.value) });
}

/** Throws (as Java's SyncToken constructor does) when the value is empty. */
export function syncTokenFromProto(token: pb.SyncToken): SyncToken {
  return new SyncToken(fromLegacy(token.value));
}

const DELTA_TYPES: readonly SyncDeltaType[] = ['CREATE_OR_UPDATE', 'DELETE', 'CREATE', 'UPDATE'];

export function syncDeltaToProto(delta: SyncDelta): pb.SyncDelta {
  return create(pb.SyncDeltaSchema, {
    token: syncTokenToProto(delta.token),
    deltaType: DELTA_TYPES.indexOf(delta.deltaType) as pb.SyncDelta_SyncDeltaType,
    previousUid: delta.previousUid ? uidToProto(delta.previousUid) : undefined,
    objectClass: delta.objectClass?.type ?? delta.object?.objectClass.type ?? '',
    uid: uidToProto(delta.uid),
    connectorObject: delta.object ? serializeLegacy(new Set<Attribute>(delta.object.attributes)) : EMPTY,
  });
}

export function syncDeltaFromProto(delta: pb.SyncDelta): SyncDelta {
  if (!delta.token) throw new ConnectorException('SyncDelta without a token');
  const objectClass = delta.objectClass.trim() !== '' ? new ObjectClass(delta.objectClass) : null;
  const attrs = attributeSetFromLegacy(delta.connectorObject);
  return new SyncDelta({
    token: syncTokenFromProto(delta.token),
    deltaType: DELTA_TYPES[delta.deltaType] ?? 'CREATE_OR_UPDATE',
    previousUid: delta.previousUid ? uidFromProto(delta.previousUid) : null,
    objectClass,
    uid: delta.uid ? uidFromProto(delta.uid) : null,
    // Java's builder defaults the object class to __ACCOUNT__ when the message carries none.
    object: attrs ? new ConnectorObject(objectClass ?? ObjectClass.ACCOUNT, attrs) : null,
  });
}

// ---- Attributes and ConnectorObject ----------------------------------------------------------------------------

/** Legacy Set<Attribute> → attributes (null when the bytes are empty). */
export function attributeSetFromLegacy(bytes: Uint8Array | undefined): Attribute[] | null {
  const v = fromLegacy(bytes);
  if (v === null) return null;
  if (!(v instanceof Set) && !Array.isArray(v)) throw new ConnectorException(`Expected a set of attributes but received ${describe(v)}`);
  const attrs: Attribute[] = [];
  for (const a of v as Iterable<unknown>) {
    if (!(a instanceof Attribute)) throw new ConnectorException(`Expected an attribute but received ${describe(a)}`);
    attrs.push(a);
  }
  return attrs;
}

export function attributeSetToLegacy(attrs: readonly Attribute[]): Uint8Array {
  return serializeLegacy(new Set<Attribute>(attrs));
}

/** Protobuf ConnectorObject (search results, subscription events): object class + legacy Set<Attribute>. */
export function connectorObjectToProto(object: ConnectorObject): pb.ConnectorObject {
  return create(pb.ConnectorObjectSchema, {
    objectClass: object.objectClass.type,
    attributes: attributeSetToLegacy(object.attributes),
  });
}

export function connectorObjectFromProto(object: pb.ConnectorObject): ConnectorObject {
  return new ConnectorObject(new ObjectClass(object.objectClass), attributeSetFromLegacy(object.attributes) ?? []);
}

// ---- Exceptions ------------------------------------------------------------------------------------------------

/** Inner causes kept below the top exception (Java's fromException(t, 4)). */
const MAX_CAUSE_DEPTH = 4;

function javaClassOf(err: unknown): string {
  if (err instanceof RemoteWrappedException) return err.remoteClass;
  return toJavaThrowable(err).javaClass;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message ?? '';
  return String(err);
}

/** A Java-looking printStackTrace() text built from the JS stack. */
export function javaStackTrace(err: unknown): string {
  if (err instanceof RemoteWrappedException && err.remoteStackTrace) return err.remoteStackTrace;
  const cls = javaClassOf(err);
  const msg = messageOf(err);
  let text = msg ? `${cls}: ${msg}` : cls;
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : '';
  for (const line of stack.split('\n')) {
    const m = /^\s+at (.*)$/.exec(line);
    if (m) text += `\n\tat ${m[1]}`;
  }
  return text;
}

function innerCauseOf(err: unknown, depth: number): pb.ExceptionMessage_InnerCause | undefined {
  const cause = err instanceof Error ? (err as Error & { cause?: unknown }).cause : undefined;
  if (cause === undefined || cause === null || depth >= MAX_CAUSE_DEPTH) return undefined;
  return create(pb.ExceptionMessage_InnerCauseSchema, {
    exceptionClass: javaClassOf(cause),
    message: messageOf(cause),
    cause: innerCauseOf(cause, depth + 1),
  });
}

/** ExceptionMessage for anything thrown: Java FQCN, message, stack trace (always set) and ≤4 inner causes. */
export function exceptionToProto(err: unknown): pb.ExceptionMessage {
  return create(pb.ExceptionMessageSchema, {
    exceptionClass: javaClassOf(err),
    message: messageOf(err),
    innerCause: innerCauseOf(err, 0),
    stackTrace: javaStackTrace(err),
  });
}

function innerCauseToRemote(cause: pb.ExceptionMessage_InnerCause | undefined, depth: number): RemoteWrappedException | undefined {
  if (!cause || depth > 32) return undefined;
  return new RemoteWrappedException(cause.exceptionClass.trim() || CONNECTOR_EXCEPTION_CLASS, cause.message ?? '', {
    cause: innerCauseToRemote(cause.cause, depth + 1),
  });
}

/** What the Java client throws for an error response: a RemoteWrappedException carrying the remote class. */
export function exceptionFromProto(msg: pb.ExceptionMessage): RemoteWrappedException {
  return new RemoteWrappedException(msg.exceptionClass.trim() || CONNECTOR_EXCEPTION_CLASS, msg.message ?? '', {
    cause: innerCauseToRemote(msg.innerCause, 0),
    stackTrace: msg.stackTrace || undefined,
  });
}

