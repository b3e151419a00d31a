/**
 * The loaded connectors and their managed facades (Java's ConnectorInfoManager plus the server's managed
 * facade cache): facades are cached by the exact facade-key string and disposed after
 * maxFacadeLifeTimeMinutes without use.
 */
import {
  APIConfiguration,
  ConnectorException,
  JavaThrowable,
  type ConfigurationProperty,
  type ConnectorInfo,
  type ConnectorKey,
} from '../model/index.ts';
import { decodeFacadeKey } from '../wire/legacy/index.ts';
import type { LoadedBundle } from './bundles.ts';
import { buildConnectorInfo, connectorCapabilities, connectorKeyOf, type LoadedConnector } from './connector-info.ts';
import { LocalConnectorFacade } from './facade.ts';
import type {
  ConfigurationChangeListener,
  ConnectorFacade,
  ConnectorRegistry,
  FrameworkLogger,
} from './facade-types.ts';

/** Two connectors with the same ConnectorKey: startup fails. */
export class DuplicateConnectorKeyError extends Error {
  constructor(
    readonly key: ConnectorKey,
    readonly firstSource: string,
    readonly secondSource: string,
  ) {
    super(`Duplicate connector ${key.toString()}: defined in ${firstSource} and in ${secondSource}`);
    this.name = 'DuplicateConnectorKeyError';
  }
}

function keyString(key: ConnectorKey): string {
  return JSON.stringify([key.bundleName, key.bundleVersion, key.connectorName]);
}

/** Builds the connector entries of loaded bundles; a connector whose create() throws is skipped and logged. */
export function connectorsOf(bundles: readonly LoadedBundle[], logger: FrameworkLogger): LoadedConnector[] {
  const byKey = new Map<string, LoadedConnector>();
  for (const { bundle, source } of bundles) {
    for (const definition of bundle.connectors) {
      const key = connectorKeyOf(bundle, definition);
      const existing = byKey.get(keyString(key));
      if (existing) throw new DuplicateConnectorKeyError(key, existing.source, source);
      let capabilities;
      try {
        capabilities = connectorCapabilities(definition.create());
      } catch (e) {
        logger.error(
          { path: source, connector: definition.name, reason: e instanceof Error ? e.message : String(e) },
          'Connector skipped: its create() failed',
        );
        continue;
      }
      byKey.set(keyString(key), { info: buildConnectorInfo(bundle, definition, capabilities), definition, capabilities, source });
    }
  }
  return [...byKey.values()];
}

export interface RegistryOptions {
  readonly maxFacadeLifeTimeMinutes: number;
  readonly logger: FrameworkLogger;
}

export class LocalConnectorRegistry implements ConnectorRegistry {
  private readonly connectors = new Map<string, LoadedConnector>();
  private readonly facades = new Map<string, LocalConnectorFacade>();
  private readonly listeners: ConfigurationChangeListener[] = [];
  private readonly reaper: NodeJS.Timeout;
  private readonly maxIdleMs: number;

  constructor(
    connectors: readonly LoadedConnector[],
    private readonly options: RegistryOptions,
  ) {
    for (const c of connectors) this.connectors.set(keyString(c.info.connectorKey), c);
    this.maxIdleMs = Math.max(0, options.maxFacadeLifeTimeMinutes) * 60_000;
    // Sweep often enough for the configured lifetime, at most once a minute.
    const period = Math.max(1_000, Math.min(60_000, Math.floor(this.maxIdleMs / 2) || 1_000));
    this.reaper = setInterval(() => void this.sweep(), period);
    this.reaper.unref();
  }

  connectorInfos(): readonly ConnectorInfo[] {
    return [...this.connectors.values()].map((c) => c.info);
  }

  findConnectorInfo(key: ConnectorKey): ConnectorInfo | undefined {
    return this.connectors.get(keyString(key))?.info;
  }

  /** The loaded connector (definition, capabilities, source) for a key. */
  findConnector(key: ConnectorKey): LoadedConnector | undefined {
    return this.connectors.get(keyString(key));
  }

  facade(key: ConnectorKey, facadeKey: string): ConnectorFacade {
    const entry = this.connectors.get(keyString(key));
    if (!entry) throw new ConnectorException(`No connector is installed for ${key.toString()}`);
    const cacheKey = `${keyString(key)}\n${facadeKey}`;
    const cached = this.facades.get(cacheKey);
    if (cached) return cached;
    const apiConfiguration = decodeApiConfiguration(facadeKey);
    const facade = new LocalConnectorFacade(entry, apiConfiguration, facadeKey, {
      logger: this.options.logger,
      onConfigurationChange: (fk, changed) => this.notify(fk, changed),
    });
    this.facades.set(cacheKey, facade);
    return facade;
  }

  onConfigurationChange(listener: ConfigurationChangeListener): void {
    this.listeners.push(listener);
  }

  private notify(facadeKey: string, changed: ConfigurationProperty[]): void {
    for (const l of this.listeners) {
      try {
        l(facadeKey, changed);
      } catch (e) {
        this.options.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'Configuration change listener failed');
      }
    }
  }

  /** Disposes facades unused for maxFacadeLifeTimeMinutes and evicts idle pooled connectors. */
  async sweep(): Promise<void> {
    for (const [k, f] of [...this.facades]) {
      if (f.isUnusedFor(this.maxIdleMs)) {
        this.facades.delete(k);
        await f.dispose();
      } else {
        await f.evictIdle();
      }
    }
  }

  async dispose(): Promise<void> {
    clearInterval(this.reaper);
    const all = [...this.facades.values()];
    this.facades.clear();
    for (const f of all) await f.dispose();
  }
}

function decodeApiConfiguration(facadeKey: string): APIConfiguration {
  let value: unknown;
  try {
    value = decodeFacadeKey(facadeKey);
  } catch (e) {
    if (e instanceof JavaThrowable) throw e;
    throw new ConnectorException(`Invalid connector facade key: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!(value instanceof APIConfiguration)) {
    throw new ConnectorException('Invalid connector facade key: it does not hold an APIConfiguration');
  }
  return value;
}
