/** End to end against the built-in benchmark connector (TstConnector workload): search, sync, schema, script. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { F, Name, ObjectClass, OperationOptionsBuilder, RemoteWrappedException, ScriptContext, SyncToken } from '../../src/model/index.ts';
import { BENCHMARK_KEY, collect, collectSync, names, startWithClient, withTimeout, type E2eContext } from './support.ts';

const ACCOUNT = ObjectClass.ACCOUNT;

let ctx: E2eContext;

before(async () => {
  ctx = await startWithClient();
});

after(async () => {
  await ctx?.close();
});

test('schema: two classes of 200 attributes plus __NAME__', async () => {
  const f = ctx.client.newFacade(BENCHMARK_KEY, { numResults: 3 });
  await f.validate();
  const schema = await f.schema();
  assert.ok(schema);
  for (const type of ['class0', 'class1']) {
    const info = schema.objectClassInfo(type);
    assert.ok(info, type);
    assert.equal(info.attributeInfos.length, 201);
  }
});

test('validate fails when the configuration asks it to', async () => {
  const f = ctx.client.newFacade(BENCHMARK_KEY, { failValidation: true });
  await assert.rejects(f.validate(), (e: unknown) => e instanceof RemoteWrappedException && e.remoteClass.endsWith('ConnectorException'));
});

test('search returns numResults objects of 52 attributes, filtered by the framework', async () => {
  const f = ctx.client.newFacade(BENCHMARK_KEY, { numResults: 20 });
  const all = await collect(f, ACCOUNT);
  assert.deepEqual(names(all.objects), Array.from({ length: 20 }, (_, i) => String(i)));
  assert.equal(all.objects[0]!.attributes.length, 52);
  assert.equal(all.result?.remainingPagedResults, 0);
  const one = await collect(f, ACCOUNT, F.equals(new Name('7')));
  assert.deepEqual(names(one.objects), ['7']);
  const slim = await collect(f, ACCOUNT, null, new OperationOptionsBuilder().attributesToGet('__NAME__', 'myattribute1').build());
  assert.deepEqual(slim.objects[0]!.attributes.map((a) => a.name).sort(), ['__NAME__', '__UID__', 'myattribute1']);
});

test('a handler stopping early cancels the search', async () => {
  const f = ctx.client.newFacade(BENCHMARK_KEY, { numResults: 1000 });
  let seen = 0;
  const result = await withTimeout(f.search(ACCOUNT, null, async () => ++seen < 3, null), 15_000, 'stopped search');
  assert.equal(seen, 3);
  assert.equal(result, null);
});

test('sync returns numResults deltas with token "mytoken", then the count not delivered', async () => {
  const f = ctx.client.newFacade(BENCHMARK_KEY, { numResults: 5 });
  const { deltas, token } = await collectSync(f, ACCOUNT, new SyncToken('start'));
  assert.equal(deltas.length, 5);
  assert.deepEqual(deltas.map((d) => d.uid.value), ['0', '1', '2', '3', '4']);
  assert.ok(deltas.every((d) => d.token.value === 'mytoken' && d.deltaType === 'CREATE_OR_UPDATE'));
  assert.equal(token?.value, 0);
  assert.equal((await f.getLatestSyncToken(ACCOUNT))?.value, 'mylatest');
});

test('scriptOnConnector with the connector bound (Groovy text that is also JavaScript)', async () => {
  const f = ctx.client.newFacade(BENCHMARK_KEY, {});
  const result = await f.runScriptOnConnector(new ScriptContext('Groovy', "return arg1 + ':' + connector.concat('a','b')", new Map([['arg1', 'value1']])), null);
  assert.equal(result, 'value1:ab');
});

test('create returns Uid 1.0; test and delete are unsupported', async () => {
  const f = ctx.client.newFacade(BENCHMARK_KEY, {});
  assert.equal((await f.create(ACCOUNT, [new Name('bob')], null)).value, '1.0');
  await assert.rejects(f.test(), (e: unknown) => e instanceof RemoteWrappedException && e.remoteClass === 'java.lang.UnsupportedOperationException');
});
