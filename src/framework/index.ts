/**
 * The connector framework: loads bundles, describes connectors (ConnectorInfo) and runs them behind facades.
 */
import type { ConnectorFrameworkOptions, FrameworkLogger } from './facade-types.ts';
import { loadBundles } from './bundles.ts';
import { connectorsOf, LocalConnectorRegistry } from './registry.ts';

export * from './facade-types.ts';
export { BundleManifestError, validateBundle, type LoadedBundle } from './bundles.ts';
export { DuplicateConnectorKeyError, LocalConnectorRegistry } from './registry.ts';
export { LocalConnectorFacade, mergeAttributeValues } from './facade.ts';
export { buildConnectorInfo, connectorCapabilities, type LoadedConnector } from './connector-info.ts';
export { buildConfiguration, validateConfiguration } from './configuration.ts';
export { ObjectPool, type PoolHandler, type PoolLease } from './pool.ts';
export { registerLibResolver } from './lib-resolver.ts';

const SILENT: FrameworkLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Loads the bundles of options.bundleDir and options.bundles and returns the registry (a ConnectorRegistry).
 * Broken bundles are logged and skipped; two connectors with the same ConnectorKey reject with
 * DuplicateConnectorKeyError.
 */
export async function createConnectorRegistry(options: ConnectorFrameworkOptions): Promise<LocalConnectorRegistry> {
  const logger = options.logger ?? SILENT;
  const bundles = await loadBundles(options, logger);
  const connectors = connectorsOf(bundles, logger);
  for (const c of connectors) {
    logger.info({ connectorKey: c.info.connectorKey.toString(), path: c.source }, 'Connector loaded');
  }
  return new LocalConnectorRegistry(connectors, {
    maxFacadeLifeTimeMinutes: options.maxFacadeLifeTimeMinutes ?? 120,
    logger,
  });
}
