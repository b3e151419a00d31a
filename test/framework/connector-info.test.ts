import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  APIConfiguration,
  ConnectorInfo,
  ConnectorKey,
  GuardedByteArray,
  GuardedString,
  JavaArray,
  JavaCharacter,
  JavaClass,
  JavaDouble,
  JavaFile,
  JavaFloat,
  JavaURI,
  Locale,
} from '../../src/model/index.ts';
import { decodeFacadeKey, deserializeLegacy, encodeFacadeKey, serializeLegacy } from '../../src/wire/legacy/index.ts';
import type { Connector, ConnectorBundle } from '../../src/spi/index.ts';
import { registryWith } from './support.ts';

class EverythingConnector implements Connector {
  init(): void {}
  test(): void {}
  schema(): never {
    throw new Error('unused');
  }
  create(): never {
    throw new Error('unused');
  }
  addAttributeValues(): never {
    throw new Error('unused');
  }
  delete(): void {}
  search(): void {}
  sync(): void {}
  getLatestSyncToken(): null {
    return null;
  }
  authenticate(): never {
    throw new Error('unused');
  }
}

class SyncWithoutTokenConnector implements Connector {
  init(): void {}
  sync(): void {}
  getObject(): null {
    return null;
  }
}

const bundle: ConnectorBundle = {
  bundleName: 'test.info',
  bundleVersion: '2.1.0',
  connectors: [
    {
      name: 'org.example.EverythingConnector',
      displayNameKey: 'everything.display',
      categoryKey: 'everything.category',
      poolable: true,
      messages: { '': { 'everything.display': 'Everything', 'host.display': 'Host' }, fr: { 'host.display': 'Hôte' }, de_CH: { x: 'y' } },
      configuration: [
        { name: 'host', type: 'String', required: true, default: 'localhost', order: 1 },
        { name: 'port', type: 'int', default: 389, order: 2 },
        { name: 'retries', type: 'Integer', order: 3 },
        { name: 'size', type: 'long', default: 5, order: 4 },
        { name: 'bigSize', type: 'Long', default: 7n, order: 5 },
        { name: 'ratio', type: 'double', default: 0.5, order: 6 },
        { name: 'smallRatio', type: 'Float', default: 1.5, order: 7 },
        { name: 'enabled', type: 'boolean', order: 8 },
        { name: 'sep', type: 'char', default: ';', order: 9 },
        { name: 'password', type: 'GuardedString', default: 'changeit', order: 10 },
        { name: 'key', type: 'GuardedByteArray', order: 11 },
        { name: 'file', type: 'File', default: '/tmp/x.csv', order: 12 },
        { name: 'endpoint', type: 'URI', default: 'https://example.com/', order: 13 },
        { name: 'servers', type: 'String[]', default: ['a', 'b'], order: 14 },
        { name: 'ports', type: 'int[]', order: 15 },
        {
          name: 'label',
          type: 'String',
          confidential: true,
          order: 16,
          displayMessageKey: 'label.custom.display',
          helpMessageKey: 'label.custom.help',
          groupMessageKey: 'advanced',
          operations: ['SearchApiOp', 'SyncApiOp'],
        },
      ],
      create: () => new EverythingConnector(),
    },
    {
      name: 'org.example.SyncWithoutToken',
      displayNameKey: 'x',
      configuration: [{ name: 'a', type: 'String' }, { name: 'b', type: 'String' }],
      create: () => new SyncWithoutTokenConnector(),
    },
  ],
};

const registry = await registryWith([bundle]);
after(() => registry.dispose());
const info = registry.findConnectorInfo(new ConnectorKey('test.info', '2.1.0', 'org.example.EverythingConnector'))!;
const cfg = info.defaultApiConfiguration;

test('configuration properties: Java classes, default wire values, keys, flags', () => {
  const p = (name: string) => {
    const prop = cfg.configurationProperties.get(name);
    assert.ok(prop, name);
    return prop;
  };
  assert.deepEqual(cfg.configurationProperties.names.slice(0, 3), ['host', 'port', 'retries']);
  assert.equal(p('host').type, JavaClass.of('String'));
  assert.equal(p('host').value, 'localhost');
  assert.equal(p('host').required, true);
  assert.equal(p('host').displayMessageKey, 'host.display');
  assert.equal(p('host').helpMessageKey, 'host.help');
  assert.equal(p('host').groupMessageKey, 'host.group');
  assert.deepEqual(p('host').operations, []);
  assert.equal(p('port').type, JavaClass.of('int'));
  assert.equal(p('port').value, 389);
  assert.equal(p('retries').type, JavaClass.of('Integer'));
  assert.equal(p('retries').value, null);
  assert.equal(p('size').type, JavaClass.of('long'));
  assert.equal(p('size').value, 5n);
  assert.equal(p('bigSize').value, 7n);
  assert.ok(p('ratio').value instanceof JavaDouble);
  assert.ok(p('smallRatio').value instanceof JavaFloat);
  assert.equal(p('enabled').value, false, 'a primitive without default has Java\'s zero value');
  assert.ok(p('sep').value instanceof JavaCharacter);
  assert.ok(p('password').value instanceof GuardedString);
  assert.equal(p('password').confidential, true, 'GuardedString implies confidential');
  assert.equal(p('key').confidential, true);
  assert.equal(p('key').type, JavaClass.of('GuardedByteArray'));
  assert.ok(p('file').value instanceof JavaFile);
  assert.ok(p('endpoint').value instanceof JavaURI);
  const servers = p('servers');
  assert.equal(servers.type, JavaClass.arrayOf(JavaClass.of('String')));
  assert.ok(servers.value instanceof JavaArray);
  assert.deepEqual((servers.value as JavaArray).items, ['a', 'b']);
  assert.equal(p('ports').type?.toString(), 'int[]');
  assert.equal(p('label').confidential, true);
  assert.equal(p('label').displayMessageKey, 'label.custom.display');
  assert.equal(p('label').groupMessageKey, 'advanced');
  assert.deepEqual(p('label').operations, ['SearchApiOp', 'SyncApiOp']);
});

