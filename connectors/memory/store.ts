/**
 * The data of the memory connector: objects per object class, a uid counter per class and a change log whose
 * change numbers are the sync tokens. Every mutation is synchronous, so concurrent operations of pooled
 * instances sharing a store never see half-applied changes.
 */
import {
  AlreadyExistsException,
  Attribute,
  AttributeNames,
  ConnectorObject,
  GuardedString,
  IllegalArgumentException,
  InvalidAttributeValueException,
  InvalidPasswordException,
  Name,
  ObjectClass,
  Uid,
  UnknownUidException,
  assertUniqueAttributeNames,
  javaEquals,
  namesEqual,
} from '../../src/spi/index.ts';
import type { AttributeDefinition, Fixture, ObjectClassDefinition } from './fixture.ts';
import { valueFitsType } from './values.ts';

export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE';

export interface ChangeRecord {
  readonly number: bigint;
  readonly type: ChangeType;
  readonly objectClass: ObjectClass;
  readonly uid: string;
  /** The object as it was right after the change (null for DELETE). */
  readonly object: ConnectorObject | null;
}

interface StoredObject {
  readonly uid: string;
  /** Every attribute but __UID__; __NAME__ first. */
  attributes: Attribute[];
}

export type UpdateMode = 'replace' | 'add' | 'remove';

class ClassData {
  readonly objects = new Map<string, StoredObject>();
  readonly byName = new Map<string, string>();
  nextId = 1;
  readonly objectClass: ObjectClass;
  constructor(readonly definition: ObjectClassDefinition) {
    this.objectClass = new ObjectClass(definition.type);
  }
  attributeDefinition(name: string): AttributeDefinition | undefined {
    return this.definition.attributes.find((a) => namesEqual(a.name, name));
  }
}

export class MemoryStore {
  private readonly classes: ClassData[];
  private readonly log: ChangeRecord[] = [];
  private lastChange = 0n;

  constructor(
    definitions: readonly ObjectClassDefinition[],
    readonly caseInsensitiveNames: boolean,
  ) {
    this.classes = definitions.map((d) => new ClassData(d));
  }

  /** Builds a store holding a fixture's objects (they are the initial state: no change records). */
  static fromFixture(fixture: Fixture, caseInsensitiveNames: boolean): MemoryStore {
    const store = new MemoryStore(fixture.objectClasses, caseInsensitiveNames);
    for (const [type, objects] of fixture.objects) {
      const data = store.classData(new ObjectClass(type));
      // Explicit uids first, so that generated ones skip them.
      for (const o of objects) if (o.uid !== null) store.insert(data, o.uid, o.attributes, true);
      for (const o of objects) if (o.uid === null) store.insert(data, store.nextUid(data), o.attributes, true);
    }
    return store;
  }

  get definitions(): readonly ObjectClassDefinition[] {
    return this.classes.map((c) => c.definition);
  }

  get latestChange(): bigint {
    return this.lastChange;
  }

  /** The class data for an object class; an unknown class is an IllegalArgumentException, as in Java connectors. */
  private classData(oc: ObjectClass): ClassData {
    const data = this.classes.find((c) => c.objectClass.is(oc.type));
    if (!data) throw new IllegalArgumentException(`Unsupported object class: ${oc.type}`);
    return data;
  }

  definition(oc: ObjectClass): ObjectClassDefinition {
    return this.classData(oc).definition;
  }

  private nameKey(name: string): string {
    return this.caseInsensitiveNames ? name.toUpperCase() : name;
  }

  private nextUid(data: ClassData): string {
    while (data.objects.has(String(data.nextId))) data.nextId++;
    return String(data.nextId);
  }

  /** Checks attributes against the class definition. `creating` also enforces required attributes. */
  private checkAttributes(data: ClassData, attrs: readonly Attribute[], mode: 'create' | UpdateMode): void {
    assertUniqueAttributeNames(attrs);
    for (const a of attrs) {
      if (a.is(AttributeNames.UID)) throw new IllegalArgumentException(`${AttributeNames.UID} cannot be set`);
      if (a.is(AttributeNames.CURRENT_PASSWORD)) continue;
      const def = data.attributeDefinition(a.name);
      if (!def) {
        if (!data.definition.additionalAttributes) {
          throw new InvalidAttributeValueException(`Attribute ${a.name} is not defined for ${data.definition.type}`);
        }
        continue;
      }
      if (mode === 'create' && def.flags.includes('NOT_CREATABLE')) throw new InvalidAttributeValueException(`Attribute ${a.name} is not creatable`);
      if (mode !== 'create' && def.flags.includes('NOT_UPDATEABLE')) throw new InvalidAttributeValueException(`Attribute ${a.name} is not updateable`);
      const values = a.values ?? [];
      if (mode !== 'remove' && values.length > 1 && !def.flags.includes('MULTIVALUED')) throw new InvalidAttributeValueException(`Attribute ${a.name} is single-valued`);
      for (const v of values) {
        if (!valueFitsType(v, def.type)) {
          throw new InvalidAttributeValueException(`Attribute ${a.name} expects values of type ${def.type.toString()}`);
        }
      }
    }
  }

