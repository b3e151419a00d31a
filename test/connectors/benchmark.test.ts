/**
 * The benchmark connector and its testbundlev1 twin, run through the framework as the server runs them, and
 * compared with what the Java TstConnector answered in the recorded sessions.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createConnectorRegistry, type ConnectorFacade, type ConnectorRegistry } from '../../src/framework/index.ts';
import { decodeFacadeKey, encodeFacadeKey } from '../../src/wire/legacy/index.ts';
import {
  ConnectorException,
  ConnectorKey,
  F,
  JavaThrowable,
  ObjectClass,
  OperationOptionsBuilder,
  ScriptContext,
  SyncToken,
  Uid,
  UnsupportedOperationException,
  attr,
  type ConnectorObject,
  type SyncDelta,
} from '../../src/spi/index.ts';
import { conformancePath } from '../support/conformance.ts';

const BUNDLE_DIR = fileURLToPath(new URL('../../connectors/', import.meta.url));
const BENCHMARK = new ConnectorKey('org.openicf.rcs.benchmark', '1.0.0.0', 'org.openicf.rcs.benchmark.BenchmarkConnector');
const TST = new ConnectorKey('testbundlev1', '1.0.0.0', 'org.identityconnectors.testconnector.TstConnector');
const VECTORS = conformancePath();
const DEFAULT_CONFIG_VECTOR = `${VECTORS}/binary/apiconfiguration_default_TstConnector.json`;
const TST_OUTPUT = `${VECTORS}/transcripts/ws-tst-session.client-output.jsonl`;
const ACCOUNT = ObjectClass.ACCOUNT;

let registry: ConnectorRegistry;

before(async () => {
  registry = await createConnectorRegistry({ bundleDir: BUNDLE_DIR });
});

after(async () => {
  await registry?.dispose();
});

function facade(key: ConnectorKey, properties: Record<string, unknown> = {}): ConnectorFacade {
  const info = registry.findConnectorInfo(key);
  assert.ok(info, `${key.toString()} is loaded`);
  const cfg = decodeFacadeKey(encodeFacadeKey(info.defaultApiConfiguration));
  for (const [name, value] of Object.entries(properties)) cfg.configurationProperties.setValue(name, value);
  return registry.facade(key, encodeFacadeKey(cfg));
}

async function searchAll(f: ConnectorFacade, oc: ObjectClass, options = new OperationOptionsBuilder().build(), stopAfter = Infinity): Promise<ConnectorObject[]> {
  const out: ConnectorObject[] = [];
  await f.search(oc, null, async (o) => {
    out.push(o);
    return out.length < stopAfter;
  }, options);
  return out;
}

function attributeMap(o: ConnectorObject): Record<string, unknown[]> {
  return Object.fromEntries(o.attributes.map((a) => [a.name, [...(a.values ?? [])]]));
}

/** The client output line of a step of the recorded Java session. */
function recordedStep(op: string, step?: number): Record<string, unknown> {
  const lines = readFileSync(TST_OUTPUT, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const found = lines.find((l) => l.op === op && (step === undefined || l.step === step));
  assert.ok(found, `recorded step ${op}`);
  return found;
}

describe('benchmark connector: connector infos', () => {
  test('testbundlev1 has the configuration properties and operations of the Java TstConnector', () => {
    const vector = JSON.parse(readFileSync(DEFAULT_CONFIG_VECTOR, 'utf8')) as { connectorFacadeKey: string };
    const java = decodeFacadeKey(vector.connectorFacadeKey);
    const ours = registry.findConnectorInfo(TST)!.defaultApiConfiguration;
    const describeProps = (c: typeof ours): unknown[] =>
      c.configurationProperties.properties.map((p) => [
        p.name,
        p.order,
        p.type?.toString(),
        p.value,
        p.required,
        p.confidential,
        p.displayMessageKey,
        p.helpMessageKey,
        p.groupMessageKey,
        [...(p.operations ?? [])],
      ]);
    assert.deepEqual(describeProps(ours), describeProps(java));
    assert.deepEqual([...ours.supportedOperations].sort(), [...java.supportedOperations].sort());
    assert.equal(ours.connectorPoolingSupported, java.connectorPoolingSupported);
  });

  test('testbundlev1 has the Java display name key and message catalogs', () => {
    const info = registry.findConnectorInfo(TST)!;
    assert.equal(info.connectorDisplayNameKey, 'TestConnector');
    assert.equal(info.messages.format('tstField.help'), 'Help for test field.');
  });

  test('the benchmark connector takes the same properties, with 5 results by default', () => {
    const api = registry.findConnectorInfo(BENCHMARK)!.defaultApiConfiguration;
    assert.deepEqual(api.configurationProperties.names, ['tstField', 'failValidation', 'resetConnectionCount', 'numResults', 'tst1Field']);
    assert.equal(api.configurationProperties.get('numResults')?.value, 5);
    assert.equal(api.isSupported('TestApiOp'), false);
    assert.equal(api.isSupported('DeleteApiOp'), false);
  });
});

describe('benchmark connector: operations', () => {
  test('search returns numResults objects with uid = name = index and 50 attributes', async () => {
    for (const key of [BENCHMARK, TST]) {
      const objects = await searchAll(facade(key, { numResults: 7 }), ACCOUNT);
      assert.deepEqual(objects.map((o) => [o.uid.value, o.name.value]), Array.from({ length: 7 }, (_, i) => [String(i), String(i)]));
      const attrs = attributeMap(objects[3]!);
      assert.equal(Object.keys(attrs).length, 52);
      for (let j = 0; j < 50; j++) assert.deepEqual(attrs[`myattribute${j}`], [`myvaluevaluevalue${j}`]);
      assert.equal(objects[0]!.objectClass.type, '__ACCOUNT__');
    }
    assert.equal((await searchAll(facade(BENCHMARK), ACCOUNT)).length, 5, 'benchmark default');
    assert.equal((await searchAll(facade(TST), ACCOUNT)).length, 0, 'TstConnector default');
  });

  test('the remaining count tells how many results the handler did not take', async () => {
    const f = facade(BENCHMARK, { numResults: 5 });
    let taken = 0;
    const result = await f.search(ACCOUNT, null, async () => ++taken < 2, null);
    assert.equal(taken, 2);
    assert.equal(result?.remainingPagedResults, 4);
    const all = await f.search(ACCOUNT, null, async () => true, null);
    assert.equal(all?.remainingPagedResults, 0);
  });

  test('sync returns numResults CREATE_OR_UPDATE deltas with token "mytoken", then the undelivered count', async () => {
    const f = facade(TST, { numResults: 3, tstField: 'hello' });
    const deltas: SyncDelta[] = [];
    const token = await f.sync(ACCOUNT, new SyncToken('start'), async (d) => {
      deltas.push(d);
      return true;
    }, null);
    assert.deepEqual(deltas.map((d) => [d.deltaType, d.uid.value, d.token.value, d.object?.name.value, d.object?.attributes.length]), [
      ['CREATE_OR_UPDATE', '0', 'mytoken', '0', 2],
      ['CREATE_OR_UPDATE', '1', 'mytoken', '1', 2],
      ['CREATE_OR_UPDATE', '2', 'mytoken', '2', 2],
    ]);
    assert.equal(token?.value, 0);
    const stopped = await f.sync(ACCOUNT, new SyncToken('start'), async () => false, null);
    assert.equal(stopped?.value, 3);
  });

  test('the latest sync token is "mylatest"', async () => {
    assert.equal((await facade(BENCHMARK).getLatestSyncToken(ACCOUNT))?.value, 'mylatest');
  });

  test('schema: class0 and class1 with __NAME__ (required) and attributename0..199', async () => {
    const schema = await facade(BENCHMARK).schema();
    assert.ok(schema);
    assert.deepEqual(schema.objectClassInfos.map((o) => o.type), ['class0', 'class1']);
    for (const oc of schema.objectClassInfos) {
      assert.equal(oc.attributeInfos.length, 201);
      assert.deepEqual(oc.attribute('__NAME__')?.flags, ['REQUIRED']);
      assert.equal(oc.attribute('attributename199')?.type.toString(), 'String');
      assert.deepEqual(oc.attribute('attributename0')?.flags, []);
      assert.equal(oc.container, false);
    }
    assert.deepEqual(schema.operationOptionInfos, []);
    assert.deepEqual([...schema.objectClassesByOperation.keys()].sort(), ['CreateApiOp', 'GetApiOp', 'SearchApiOp', 'SyncApiOp']);
  });

  test('create returns Uid "1.0"; the testPooling option returns the connection number', async () => {
    assert.equal((await facade(TST).create(ACCOUNT, [attr('__NAME__', 'bob')], null)).value, '1.0');
    const pooled = facade(BENCHMARK, { resetConnectionCount: true });
    const uid = await pooled.create(ACCOUNT, [attr('__NAME__', 'x')], new OperationOptionsBuilder().set('testPooling', true).build());
    assert.equal(uid.value, '0');
  });

  test('failValidation makes validation fail', async () => {
    await assert.rejects(facade(BENCHMARK, { failValidation: true }).validate(), (e: unknown) => e instanceof ConnectorException && /validation failed/.test(e.message));
    await facade(BENCHMARK).validate();
  });

  test('the delay option slows every object and stops when the caller aborts', async () => {
    const f = facade(BENCHMARK, { numResults: 1000 });
    const slow = new OperationOptionsBuilder().set('delay', 5).build();
    assert.equal((await searchAll(f, ACCOUNT, slow, 3)).length, 3);
    assert.equal((await f.create(ACCOUNT, [attr('__NAME__', 'x')], slow)).value, '1.0');

    const controller = new AbortController();
    let received = 0;
    const pending = f.search(ACCOUNT, null, async () => {
      received++;
      return true;
    }, new OperationOptionsBuilder().set('delay', 20).build(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 60);
    const outcome = await Promise.race([
      pending.then(
        () => 'resolved',
        () => 'rejected',
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 10_000).unref()),
    ]);
    assert.equal(outcome, 'rejected');
    assert.ok(received < 1000, `stopped early (${received} objects)`);
  });

  test('a Groovy-style script reaches the connector: arg1 + ":" + connector.concat("a","b")', async () => {
    for (const language of ['Groovy', 'JavaScript']) {
      const script = new ScriptContext(language, "return arg1 + ':' + connector.concat('a','b')", new Map([['arg1', 'value1']]));
      assert.equal(await facade(TST).runScriptOnConnector(script, null), 'value1:ab');
    }
    await assert.rejects(
      facade(TST).runScriptOnConnector(new ScriptContext('Python', 'return 1', new Map()), null),
      JavaThrowable,
    );
  });
});

describe('benchmark connector: replay of the recorded Java TstConnector session', () => {
  const session = (): ConnectorFacade => facade(TST, { tstField: 'hello', numResults: 5 });

  test('schema matches the recorded one', async () => {
    const recorded = recordedStep('schema').result as { objectClasses: Array<{ type: string; attributes: Array<{ name: string; flags: string[] }> }> };
    const schema = await session().schema();
    const mine = schema!.objectClassInfos.map((o) => ({ type: o.type, attributes: o.attributeInfos.map((a) => `${a.name}:${a.flags.join(',')}`).sort() }));
    const java = recorded.objectClasses.map((o) => ({ type: o.type, attributes: o.attributes.map((a) => `${a.name}:${a.flags.join(',')}`).sort() }));
    assert.deepEqual(mine, java);
  });

  test('create, search by name, get and sync answer as Java did', async () => {
    const f = session();
    const created = recordedStep('create').result as { uid: string };
    assert.equal((await f.create(ACCOUNT, [attr('__NAME__', 'bob'), attr('mail', 'b@x')], null)).value, created.uid);

    const recordedSearch = recordedStep('search', 4).result as { objects: Array<{ uid: string; attributes: Record<string, unknown[]> }> };
    const found: ConnectorObject[] = [];
    await f.search(ACCOUNT, F.equals(attr('__NAME__', '1')), async (o) => {
      found.push(o);
      return true;
    }, null);
    assert.deepEqual(found.map((o) => o.uid.value), recordedSearch.objects.map((o) => o.uid));
    assert.deepEqual(attributeMap(found[0]!), recordedSearch.objects[0]!.attributes);

    const recordedGet = recordedStep('get').result as { uid: string; attributes: Record<string, unknown[]> };
    const got = await f.getObject(ACCOUNT, new Uid('3'), null);
    assert.equal(got?.uid.value, recordedGet.uid);
    assert.deepEqual(attributeMap(got!), recordedGet.attributes);

    const recordedSync = recordedStep('sync', 7).result as { deltas: Array<{ uid: { uid: string }; deltaType: string; token: { value: unknown } }>; returnedToken: { value: unknown } };
    const deltas: SyncDelta[] = [];
    const token = await f.sync(ACCOUNT, new SyncToken('start'), async (d) => {
      deltas.push(d);
      return true;
    }, null);
    assert.deepEqual(
      deltas.map((d) => [d.uid.value, d.deltaType, d.token.value]),
      recordedSync.deltas.map((d) => [d.uid.uid, d.deltaType, d.token.value]),
    );
    assert.equal(token?.value, recordedSync.returnedToken.value);

    const latest = recordedStep('latestSyncToken').result as { value: unknown };
    assert.equal((await f.getLatestSyncToken(ACCOUNT))?.value, latest.value);
    assert.equal(await f.runScriptOnConnector(new ScriptContext('Groovy', "return arg1 + ':' + connector.concat('a','b')", new Map([['arg1', 'value1']])), null), recordedStep('scriptOnConnector').result);
  });

  test('test and delete are not supported, as in Java', async () => {
    const f = session();
    const recordedTest = recordedStep('test');
    await assert.rejects(f.test(), (e: unknown) => e instanceof UnsupportedOperationException && e.message === recordedTest.message);
    await assert.rejects(f.delete(ACCOUNT, new Uid('x'), null), (e: unknown) => e instanceof UnsupportedOperationException && e.message === recordedStep('delete').message);
  });
});
