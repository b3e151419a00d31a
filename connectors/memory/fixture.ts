/**
 * The JSON fixture of the memory connector: object class definitions and initial objects (format in
 * README.md). Parsing validates everything up front, so a bad fixture is one clear ConfigurationException.
 */
import { readFile } from 'node:fs/promises';
import {
  AttributeNames,
  ConfigurationException,
  GuardedString,
  JavaClass,
  JavaClasses,
  ObjectClass,
  buildAttribute,
  namesEqual,
  type Attribute,
  type AttributeInfoFlag,
} from '../../src/spi/index.ts';
import { attributeTypeClass, decodeFixtureValue } from './values.ts';

export interface AttributeDefinition {
  name: string;
  type: JavaClass;
  flags: readonly AttributeInfoFlag[];
}

export interface ObjectClassDefinition {
  type: string;
  attributes: readonly AttributeDefinition[];
  /** Whether attributes the definition does not declare may be stored. */
  additionalAttributes: boolean;
  container: boolean;
}

export interface FixtureObject {
  /** The fixture's __UID__, if it gave one. */
  uid: string | null;
  /** Every attribute but __UID__. */
  attributes: readonly Attribute[];
}

export interface Fixture {
  objectClasses: readonly ObjectClassDefinition[];
  /** Initial objects per object class type (as declared). */
  objects: ReadonlyMap<string, readonly FixtureObject[]>;
}

const PASSWORD_INFO: AttributeDefinition = {
  name: AttributeNames.PASSWORD,
  type: JavaClasses.GuardedString,
  flags: ['NOT_READABLE', 'NOT_RETURNED_BY_DEFAULT'],
};
const ENABLE_INFO: AttributeDefinition = { name: AttributeNames.ENABLE, type: JavaClasses.Boolean, flags: [] };
const NAME_INFO: AttributeDefinition = { name: AttributeNames.NAME, type: JavaClasses.String, flags: ['REQUIRED'] };

/**
 * Completes a class definition with the attributes every class has: __NAME__ (required) and, for accounts,
 * __PASSWORD__ (never read back) and __ENABLE__.
 */
function withPredefined(type: string, declared: readonly AttributeDefinition[]): AttributeDefinition[] {
  const has = (n: string): boolean => declared.some((a) => namesEqual(a.name, n));
  const out: AttributeDefinition[] = [];
  if (!has(AttributeNames.NAME)) out.push(NAME_INFO);
  out.push(...declared);
  if (namesEqual(type, ObjectClass.ACCOUNT_NAME)) {
    if (!has(AttributeNames.PASSWORD)) out.push(PASSWORD_INFO);
    if (!has(AttributeNames.ENABLE)) out.push(ENABLE_INFO);
  }
  return out;
}