  private checkName(attrs: readonly Attribute[]): string | undefined {
    const n = attrs.find((a) => a.is(AttributeNames.NAME));
    if (!n) return undefined;
    const v = n.values?.length === 1 ? n.values[0] : undefined;
    if (typeof v !== 'string' || v.trim() === '') throw new InvalidAttributeValueException(`${AttributeNames.NAME} must be one non-blank string`);
    return v;
  }

  private checkRequired(data: ClassData, attrs: readonly Attribute[]): void {
    for (const def of data.definition.attributes) {
      if (!def.flags.includes('REQUIRED')) continue;
      const a = attrs.find((x) => x.is(def.name));
      if (!a || !a.values || a.values.length === 0) throw new InvalidAttributeValueException(`Missing required attribute ${def.name}`);
    }
  }

  /** Stores attributes with the declared name spelling, dropping empty ones and __CURRENT_PASSWORD__. */
  private normalise(data: ClassData, attrs: readonly Attribute[]): Attribute[] {
    const out: Attribute[] = [];
    for (const a of attrs) {
      if (a.is(AttributeNames.CURRENT_PASSWORD) || a.is(AttributeNames.UID)) continue;
      if (!a.values || a.values.length === 0) continue;
      const name = data.attributeDefinition(a.name)?.name ?? a.name;
      out.push(namesEqual(name, AttributeNames.NAME) ? new Name(a.values[0] as string) : new Attribute(name, a.values));
    }
    out.sort((x, y) => Number(y.is(AttributeNames.NAME)) - Number(x.is(AttributeNames.NAME)));
    return out;
  }

  private insert(data: ClassData, uid: string, attrs: readonly Attribute[], initial: boolean): StoredObject {
    this.checkAttributes(data, attrs, 'create');
    const name = this.checkName(attrs);
    if (name === undefined) throw new InvalidAttributeValueException(`Missing required attribute ${AttributeNames.NAME}`);
    this.checkRequired(data, attrs);
    if (data.objects.has(uid)) throw new AlreadyExistsException(`Object with uid ${uid} already exists`);
    const key = this.nameKey(name);
    if (data.byName.has(key)) throw new AlreadyExistsException(`Object with name ${name} already exists`);
    const stored: StoredObject = { uid, attributes: this.normalise(data, attrs) };
    // Generated uids always follow the highest numeric one ever used: a deleted uid is never handed out again.
    if (/^[1-9]\d{0,14}$/.test(uid)) data.nextId = Math.max(data.nextId, Number(uid) + 1);
    data.objects.set(uid, stored);
    data.byName.set(key, uid);
    if (!initial) this.record('CREATE', data, stored);
    return stored;
  }

  private record(type: ChangeType, data: ClassData, stored: StoredObject): void {
    this.lastChange += 1n;
    this.log.push({
      number: this.lastChange,
      type,
      objectClass: data.objectClass,
      uid: stored.uid,
      object: type === 'DELETE' ? null : this.toConnectorObject(data, stored),
    });
  }

  private find(data: ClassData, uid: Uid): StoredObject {
    const stored = data.objects.get(uid.value);
    if (!stored) throw new UnknownUidException(`Object with uid ${uid.value} does not exist`);
    return stored;
  }

  private toConnectorObject(data: ClassData, stored: StoredObject): ConnectorObject {
    const readable = stored.attributes.filter((a) => !data.attributeDefinition(a.name)?.flags.includes('NOT_READABLE'));
    return new ConnectorObject(data.objectClass, [new Uid(stored.uid), ...readable]);
  }

  create(oc: ObjectClass, attrs: readonly Attribute[]): Uid {
    const data = this.classData(oc);
    // Validate before taking a uid, so a refused create does not consume one.
    this.checkAttributes(data, attrs, 'create');
    const name = this.checkName(attrs);
    if (name !== undefined && data.byName.has(this.nameKey(name))) throw new AlreadyExistsException(`Object with name ${name} already exists`);
    return new Uid(this.insert(data, this.nextUid(data), attrs, false).uid);
  }

