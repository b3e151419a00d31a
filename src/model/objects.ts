/** Connector objects: ObjectClass, Attribute, Uid, Name, ConnectorObject and friends (OpenICF semantics). */
import { GuardedString } from './security.ts';
import { IllegalArgumentException, InvalidAttributeValueException } from './exceptions.ts';

/**
 * Java's NameUtil.namesEqual (String.equalsIgnoreCase): attribute and object class names compare
 * case-insensitively, UTF-16 unit by unit, so names of different lengths never match. It runs for every
 * attribute of every object (special-name checks, lookups), hence the comparison in place, without new strings.
 */
export function namesEqual(a: string, b: string): boolean {
  if (a === b) return true;
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) {
    const c1 = a.charCodeAt(i);
    const c2 = b.charCodeAt(i);
    if (c1 !== c2 && !unitsEqualIgnoringCase(c1, c2)) return false;
  }
  return true;
}

/** Java's per-char rule: equal once upper-cased, or once upper- then lower-cased. */
function unitsEqualIgnoringCase(c1: number, c2: number): boolean {
  if (c1 < 0x80 && c2 < 0x80) {
    // ASCII: only letters have a case, and their two cases differ in bit 0x20 alone.
    const lower = c1 | 0x20;
    return lower === (c2 | 0x20) && lower >= 0x61 && lower <= 0x7a;
  }
  const u1 = upperUnit(c1);
  const u2 = upperUnit(c2);
  return u1 === u2 || lowerUnit(u1) === lowerUnit(u2);
}

/** Character.toUpperCase(char): a mapping to several units (ß → SS) leaves the unit as it is. */
function upperUnit(c: number): number {
  const s = String.fromCharCode(c).toUpperCase();
  return s.length === 1 ? s.charCodeAt(0) : c;
}

function lowerUnit(c: number): number {
  const s = String.fromCharCode(c).toLowerCase();
  return s.length === 1 ? s.charCodeAt(0) : c;
}

export class ObjectClass {
  static readonly ACCOUNT_NAME = '__ACCOUNT__';
  static readonly GROUP_NAME = '__GROUP__';
  static readonly ALL_NAME = '__ALL__';
  static readonly ACCOUNT = new ObjectClass(ObjectClass.ACCOUNT_NAME);
  static readonly GROUP = new ObjectClass(ObjectClass.GROUP_NAME);
  static readonly ALL = new ObjectClass(ObjectClass.ALL_NAME);

  constructor(readonly type: string) {
    if (type == null) throw new IllegalArgumentException('Type cannot be null.');
  }

  is(name: string): boolean {
    return namesEqual(this.type, name);
  }
  equals(other: ObjectClass): boolean {
    return namesEqual(this.type, other.type);
  }
  toString(): string {
    return `ObjectClass: ${this.type}`;
  }
  toJSON(): string {
    return this.type;
  }
}

/** Well-known attribute names (OperationalAttributes, PredefinedAttributes). */
export const AttributeNames = {
  UID: '__UID__',
  NAME: '__NAME__',
  PASSWORD: '__PASSWORD__',
  CURRENT_PASSWORD: '__CURRENT_PASSWORD__',
  ENABLE: '__ENABLE__',
  ENABLE_DATE: '__ENABLE_DATE__',
  DISABLE_DATE: '__DISABLE_DATE__',
  LOCK_OUT: '__LOCK_OUT__',
  PASSWORD_EXPIRED: '__PASSWORD_EXPIRED__',
  PASSWORD_EXPIRATION_DATE: '__PASSWORD_EXPIRATION_DATE__',
  DESCRIPTION: '__DESCRIPTION__',
  SHORT_NAME: '__SHORT_NAME__',
  LAST_LOGIN_DATE: '__LAST_LOGIN_DATE__',
  LAST_PASSWORD_CHANGE_DATE: '__LAST_PASSWORD_CHANGE_DATE__',
  PASSWORD_CHANGE_INTERVAL: '__PASSWORD_CHANGE_INTERVAL__',
  GROUPS: '__GROUPS__',
} as const;

export class Attribute {
  /** The values, or null (Java's getValue() may be null). */
  readonly values: readonly unknown[] | null;

