/**
 * The connector SPI: what a connector author implements. It mirrors the OpenICF SPI: every operation is an
 * optional capability, the configuration is a typed property list, and errors are the typed exceptions of the
 * model (each carries the Java class name IDM expects).
 */
import type {
  ApiOperationName,
  Attribute,
  ConnectorObject,
  Filter,
  GuardedString,
  Locale,
  ObjectClass,
  OperationOptions,
  Schema,
  ScriptContext,
  SearchResult,
  SyncDelta,
  SyncToken,
  Uid,
} from '../model/index.ts';

/** Java types a configuration property can have (arrays: append "[]", e.g. "String[]"). */
export type ConfigurationPropertyScalarType =
  | 'String'
  | 'int'
  | 'Integer'
  | 'long'
  | 'Long'
  | 'boolean'
  | 'Boolean'
  | 'double'
  | 'Double'
  | 'float'
  | 'Float'
  | 'char'
  | 'Character'
  | 'GuardedString'
  | 'GuardedByteArray'
  | 'File'
  | 'URI';

export type ConfigurationPropertyType = ConfigurationPropertyScalarType | `${ConfigurationPropertyScalarType}[]`;

export interface ConfigurationPropertyDefinition {
  name: string;
  type: ConfigurationPropertyType;
  required?: boolean;
  /** Confidential values are GuardedString/GuardedByteArray or hidden in UIs. */
  confidential?: boolean;
  /** Display order; defaults to the position in the list. */
  order?: number;
  /**
   * Default value, in the JavaScript form a connector receives (string, number, bigint for long, boolean,
   * string[] for String[], GuardedString...).
   *
   * The JavaScript form of each type, as the framework hands it to init(): String → string; int/Integer → number;
   * long/Long → bigint (a safe-integer number is accepted as a default); boolean/Boolean → boolean;
   * double/Double/float/Float → number; char/Character → a one-character string; GuardedString → GuardedString (a
   * string default is wrapped); GuardedByteArray → GuardedByteArray (a Uint8Array default is wrapped); File → the
   * path as a string; URI → the URI as a string; X[] → a plain array of X's form. Without a default, primitive
   * types (int, long, boolean, double, float, char) get Java's zero value and the others null.
   */
  default?: unknown;
  /** Message keys; they default to `<name>.display`, `<name>.help` and `<name>.group`, as in Java. */
  displayMessageKey?: string;
  helpMessageKey?: string;
  groupMessageKey?: string;
  /** Operations this property applies to (empty = all). */
  operations?: ApiOperationName[];
}

/** A message catalog per locale tag ("" = default, "fr", "de_CH"...). */
export type MessageCatalogs = Record<string, Record<string, string>>;

export interface ConnectorLogger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

/** Given to every connector instance at init. */
export interface ConnectorContext {
  readonly log: ConnectorLogger;
  /** Formats a message from the connector's catalogs in the current locale. */
  message(key: string, ...args: unknown[]): string;
  /**
   * Reports that configuration properties changed (e.g. a refreshed token); the server forwards it to IDM as a
   * ConfigurationChangeEvent.
   */
  reportConfigurationChange(changes: Record<string, unknown>): void;
}

/** Passed as the last argument of every operation. */
export interface OperationContext {
  /** Aborted when the caller cancels or the operation times out. Long operations must honour it. */
  readonly signal: AbortSignal;
  readonly locale: Locale;
}

/** Receives search results; resolves false to stop the search. Await it: that is the back-pressure. */
export type ResultsHandler = (object: ConnectorObject) => Promise<boolean>;
/** Receives sync deltas; resolves false to stop. */
export type SyncResultsHandler = (delta: SyncDelta) => Promise<boolean>;

/**
 * A connector instance. `C` is its configuration: an object with one key per declared property.
 * Implement only the operations the target system supports.
 */
export interface Connector<C = Record<string, unknown>> {
  /** Called once with the validated configuration before any operation. */
  init(configuration: C, context: ConnectorContext): void | Promise<void>;
  dispose?(): void | Promise<void>;
  /** For pooled connectors: throw if this instance can no longer be used. */
  checkAlive?(): void | Promise<void>;

  test?(ctx: OperationContext): void | Promise<void>;
  schema?(ctx: OperationContext): Schema | Promise<Schema>;

