/**
 * The caller's view of a configured connector (OpenICF's ConnectorFacade), and of the set of loaded connectors.
 * The rpc layer calls these; the framework implements them with pooling, timeouts, filtering and emulation.
 */
import type {
  APIConfiguration,
  ApiOperationName,
  Attribute,
  BatchResult,
  BatchTask,
  BatchToken,
  ConnectorInfo,
  ConnectorKey,
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
import type { ConnectorBundle } from '../spi/index.ts';

/** Per-call settings from the caller. */
export interface CallOptions {
  /** Aborts the operation (the connector sees it through its OperationContext.signal). */
  signal?: AbortSignal;
  /** Locale of the request (messages). */
  locale?: Locale;
}

export type UpdateMode = 'replace' | 'add' | 'remove';

export interface ConnectorFacade {
  readonly connectorInfo: ConnectorInfo;
  readonly apiConfiguration: APIConfiguration;
  isSupported(op: ApiOperationName): boolean;

  validate(call?: CallOptions): Promise<void>;
  test(call?: CallOptions): Promise<void>;
  schema(call?: CallOptions): Promise<Schema | null>;
  create(objectClass: ObjectClass, attributes: readonly Attribute[], options: OperationOptions | null, call?: CallOptions): Promise<Uid>;
  update(mode: UpdateMode, objectClass: ObjectClass, uid: Uid, attributes: readonly Attribute[], options: OperationOptions | null, call?: CallOptions): Promise<Uid>;
  delete(objectClass: ObjectClass, uid: Uid, options: OperationOptions | null, call?: CallOptions): Promise<void>;
  getObject(objectClass: ObjectClass, uid: Uid, options: OperationOptions | null, call?: CallOptions): Promise<ConnectorObject | null>;
  /** Each object is awaited by `handler` before the next is produced (back-pressure); false stops the search. */
  search(objectClass: ObjectClass, filter: Filter | null, handler: (object: ConnectorObject) => Promise<boolean>, options: OperationOptions | null, call?: CallOptions): Promise<SearchResult | null>;
  sync(objectClass: ObjectClass, token: SyncToken | null, handler: (delta: SyncDelta) => Promise<boolean>, options: OperationOptions | null, call?: CallOptions): Promise<SyncToken | null>;
  getLatestSyncToken(objectClass: ObjectClass, call?: CallOptions): Promise<SyncToken | null>;
  authenticate(objectClass: ObjectClass, username: string, password: GuardedString, options: OperationOptions | null, call?: CallOptions): Promise<Uid>;
  resolveUsername(objectClass: ObjectClass, username: string, options: OperationOptions | null, call?: CallOptions): Promise<Uid>;
  runScriptOnConnector(script: ScriptContext, options: OperationOptions | null, call?: CallOptions): Promise<unknown>;
  runScriptOnResource(script: ScriptContext, options: OperationOptions | null, call?: CallOptions): Promise<unknown>;
  /** Runs batch tasks in order; each result is passed to `onResult`. Resolves with the batch token. */
  executeBatch(tasks: readonly BatchTask[], onResult: (result: BatchResult) => Promise<void>, options: OperationOptions | null, call?: CallOptions): Promise<BatchToken>;
}

/** Listener for configuration changes a connector reports (forwarded to IDM as ConfigurationChangeEvent). */
export type ConfigurationChangeListener = (facadeKey: string, changed: APIConfiguration['configurationProperties']['properties']) => void;

export interface ConnectorFrameworkOptions {
  /** Directory of connector bundles (each a sub-directory or a .js/.mjs/.ts module). */
  bundleDir?: string;
  /** Directory of shared modules the bundles may import. */
  libDir?: string;
  /** Bundles given in code (embedded servers, tests). */
  bundles?: readonly ConnectorBundle[];
  /** Minutes an unused facade is kept before its pool is disposed (default 120). */
  maxFacadeLifeTimeMinutes?: number;
  logger?: FrameworkLogger;
}

export interface FrameworkLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** The loaded connectors and their managed facades (OpenICF's ConnectorInfoManager + managed facade cache). */
export interface ConnectorRegistry {
  connectorInfos(): readonly ConnectorInfo[];
  /** Exact, case-sensitive lookup, as the Java server does. */
  findConnectorInfo(key: ConnectorKey): ConnectorInfo | undefined;
  /**
   * The facade for a connector and the base64 facade key (the APIConfiguration the caller built). Facades are cached by
   * the exact key string; an unparsable key throws a typed exception (ConnectorException/ConfigurationException).
   */
  facade(key: ConnectorKey, facadeKey: string): ConnectorFacade;
  onConfigurationChange(listener: ConfigurationChangeListener): void;
  /** Disposes every pooled connector instance. */
  dispose(): Promise<void>;
}
