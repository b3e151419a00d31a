import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Attribute,
  ConfigurationProperty,
  ConnectorObject,
  CreateBatchTask,
  DeleteBatchTask,
  F,
  GuardedString,
  JavaArray,
  JavaClasses,
  JavaCharacter,
  ObjectClass,
  OperationOptionsBuilder,
  OperationOptions,
  ScriptContext,
  Uid,
  UpdateBatchTask,
  attr,
  type BatchResult,
  type JavaThrowable,
} from '../../src/model/index.ts';
import { facadeKeyFor, facadeOf, registryWith } from './support.ts';
import { memoryBundle } from './test-connectors.ts';

const ACCOUNT = ObjectClass.ACCOUNT;
const mem = memoryBundle();
const registry = await registryWith([mem.bundle]);
after(() => registry.dispose());

const values = { prefix: 'p' };

async function collect(filter: Parameters<typeof F.and>[0] | null, options: OperationOptions | null = null, results = {}) {
  const facade = await facadeOf(registry, mem.key, { values, results });
  const out: ConnectorObject[] = [];
  await facade.search(ACCOUNT, filter, async (o) => {
    out.push(o);
    return true;
  }, options);
  return out;
}

function javaClassOf(e: unknown): string {
  return (e as JavaThrowable).javaClass;
}

const [alice, bob, carol] = mem.seed(
  { __NAME__: ['alice'], mail: ['alice@example.com'], age: [31], groups: ['admins', 'users'], nick: ['Al'] },
  { __NAME__: ['bob'], mail: ['bob@example.com'], age: [25], groups: ['users'] },
  { __NAME__: ['carol'], age: [47], nick: ['CJ'] },
);

test('the configuration reaches the connector in its JS form', async () => {
  const facade = await facadeOf(registry, mem.key, {
    values: { prefix: 'x', tags: new JavaArray(JavaClasses.String, ['t1']), port: 1636, secret: new GuardedString('s3cr3t') },
  });
  await facade.test();
  const config = mem.stats.configs.at(-1)!;
  assert.equal(config.prefix, 'x');
  assert.deepEqual(config.tags, ['t1']);
  assert.equal(config.port, 1636);
  assert.ok(config.secret instanceof GuardedString);
  assert.equal((config.secret as GuardedString).access((s) => s), 's3cr3t');
});

test('the same facade key gives the same facade; an unparsable key is a typed error', async () => {
  const info = registry.findConnectorInfo(mem.key)!;
  const key = facadeKeyFor(info.defaultApiConfiguration, { values });
  assert.equal(registry.facade(mem.key, key), registry.facade(mem.key, key));
  assert.throws(() => registry.facade(mem.key, 'not base64!'), (e) => javaClassOf(e).endsWith('ConnectorException'));
});

test('validate: missing required property, wrong Java type, unknown property, definition validate()', async () => {
  const missing = await facadeOf(registry, mem.key);
  await assert.rejects(missing.validate(), (e) => {
    assert.equal(javaClassOf(e), 'org.identityconnectors.framework.common.exceptions.ConfigurationException');
    assert.match((e as Error).message, /prefix/);
    return true;
  });
  const wrongType = await facadeOf(registry, mem.key, { values: { prefix: 'p', port: 'not-a-number' } });
  await assert.rejects(wrongType.validate(), (e) => {
    assert.equal(javaClassOf(e), 'org.identityconnectors.framework.common.exceptions.ConfigurationException');
    assert.match((e as Error).message, /For property 'port' expected type 'int' actual type 'String'/);
    return true;
  });
  const listForArray = await facadeOf(registry, mem.key, { values: { prefix: 'p', tags: ['a'] } });
  await assert.rejects(listForArray.validate(), /expected type 'String\[\]' actual type 'List'/);
  const unknown = await facadeOf(registry, mem.key, {
    values,
    edit: (cfg) => {
      cfg.configurationProperties.properties.push(new ConfigurationProperty({ name: 'bogus', type: JavaClasses.String, value: 'x' }));
    },
  });
  await assert.rejects(unknown.validate(), (e) => {
    assert.equal(javaClassOf(e), 'org.identityconnectors.framework.common.exceptions.ConfigurationException');
    assert.match((e as Error).message, /bogus/);
    return true;
  });
  const custom = await facadeOf(registry, mem.key, { values: { prefix: 'forbidden' } });
  await assert.rejects(custom.validate(), (e) => javaClassOf(e).endsWith('ConfigurationException') && /forbidden/.test((e as Error).message));
  const ok = await facadeOf(registry, mem.key, { values });
  await ok.validate();
  // Operations refuse to start with an invalid configuration too.
  await assert.rejects(missing.test(), (e) => javaClassOf(e).endsWith('ConfigurationException'));
});

