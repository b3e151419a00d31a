/**
 * End to end against the built-in memory connector: a real server (startServer with the built-in connectors)
 * and the TypeScript client over real sockets, every operation.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Attribute,
  F,
  GuardedString,
  Name,
  ObjectClass,
  OperationOptionsBuilder,
  RemoteWrappedException,
  Schema,
  ScriptContext,
  SortKey,
  SyncToken,
  Uid,
  type APIConfiguration,
  type Filter,
} from '../../src/model/index.ts';
import type { RemoteConnectorFacade } from '../../src/client/index.ts';
import {
  BUILTIN_KEYS,
  MEMORY_KEY,
  collect,
  collectSync,
  names,
  startWithClient,
  uniqueInstance,
  withTimeout,
  type E2eContext,
} from './support.ts';

const ACCOUNT = ObjectClass.ACCOUNT;
const EXC = 'org.identityconnectors.framework.common.exceptions.';

let ctx: E2eContext;

before(async () => {
  ctx = await startWithClient();
});

after(async () => {
  await ctx?.close();
});

function memory(extra: Record<string, unknown> = {}, edit?: (cfg: APIConfiguration) => void): RemoteConnectorFacade {
  return ctx.client.newFacade(MEMORY_KEY, (cfg) => {
    edit?.(cfg);
    return { instanceId: uniqueInstance('mem'), ...extra };
  });
}

function isRemote(suffix: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof RemoteWrappedException, `expected RemoteWrappedException, got ${String(e)}`);
    assert.equal(e.remoteClass, suffix.includes('.') ? suffix : EXC + suffix);
    return true;
  };
}

/** Five people with a few attribute types, created through the facade. */
async function seedPeople(f: RemoteConnectorFacade): Promise<Map<string, Uid>> {
  const people: Array<[string, number, string[], boolean]> = [
    ['alice', 34, ['a@example.org', 'alice@corp.example'], true],
    ['bob', 27, ['b@example.org'], true],
    ['carol', 45, ['c@example.org', 'carol@corp.example'], false],
    ['dave', 27, ['d@example.org'], true],
    ['eve', 19, [], true],
  ];
  const uids = new Map<string, Uid>();
  for (const [name, age, mail, active] of people) {
    const attrs = [new Name(name), new Attribute('age', [age]), new Attribute('active', [active])];
    if (mail.length > 0) attrs.push(new Attribute('mail', mail));
    uids.set(name, await f.create(ACCOUNT, attrs, null));
  }
  return uids;
}

test('connector infos: every built-in connector key is present', async () => {
  const infos = await ctx.client.connectorInfos();
  for (const key of BUILTIN_KEYS) {
    assert.ok(infos.some((i) => i.connectorKey.equals(key)), `missing ${key.toString()}`);
  }
  const mem = infos.find((i) => i.connectorKey.equals(MEMORY_KEY))!;
  assert.deepEqual(
    [...mem.defaultApiConfiguration.configurationProperties.names].sort(),
    ['caseInsensitiveNames', 'faultInjection', 'fixtureFile', 'instanceId', 'objectClasses', 'readOnly', 'storeName'],
  );
});

test('validate, test and schema', async () => {
  const f = memory();
  await f.validate();
  await f.test();
  const schema = await f.schema();
  assert.ok(schema instanceof Schema);
  assert.ok(schema.objectClassInfo('__ACCOUNT__'));
  assert.ok(schema.objectClassInfo('__GROUP__'));
});

test('validate reports a bad configuration with its Java class', async () => {
  const f = memory({ faultInjection: 'not json' });
  await assert.rejects(withTimeout(f.validate(), 10_000, 'validate'), isRemote('ConfigurationException'));
});

