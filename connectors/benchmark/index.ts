/** Bundle org.openicf.rcs.benchmark: a connector doing the same work as OpenICF's TstConnector, for benchmarks. */
import { defineBundle, defineConnector } from '../../src/spi/index.ts';
import { BENCHMARK_MESSAGES, tstConfigurationProperties, validateTstConfiguration, type BenchmarkConfiguration } from './configuration.ts';
import { BenchmarkConnector, ConnectionCounter } from './connector.ts';

export const BENCHMARK_BUNDLE_NAME = 'org.openicf.rcs.benchmark';
export const BENCHMARK_BUNDLE_VERSION = '1.0.0.0';
export const BENCHMARK_CONNECTOR_NAME = 'org.openicf.rcs.benchmark.BenchmarkConnector';
/** numResults when the configuration does not set it (TstConnector's is 0, which makes an empty benchmark). */
export const BENCHMARK_DEFAULT_NUM_RESULTS = 5;

const connections = new ConnectionCounter();

export const benchmarkConnector = defineConnector<BenchmarkConfiguration>({
  name: BENCHMARK_CONNECTOR_NAME,
  displayNameKey: 'BenchmarkConnector.display',
  configuration: tstConfigurationProperties(BENCHMARK_DEFAULT_NUM_RESULTS),
  messages: BENCHMARK_MESSAGES,
  poolable: true,
  // TstConnector is scripted in Groovy (`return arg1 + ':' + connector.concat('a','b')`): such scripts are also
  // valid JavaScript, which the framework runs with `connector` bound to the instance.
  scriptLanguages: ['Groovy', 'JavaScript', 'ECMAScript', 'js'],
  validate: validateTstConfiguration,
  create: () => new BenchmarkConnector(connections),
});

export { BenchmarkConnector, ConnectionCounter } from './connector.ts';
export { TST_MESSAGES, tstConfigurationProperties, validateTstConfiguration } from './configuration.ts';
export type { BenchmarkConfiguration } from './configuration.ts';

export default defineBundle({
  bundleName: BENCHMARK_BUNDLE_NAME,
  bundleVersion: BENCHMARK_BUNDLE_VERSION,
  connectors: [benchmarkConnector],
});
