/** Configuration of the memory connector: property definitions, their message catalogs, and normalisation. */
import {
  ConfigurationException,
  JavaArray,
  JavaFile,
  type ConfigurationPropertyDefinition,
  type MessageCatalogs,
} from '../../src/spi/index.ts';
import { parseFaultInjection } from './faults.ts';

/** The configuration object the framework hands to init(): one key per property. */
export interface MemoryConfiguration {
  fixtureFile?: JavaFile | string | null;
  objectClasses?: readonly string[] | JavaArray<string> | null;
  caseInsensitiveNames?: boolean | null;
  faultInjection?: string | null;
  readOnly?: boolean | null;
  instanceId?: string | null;
  storeName?: string | null;
}

export const DEFAULT_OBJECT_CLASSES: readonly string[] = ['__ACCOUNT__', '__GROUP__'];

function prop(name: string, type: ConfigurationPropertyDefinition['type'], order: number, dflt?: unknown): ConfigurationPropertyDefinition {
  return {
    name,
    type,
    order,
    required: false,
    confidential: false,
    ...(dflt === undefined ? {} : { default: dflt }),
    displayMessageKey: `${name}.display`,
    helpMessageKey: `${name}.help`,
    groupMessageKey: `${name}.group`,
  };
}

export const MEMORY_CONFIGURATION_PROPERTIES: readonly ConfigurationPropertyDefinition[] = [
  prop('fixtureFile', 'File', 1),
  prop('objectClasses', 'String[]', 2, [...DEFAULT_OBJECT_CLASSES]),
  prop('caseInsensitiveNames', 'boolean', 3, false),
  prop('faultInjection', 'String', 4),
  prop('readOnly', 'boolean', 5, false),
  prop('instanceId', 'String', 6),
  prop('storeName', 'String', 7),
];

export const MEMORY_MESSAGES: MessageCatalogs = {
  '': {
    'MemoryConnector.display': 'In-memory test connector',
    'MemoryConnector.category': 'Testing',
    'fixtureFile.display': 'Fixture file',
    'fixtureFile.help': 'Path of a JSON fixture with the schema and initial objects; empty means an empty store.',
    'fixtureFile.group': 'Data',
    'objectClasses.display': 'Object classes',
    'objectClasses.help': 'Object classes served when no fixture file is given.',
    'objectClasses.group': 'Data',
    'caseInsensitiveNames.display': 'Case-insensitive names',
    'caseInsensitiveNames.help': 'Whether __NAME__ values are unique and matched regardless of case.',
    'caseInsensitiveNames.group': 'Data',
    'faultInjection.display': 'Fault injection',
    'faultInjection.help':
      'JSON object: operation name (or "*") to {"delayMs": n, "fail": "ExceptionClass", "message": "..."}.',
    'faultInjection.group': 'Testing',
    'readOnly.display': 'Read only',
    'readOnly.help': 'Refuse create, update and delete.',
    'readOnly.group': 'Data',
    'instanceId.display': 'Instance id',
    'instanceId.help': 'Distinguishes otherwise identical configurations: a different id gives a different store.',
    'instanceId.group': 'Data',
    'storeName.display': 'Store name',
    'storeName.help': 'Connectors configured with the same store name share one store.',
    'storeName.group': 'Data',
  },
  fr: {
    'MemoryConnector.display': 'Connecteur de test en mémoire',
    'MemoryConnector.category': 'Tests',
    'fixtureFile.display': 'Fichier de données',
    'fixtureFile.help': 'Chemin d\u2019un fichier JSON avec le schéma et les objets initiaux ; vide pour un magasin vide.',
    'fixtureFile.group': 'Données',
    'objectClasses.display': 'Classes d\u2019objets',
    'objectClasses.help': 'Classes d\u2019objets servies sans fichier de données.',
    'objectClasses.group': 'Données',
    'caseInsensitiveNames.display': 'Noms insensibles à la casse',
    'caseInsensitiveNames.help': 'Les valeurs de __NAME__ sont uniques et comparées sans tenir compte de la casse.',
    'caseInsensitiveNames.group': 'Données',
    'faultInjection.display': 'Injection de pannes',
    'faultInjection.help':
      'Objet JSON : nom d\u2019opération (ou "*") vers {"delayMs": n, "fail": "ClasseException", "message": "..."}.',
    'faultInjection.group': 'Tests',
    'readOnly.display': 'Lecture seule',
    'readOnly.help': 'Refuser la création, la modification et la suppression.',
    'readOnly.group': 'Données',
    'instanceId.display': 'Identifiant d\u2019instance',
    'instanceId.help': 'Distingue des configurations identiques par ailleurs : un autre identifiant donne un autre magasin.',
    'instanceId.group': 'Données',
    'storeName.display': 'Nom du magasin',
    'storeName.help': 'Les connecteurs configurés avec le même nom de magasin partagent un magasin.',
    'storeName.group': 'Données',
  },
};

/** The configuration with defaults applied and values in plain JavaScript form. */
export interface ResolvedMemoryConfiguration {
  fixturePath: string | null;
  objectClasses: readonly string[];
  caseInsensitiveNames: boolean;
  faultInjection: string | null;
  readOnly: boolean;
  instanceId: string | null;
  storeName: string | null;
}

function optionalString(v: unknown, name: string): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof JavaFile) return v.path.trim() === '' ? null : v.path;
  if (typeof v !== 'string') throw new ConfigurationException(`${name} must be a string`);
  return v.trim() === '' ? null : v;
}

export function resolveConfiguration(c: MemoryConfiguration): ResolvedMemoryConfiguration {
  let classes: readonly string[] = DEFAULT_OBJECT_CLASSES;
  const raw = c.objectClasses;
  if (raw instanceof JavaArray) classes = raw.items.map(String);
  else if (Array.isArray(raw)) classes = raw.map(String);
  else if (raw !== null && raw !== undefined) throw new ConfigurationException('objectClasses must be a String[]');
  if (classes.some((t) => t.trim() === '')) throw new ConfigurationException('objectClasses must not contain blank names');
  const faultInjection = optionalString(c.faultInjection, 'faultInjection');
  parseFaultInjection(faultInjection);
  return {
    fixturePath: optionalString(c.fixtureFile, 'fixtureFile'),
    objectClasses: classes,
    caseInsensitiveNames: c.caseInsensitiveNames === true,
    faultInjection,
    readOnly: c.readOnly === true,
    instanceId: optionalString(c.instanceId, 'instanceId'),
    storeName: optionalString(c.storeName, 'storeName'),
  };
}

/**
 * The key of the store a configuration uses: the store name when given, otherwise everything that shapes the
 * data, so that pooled instances of one configuration share a store and different configurations do not.
 */
export function storeKey(c: ResolvedMemoryConfiguration): string {
  if (c.storeName !== null) return `name:${c.storeName}`;
  return `config:${JSON.stringify([c.instanceId, c.fixturePath, c.objectClasses, c.caseInsensitiveNames])}`;
}