  update(oc: ObjectClass, uid: Uid, attrs: readonly Attribute[], mode: UpdateMode): Uid {
    const data = this.classData(oc);
    const stored = this.find(data, uid);
    this.checkAttributes(data, attrs, mode);
    this.checkCurrentPassword(stored, attrs);
    const next = new Map<string, Attribute>(stored.attributes.map((a) => [a.name.toUpperCase(), a]));
    for (const a of attrs) {
      if (a.is(AttributeNames.CURRENT_PASSWORD)) continue;
      const key = a.name.toUpperCase();
      const incoming = a.values ?? [];
      const current = next.get(key)?.values ?? [];
      let values: readonly unknown[];
      if (mode === 'replace' || a.is(AttributeNames.PASSWORD) || a.is(AttributeNames.NAME)) {
        if (mode === 'remove' && (a.is(AttributeNames.NAME) || a.is(AttributeNames.PASSWORD))) {
          values = current.filter((v) => !incoming.some((w) => javaEquals(v, w)));
        } else {
          values = incoming;
        }
      } else if (mode === 'add') {
        values = [...current, ...incoming.filter((w) => !current.some((v) => javaEquals(v, w)))];
        const def = data.attributeDefinition(a.name);
        if (def && values.length > 1 && !def.flags.includes('MULTIVALUED')) throw new InvalidAttributeValueException(`Attribute ${a.name} is single-valued`);
      } else {
        values = current.filter((v) => !incoming.some((w) => javaEquals(v, w)));
      }
      if (values.length === 0) next.delete(key);
      else next.set(key, new Attribute(next.get(key)?.name ?? a.name, values));
    }
    const merged = [...next.values()];
    const newName = this.checkName(merged);
    if (newName === undefined) throw new InvalidAttributeValueException(`Missing required attribute ${AttributeNames.NAME}`);
    this.checkRequired(data, merged);
    const oldName = this.checkName(stored.attributes)!;
    const oldKey = this.nameKey(oldName);
    const newKey = this.nameKey(newName);
    if (newKey !== oldKey && data.byName.has(newKey)) throw new AlreadyExistsException(`Object with name ${newName} already exists`);
    stored.attributes = this.normalise(data, merged);
    data.byName.delete(oldKey);
    data.byName.set(newKey, stored.uid);
    this.record('UPDATE', data, stored);
    return new Uid(stored.uid);
  }

  /** A password change that names the current password must name it correctly. */
  private checkCurrentPassword(stored: StoredObject, attrs: readonly Attribute[]): void {
    const given = attrs.find((a) => a.is(AttributeNames.CURRENT_PASSWORD))?.values?.[0];
    if (!(given instanceof GuardedString)) return;
    const current = stored.attributes.find((a) => a.is(AttributeNames.PASSWORD))?.values?.[0];
    if (!(current instanceof GuardedString) || !current.equals(given)) throw new InvalidPasswordException('Current password does not match');
  }

  delete(oc: ObjectClass, uid: Uid): void {
    const data = this.classData(oc);
    const stored = this.find(data, uid);
    data.objects.delete(stored.uid);
    data.byName.delete(this.nameKey(this.checkName(stored.attributes)!));
    this.record('DELETE', data, stored);
  }

  /** The object, without unreadable attributes, or null. */
  get(oc: ObjectClass, uid: string): ConnectorObject | null {
    const data = this.classData(oc);
    const stored = data.objects.get(uid);
    return stored ? this.toConnectorObject(data, stored) : null;
  }

  /** A snapshot of every object of a class, in creation order. */
  list(oc: ObjectClass): ConnectorObject[] {
    const data = this.classData(oc);
    return [...data.objects.values()].map((s) => this.toConnectorObject(data, s));
  }

  /** The uid of the object with this __NAME__, or undefined. */
  uidForName(oc: ObjectClass, name: string): string | undefined {
    return this.classData(oc).byName.get(this.nameKey(name));
  }

  /** The stored password of an object (never leaves the store but through this comparison). */
  passwordMatches(oc: ObjectClass, uid: string, password: GuardedString): boolean | undefined {
    const stored = this.classData(oc).objects.get(uid);
    const current = stored?.attributes.find((a) => a.is(AttributeNames.PASSWORD))?.values?.[0];
    if (!(current instanceof GuardedString)) return undefined;
    return current.equals(password);
  }

  /** Whether the object is explicitly disabled (__ENABLE__ false). */
  isDisabled(oc: ObjectClass, uid: string): boolean {
    const stored = this.classData(oc).objects.get(uid);
    return stored?.attributes.find((a) => a.is(AttributeNames.ENABLE))?.values?.[0] === false;
  }

  /** Change records after `after`, for one class or for all (__ALL__). */
  changesSince(oc: ObjectClass, after: bigint): ChangeRecord[] {
    const all = oc.is(ObjectClass.ALL_NAME);
    if (!all) this.classData(oc); // unknown classes fail as for other operations
    return this.log.filter((c) => c.number > after && (all || c.objectClass.is(oc.type)));
  }
}