test('create, get, update (replace, add, remove), delete', async () => {
  const f = memory();
  const uid = await f.create(ACCOUNT, [new Name('alice'), new Attribute('mail', ['a@example.org']), new Attribute('age', [30])], null);
  assert.ok(uid instanceof Uid);
  let obj = await f.getObject(ACCOUNT, uid, null);
  assert.ok(obj);
  assert.equal(obj.name.value, 'alice');
  assert.equal(obj.uid.value, uid.value);
  assert.deepEqual(obj.attribute('mail')?.values, ['a@example.org']);
  assert.deepEqual(obj.attribute('age')?.values, [30]);

  const afterReplace = await f.update('replace', ACCOUNT, uid, [new Attribute('mail', ['b@example.org'])], null);
  assert.equal(afterReplace.value, uid.value);
  await f.update('add', ACCOUNT, uid, [new Attribute('mail', ['c@example.org'])], null);
  obj = await f.getObject(ACCOUNT, uid, null);
  assert.deepEqual(obj?.attribute('mail')?.values, ['b@example.org', 'c@example.org']);
  await f.update('remove', ACCOUNT, uid, [new Attribute('mail', ['b@example.org'])], null);
  obj = await f.getObject(ACCOUNT, uid, null);
  assert.deepEqual(obj?.attribute('mail')?.values, ['c@example.org']);

  // attributesToGet limits what comes back.
  const slim = await f.getObject(ACCOUNT, uid, new OperationOptionsBuilder().attributesToGet('age').build());
  assert.equal(slim?.attribute('mail'), undefined);
  assert.deepEqual(slim?.attribute('age')?.values, [30]);

  await assert.rejects(f.create(ACCOUNT, [new Name('alice')], null), isRemote('AlreadyExistsException'));
  await f.delete(ACCOUNT, uid, null);
  assert.equal(await f.getObject(ACCOUNT, uid, null), null);
});

test('delete of an unknown uid fails with UnknownUidException', async () => {
  const f = memory();
  await assert.rejects(f.delete(ACCOUNT, new Uid('no-such-uid'), null), (e: unknown) => {
    isRemote('UnknownUidException')(e);
    assert.match((e as RemoteWrappedException).remoteStackTrace ?? '', /UnknownUidException/);
    return true;
  });
});

test('every filter type', async () => {
  const f = memory();
  await seedPeople(f);
  const cases: Array<[string, Filter, string[]]> = [
    ['equals', F.equals(new Name('bob')), ['bob']],
    ['equals (int)', F.equals(new Attribute('age', [27])), ['bob', 'dave']],
    ['contains', F.contains(new Name('a')), ['alice', 'carol', 'dave']],
    ['startsWith', F.startsWith(new Name('ca')), ['carol']],
    ['endsWith', F.endsWith(new Name('e')), ['alice', 'dave', 'eve']],
    ['greaterThan', F.greaterThan(new Attribute('age', [27])), ['alice', 'carol']],
    ['greaterThanOrEqual', F.greaterThanOrEqual(new Attribute('age', [27])), ['alice', 'bob', 'carol', 'dave']],
    ['lessThan', F.lessThan(new Attribute('age', [27])), ['eve']],
    ['lessThanOrEqual', F.lessThanOrEqual(new Attribute('age', [27])), ['bob', 'dave', 'eve']],
    ['containsAllValues', F.containsAllValues(new Attribute('mail', ['carol@corp.example', 'c@example.org'])), ['carol']],
    ['present', F.present('mail'), ['alice', 'bob', 'carol', 'dave']],
    ['and', F.and(F.equals(new Attribute('age', [27])), F.startsWith(new Name('d'))), ['dave']],
    ['or', F.or(F.equals(new Name('eve')), F.equals(new Attribute('active', [false]))), ['carol', 'eve']],
    ['not', F.not(F.equals(new Attribute('active', [true]))), ['carol']],
    ['nested', F.or(F.and(F.greaterThan(new Attribute('age', [30])), F.not(F.endsWith(new Name('l')))), F.lessThan(new Attribute('age', [20]))), ['alice', 'eve']],
  ];
  for (const [label, filter, expected] of cases) {
    const { objects } = await collect(f, ACCOUNT, filter);
    assert.deepEqual(names(objects).sort(), expected, label);
  }
});