test('unsupported operations fail with Java\'s UnsupportedOperationException message', async () => {
  const facade = await facadeOf(registry, mem.key, { values });
  assert.equal(facade.isSupported('SyncApiOp'), false);
  assert.equal(facade.isSupported('GetApiOp'), true);
  await assert.rejects(facade.getLatestSyncToken(ACCOUNT), (e) => {
    assert.equal(javaClassOf(e), 'java.lang.UnsupportedOperationException');
    assert.equal((e as Error).message, "Operation 'interface org.identityconnectors.framework.api.operations.SyncApiOp' not supported.");
    return true;
  });
  await assert.rejects(facade.search(ObjectClass.ALL, null, async () => true, null), /not allowed on __ALL__/);
  await assert.rejects(facade.create(ObjectClass.ALL, [attr('x', 1)], null), /not allowed on __ALL__/);
});

test('get runs as a search on __UID__ when the connector has no getObject', async () => {
  const facade = await facadeOf(registry, mem.key, { values });
  const found = await facade.getObject(ACCOUNT, new Uid(bob!), null);
  assert.equal(found?.name.value, 'bob');
  assert.equal(await facade.getObject(ACCOUNT, new Uid('nope'), null), null);
});

test('search filters in memory: every filter type', async () => {
  const names = async (f: Parameters<typeof F.and>[0], results = {}) => (await collect(f, null, results)).map((o) => o.name.value).sort();
  assert.deepEqual(await names(F.equals(attr('mail', 'bob@example.com'))), ['bob']);
  assert.deepEqual(await names(F.equals(attr('groups', 'admins', 'users'))), ['alice']);
  assert.deepEqual(await names(F.equals(attr('groups', 'users', 'admins'))), [], 'equals compares value lists in order');
  assert.deepEqual(await names(F.contains(attr('mail', 'ob@'))), ['bob']);
  assert.deepEqual(await names(F.startsWith(attr('__NAME__', 'ca'))), ['carol']);
  assert.deepEqual(await names(F.endsWith(attr('mail', 'example.com'))), ['alice', 'bob']);
  assert.deepEqual(await names(F.greaterThan(attr('age', 30))), ['alice', 'carol']);
  assert.deepEqual(await names(F.greaterThanOrEqual(attr('age', 31))), ['alice', 'carol']);
  assert.deepEqual(await names(F.lessThan(attr('age', 31))), ['bob']);
  assert.deepEqual(await names(F.lessThanOrEqual(attr('age', 31))), ['alice', 'bob']);
  assert.deepEqual(await names(F.containsAllValues(attr('groups', 'users'))), ['alice', 'bob']);
  assert.deepEqual(await names(F.present('nick')), ['alice', 'carol']);
  assert.deepEqual(await names(F.not(F.present('mail'))), ['carol']);
  assert.deepEqual(await names(F.not(F.equals(attr('mail', 'bob@example.com')))), ['alice'], 'NOT of UNDEFINED stays UNDEFINED');
  assert.deepEqual(await names(F.and(F.present('mail'), F.greaterThan(attr('age', 26)))), ['alice']);
  assert.deepEqual(await names(F.or(F.equals(attr('__NAME__', 'bob')), F.equals(attr('nick', 'CJ')))), ['bob', 'carol']);
  assert.deepEqual(await names(F.extendedMatch('custom', attr('mail', 'x'))), [], 'extended match is UNDEFINED');
  // Case sensitivity follows enableCaseInsensitiveFilter.
  assert.deepEqual(await names(F.equals(attr('__NAME__', 'BOB'))), []);
  assert.deepEqual(await names(F.equals(attr('__NAME__', 'BOB')), { enableCaseInsensitiveFilter: true }), ['bob']);
  assert.deepEqual(await names(F.startsWith(attr('nick', 'c')), { enableCaseInsensitiveFilter: true }), ['carol']);
  assert.deepEqual(await names(F.greaterThan(attr('__NAME__', 'B')), { enableCaseInsensitiveFilter: true }), ['bob', 'carol']);
  // Disabled filtering passes everything through (the connector ignores filters).
  assert.deepEqual(await names(F.equals(attr('mail', 'nobody')), { enableFilteredResultsHandler: false }), ['alice', 'bob', 'carol']);
  // Comparing different Java types is a ClassCastException, as in Java.
  await assert.rejects(collect(F.greaterThan(attr('age', 30n))), (e) => javaClassOf(e) === 'java.lang.ClassCastException');
});

