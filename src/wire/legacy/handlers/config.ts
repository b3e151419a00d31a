/** Connector configuration and connector info (Java's APIConfigurationHandlers). */
import {
  APIConfiguration,
  ConfigurationProperties,
  ConfigurationProperty,
  ConnectorInfo,
  ConnectorKey,
  ConnectorMessages,
  JavaClass,
  Locale,
  ObjectPoolConfiguration,
  ResultsHandlerConfiguration,
  isApiOperationName,
} from '../../../model/index.ts';
import type { ApiOperationName } from '../../../model/index.ts';
import { defineHandler, type FieldReader, type TypeHandler } from '../handler.ts';
import { build, elementsOf, expectInstance, wrongField } from './util.ts';

function toLong(v: bigint | number): bigint {
  return typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
}

/** A Set of Class values (operations) as API operation names; other classes are dropped. */
function operationNames(v: unknown, input: FieldReader, field: string): ApiOperationName[] | null {
  const items = elementsOf(v, input.typeName, field);
  if (items === null) return null;
  const out: ApiOperationName[] = [];
  for (const c of items) if (c instanceof JavaClass && c.dimensions === 0 && isApiOperationName(c.name)) out.push(c.name);
  return out;
}

function operationClasses(ops: readonly string[]): Set<JavaClass> {
  return new Set(ops.map((op) => JavaClass.of(op)));
}