test('extendedMatch filter (framework filtering off, as the connector documents)', async () => {
  const f = memory({}, (cfg) => {
    cfg.resultsHandlerConfiguration.enableFilteredResultsHandler = false;
  });
  await seedPeople(f);
  const { objects } = await collect(f, ACCOUNT, F.extendedMatch('equalsIgnoreCase', new Name('BOB')));
  assert.deepEqual(names(objects), ['bob']);
  const regex = await collect(f, ACCOUNT, F.extendedMatch('regex', new Name('^[cd]')));
  assert.deepEqual(names(regex.objects).sort(), ['carol', 'dave']);
});

test('paging with cookie and offset, and sorting', async () => {
  const f = memory();
  await seedPeople(f);
  const page1 = await collect(f, ACCOUNT, null, new OperationOptionsBuilder().pageSize(2).build());
  assert.deepEqual(names(page1.objects), ['alice', 'bob']);
  assert.ok(page1.result?.pagedResultsCookie, 'a cookie for the next page');
  assert.equal(page1.result?.remainingPagedResults, 3);

  const seen = [...names(page1.objects)];
  let cookie: string | null = page1.result?.pagedResultsCookie ?? null;
  for (let i = 0; i < 5 && cookie; i++) {
    const page = await collect(f, ACCOUNT, null, new OperationOptionsBuilder().pageSize(2).pagedResultsCookie(cookie).build());
    seen.push(...names(page.objects));
    cookie = page.result?.pagedResultsCookie ?? null;
  }
  assert.deepEqual(seen, ['alice', 'bob', 'carol', 'dave', 'eve']);
  assert.equal(cookie, null, 'the last page has no cookie');

  const byOffset = await collect(f, ACCOUNT, null, new OperationOptionsBuilder().pageSize(2).pagedResultsOffset(3).build());
  assert.deepEqual(names(byOffset.objects), ['dave', 'eve']);

  const sorted = await collect(f, ACCOUNT, null, new OperationOptionsBuilder().sortKeys(new SortKey('age', false), new SortKey('__NAME__', true)).build());
  assert.deepEqual(names(sorted.objects), ['carol', 'alice', 'bob', 'dave', 'eve']);

  const sortedPage = await collect(f, ACCOUNT, null, new OperationOptionsBuilder().sortKeys(new SortKey('__NAME__', false)).pageSize(2).build());
  assert.deepEqual(names(sortedPage.objects), ['eve', 'dave']);

  const exact = await collect(f, ACCOUNT, null, new OperationOptionsBuilder().pageSize(2).set('TOTAL_PAGED_RESULTS_POLICY', 'EXACT').build());
  assert.equal(exact.result?.totalPagedResults, 5);
});

test('sync from a token, from the start, and the latest token', async () => {
  const f = memory();
  const start = await f.getLatestSyncToken(ACCOUNT);
  assert.ok(start instanceof SyncToken);
  const a = await f.create(ACCOUNT, [new Name('a')], null);
  const b = await f.create(ACCOUNT, [new Name('b')], null);
  await f.update('replace', ACCOUNT, b, [new Attribute('mail', ['b@x'])], null);
  await f.delete(ACCOUNT, a, null);

  const all = await collectSync(f, ACCOUNT, start);
  assert.deepEqual(all.deltas.map((d) => d.deltaType), ['CREATE', 'CREATE', 'UPDATE', 'DELETE']);
  assert.deepEqual(all.deltas.map((d) => d.uid.value), [a.value, b.value, b.value, a.value]);
  assert.deepEqual(all.deltas[2]!.object?.attribute('mail')?.values, ['b@x']);
  const tokens = all.deltas.map((d) => BigInt(String(d.token.value)));
  assert.deepEqual(tokens, [...tokens].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)), 'tokens increase');
  assert.equal(BigInt(String(all.token?.value)), tokens.at(-1));

  const latest = await f.getLatestSyncToken(ACCOUNT);
  assert.equal(BigInt(String(latest?.value)), tokens.at(-1));

  // From the token of the second delta: only the last two changes.
  const rest = await collectSync(f, ACCOUNT, all.deltas[1]!.token);
  assert.deepEqual(rest.deltas.map((d) => d.deltaType), ['UPDATE', 'DELETE']);

  // Nothing new after the latest token.
  const none = await collectSync(f, ACCOUNT, latest);
  assert.equal(none.deltas.length, 0);
});