  constructor(
    readonly name: string,
    values: readonly unknown[] | null = [],
  ) {
    if (typeof name !== 'string' || name.trim() === '') throw new IllegalArgumentException('Name must not be blank!');
    this.values = values === null ? null : Object.freeze([...values]);
    if (namesEqual(name, AttributeNames.PASSWORD) || namesEqual(name, AttributeNames.CURRENT_PASSWORD)) {
      if (!this.values || this.values.length !== 1 || !(this.values[0] instanceof GuardedString)) {
        throw new IllegalArgumentException(`${name} must be a single value of type GuardedString`);
      }
    }
  }

  is(name: string): boolean {
    return namesEqual(this.name, name);
  }

  /** The single value, or undefined for an empty/null attribute; throws when there are several values. */
  singleValue(): unknown {
    if (!this.values || this.values.length === 0) return undefined;
    if (this.values.length > 1) {
      throw new IllegalArgumentException(`The ${this.name} attribute is not single value attribute.`);
    }
    return this.values[0];
  }

  toString(): string {
    return `Attribute: {Name=${this.name}, Value=${JSON.stringify(this.values)}}`;
  }
}

/** The __UID__ attribute, with an optional revision. */
export class Uid extends Attribute {
  static readonly NAME = AttributeNames.UID;
  readonly revision: string | undefined;

  constructor(value: string, revision?: string | null) {
    if (typeof value !== 'string' || value.trim() === '') throw new IllegalArgumentException('Uid value must not be blank!');
    if (revision != null && revision.trim() === '') throw new IllegalArgumentException('Revision value must not be blank!');
    super(AttributeNames.UID, [value]);
    this.revision = revision ?? undefined;
  }

  get value(): string {
    return this.values![0] as string;
  }

  equals(other: Uid): boolean {
    return this.value === other.value && this.revision === other.revision;
  }
}

/** The __NAME__ attribute. */
export class Name extends Attribute {
  static readonly NAME = AttributeNames.NAME;
  constructor(value: string) {
    if (typeof value !== 'string' || value.trim() === '') throw new IllegalArgumentException('Name value must not be blank!');
    super(AttributeNames.NAME, [value]);
  }
  get value(): string {
    return this.values![0] as string;
  }
}

/**
 * Builds an attribute the way Java's AttributeBuilder.build does: an exact "__UID__"/"__NAME__" name with one
 * String value gives a Uid/Name.
 */
export function buildAttribute(name: string, values: readonly unknown[] | null): Attribute {
  if (name === AttributeNames.UID && values && values.length === 1 && typeof values[0] === 'string') {
    return new Uid(values[0]);
  }
  if (name === AttributeNames.NAME && values && values.length === 1 && typeof values[0] === 'string') {
    return new Name(values[0]);
  }
  return new Attribute(name, values);
}

/** Shorthand: attr('mail', 'a@b', 'c@d'). */
export function attr(name: string, ...values: unknown[]): Attribute {
  return buildAttribute(name, values);
}

/** Finds an attribute by name (case-insensitive). */
export function findAttribute(attrs: Iterable<Attribute>, name: string): Attribute | undefined {
  for (const a of attrs) if (a.is(name)) return a;
  return undefined;
}

export class ConnectorObject {
  readonly attributes: readonly Attribute[];

  constructor(
    readonly objectClass: ObjectClass,
    attributes: Iterable<Attribute>,
  ) {
    if (objectClass.is(ObjectClass.ALL_NAME)) {
      throw new IllegalArgumentException('Connector object class can not be type of __ALL__');
    }
    this.attributes = Object.freeze([...attributes]);
    if (this.attributes.length === 0) throw new IllegalArgumentException('The set can not be null or empty.');
    const uid = findAttribute(this.attributes, AttributeNames.UID);
    if (!(uid instanceof Uid)) throw new IllegalArgumentException('The Attribute set must contain a \'Uid\'.');
    if (!findAttribute(this.attributes, AttributeNames.NAME)) {
      throw new IllegalArgumentException('The Attribute set must contain a \'Name\'.');
    }
  }

