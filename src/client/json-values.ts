/**
 * JSON forms of requests and results for tools (`rcs client run`): typed values as {"$type": "Long", "value": "5"},
 * filters as {"op": "equals", "attr": "mail", "value": "a@b"}, options by their friendly names.
 */
import {
  Attribute,
  buildAttribute,
  ConnectorObject,
  F,
  GuardedByteArray,
  GuardedString,
  IllegalArgumentException,
  JavaArray,
  JavaBigDecimal,
  JavaBigInteger,
  JavaByte,
  JavaCharacter,
  JavaClass,
  JavaDouble,
  JavaEnum,
  JavaFile,
  JavaFloat,
  JavaURI,
  Locale,
  ObjectClass,
  OperationOptionsBuilder,
  QualifiedUid,
  SearchResult,
  SortKey,
  SyncDelta,
  SyncToken,
  Uid,
  type Filter,
  type OperationOptions,
} from '../model/index.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function bad(message: string): never {
  throw new IllegalArgumentException(message);
}

/** JSON → Java value. Integers become Integer, other numbers Double, objects with $type the named type. */
export function valueFromJson(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? v : new JavaDouble(v);
  if (Array.isArray(v)) return v.map(valueFromJson);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o['$type'] === 'string') return typedFromJson(o['$type'], o);
    return new Map(Object.entries(o).map(([k, x]) => [k, valueFromJson(x)]));
  }
  return bad(`unsupported JSON value: ${String(v)}`);
}

function typedFromJson(type: string, o: Record<string, unknown>): unknown {
  const value = o['value'];
  const text = value === undefined ? '' : String(value);
  const bytes = (): Uint8Array => Buffer.from(String(o['base64'] ?? value ?? ''), 'base64');
  switch (type) {
    case 'GuardedString':
      return new GuardedString(text);
    case 'GuardedByteArray':
      return new GuardedByteArray(bytes());
    case 'bytes':
    case 'ByteArray':
      return bytes();
    case 'Long':
      return BigInt(text);
    case 'Integer':
      return Number(text) | 0;
    case 'Double':
      return new JavaDouble(Number(text));
    case 'Float':
      return new JavaFloat(Number(text));
    case 'Byte':
      return new JavaByte(Number(text));
    case 'Character':
      return new JavaCharacter(text);
    case 'BigInteger':
      return new JavaBigInteger(BigInt(text));
    case 'BigDecimal':
      return JavaBigDecimal.parse(text);
    case 'File':
      return new JavaFile(text);
    case 'URI':
      return new JavaURI(text);
    default:
      return bad(`unknown $type ${type}`);
  }
}

/** Java value → JSON; the reverse of valueFromJson. GuardedString contents are never shown. */
export function valueToJson(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return { $type: 'Long', value: v.toString() };
  if (Array.isArray(v)) return v.map(valueToJson);
  if (v instanceof Uint8Array) return { $type: 'bytes', base64: Buffer.from(v).toString('base64') };
  if (v instanceof GuardedString) return { $type: 'GuardedString', value: '***' };
  if (v instanceof GuardedByteArray) return { $type: 'GuardedByteArray', value: '***' };
  if (v instanceof JavaDouble) return { $type: 'Double', value: v.value };
  if (v instanceof JavaFloat) return { $type: 'Float', value: v.value };
  if (v instanceof JavaByte) return { $type: 'Byte', value: v.value };
  if (v instanceof JavaCharacter) return { $type: 'Character', value: v.value };
  if (v instanceof JavaBigInteger) return { $type: 'BigInteger', value: v.toString() };
  if (v instanceof JavaBigDecimal) return { $type: 'BigDecimal', value: v.toString() };
  if (v instanceof JavaFile) return { $type: 'File', value: v.path };
  if (v instanceof JavaURI) return { $type: 'URI', value: v.value };
  if (v instanceof JavaClass || v instanceof Locale || v instanceof JavaEnum) return v.toString();
  if (v instanceof JavaArray) return v.items.map(valueToJson);
  if (v instanceof Map) {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of v) out[String(k)] = valueToJson(x);
    return out;
  }
  if (v instanceof Set) return [...v].map(valueToJson);
  if (v instanceof ConnectorObject) return connectorObjectToJson(v);
  if (v instanceof Uid) return uidToJson(v);
  if (v instanceof SyncToken) return valueToJson(v.value);
  if (v instanceof Error) return { exception: (v as { javaClass?: string }).javaClass ?? v.name, message: v.message };
  const out: { [k: string]: Json } = {};
  for (const [k, x] of Object.entries(v as object)) out[k] = valueToJson(x);
  return out;
}

/** {"mail": ["a@b"], "__NAME__": "bob"} → attributes (a scalar is a single value). */
export function attributesFromJson(o: unknown): Attribute[] {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return bad('attributes must be a JSON object');
  return Object.entries(o as Record<string, unknown>).map(([name, v]) => {
    if (v === null) return new Attribute(name, null);
    const values = Array.isArray(v) ? v.map(valueFromJson) : [valueFromJson(v)];
    return buildAttribute(name, values);
  });
}

