/**
 * Builds the ConnectorInfo IDM sees for a connector definition, the way the Java framework builds it
 * (LocalConnectorInfoManagerImpl.createDefaultAPIConfiguration, JavaClassProperties, FrameworkUtil):
 * - one ConfigurationProperty per declared property, with Java's default keys `<name>.display`, `<name>.help`,
 *   `<name>.group`, the Java class of its type, the default value in its Java form (primitives without a default
 *   get Java's zero value), confidential also for GuardedString/GuardedByteArray, operations as a (possibly
 *   empty) set;
 * - supported operations from the methods the connector implements, plus Validate and ScriptOnConnector always;
 * - connectorPoolingSupported = poolable, default pool and results-handler configuration, producerBufferSize 100,
 *   and an empty timeout map (Java puts no entry there: every operation defaults to no timeout).
 */
import {
  API_OPERATIONS,
  APIConfiguration,
  ConfigurationProperties,
  ConfigurationProperty,
  ConnectorInfo,
  ConnectorKey,
  ConnectorMessages,
  Locale,
  ObjectPoolConfiguration,
  ResultsHandlerConfiguration,
  type ApiOperationName,
} from '../model/index.ts';
import type { Connector, ConnectorBundle, ConnectorDefinition } from '../spi/index.ts';
import { jsToWire, propertyTypeInfo } from './property-types.ts';

type AnyDefinition = ConnectorDefinition<never>;

/** Which connector methods the framework can call (an uninitialised instance is inspected). */
export interface ConnectorCapabilities {
  readonly methods: ReadonlySet<string>;
  /** API operations derived from the methods (Java's FrameworkUtil.getDefaultSupportedOperations). */
  readonly supportedOperations: readonly ApiOperationName[];
}

const OPTIONAL_METHODS = [
  'test',
  'schema',
  'create',
  'update',
  'addAttributeValues',
  'removeAttributeValues',
  'delete',
  'search',
  'getObject',
  'sync',
  'getLatestSyncToken',
  'authenticate',
  'resolveUsername',
  'runScriptOnConnector',
  'runScriptOnResource',
  'checkAlive',
  'dispose',
] as const;

export function connectorCapabilities(instance: Connector<never>): ConnectorCapabilities {
  const methods = new Set<string>();
  const record = instance as unknown as Record<string, unknown>;
  for (const m of OPTIONAL_METHODS) if (typeof record[m] === 'function') methods.add(m);
  const has = (m: string): boolean => methods.has(m);
  const ops = new Set<ApiOperationName>(['ValidateApiOp', 'ScriptOnConnectorApiOp']);
  if (has('authenticate')) ops.add('AuthenticationApiOp');
  if (has('resolveUsername')) ops.add('ResolveUsernameApiOp');
  if (has('create')) ops.add('CreateApiOp');
  if (has('delete')) ops.add('DeleteApiOp');
  if (has('search')) {
    ops.add('SearchApiOp');
    ops.add('GetApiOp');
  }
  if (has('getObject')) ops.add('GetApiOp');
  if (has('update') || has('addAttributeValues') || has('removeAttributeValues')) ops.add('UpdateApiOp');
  if (has('schema')) ops.add('SchemaApiOp');
  if (has('test')) ops.add('TestApiOp');
  if (has('runScriptOnResource')) ops.add('ScriptOnResourceApiOp');
  if (has('sync') && has('getLatestSyncToken')) ops.add('SyncApiOp');
  // Batches run task by task through create/update/delete (Java's BatchImpl does the same for connectors
  // without a native BatchOp), so they are offered whenever one of those exists.
  if (ops.has('CreateApiOp') || ops.has('UpdateApiOp') || ops.has('DeleteApiOp')) ops.add('BatchApiOp');
  return { methods, supportedOperations: API_OPERATIONS.filter((o) => ops.has(o)) };
}

/** The definition's message catalogs as ConnectorMessages (locale tag "" is the default catalog). */
export function connectorMessages(definition: AnyDefinition): ConnectorMessages {
  const catalogs = new Map<Locale, Map<string, string>>();
  for (const [tag, catalog] of Object.entries(definition.messages ?? {})) {
    catalogs.set(tag === '' ? new Locale() : Locale.parse(tag), new Map(Object.entries(catalog)));
  }
  return new ConnectorMessages(catalogs);
}

/** The default ConfigurationProperties of a definition (values in their Java wire form). */
export function defaultConfigurationProperties(definition: AnyDefinition): ConfigurationProperties {
  return new ConfigurationProperties(
    definition.configuration.map((p, index) => {
      const t = propertyTypeInfo(p.type);
      return new ConfigurationProperty({
        order: p.order ?? index,
        confidential: (p.confidential ?? false) || t.secret,
        required: p.required ?? false,
        name: p.name,
        helpMessageKey: p.helpMessageKey || `${p.name}.help`,
        displayMessageKey: p.displayMessageKey || `${p.name}.display`,
        groupMessageKey: p.groupMessageKey || `${p.name}.group`,
        type: t.javaClass,
        value: jsToWire(t, p.default),
        operations: [...(p.operations ?? [])],
      });
    }),
  );
}

/** The default APIConfiguration of a definition. */
export function defaultApiConfiguration(definition: AnyDefinition, capabilities: ConnectorCapabilities): APIConfiguration {
  return new APIConfiguration({
    producerBufferSize: 100,
    connectorPoolingSupported: definition.poolable === true,
    connectorPoolConfiguration: new ObjectPoolConfiguration(),
    resultsHandlerConfiguration: new ResultsHandlerConfiguration(),
    configurationProperties: defaultConfigurationProperties(definition),
    timeoutMap: new Map(),
    supportedOperations: [...capabilities.supportedOperations],
  });
}

export function connectorKeyOf(bundle: ConnectorBundle, definition: AnyDefinition): ConnectorKey {
  return new ConnectorKey(bundle.bundleName, bundle.bundleVersion, definition.name);
}

export function buildConnectorInfo(
  bundle: ConnectorBundle,
  definition: AnyDefinition,
  capabilities: ConnectorCapabilities,
): ConnectorInfo {
  return new ConnectorInfo(
    connectorKeyOf(bundle, definition),
    definition.displayNameKey,
    connectorMessages(definition),
    defaultApiConfiguration(definition, capabilities),
    definition.categoryKey ?? null,
  );
}

/** A loaded connector: its info, definition, capabilities and where it came from. */
export interface LoadedConnector {
  readonly info: ConnectorInfo;
  readonly definition: AnyDefinition;
  readonly capabilities: ConnectorCapabilities;
  /** The bundle's path (or in-code label). */
  readonly source: string;
}
