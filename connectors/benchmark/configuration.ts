/**
 * Configuration of the benchmark connector: the properties of OpenICF's test bundle TstConnector (names, types,
 * order and message keys as the Java TstConnectorConfig has them), so either connector takes the same settings.
 */
import { ConnectorException, type ConfigurationPropertyDefinition, type MessageCatalogs } from '../../src/spi/index.ts';

/** The configuration object the framework hands to init(). */
export interface BenchmarkConfiguration {
  tstField?: string | null;
  tst1Field?: string | null;
  /** Objects returned by search and deltas returned by sync. */
  numResults?: number | null;
  /** Makes validation fail (to exercise validate errors). */
  failValidation?: boolean | null;
  /** Restarts the connection numbering at init (seen through the testPooling create option). */
  resetConnectionCount?: boolean | null;
}

function prop(name: string, type: ConfigurationPropertyDefinition['type'], order: number, dflt: unknown, extra?: Partial<ConfigurationPropertyDefinition>): ConfigurationPropertyDefinition {
  return {
    name,
    type,
    order,
    required: false,
    confidential: false,
    default: dflt,
    displayMessageKey: `${name}.display`,
    helpMessageKey: `${name}.help`,
    groupMessageKey: `${name}.group`,
    ...extra,
  };
}

/**
 * The properties in Java's order: tstField carries an explicit annotation (order -1, applies to sync only);
 * the others have order 0 and keep this sequence.
 */
export function tstConfigurationProperties(numResultsDefault: number): ConfigurationPropertyDefinition[] {
  return [
    prop('tstField', 'String', -1, null, { operations: ['SyncApiOp'] }),
    prop('failValidation', 'boolean', 0, false),
    prop('resetConnectionCount', 'boolean', 0, false),
    prop('numResults', 'int', 0, numResultsDefault),
    prop('tst1Field', 'String', 0, null),
  ];
}

/** Message catalogs of the Java test bundle (es_ES, default, es). */
export const TST_MESSAGES: MessageCatalogs = {
  es_ES: {
    'tstField.help': 'tstField.help_es-ES',
    'tstField.display': 'tstField.display_es-ES',
    'tstField.group': 'tstField.group_es-ES',
  },
  '': {
    'tstField.help': 'Help for test field.',
    'tstField.display': 'Display for test field.',
    'tstField.group': 'Group for test field.',
  },
  es: {
    'tstField.help': 'tstField.help_es',
    'tstField.display': 'tstField.display_es',
    'tstField.group': 'tstField.display_es',
  },
};

export const BENCHMARK_MESSAGES: MessageCatalogs = {
  '': {
    'BenchmarkConnector.display': 'Benchmark connector',
    'tstField.display': 'Test field',
    'tstField.help': 'A free text value (used by sync only).',
    'tstField.group': 'Test',
    'tst1Field.display': 'Second test field',
    'tst1Field.help': 'A free text value.',
    'tst1Field.group': 'Test',
    'numResults.display': 'Number of results',
    'numResults.help': 'How many objects search returns and how many deltas sync returns.',
    'numResults.group': 'Workload',
    'failValidation.display': 'Fail validation',
    'failValidation.help': 'Makes configuration validation fail.',
    'failValidation.group': 'Test',
    'resetConnectionCount.display': 'Reset connection count',
    'resetConnectionCount.help': 'Restarts connection numbering when an instance is initialised.',
    'resetConnectionCount.group': 'Test',
  },
};

/** Java's TstConnectorConfig.validate. */
export function validateTstConfiguration(c: BenchmarkConfiguration): void {
  if (c.failValidation === true) throw new ConnectorException('validation failed');
  const n = c.numResults;
  if (n !== null && n !== undefined && (!Number.isInteger(n) || n < 0)) {
    throw new ConnectorException('numResults must be a non-negative integer');
  }
}
