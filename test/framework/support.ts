/** Shared helpers for the framework tests: facade keys built exactly as a Java client builds them. */
import assert from 'node:assert/strict';
import type { APIConfiguration, ApiOperationName, ConnectorKey } from '../../src/model/index.ts';
import { decodeFacadeKey, encodeFacadeKey } from '../../src/wire/legacy/index.ts';
import { createConnectorRegistry, type ConnectorFacade, type FrameworkLogger } from '../../src/framework/index.ts';
import type { ConnectorBundle } from '../../src/spi/index.ts';

export interface LogRecord {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

export function capturingLogger(): FrameworkLogger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at =
    (level: string) =>
    (obj: Record<string, unknown>, msg: string): void => {
      records.push({ level, obj, msg });
    };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface FacadeSettings {
  values?: Record<string, unknown>;
  timeouts?: Partial<Record<ApiOperationName, number>>;
  pool?: Partial<APIConfiguration['connectorPoolConfiguration']>;
  results?: Partial<APIConfiguration['resultsHandlerConfiguration']>;
  edit?: (cfg: APIConfiguration) => void;
}

/**
 * The facade key a client sends: the ConnectorInfo's default APIConfiguration (copied through the serializer)
 * with user-set property values (already in their Java wire form), timeouts and pool settings.
 */
export function facadeKeyFor(defaults: APIConfiguration, s: FacadeSettings = {}): string {
  const cfg = decodeFacadeKey(encodeFacadeKey(defaults));
  for (const [name, value] of Object.entries(s.values ?? {})) cfg.configurationProperties.setValue(name, value);
  for (const [op, ms] of Object.entries(s.timeouts ?? {})) cfg.timeoutMap.set(op as ApiOperationName, ms);
  Object.assign(cfg.connectorPoolConfiguration, s.pool ?? {});
  Object.assign(cfg.resultsHandlerConfiguration, s.results ?? {});
  s.edit?.(cfg);
  return encodeFacadeKey(cfg);
}

export async function registryWith(bundles: ConnectorBundle[], logger?: FrameworkLogger) {
  return createConnectorRegistry({ bundles, ...(logger ? { logger } : {}) });
}

export async function facadeOf(
  registry: Awaited<ReturnType<typeof registryWith>>,
  key: ConnectorKey,
  s: FacadeSettings = {},
): Promise<ConnectorFacade> {
  const info = registry.findConnectorInfo(key);
  assert.ok(info, `connector ${key.toString()} is loaded`);
  return registry.facade(key, facadeKeyFor(info.defaultApiConfiguration, s));
}

/** Resolves when `predicate` holds, polling; fails after `ms`. */
export async function until(predicate: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A promise with its resolve function exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
