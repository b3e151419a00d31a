/** The client library against the engine on real sockets: every operation end to end. */
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  Attribute,
  ConnectorKey,
  CreateBatchTask,
  DeleteBatchTask,
  EqualsFilter,
  GuardedString,
  Name,
  ObjectClass,
  OperationOptionsBuilder,
  RemoteWrappedException,
  ScriptContext,
  Schema,
  SyncToken,
  UpdateBatchTask,
  Uid,
  type BatchResult,
  type ConnectorObject,
  type SyncDelta,
} from '../../src/model/index.ts';
import { RcsClient, type RemoteConnectorFacade } from '../../src/client/index.ts';
import { startServer, silentLogger, withTimeout, type TestServer } from './helpers.ts';
import { memoryState } from './fixtures/memory-bundle.ts';

const KEY = new ConnectorKey('test.memory', '1.0.0', 'org.example.MemoryConnector');
const ACCOUNT = ObjectClass.ACCOUNT;

let server: TestServer;
let client: RcsClient;
let realmCounter = 0;

before(async () => {
  server = await startServer();
  client = await RcsClient.connect({ url: server.url, key: 'changeit', logger: silentLogger, connectTimeoutMs: 5000 });
});

after(async () => {
  await client?.close();
  await server?.close();
});

beforeEach(() => memoryState.reset());

function facade(extra: Record<string, unknown> = {}): RemoteConnectorFacade {
  return client.newFacade(KEY, { realm: `realm${++realmCounter}`, ...extra });
}

async function collect(f: RemoteConnectorFacade, options = new OperationOptionsBuilder().build(), filter: EqualsFilter | null = null): Promise<{ objects: ConnectorObject[]; result: unknown }> {
  const objects: ConnectorObject[] = [];
  const result = await f.search(ACCOUNT, filter, async (o) => {
    objects.push(o);
    return true;
  }, options);
  return { objects, result };
}

test('connector infos arrive from the server without the category key', async () => {
  const infos = await client.connectorInfos();
  assert.equal(infos.length, 1);
  const info = infos[0]!;
  assert.ok(info.connectorKey.equals(KEY));
  assert.equal(info.connectorDisplayNameKey, 'memory.display');
  assert.equal(info.connectorCategoryKey, null);
  assert.deepEqual(info.defaultApiConfiguration.configurationProperties.names.sort(), ['failTest', 'realm', 'secret']);
});

test('the facade key is stable and carries the configured values', () => {
  const a = client.newFacade(KEY, { realm: 'same' });
  const b = client.newFacade(KEY, (cfg) => {
    cfg.configurationProperties.setValue('realm', 'same');
  });
  assert.equal(a.facadeKey, b.facadeKey);
  assert.equal(a.apiConfiguration.configurationProperties.get('realm')?.value, 'same');
  assert.notEqual(client.newFacade(KEY, { realm: 'other' }).facadeKey, a.facadeKey);
});

test('validate, test and schema', async () => {
  const f = facade();
  await f.validate();
  await f.test();
  const schema = await f.schema();
  assert.ok(schema instanceof Schema);
  assert.ok(schema.objectClassInfo('__ACCOUNT__'));
});

test('a connector exception arrives with its Java class name', async () => {
  const f = facade({ failTest: true });
  await assert.rejects(f.test(), (err: unknown) => {
    assert.ok(err instanceof RemoteWrappedException);
    assert.equal(err.remoteClass, 'org.identityconnectors.framework.common.exceptions.ConfigurationException');
    assert.match(err.message, /failed on purpose/);
    assert.ok(err.is('org.identityconnectors.framework.common.exceptions.configurationexception'));
    assert.match(err.remoteStackTrace ?? '', /^org\.identityconnectors\.framework\.common\.exceptions\.ConfigurationException: /);
    return true;
  });
});