test('authenticate and resolveUsername', async () => {
  const f = memory();
  const uid = await f.create(ACCOUNT, [new Name('bob'), new Attribute('__PASSWORD__', [new GuardedString('s3cret')])], null);
  const auth = await f.authenticate(ACCOUNT, 'bob', new GuardedString('s3cret'), null);
  assert.equal(auth.value, uid.value);
  await assert.rejects(f.authenticate(ACCOUNT, 'bob', new GuardedString('wrong-pw'), null), (e: unknown) => {
    isRemote('InvalidPasswordException')(e);
    const r = e as RemoteWrappedException;
    assert.doesNotMatch(`${r.message}${r.remoteStackTrace ?? ''}`, /wrong-pw|s3cret/, 'no secret in the error');
    return true;
  });
  await assert.rejects(f.authenticate(ACCOUNT, 'nobody', new GuardedString('x'), null), isRemote('InvalidCredentialException'));
  assert.equal((await f.resolveUsername(ACCOUNT, 'bob', null)).value, uid.value);
  await assert.rejects(f.resolveUsername(ACCOUNT, 'nobody', null), isRemote('UnknownUidException'));
});

test('scriptOnConnector runs JavaScript with the arguments and the connector bound', async () => {
  const f = memory();
  const result = await f.runScriptOnConnector(
    new ScriptContext('JavaScript', "return greeting + ', ' + who + ' from ' + connector.constructor.name", new Map([['greeting', 'hello'], ['who', 'e2e']])),
    null,
  );
  assert.equal(result, 'hello, e2e from MemoryConnector');
  await assert.rejects(
    f.runScriptOnConnector(new ScriptContext('Groovy', 'return 1', new Map()), null),
    (e: unknown) => e instanceof RemoteWrappedException && e.remoteClass.endsWith('Exception'),
  );
});

test('a connector exception arrives with its Java class name (fault injection)', async () => {
  const f = memory({ faultInjection: JSON.stringify({ test: { fail: 'ConnectorIOException', message: 'resource is down' } }) });
  await assert.rejects(f.test(), (e: unknown) => {
    isRemote('ConnectorIOException')(e);
    assert.match((e as RemoteWrappedException).message, /resource is down/);
    return true;
  });
  // Per call, through the operation options.
  const g = memory();
  const options = new OperationOptionsBuilder().set('faultFail', 'PermissionDeniedException').set('faultMessage', 'not you').build();
  await assert.rejects(g.create(ACCOUNT, [new Name('x')], options), (e: unknown) => {
    isRemote('PermissionDeniedException')(e);
    assert.match((e as RemoteWrappedException).message, /not you/);
    return true;
  });
  // A class the model does not know travels by name.
  const h = memory({ faultInjection: JSON.stringify({ schema: { fail: 'com.example.CustomResourceException' } }) });
  await assert.rejects(h.schema(), (e: unknown) => e instanceof RemoteWrappedException && e.remoteClass === 'com.example.CustomResourceException');
});

test('readOnly refuses writes with PermissionDeniedException', async () => {
  const f = memory({ readOnly: true });
  await assert.rejects(f.create(ACCOUNT, [new Name('x')], null), isRemote('PermissionDeniedException'));
});