export function uidFromJson(v: unknown): Uid {
  if (typeof v === 'string') return new Uid(v);
  if (v && typeof v === 'object' && typeof (v as { value?: unknown }).value === 'string') {
    const o = v as { value: string; revision?: string };
    return new Uid(o.value, o.revision);
  }
  return bad('uid must be a string or {"value", "revision"}');
}

export function uidToJson(uid: Uid | null): Json {
  if (!uid) return null;
  return uid.revision ? { value: uid.value, revision: uid.revision } : uid.value;
}

const ATTRIBUTE_FILTERS: Record<string, (a: Attribute) => Filter> = {
  equals: F.equals,
  contains: F.contains,
  startsWith: F.startsWith,
  endsWith: F.endsWith,
  containsAllValues: F.containsAllValues,
  greaterThan: F.greaterThan,
  greaterThanOrEqual: F.greaterThanOrEqual,
  lessThan: F.lessThan,
  lessThanOrEqual: F.lessThanOrEqual,
};

export function filterFromJson(f: unknown): Filter | null {
  if (f === null || f === undefined) return null;
  if (typeof f !== 'object' || Array.isArray(f)) return bad('a filter must be a JSON object');
  const o = f as Record<string, unknown>;
  const op = String(o['op'] ?? '');
  if (op === 'and' || op === 'or') {
    const parts = Array.isArray(o['filters']) ? o['filters'].map((x) => filterFromJson(x)!) : bad(`${op} needs "filters"`);
    return op === 'and' ? F.and(...parts) : F.or(...parts);
  }
  if (op === 'not') return F.not(filterFromJson(o['filter']) ?? bad('not needs "filter"'));
  const attrName = typeof o['attr'] === 'string' ? o['attr'] : bad(`${op} needs "attr"`);
  if (op === 'present') return F.present(attrName);
  const values = Array.isArray(o['values']) ? o['values'].map(valueFromJson) : [valueFromJson(o['value'])];
  const attribute = buildAttribute(attrName, values);
  if (op === 'extendedMatch') return F.extendedMatch(String(o['operator'] ?? bad('extendedMatch needs "operator"')), attribute);
  const make = ATTRIBUTE_FILTERS[op] ?? bad(`unknown filter op "${op}"`);
  return make(attribute);
}

export function optionsFromJson(o: unknown): OperationOptions | null {
  if (o === null || o === undefined) return null;
  if (typeof o !== 'object' || Array.isArray(o)) return bad('options must be a JSON object');
  const b = new OperationOptionsBuilder();
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    switch (k) {
      case 'attributesToGet':
        b.attributesToGet(...(v as string[]).map(String));
        break;
      case 'pageSize':
        b.pageSize(Number(v));
        break;
      case 'pagedResultsCookie':
        b.pagedResultsCookie(String(v));
        break;
      case 'pagedResultsOffset':
        b.pagedResultsOffset(Number(v));
        break;
      case 'sortKeys':
        b.sortKeys(...(v as Array<{ field: string; ascending?: boolean }>).map((s) => new SortKey(s.field, s.ascending ?? true)));
        break;
      case 'runAsUser':
        b.runAsUser(String(v));
        break;
      case 'runWithPassword':
        b.runWithPassword(new GuardedString(String(v)));
        break;
      case 'scope':
        b.scope(String(v) as 'object' | 'onelevel' | 'subtree');
        break;
      case 'container': {
        const c = v as { objectClass: string; uid: unknown };
        b.container(new QualifiedUid(new ObjectClass(c.objectClass), uidFromJson(c.uid)));
        break;
      }
      default:
        b.set(k, valueFromJson(v));
    }
  }
  return b.build();
}

export function connectorObjectToJson(obj: ConnectorObject): { [k: string]: Json } {
  const attributes: { [k: string]: Json } = {};
  for (const a of obj.attributes) {
    if (a.is(Uid.NAME)) continue;
    attributes[a.name] = a.values === null ? null : a.values.map(valueToJson);
  }
  return { objectClass: obj.objectClass.type, uid: uidToJson(obj.uid), attributes };
}

export function syncDeltaToJson(d: SyncDelta): { [k: string]: Json } {
  return {
    token: valueToJson(d.token.value),
    deltaType: d.deltaType,
    uid: uidToJson(d.uid),
    previousUid: uidToJson(d.previousUid),
    objectClass: d.objectClass?.type ?? null,
    object: d.object ? connectorObjectToJson(d.object) : null,
  };
}

export function searchResultToJson(r: SearchResult | null): Json {
  if (!r) return null;
  return {
    pagedResultsCookie: r.pagedResultsCookie,
    totalPagedResultsPolicy: r.totalPagedResultsPolicy,
    totalPagedResults: r.totalPagedResults,
    remainingPagedResults: r.remainingPagedResults,
  };
}