test('attributesToGet keeps __UID__, __NAME__ and the requested attributes; it runs before the filter', async () => {
  const options = new OperationOptionsBuilder().attributesToGet('MAIL').build();
  const out = await collect(F.equals(attr('__NAME__', 'alice')), options);
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]!.attributes.map((a) => a.name), ['__UID__', '__NAME__', 'mail']);
  // A filter on an attribute that is not requested does not match (Java's handler order).
  assert.equal((await collect(F.present('age'), options)).length, 0);
  const all = await collect(F.equals(attr('__NAME__', 'alice')), options, { enableAttributesToGetSearchResultsHandler: false });
  assert.ok(all[0]!.attribute('age'));
});

test('search stops when the handler returns false and propagates handler errors', async () => {
  const facade = await facadeOf(registry, mem.key, { values });
  let seen = 0;
  await facade.search(ACCOUNT, null, async () => {
    seen++;
    return false;
  }, null);
  assert.equal(seen, 1);
  await assert.rejects(
    facade.search(ACCOUNT, null, async () => {
      throw new Error('handler broke');
    }, null),
    (e) => javaClassOf(e).endsWith('ConnectorException') && /handler broke/.test((e as Error).message),
  );
});

test('create checks: __UID__ and duplicate names are InvalidAttributeValueException', async () => {
  const facade = await facadeOf(registry, mem.key, { values });
  await assert.rejects(facade.create(ACCOUNT, [new Uid('1'), attr('__NAME__', 'x')], null), (e) =>
    javaClassOf(e).endsWith('InvalidAttributeValueException'),
  );
  await assert.rejects(facade.create(ACCOUNT, [attr('__NAME__', 'x'), attr('mail', 'a'), attr('MAIL', 'b')], null), (e) =>
    javaClassOf(e).endsWith('InvalidAttributeValueException') && /Duplicate attribute name/.test((e as Error).message),
  );
  const uid = await facade.create(ACCOUNT, [attr('__NAME__', 'dave')], null);
  assert.ok(mem.store.has(uid.value));
  await facade.delete(ACCOUNT, uid, null);
  assert.equal(mem.store.has(uid.value), false);
});

test('add/remove attribute values are emulated with get + merge + replace', async () => {
  const facade = await facadeOf(registry, mem.key, { values });
  const [uid] = mem.seed({ __NAME__: ['erin'], groups: ['g1', 'g2', 'g1'], mail: ['e@x'] });
  await facade.update('add', ACCOUNT, new Uid(uid!), [attr('groups', 'g3'), attr('phone', '123')], null);
  let groups = mem.store.get(uid!)!.find((a) => a.name === 'groups')!.values;
  assert.deepEqual(groups, ['g1', 'g2', 'g1', 'g3']);
  assert.deepEqual(mem.store.get(uid!)!.find((a) => a.name === 'phone')!.values, ['123']);
  // Only the changed attributes were sent to update().
  assert.deepEqual(mem.stats.updates.at(-1)!.attributes.map((a) => a.name).sort(), ['groups', 'phone']);
  await facade.update('remove', ACCOUNT, new Uid(uid!), [attr('groups', 'g1'), attr('missing', 'x')], null);
  groups = mem.store.get(uid!)!.find((a) => a.name === 'groups')!.values;
  assert.deepEqual(groups, ['g2', 'g1', 'g3'], 'the first occurrence is removed');
  await facade.update('remove', ACCOUNT, new Uid(uid!), [attr('mail', 'e@x')], null);
  const mailUpdate = mem.stats.updates.at(-1)!.attributes.find((a) => a.name === 'mail')!;
  assert.equal(mailUpdate.values, null, 'an emptied attribute is sent with a null value');
  await assert.rejects(facade.update('add', ACCOUNT, new Uid('404'), [attr('groups', 'x')], null), (e) =>
    javaClassOf(e).endsWith('UnknownUidException'),
  );
  await assert.rejects(facade.update('add', ACCOUNT, new Uid(uid!), [attr('__NAME__', 'x')], null), /Operational attribute '__NAME__'/);
  await assert.rejects(facade.update('replace', ACCOUNT, new Uid(uid!), [new Uid('1')], null), (e) =>
    javaClassOf(e).endsWith('InvalidAttributeValueException'),
  );
  await facade.update('replace', ACCOUNT, new Uid(uid!), [attr('mail', 'new@x')], null);
  assert.deepEqual(mem.store.get(uid!)!.find((a) => a.name === 'mail')!.values, ['new@x']);
});