test('supported operations follow the implemented methods, pool and handler defaults as Java', () => {
  assert.deepEqual(
    [...cfg.supportedOperations].sort(),
    [
      'AuthenticationApiOp',
      'BatchApiOp',
      'CreateApiOp',
      'DeleteApiOp',
      'GetApiOp',
      'SchemaApiOp',
      'ScriptOnConnectorApiOp',
      'SearchApiOp',
      'SyncApiOp',
      'TestApiOp',
      'UpdateApiOp',
      'ValidateApiOp',
    ],
  );
  const other = registry.findConnectorInfo(new ConnectorKey('test.info', '2.1.0', 'org.example.SyncWithoutToken'))!;
  assert.deepEqual(
    [...other.defaultApiConfiguration.supportedOperations].sort(),
    ['GetApiOp', 'ScriptOnConnectorApiOp', 'ValidateApiOp'],
    'sync needs getLatestSyncToken too',
  );
  assert.equal(other.defaultApiConfiguration.connectorPoolingSupported, false);
  assert.equal(cfg.connectorPoolingSupported, true);
  assert.equal(cfg.producerBufferSize, 100);
  assert.equal(cfg.timeoutMap.size, 0, 'Java puts no timeouts in the default configuration');
  assert.equal(cfg.connectorPoolConfiguration.maxObjects, 10);
  assert.equal(cfg.connectorPoolConfiguration.maxWait, 150000n);
  assert.equal(cfg.resultsHandlerConfiguration.enableFilteredResultsHandler, true);
  assert.equal(cfg.resultsHandlerConfiguration.enableCaseInsensitiveFilter, false);
});

test('messages: catalogs per locale, "" is the default locale', () => {
  assert.equal(info.connectorDisplayNameKey, 'everything.display');
  assert.equal(info.connectorCategoryKey, 'everything.category');
  assert.equal(info.messages.format('host.display', new Locale('fr')), 'Hôte');
  assert.equal(info.messages.format('host.display', new Locale('fr', 'CA')), 'Hôte');
  assert.equal(info.messages.format('host.display', new Locale('en')), 'Host');
  assert.ok([...info.messages.catalogs.keys()].some((l) => l.equals(new Locale('de', 'CH'))));
});

test('ConnectorInfo round-trips through the legacy serializer', () => {
  const back = deserializeLegacy(serializeLegacy(info));
  assert.ok(back instanceof ConnectorInfo);
  assert.equal(back.connectorKey.connectorName, 'org.example.EverythingConnector');
  assert.equal(back.connectorDisplayNameKey, 'everything.display');
  const bc = back.defaultApiConfiguration;
  assert.ok(bc instanceof APIConfiguration);
  assert.deepEqual(bc.configurationProperties.names, cfg.configurationProperties.names);
  for (const p of cfg.configurationProperties.properties) {
    const q = bc.configurationProperties.get(p.name)!;
    assert.equal(q.type, p.type, `${p.name} type`);
    assert.equal(q.confidential, p.confidential);
    assert.equal(q.required, p.required);
    assert.equal(q.displayMessageKey, p.displayMessageKey);
    assert.deepEqual([...(q.operations ?? [])].sort(), [...(p.operations ?? [])].sort());
  }
  assert.equal(bc.configurationProperties.get('port')!.value, 389);
  assert.equal(bc.configurationProperties.get('size')!.value, 5n);
  assert.deepEqual((bc.configurationProperties.get('servers')!.value as JavaArray).items, ['a', 'b']);
  const pw = bc.configurationProperties.get('password')!.value as GuardedString;
  assert.equal(pw.access((s) => s), 'changeit');
  assert.equal(bc.configurationProperties.get('key')!.value, null);
  assert.deepEqual([...bc.supportedOperations].sort(), [...cfg.supportedOperations].sort());
  assert.equal(bc.connectorPoolingSupported, true);
  assert.equal(back.messages.format('host.display', new Locale('fr')), 'Hôte');

  const viaKey = decodeFacadeKey(encodeFacadeKey(cfg));
  assert.equal((viaKey.configurationProperties.get('sep')!.value as JavaCharacter).value, ';');
  assert.ok(new GuardedByteArray(new Uint8Array([1])));
});