/** Definitions for a store without a fixture: the configured classes, any attribute accepted. */
export function classesWithoutFixture(types: readonly string[]): ObjectClassDefinition[] {
  const seen: string[] = [];
  const out: ObjectClassDefinition[] = [];
  for (const t of types) {
    if (seen.some((s) => namesEqual(s, t))) continue;
    seen.push(t);
    out.push({ type: t, attributes: withPredefined(t, []), additionalAttributes: true, container: false });
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bool(v: unknown, dflt: boolean, where: string): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new ConfigurationException(`${where} must be true or false`);
  return v;
}

function parseAttributeDefinition(name: string, raw: unknown, where: string): AttributeDefinition {
  if (!isRecord(raw)) throw new ConfigurationException(`${where} must be an object`);
  let type: JavaClass = JavaClasses.String;
  if (raw.type !== undefined) {
    if (typeof raw.type !== 'string') throw new ConfigurationException(`${where}.type must be a string`);
    try {
      type = attributeTypeClass(raw.type);
    } catch (err) {
      throw new ConfigurationException(`${where}: ${(err as Error).message}`);
    }
  }
  const flags: AttributeInfoFlag[] = [];
  if (bool(raw.required, false, `${where}.required`)) flags.push('REQUIRED');
  if (bool(raw.multiValued, false, `${where}.multiValued`)) flags.push('MULTIVALUED');
  if (!bool(raw.creatable, true, `${where}.creatable`)) flags.push('NOT_CREATABLE');
  if (!bool(raw.updateable, true, `${where}.updateable`)) flags.push('NOT_UPDATEABLE');
  if (!bool(raw.readable, true, `${where}.readable`)) flags.push('NOT_READABLE');
  if (!bool(raw.returnedByDefault, true, `${where}.returnedByDefault`)) flags.push('NOT_RETURNED_BY_DEFAULT');
  return { name, type, flags };
}

function parseObject(raw: unknown, where: string): FixtureObject {
  if (!isRecord(raw)) throw new ConfigurationException(`${where} must be an object`);
  let uid: string | null = null;
  const attributes: Attribute[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const at = `${where}.${name}`;
    if (namesEqual(name, AttributeNames.UID)) {
      if (typeof value !== 'string' || value.trim() === '') throw new ConfigurationException(`${at} must be a non-blank string`);
      uid = value;
      continue;
    }
    const list = Array.isArray(value) ? value : [value];
    let values: unknown[];
    try {
      values = list.map((v, i) => decodeFixtureValue(v, `${at}[${i}]`));
    } catch (err) {
      throw new ConfigurationException((err as Error).message);
    }
    if (namesEqual(name, AttributeNames.PASSWORD) || namesEqual(name, AttributeNames.CURRENT_PASSWORD)) {
      values = values.map((v) => (typeof v === 'string' ? new GuardedString(v) : v));
    }
    try {
      attributes.push(buildAttribute(name, values));
    } catch (err) {
      throw new ConfigurationException(`${at}: ${(err as Error).message}`);
    }
  }
  return { uid, attributes };
}

/** Parses fixture JSON text. `source` names the file in error messages. */
export function parseFixture(text: string, source: string): Fixture {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigurationException(`Fixture ${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(doc)) throw new ConfigurationException(`Fixture ${source} must be a JSON object`);
  const classes: ObjectClassDefinition[] = [];
  const findClass = (t: string): ObjectClassDefinition | undefined => classes.find((c) => namesEqual(c.type, t));

  const rawClasses = doc.objectClasses ?? {};
  if (!isRecord(rawClasses)) throw new ConfigurationException(`Fixture ${source}: objectClasses must be an object`);
  for (const [type, rawDef] of Object.entries(rawClasses)) {
    const where = `objectClasses.${type}`;
    if (type.trim() === '' || namesEqual(type, ObjectClass.ALL_NAME)) throw new ConfigurationException(`Fixture ${source}: bad object class name "${type}"`);
    if (findClass(type)) throw new ConfigurationException(`Fixture ${source}: object class ${type} is defined twice`);
    const def = rawDef ?? {};
    if (!isRecord(def)) throw new ConfigurationException(`Fixture ${source}: ${where} must be an object`);
    const rawAttrs = def.attributes ?? {};
    if (!isRecord(rawAttrs)) throw new ConfigurationException(`Fixture ${source}: ${where}.attributes must be an object`);
    const declared: AttributeDefinition[] = [];
    for (const [name, rawAttr] of Object.entries(rawAttrs)) {
      if (namesEqual(name, AttributeNames.UID)) continue; // __UID__ is implied, never an attribute info
      if (declared.some((a) => namesEqual(a.name, name))) throw new ConfigurationException(`Fixture ${source}: ${where}.attributes.${name} is defined twice`);
      declared.push(parseAttributeDefinition(name, rawAttr, `Fixture ${source}: ${where}.attributes.${name}`));
    }
    classes.push({
      type,
      attributes: withPredefined(type, declared),
      additionalAttributes: bool(def.additionalAttributes, true, `Fixture ${source}: ${where}.additionalAttributes`),
      container: bool(def.container, false, `Fixture ${source}: ${where}.container`),
    });
  }

  const objects = new Map<string, FixtureObject[]>();
  const rawObjects = doc.objects ?? {};
  if (!isRecord(rawObjects)) throw new ConfigurationException(`Fixture ${source}: objects must be an object`);
  for (const [type, list] of Object.entries(rawObjects)) {
    if (!Array.isArray(list)) throw new ConfigurationException(`Fixture ${source}: objects.${type} must be an array`);
    let def = findClass(type);
    if (!def) {
      // Objects of an undeclared class declare it, schemaless.
      def = { type, attributes: withPredefined(type, []), additionalAttributes: true, container: false };
      classes.push(def);
    }
    objects.set(def.type, list.map((o, i) => parseObject(o, `Fixture ${source}: objects.${type}[${i}]`)));
  }
  return { objectClasses: classes, objects };
}

export async function loadFixture(path: string): Promise<Fixture> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigurationException(`Cannot read fixture file ${path} (${code})`);
  }
  return parseFixture(text, path);
}
