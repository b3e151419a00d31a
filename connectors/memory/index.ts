/** Bundle org.openicf.rcs.memory: the in-memory connector used as a fake resource in CI. */
import { defineBundle, defineConnector } from '../../src/spi/index.ts';
import { MEMORY_CONFIGURATION_PROPERTIES, MEMORY_MESSAGES, resolveConfiguration, type MemoryConfiguration } from './configuration.ts';
import { MemoryConnector } from './connector.ts';

export const MEMORY_BUNDLE_NAME = 'org.openicf.rcs.memory';
export const MEMORY_BUNDLE_VERSION = '1.0.0.0';
export const MEMORY_CONNECTOR_NAME = 'org.openicf.rcs.memory.MemoryConnector';

export const memoryConnector = defineConnector<MemoryConfiguration>({
  name: MEMORY_CONNECTOR_NAME,
  displayNameKey: 'MemoryConnector.display',
  categoryKey: 'MemoryConnector.category',
  configuration: MEMORY_CONFIGURATION_PROPERTIES,
  messages: MEMORY_MESSAGES,
  poolable: true,
  validate(configuration) {
    resolveConfiguration(configuration);
  },
  create: () => new MemoryConnector(),
});

export { MemoryConnector } from './connector.ts';
export type { MemoryConfiguration } from './configuration.ts';
export { dropStore, seedStore } from './registry.ts';

export default defineBundle({
  bundleName: MEMORY_BUNDLE_NAME,
  bundleVersion: MEMORY_BUNDLE_VERSION,
  connectors: [memoryConnector],
});