  get uid(): Uid {
    return findAttribute(this.attributes, AttributeNames.UID) as Uid;
  }

  get name(): Name {
    const n = findAttribute(this.attributes, AttributeNames.NAME)!;
    return n instanceof Name ? n : new Name(String(n.singleValue()));
  }

  attribute(name: string): Attribute | undefined {
    return findAttribute(this.attributes, name);
  }
}

export class QualifiedUid {
  constructor(
    readonly objectClass: ObjectClass,
    readonly uid: Uid,
  ) {}
}

export class SortKey {
  constructor(
    readonly field: string,
    readonly ascending: boolean = true,
  ) {}
}

export type CountPolicy = 'NONE' | 'ESTIMATE' | 'EXACT';

export class SearchResult {
  constructor(
    readonly pagedResultsCookie: string | null = null,
    readonly totalPagedResultsPolicy: CountPolicy = 'NONE',
    readonly totalPagedResults: number = -1,
    readonly remainingPagedResults: number = -1,
  ) {}
}

export class SyncToken {
  constructor(readonly value: unknown) {
    if (value === null || value === undefined) throw new IllegalArgumentException("Parameter 'value' must not be null.");
  }
}

export type SyncDeltaType = 'CREATE_OR_UPDATE' | 'DELETE' | 'CREATE' | 'UPDATE';
export const SYNC_DELTA_TYPES: readonly SyncDeltaType[] = ['CREATE_OR_UPDATE', 'DELETE', 'CREATE', 'UPDATE'];

export class SyncDelta {
  readonly token: SyncToken;
  readonly deltaType: SyncDeltaType;
  readonly previousUid: Uid | null;
  readonly objectClass: ObjectClass | null;
  readonly uid: Uid;
  readonly object: ConnectorObject | null;

  constructor(init: {
    token: SyncToken;
    deltaType: SyncDeltaType;
    uid?: Uid | null;
    previousUid?: Uid | null;
    objectClass?: ObjectClass | null;
    object?: ConnectorObject | null;
  }) {
    if (!init.token) throw new IllegalArgumentException('SyncToken must be specified');
    if (!init.deltaType) throw new IllegalArgumentException('SyncDeltaType must be specified');
    const uid = init.uid ?? init.object?.uid ?? null;
    if (!uid) throw new IllegalArgumentException('Uid must be specified');
    if (init.deltaType !== 'DELETE' && !init.object) {
      throw new IllegalArgumentException('ConnectorObject must be specified unless the delta type is DELETE');
    }
    if (init.object && !init.object.uid.equals(uid) && init.object.uid.value !== uid.value) {
      throw new IllegalArgumentException('Uid does not match that of the object.');
    }
    this.token = init.token;
    this.deltaType = init.deltaType;
    this.uid = uid;
    this.previousUid = init.previousUid ?? null;
    this.object = init.object ?? null;
    this.objectClass = init.objectClass ?? init.object?.objectClass ?? null;
  }
}

export class Script {
  constructor(
    readonly language: string,
    readonly text: string,
  ) {}
}

export class ScriptContext {
  constructor(
    readonly language: string,
    readonly text: string,
    readonly scriptArguments: ReadonlyMap<string, unknown> = new Map(),
  ) {}
}

export class ConnectorKey {
  constructor(
    readonly bundleName: string,
    readonly bundleVersion: string,
    readonly connectorName: string,
  ) {}

  equals(other: ConnectorKey): boolean {
    return (
      this.bundleName === other.bundleName &&
      this.bundleVersion === other.bundleVersion &&
      this.connectorName === other.connectorName
    );
  }

  toString(): string {
    return `ConnectorKey(bundleName=${this.bundleName} bundleVersion=${this.bundleVersion} connectorName=${this.connectorName})`;
  }
}

/** Validates attribute names are unique (case-insensitive), as Java's CreateImpl does. */
export function assertUniqueAttributeNames(attrs: Iterable<Attribute>): void {
  const seen = new Set<string>();
  for (const a of attrs) {
    const k = a.name.toUpperCase();
    if (seen.has(k)) throw new InvalidAttributeValueException(`Duplicate attribute name exists: ${a.name}`);
    seen.add(k);
  }
}