  create?(objectClass: ObjectClass, attributes: readonly Attribute[], options: OperationOptions, ctx: OperationContext): Uid | Promise<Uid>;
  /** Replaces the given attributes' values. */
  update?(objectClass: ObjectClass, uid: Uid, attributes: readonly Attribute[], options: OperationOptions, ctx: OperationContext): Uid | Promise<Uid>;
  addAttributeValues?(objectClass: ObjectClass, uid: Uid, attributes: readonly Attribute[], options: OperationOptions, ctx: OperationContext): Uid | Promise<Uid>;
  removeAttributeValues?(objectClass: ObjectClass, uid: Uid, attributes: readonly Attribute[], options: OperationOptions, ctx: OperationContext): Uid | Promise<Uid>;
  delete?(objectClass: ObjectClass, uid: Uid, options: OperationOptions, ctx: OperationContext): void | Promise<void>;

  /**
   * Streams matching objects to `handler`. The filter may be applied partly or not at all: unless the
   * configuration disables it, the framework filters the results again in memory.
   * Return a SearchResult for paged searches (cookie, remaining count).
   */
  search?(objectClass: ObjectClass, filter: Filter | null, handler: ResultsHandler, options: OperationOptions, ctx: OperationContext): void | SearchResult | Promise<void | SearchResult>;
  /** Native get; without it the framework runs a search on the Uid. */
  getObject?(objectClass: ObjectClass, uid: Uid, options: OperationOptions, ctx: OperationContext): ConnectorObject | null | Promise<ConnectorObject | null>;

  sync?(objectClass: ObjectClass, token: SyncToken | null, handler: SyncResultsHandler, options: OperationOptions, ctx: OperationContext): void | SyncToken | Promise<void | SyncToken>;
  getLatestSyncToken?(objectClass: ObjectClass, ctx: OperationContext): SyncToken | null | Promise<SyncToken | null>;

  authenticate?(objectClass: ObjectClass, username: string, password: GuardedString, options: OperationOptions, ctx: OperationContext): Uid | Promise<Uid>;
  resolveUsername?(objectClass: ObjectClass, username: string, options: OperationOptions, ctx: OperationContext): Uid | Promise<Uid>;

  /**
   * Without it, the framework runs JavaScript scripts (language JavaScript/ECMAScript/js) itself: the text is
   * the body of an async function whose globals are the script arguments plus `connector` (this instance).
   */
  runScriptOnConnector?(script: ScriptContext, options: OperationOptions, ctx: OperationContext): unknown;
  runScriptOnResource?(script: ScriptContext, options: OperationOptions, ctx: OperationContext): unknown;
}

export interface ConnectorDefinition<C = Record<string, unknown>> {
  /** Connector name, conventionally a Java-style class name (it is the ConnectorKey's connectorName). */
  name: string;
  /** Message key of the display name; defaults to `${name}.display`... use a key present in `messages`. */
  displayNameKey: string;
  categoryKey?: string;
  configuration: readonly ConfigurationPropertyDefinition[];
  /** Extra configuration validation after required/type checks; throw ConfigurationException. */
  validate?(configuration: C): void;
  messages?: MessageCatalogs;
  /**
   * Pool instances per configuration (Java's PoolableConnector); checkAlive() is called on every borrow. Without
   * it, every operation gets a fresh instance (create, init, operation, dispose).
   */
  poolable?: boolean;
  /**
   * Script languages the framework runs as JavaScript for runScriptOnConnector when the connector does not
   * implement it (default JavaScript, ECMAScript, js). A connector whose scripts are written in a JavaScript-compatible
   * subset of another language (e.g. simple Groovy expressions) lists that language too.
   */
  scriptLanguages?: readonly string[];
  /**
   * Creates a fresh, uninitialised connector instance. Also called once when the bundle loads, to see which
   * operations the connector implements (that instance is never initialised), so keep it free of side effects.
   */
  create(): Connector<C>;
}

/** What a bundle module exports (as `default` or as `bundle`). */
export interface ConnectorBundle {
  bundleName: string;
  bundleVersion: string;
  connectors: readonly ConnectorDefinition<never>[];
}

/** Identity helper that keeps a bundle's types checked. */
export function defineBundle(bundle: ConnectorBundle): ConnectorBundle {
  return bundle;
}

/** Identity helper that types a connector definition against its configuration type. */
export function defineConnector<C>(definition: ConnectorDefinition<C>): ConnectorDefinition<C> {
  return definition;
}
