/**
 * What IDM sees of a connector: ConnectorInfo with its default APIConfiguration (configuration properties, pool
 * and results-handler settings, timeouts, supported operations) and message catalogs.
 */
import { JavaClass, Locale } from './java-values.ts';
import type { ConnectorKey } from './objects.ts';

/** API operation interfaces, by their legacy serial names. */
export const API_OPERATIONS = [
  'AuthenticationApiOp',
  'BatchApiOp',
  'ConnectorEventSubscriptionApiOp',
  'CreateApiOp',
  'DeleteApiOp',
  'GetApiOp',
  'ResolveUsernameApiOp',
  'SchemaApiOp',
  'ScriptOnConnectorApiOp',
  'ScriptOnResourceApiOp',
  'SearchApiOp',
  'SyncApiOp',
  'SyncEventSubscriptionApiOp',
  'TestApiOp',
  'UpdateApiOp',
  'ValidateApiOp',
] as const;

export type ApiOperationName = (typeof API_OPERATIONS)[number];

export function isApiOperationName(name: string): name is ApiOperationName {
  return (API_OPERATIONS as readonly string[]).includes(name);
}

/** Java's APIOperation.NO_TIMEOUT. */
export const NO_TIMEOUT = -1;

export class ObjectPoolConfiguration {
  maxObjects = 10;
  maxIdle = 10;
  /** Milliseconds a borrower waits for a free object. */
  maxWait = 150000n;
  /** Milliseconds an idle object may stay before eviction. */
  minEvictableIdleTimeMillis = 120000n;
  minIdle = 1;

  constructor(init?: Partial<ObjectPoolConfiguration>) {
    Object.assign(this, init);
  }
}

export class ResultsHandlerConfiguration {
  enableNormalizingResultsHandler = true;
  enableFilteredResultsHandler = true;
  enableCaseInsensitiveFilter = false;
  enableAttributesToGetSearchResultsHandler = true;

  constructor(init?: Partial<ResultsHandlerConfiguration>) {
    Object.assign(this, init);
  }
}

export class ConfigurationProperty {
  order = 0;
  confidential = false;
  required = false;
  name = '';
  helpMessageKey: string | null = null;
  displayMessageKey: string | null = null;
  groupMessageKey: string | null = null;
  /** The property's Java type; null only when a peer sent none. */
  type: JavaClass | null = null;
  /** Current value in its Java form (String[] values are JavaArray, int values number, ...). */
  value: unknown = null;
  /** Operations the property applies to; null when never set (Java writes a null object then). */
  operations: ApiOperationName[] | null = [];

  constructor(init?: Partial<ConfigurationProperty>) {
    Object.assign(this, init);
  }
}

export class ConfigurationProperties {
  /** Properties sorted by order, as Java keeps them. */
  readonly properties: ConfigurationProperty[];

  constructor(properties: Iterable<ConfigurationProperty> = []) {
    // Stable sort by order, then the last of duplicate names wins (Java's LinkedHashMap by name).
    const sorted = [...properties].sort((a, b) => a.order - b.order);
    const byName = new Map<string, ConfigurationProperty>();
    for (const p of sorted) byName.set(p.name, p);
    this.properties = sorted.filter((p) => byName.get(p.name) === p);
  }

  get(name: string): ConfigurationProperty | undefined {
    return this.properties.find((p) => p.name === name);
  }

  get names(): string[] {
    return this.properties.map((p) => p.name);
  }

  /** Sets a property value; throws when the property does not exist. */
  setValue(name: string, value: unknown): void {
    const p = this.get(name);
    if (!p) throw new Error(`Configuration property ${name} does not exist`);
    p.value = value;
  }
}

export class APIConfiguration {
  producerBufferSize = 100;
  connectorPoolingSupported = false;
  connectorPoolConfiguration = new ObjectPoolConfiguration();
  resultsHandlerConfiguration = new ResultsHandlerConfiguration();
  configurationProperties = new ConfigurationProperties();
  /** Per-operation timeouts in milliseconds (-1 = none), in wire order. */
  timeoutMap = new Map<ApiOperationName, number>();
  /** Supported API operations, in wire order. */
  supportedOperations: ApiOperationName[] = [];

  constructor(init?: Partial<APIConfiguration>) {
    Object.assign(this, init);
  }

  isSupported(op: ApiOperationName): boolean {
    return this.supportedOperations.includes(op);
  }

  timeout(op: ApiOperationName): number {
    return this.timeoutMap.get(op) ?? NO_TIMEOUT;
  }
}

export class ConnectorMessages {
  /** Locale → key → message. The default catalog uses the empty locale. */
  readonly catalogs: Map<Locale, Map<string, string>>;

  constructor(catalogs: Map<Locale, Map<string, string>> = new Map()) {
    this.catalogs = catalogs;
  }

  /** Formats a message key for a locale, falling back to language only, then the default catalog, then the key. */
  format(key: string, locale: Locale = new Locale(), dflt?: string): string {
    const tryLocale = (l: Locale): string | undefined => {
      for (const [loc, cat] of this.catalogs) if (loc.equals(l)) return cat.get(key);
      return undefined;
    };
    return (
      tryLocale(locale) ??
      tryLocale(new Locale(locale.language)) ??
      tryLocale(new Locale()) ??
      dflt ??
      key
    );
  }
}

export class ConnectorInfo {
  constructor(
    readonly connectorKey: ConnectorKey,
    readonly connectorDisplayNameKey: string,
    readonly messages: ConnectorMessages,
    readonly defaultApiConfiguration: APIConfiguration,
    readonly connectorCategoryKey: string | null = null,
  ) {}
}
