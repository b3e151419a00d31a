/**
 * Bundle testbundlev1 1.0.0.0: the connector key of OpenICF's test bundle TstConnector, served by the benchmark
 * implementation with TstConnectorConfig's properties and defaults, so that sessions recorded against a Java
 * connector server can be replayed here unchanged.
 */
import { defineBundle, defineConnector } from '../../src/spi/index.ts';
import {
  BenchmarkConnector,
  ConnectionCounter,
  TST_MESSAGES,
  tstConfigurationProperties,
  validateTstConfiguration,
  type BenchmarkConfiguration,
} from '../benchmark/index.ts';

export const TST_BUNDLE_NAME = 'testbundlev1';
export const TST_BUNDLE_VERSION = '1.0.0.0';
export const TST_CONNECTOR_NAME = 'org.identityconnectors.testconnector.TstConnector';

const connections = new ConnectionCounter();

export const tstConnector = defineConnector<BenchmarkConfiguration>({
  name: TST_CONNECTOR_NAME,
  displayNameKey: 'TestConnector',
  configuration: tstConfigurationProperties(0),
  messages: TST_MESSAGES,
  poolable: true,
  // TstConnector is scripted in Groovy (`return arg1 + ':' + connector.concat('a','b')`): such scripts are also
  // valid JavaScript, which the framework runs with `connector` bound to the instance.
  scriptLanguages: ['Groovy', 'JavaScript', 'ECMAScript', 'js'],
  validate: validateTstConfiguration,
  create: () => new BenchmarkConnector(connections),
});

export default defineBundle({
  bundleName: TST_BUNDLE_NAME,
  bundleVersion: TST_BUNDLE_VERSION,
  connectors: [tstConnector],
});