test('create, get, update (replace/add/remove), delete', async () => {
  const f = facade();
  const uid = await f.create(ACCOUNT, [new Name('alice'), new Attribute('mail', ['a@example.org'])], null);
  assert.ok(uid instanceof Uid);
  let obj = await f.getObject(ACCOUNT, uid, null);
  assert.ok(obj);
  assert.equal(obj.name.value, 'alice');
  assert.deepEqual(obj.attribute('mail')?.values, ['a@example.org']);

  await f.update('replace', ACCOUNT, uid, [new Attribute('mail', ['b@example.org'])], null);
  await f.update('add', ACCOUNT, uid, [new Attribute('mail', ['c@example.org'])], null);
  obj = await f.getObject(ACCOUNT, uid, null);
  assert.deepEqual(obj?.attribute('mail')?.values, ['b@example.org', 'c@example.org']);
  await f.update('remove', ACCOUNT, uid, [new Attribute('mail', ['b@example.org'])], null);
  obj = await f.getObject(ACCOUNT, uid, null);
  assert.deepEqual(obj?.attribute('mail')?.values, ['c@example.org']);

  await assert.rejects(f.create(ACCOUNT, [new Name('alice')], null), (e: unknown) => e instanceof RemoteWrappedException && e.remoteClass.endsWith('.AlreadyExistsException'));
  await f.delete(ACCOUNT, uid, null);
  assert.equal(await f.getObject(ACCOUNT, uid, null), null);
  await assert.rejects(f.delete(ACCOUNT, uid, null), (e: unknown) => e instanceof RemoteWrappedException && e.remoteClass.endsWith('.UnknownUidException'));
});

test('search with a filter and with paging', async () => {
  const f = facade();
  for (const n of ['a', 'b', 'c', 'd', 'e']) await f.create(ACCOUNT, [new Name(n)], null);
  const all = await collect(f);
  assert.deepEqual(all.objects.map((o) => o.name.value), ['a', 'b', 'c', 'd', 'e']);

  const filtered = await collect(f, new OperationOptionsBuilder().build(), new EqualsFilter(new Name('c')));
  assert.deepEqual(filtered.objects.map((o) => o.name.value), ['c']);

  const page1 = await collect(f, new OperationOptionsBuilder().pageSize(2).build());
  assert.deepEqual(page1.objects.map((o) => o.name.value), ['a', 'b']);
  const r1 = page1.result as { pagedResultsCookie: string | null; remainingPagedResults: number };
  assert.equal(r1.pagedResultsCookie, '2');
  assert.equal(r1.remainingPagedResults, 3);
  const page3 = await collect(f, new OperationOptionsBuilder().pageSize(2).pagedResultsCookie('4').build());
  assert.deepEqual(page3.objects.map((o) => o.name.value), ['e']);
  assert.equal((page3.result as { pagedResultsCookie: string | null }).pagedResultsCookie, null);
});

test('sync streams deltas in order and returns the last token; latest token; sync without token', async () => {
  const f = facade();
  const a = await f.create(ACCOUNT, [new Name('a')], null);
  const b = await f.create(ACCOUNT, [new Name('b')], null);
  await f.delete(ACCOUNT, a, null);
  const deltas: SyncDelta[] = [];
  const last = await f.sync(ACCOUNT, new SyncToken(0), async (d) => {
    deltas.push(d);
    return true;
  }, null);
  // The fixture reports the current state per change: 'a' no longer exists.
  assert.deepEqual(deltas.map((d) => d.deltaType), ['DELETE', 'CREATE_OR_UPDATE', 'DELETE']);
  assert.deepEqual(deltas.map((d) => d.uid.value), [a.value, b.value, a.value]);
  assert.equal(deltas[1]!.object?.name.value, 'b');
  assert.deepEqual(deltas.map((d) => d.token.value), [1, 2, 3]);
  assert.equal(last?.value, 3);
  const latest = await f.getLatestSyncToken(ACCOUNT);
  assert.equal(latest?.value, 3);
  // A sync without a token is refused as the Java server refuses it.
  await assert.rejects(
    f.sync(ACCOUNT, null, async () => true, null),
    (e: unknown) => e instanceof RemoteWrappedException && e.remoteClass === 'java.lang.NullPointerException',
  );
});