export const CONFIG_HANDLERS: readonly TypeHandler[] = [
  defineHandler(
    'ObjectPoolConfiguration',
    { maxObjects: 'int', maxIdle: 'int', maxWait: 'long', minEvictableIdleTimeMillis: 'long', minIdle: 'int' },
    null,
    (o, v) => {
      const p = v as ObjectPoolConfiguration;
      o.int('maxObjects', p.maxObjects);
      o.int('maxIdle', p.maxIdle);
      o.long('maxWait', toLong(p.maxWait));
      o.long('minEvictableIdleTimeMillis', toLong(p.minEvictableIdleTimeMillis));
      o.int('minIdle', p.minIdle);
    },
    (i) => {
      const d = new ObjectPoolConfiguration();
      return new ObjectPoolConfiguration({
        maxObjects: i.int('maxObjects', d.maxObjects),
        maxIdle: i.int('maxIdle', d.maxIdle),
        maxWait: i.long('maxWait', d.maxWait),
        minEvictableIdleTimeMillis: i.long('minEvictableIdleTimeMillis', d.minEvictableIdleTimeMillis),
        minIdle: i.int('minIdle', d.minIdle),
      });
    },
  ),
  defineHandler(
    'ResultsHandlerConfiguration',
    {
      enableNormalizingResultsHandler: 'boolean',
      enableFilteredResultsHandler: 'boolean',
      enableCaseInsensitiveFilter: 'boolean',
      enableAttributesToGetSearchResultsHandler: 'boolean',
    },
    null,
    (o, v) => {
      const r = v as ResultsHandlerConfiguration;
      o.bool('enableNormalizingResultsHandler', r.enableNormalizingResultsHandler);
      o.bool('enableFilteredResultsHandler', r.enableFilteredResultsHandler);
      o.bool('enableCaseInsensitiveFilter', r.enableCaseInsensitiveFilter);
      o.bool('enableAttributesToGetSearchResultsHandler', r.enableAttributesToGetSearchResultsHandler);
    },
    (i) =>
      new ResultsHandlerConfiguration({
        enableNormalizingResultsHandler: i.bool('enableNormalizingResultsHandler', true),
        enableFilteredResultsHandler: i.bool('enableFilteredResultsHandler', true),
        enableCaseInsensitiveFilter: i.bool('enableCaseInsensitiveFilter', false),
        enableAttributesToGetSearchResultsHandler: i.bool('enableAttributesToGetSearchResultsHandler', true),
      }),
  ),
  defineHandler(
    'ConfigurationProperty',
    {
      order: 'int',
      confidential: 'boolean',
      required: 'boolean',
      name: 'string',
      helpMessageKey: 'string',
      displayMessageKey: 'string',
      groupMessageKey: 'string',
      type: 'class',
      value: 'object',
      operations: 'object',
    },
    null,
    (o, v) => {
      const p = v as ConfigurationProperty;
      o.int('order', p.order);
      o.bool('confidential', p.confidential);
      o.bool('required', p.required);
      o.string('name', p.name);
      o.string('helpMessageKey', p.helpMessageKey);
      o.string('displayMessageKey', p.displayMessageKey);
      o.string('groupMessageKey', p.groupMessageKey);
      o.classField('type', p.type);
      o.object('value', p.value);
      o.object('operations', p.operations === null ? null : operationClasses(p.operations));
    },
    (i) =>
      new ConfigurationProperty({
        order: i.int('order', 0),
        required: i.bool('required', false),
        confidential: i.bool('confidential', false),
        // The model keeps a string name; Java's null name has no use.
        name: i.string('name', null) ?? '',
        helpMessageKey: i.string('helpMessageKey', null),
        displayMessageKey: i.string('displayMessageKey', null),
        groupMessageKey: i.string('groupMessageKey', null),
        type: i.classField('type', null),
        value: i.object('value', null),
        operations: operationNames(i.object('operations', null), i, 'operations'),
      }),
  ),
  defineHandler(
    'ConfigurationProperties',
    {},
    'object',
    (o, v) => {
      for (const p of (v as ConfigurationProperties).properties) o.anonObject(p);
    },
    (i) => {
      const props: ConfigurationProperty[] = [];
      for (let n = 0; n < i.anonCount; n++) {
        props.push(expectInstance(i.anonObject(n), ConfigurationProperty, i.typeName, `#${n}`, false)!);
      }
      return new ConfigurationProperties(props);
    },
  ),
  defineHandler(
    'APIConfiguration',
    {
      producerBufferSize: 'int',
      connectorPoolingSupported: 'boolean',
      connectorPoolConfiguration: 'object',
      resultsHandlerConfiguration: 'object',
      ConfigurationProperties: 'object',
      timeoutMap: 'object',
      SupportedOperations: 'object',
    },
    null,
    (o, v) => {
      const c = v as APIConfiguration;
      o.int('producerBufferSize', c.producerBufferSize);
      o.bool('connectorPoolingSupported', c.connectorPoolingSupported);
      o.object('connectorPoolConfiguration', c.connectorPoolConfiguration ?? new ObjectPoolConfiguration());
      o.object('resultsHandlerConfiguration', c.resultsHandlerConfiguration ?? new ResultsHandlerConfiguration());
      o.object('ConfigurationProperties', c.configurationProperties);
      const timeouts = new Map<JavaClass, number>();
      for (const [op, ms] of c.timeoutMap) timeouts.set(JavaClass.of(op), ms);
      o.object('timeoutMap', timeouts);
      o.object('SupportedOperations', operationClasses(c.supportedOperations));
    },
    (i) => {
      const timeoutMap = new Map<ApiOperationName, number>();
      const rawTimeouts = i.object('timeoutMap', null);
      if (rawTimeouts !== null) {
        if (!(rawTimeouts instanceof Map)) throw wrongField(i.typeName, 'timeoutMap', 'a Map');
        for (const [k, ms] of rawTimeouts) {
          if (!(k instanceof JavaClass) || typeof ms !== 'number') throw wrongField(i.typeName, 'timeoutMap', 'Class → Integer entries');
          if (isApiOperationName(k.name)) timeoutMap.set(k.name, ms);
        }
      }
      const properties = expectInstance(i.object('ConfigurationProperties', null), ConfigurationProperties, i.typeName, 'ConfigurationProperties', true);
      return new APIConfiguration({
        connectorPoolingSupported: i.bool('connectorPoolingSupported', false),
        connectorPoolConfiguration:
          expectInstance(i.object('connectorPoolConfiguration', null), ObjectPoolConfiguration, i.typeName, 'connectorPoolConfiguration', true) ??
          new ObjectPoolConfiguration(),
        resultsHandlerConfiguration:
          expectInstance(i.object('resultsHandlerConfiguration', null), ResultsHandlerConfiguration, i.typeName, 'resultsHandlerConfiguration', true) ??
          new ResultsHandlerConfiguration(),
        configurationProperties: properties ?? new ConfigurationProperties(),
        timeoutMap,
        supportedOperations: operationNames(i.object('SupportedOperations', null), i, 'SupportedOperations') ?? [],
        producerBufferSize: i.int('producerBufferSize', 0),
      });
    },
  ),
  defineHandler(
    'ConnectorMessages',
    { catalogs: 'object' },
    null,
    (o, v) => o.object('catalogs', (v as ConnectorMessages).catalogs),
    (i) => {
      const raw = i.object('catalogs', null);
      const catalogs = new Map<Locale, Map<string, string>>();
      if (raw !== null) {
        if (!(raw instanceof Map)) throw wrongField(i.typeName, 'catalogs', 'a Map');
        for (const [loc, cat] of raw) {
          if (!(loc instanceof Locale) || !(cat instanceof Map)) throw wrongField(i.typeName, 'catalogs', 'Locale → Map entries');
          catalogs.set(loc, cat as Map<string, string>);
        }
      }
      return new ConnectorMessages(catalogs);
    },
  ),
  defineHandler(
    'ConnectorKey',
    { bundleName: 'string', bundleVersion: 'string', connectorName: 'string' },
    null,
    (o, v) => {
      const k = v as ConnectorKey;
      o.string('bundleName', k.bundleName);
      o.string('bundleVersion', k.bundleVersion);
      o.string('connectorName', k.connectorName);
    },
    (i) =>
      // Java keeps nulls here; the model's strings carry them as null at runtime.
      new ConnectorKey(
        i.string('bundleName', null) as string,
        i.string('bundleVersion', null) as string,
        i.string('connectorName', null) as string,
      ),
  ),
  defineHandler(
    'ConnectorInfo',
    {
      connectorDisplayNameKey: 'string',
      connectorCategoryKey: 'string',
      ConnectorKey: 'object',
      ConnectorMessages: 'object',
      APIConfiguration: 'object',
    },
    null,
    (o, v) => {
      const c = v as ConnectorInfo;
      o.string('connectorDisplayNameKey', c.connectorDisplayNameKey);
      o.string('connectorCategoryKey', c.connectorCategoryKey);
      o.object('ConnectorKey', c.connectorKey);
      o.object('ConnectorMessages', c.messages);
      o.object('APIConfiguration', c.defaultApiConfiguration);
    },
    (i) =>
      build(
        i.typeName,
        () =>
          new ConnectorInfo(
            expectInstance(i.object('ConnectorKey', null), ConnectorKey, i.typeName, 'ConnectorKey', true) as ConnectorKey,
            i.string('connectorDisplayNameKey', null) as string,
            (expectInstance(i.object('ConnectorMessages', null), ConnectorMessages, i.typeName, 'ConnectorMessages', true) ??
              new ConnectorMessages()) as ConnectorMessages,
            expectInstance(i.object('APIConfiguration', null), APIConfiguration, i.typeName, 'APIConfiguration', true) as APIConfiguration,
            i.string('connectorCategoryKey', null),
          ),
      ),
  ),
];