test('runScriptOnConnector runs JavaScript with the arguments and the connector; other languages fail clearly', async () => {
  const facade = await facadeOf(registry, mem.key, { values });
  const script = new ScriptContext(
    'JavaScript',
    'const out = []; await connector.search(objectClass, null, async (o) => { out.push(o.name.value); return true; }); return greeting + ":" + out.length;',
    new Map<string, unknown>([['greeting', 'hi'], ['objectClass', ACCOUNT]]),
  );
  const result = await facade.runScriptOnConnector(script, null);
  assert.equal(result, `hi:${mem.store.size}`);
  await assert.rejects(facade.runScriptOnConnector(new ScriptContext('Groovy', 'return 1'), null), (e) =>
    javaClassOf(e).endsWith('ConnectorException') && /Groovy/.test((e as Error).message),
  );
  await assert.rejects(facade.runScriptOnConnector(new ScriptContext('js', 'throw new TypeError("boom")'), null), /boom/);
});

test('executeBatch runs tasks in order, reports each result and honours FAIL_ON_ERROR', async () => {
  const facade = await facadeOf(registry, mem.key, { values });
  const results: BatchResult[] = [];
  const onResult = async (r: BatchResult) => {
    results.push(r);
  };
  const tasks = [
    new CreateBatchTask(ACCOUNT, [attr('__NAME__', 'frank')]),
    new DeleteBatchTask(ACCOUNT, new Uid('does-not-exist')),
    new UpdateBatchTask(ACCOUNT, new Uid(alice!), [attr('nick', 'Ally')], 'UPDATE'),
  ];
  const failFast = new OperationOptions(new Map([['FAIL_ON_ERROR', true]]));
  const token = await facade.executeBatch(tasks, onResult, failFast);
  assert.ok(token);
  assert.equal(results.length, 2);
  assert.ok(results[0]!.result instanceof Uid);
  assert.equal(results[0]!.resultId, '0');
  assert.equal(results[1]!.error, true);
  assert.equal(results[1]!.resultId, '1');

  results.length = 0;
  const keepGoing = new OperationOptions(new Map([['FAIL_ON_ERROR', false]]));
  await facade.executeBatch(tasks.slice(1), onResult, keepGoing);
  assert.deepEqual(results.map((r) => [r.resultId, r.error, r.complete]), [
    ['0', true, false],
    ['1', false, true],
  ]);
  assert.deepEqual(mem.store.get(alice!)!.find((a) => a.name === 'nick')!.values, ['Ally']);
});

test('values keep their Java types end to end (char property via JavaCharacter)', async () => {
  const m = memoryBundle('CharConnector');
  (m.bundle.connectors[0] as unknown as { configuration: unknown[] }).configuration.push({ name: 'sep', type: 'char', default: ',' });
  const r = await registryWith([m.bundle]);
  try {
    const info = r.findConnectorInfo(m.key)!;
    const sep = info.defaultApiConfiguration.configurationProperties.get('sep')!;
    assert.ok(sep.value instanceof JavaCharacter);
    const facade = await facadeOf(r, m.key, { values: { prefix: 'p', sep: new JavaCharacter(';') } });
    await facade.test();
    assert.equal(m.stats.configs.at(-1)!.sep, ';');
  } finally {
    await r.dispose();
  }
});

test('attribute values are unchanged objects (no copies of secrets in errors)', async () => {
  const facade = await facadeOf(registry, mem.key, { values: { prefix: 'p', port: new GuardedString('hunter2') } });
  await assert.rejects(facade.validate(), (e) => {
    assert.doesNotMatch((e as Error).message, /hunter2/);
    assert.match((e as Error).message, /actual type 'GuardedString'/);
    return true;
  });
  assert.ok(new Attribute('x', [1]));
});