test('authenticate and resolveUsername', async () => {
  const f = facade();
  const uid = await f.create(ACCOUNT, [new Name('bob'), new Attribute('__PASSWORD__', [new GuardedString('s3cret')])], null);
  const auth = await f.authenticate(ACCOUNT, 'bob', new GuardedString('s3cret'), null);
  assert.equal(auth.value, uid.value);
  await assert.rejects(f.authenticate(ACCOUNT, 'bob', new GuardedString('wrong'), null), (e: unknown) => {
    assert.ok(e instanceof RemoteWrappedException);
    assert.ok(e.remoteClass.endsWith('.InvalidPasswordException'));
    assert.doesNotMatch(e.message + (e.remoteStackTrace ?? ''), /wrong|s3cret/);
    return true;
  });
  assert.equal((await f.resolveUsername(ACCOUNT, 'bob', null)).value, uid.value);
});

test('scriptOnConnector passes language, text and arguments', async () => {
  const f = facade();
  const result = await f.runScriptOnConnector(new ScriptContext('Groovy', 'return who', new Map([['who', 'me']])), null);
  assert.equal(result, 'Groovy:return who:me');
});

test('batch: results in task order, then the token', async () => {
  const f = facade();
  const existing = await f.create(ACCOUNT, [new Name('x')], null);
  const results: BatchResult[] = [];
  const token = await withTimeout(
    f.executeBatch(
      [
        new CreateBatchTask(ACCOUNT, [new Name('y')]),
        new UpdateBatchTask(ACCOUNT, existing, [new Attribute('mail', ['x@example.org'])], 'UPDATE'),
        new DeleteBatchTask(ACCOUNT, existing),
      ],
      async (r) => {
        results.push(r);
      },
      null,
    ),
    10_000,
    'batch',
  );
  assert.ok(token);
  assert.deepEqual(results.map((r) => r.resultId), ['0', '1', '2']);
  assert.ok(results[0]!.result instanceof Uid);
  const names = (await collect(f)).objects.map((o) => o.name.value);
  assert.deepEqual(names, ['y']);
});

test('a handler returning false cancels the remote search; the connector sees the abort', async () => {
  const f = facade();
  let seen = 0;
  const result = await withTimeout(
    f.search(new ObjectClass('__SLOW__'), null, async () => ++seen < 3, null),
    10_000,
    'search stop',
  );
  assert.equal(result, null);
  assert.equal(seen, 3);
  // The server stops the connector once the cancel arrives.
  const deadline = Date.now() + 5000;
  while (!memoryState.slowSearchSawAbort && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(memoryState.slowSearchSawAbort, 'connector saw the abort');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(server.engine.inFlightOperations(), 0);
});

test('an AbortSignal cancels a running search', async () => {
  const f = facade();
  const ac = new AbortController();
  const p = f.search(new ObjectClass('__SLOW__'), null, async () => {
    if (memoryState.slowSearchEmitted >= 5) ac.abort();
    return true;
  }, null, { signal: ac.signal });
  await assert.rejects(withTimeout(p, 10_000, 'abort'));
  const deadline = Date.now() + 5000;
  while (!memoryState.slowSearchSawAbort && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(memoryState.slowSearchSawAbort);
});

test('the engine counts one session for the client\'s two sockets', () => {
  assert.equal(server.engine.sessionCount(), 1);
  assert.equal(server.wss.clients.size, 2);
});

test('a configuration change reported by the connector reaches the facade as an event', async () => {
  const f = facade();
  const seen = new Promise<string[]>((resolve) => {
    f.onConfigurationChange((changes) => resolve(changes.map((c) => `${c.name}=${String(c.value)}`)));
  });
  await f.runScriptOnConnector(new ScriptContext('Groovy', 'reportChange', new Map([['who', 'changed']])), null);
  assert.deepEqual(await withTimeout(seen, 5000, 'configuration change event'), ['realm=changed']);
});
