/**
 * The CSV file connector bundle: a drop-in for the Java CSV connector (same bundle and connector names,
 * configuration and behaviour), so IDM's CSV provisioner files work unchanged.
 */
import { defineBundle, defineConnector } from '../../src/spi/index.ts';
import { CSV_CONFIGURATION_PROPERTIES, validateConfiguration, type CsvFileConfiguration } from './configuration.ts';
import { CsvFileConnector } from './connector.ts';
import { CSV_MESSAGES } from './messages.ts';

export const CSV_BUNDLE_NAME = 'org.forgerock.openicf.connectors.csvfile-connector';
export const CSV_BUNDLE_VERSION = '1.5.20.0';
export const CSV_CONNECTOR_NAME = 'org.forgerock.openicf.csvfile.CSVFileConnector';

export const csvFileConnector = defineConnector<CsvFileConfiguration>({
  name: CSV_CONNECTOR_NAME,
  displayNameKey: 'connector_name.display',
  configuration: CSV_CONFIGURATION_PROPERTIES,
  validate: validateConfiguration,
  messages: CSV_MESSAGES,
  poolable: false,
  create: () => new CsvFileConnector(),
});

export const bundle = defineBundle({
  bundleName: CSV_BUNDLE_NAME,
  bundleVersion: CSV_BUNDLE_VERSION,
  connectors: [csvFileConnector],
});

export default bundle;
