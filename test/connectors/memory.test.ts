/**
 * The memory connector, run the way the server runs it: loaded from connectors/ by the framework and called
 * through facades built from facade keys.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnectorRegistry, type ConnectorFacade, type ConnectorRegistry } from '../../src/framework/index.ts';
import { decodeFacadeKey, encodeFacadeKey } from '../../src/wire/legacy/index.ts';
import {
  AlreadyExistsException,
  ConfigurationException,
  ConnectorException,
  ConnectorKey,
  F,
  GuardedString,
  IllegalArgumentException,
  InvalidCredentialException,
  InvalidPasswordException,
  JavaArray,
  JavaBigDecimal,
  JavaClasses,
  JavaDouble,
  JavaFile,
  JavaThrowable,
  Locale,
  ObjectClass,
  OperationOptionsBuilder,
  PermissionDeniedException,
  SortKey,
  SyncToken,
  Uid,
  UnknownUidException,
  attr,
  type APIConfiguration,
  type ConnectorObject,
  type Filter,
  type OperationOptions,
  type SearchResult,
  type SyncDelta,
} from '../../src/spi/index.ts';

const BUNDLE_DIR = fileURLToPath(new URL('../../connectors/', import.meta.url));
const KEY = new ConnectorKey('org.openicf.rcs.memory', '1.0.0.0', 'org.openicf.rcs.memory.MemoryConnector');
const ACCOUNT = ObjectClass.ACCOUNT;
const GROUP = ObjectClass.GROUP;

const FIXTURE = {
  objectClasses: {
    __ACCOUNT__: {
      attributes: {
        mail: { type: 'String', multiValued: true },
        age: { type: 'Integer' },
        employeeNumber: { type: 'Long' },
        salary: { type: 'Double' },
        ratio: { type: 'BigDecimal' },
        department: { type: 'String' },
        hidden: { type: 'String', returnedByDefault: false },
      },
    },
    __GROUP__: { attributes: { member: { type: 'String', multiValued: true } } },
  },
  objects: {
    __ACCOUNT__: [
      {
        __UID__: '1',
        __NAME__: 'alice',
        mail: ['alice@example.com', 'a@x'],
        age: 30,
        employeeNumber: { $type: 'Long', value: '9007199254740993' },
        salary: { $type: 'Double', value: '1000.5' },
        ratio: { $type: 'BigDecimal', value: '0.25' },
        department: 'sales',
        hidden: 'h1',
        __PASSWORD__: 'alice-secret',
        __ENABLE__: true,
      },
      { __UID__: '2', __NAME__: 'bob', mail: ['bob@example.com'], age: 25, department: 'it', __PASSWORD__: 'bob-secret' },
      { __UID__: '3', __NAME__: 'carol', age: 35, department: 'sales', __PASSWORD__: 'carol-secret', __ENABLE__: false },
      { __UID__: '4', __NAME__: 'dave', mail: ['dave@example.org'], age: 25, department: 'it' },
    ],
    __GROUP__: [{ __NAME__: 'admins', member: ['1', '2'] }],
  },
};

let dir: string;
let fixturePath: string;
let registry: ConnectorRegistry;
let storeCounter = 0;

/** A fresh store name, so that tests do not see each other's data. */
function freshStore(): string {
  return `memory-test-${process.pid}-${++storeCounter}`;
}

interface FacadeSetup {
  properties?: Record<string, unknown>;
  /** Disable the framework's second filter pass (results then come from the connector's own filter only). */
  nativeFilterOnly?: boolean;
  poolMaxObjects?: number;
}

function apiConfiguration(setup: FacadeSetup): APIConfiguration {
  const info = registry.findConnectorInfo(KEY);
  assert.ok(info, 'memory connector is loaded');
  const cfg = decodeFacadeKey(encodeFacadeKey(info.defaultApiConfiguration));
  for (const [name, value] of Object.entries(setup.properties ?? {})) cfg.configurationProperties.setValue(name, value);
  if (setup.nativeFilterOnly) cfg.resultsHandlerConfiguration.enableFilteredResultsHandler = false;
  if (setup.poolMaxObjects !== undefined) {
    cfg.connectorPoolConfiguration.maxObjects = setup.poolMaxObjects;
    cfg.connectorPoolConfiguration.maxIdle = setup.poolMaxObjects;
  }
  return cfg;
}

function facade(setup: FacadeSetup = {}): ConnectorFacade {
  return registry.facade(KEY, encodeFacadeKey(apiConfiguration(setup)));
}

/** A facade on a fresh copy of the fixture. */
function fixtureFacade(extra: Record<string, unknown> = {}, setup: Omit<FacadeSetup, 'properties'> = {}): ConnectorFacade {
  return facade({ ...setup, properties: { fixtureFile: new JavaFile(fixturePath), storeName: freshStore(), ...extra } });
}

async function search(
  f: ConnectorFacade,
  oc: ObjectClass,
  filter: Filter | null,
  options: OperationOptions | null = null,
): Promise<{ objects: ConnectorObject[]; result: SearchResult | null }> {
  const objects: ConnectorObject[] = [];
  const result = await f.search(oc, filter, async (o) => {
    objects.push(o);
    return true;
  }, options);
  return { objects, result };
}

async function names(f: ConnectorFacade, filter: Filter | null, options: OperationOptions | null = null, oc = ACCOUNT): Promise<string[]> {
  return (await search(f, oc, filter, options)).objects.map((o) => o.name.value);
}

async function syncAll(f: ConnectorFacade, oc: ObjectClass, token: SyncToken | null, options: OperationOptions | null = null): Promise<{ deltas: SyncDelta[]; token: SyncToken | null }> {
  const deltas: SyncDelta[] = [];
  const last = await f.sync(oc, token, async (d) => {
    deltas.push(d);
    return true;
  }, options);
  return { deltas, token: last };
}

function options(entries: Record<string, unknown>): OperationOptions {
  const b = new OperationOptionsBuilder();
  for (const [k, v] of Object.entries(entries)) b.set(k, v);
  return b.build();
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'memory-connector-'));
  fixturePath = join(dir, 'fixture.json');
  await writeFile(fixturePath, JSON.stringify(FIXTURE));
  registry = await createConnectorRegistry({ bundleDir: BUNDLE_DIR });
});

after(async () => {
  await registry?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('memory connector: bundle and schema', () => {
  test('is loaded with its key, poolable, with the documented properties and catalogs', () => {
    const info = registry.findConnectorInfo(KEY);
    assert.ok(info);
    const api = info.defaultApiConfiguration;
    assert.equal(api.connectorPoolingSupported, true);
    assert.deepEqual(api.configurationProperties.names, [
      'fixtureFile',
      'objectClasses',
      'caseInsensitiveNames',
      'faultInjection',
      'readOnly',
      'instanceId',
      'storeName',
    ]);
    assert.equal(api.configurationProperties.get('fixtureFile')?.type?.toString(), 'File');
    assert.equal(api.configurationProperties.get('objectClasses')?.type?.toString(), 'String[]');
    for (const op of ['CreateApiOp', 'UpdateApiOp', 'DeleteApiOp', 'GetApiOp', 'SearchApiOp', 'SyncApiOp', 'AuthenticationApiOp', 'ResolveUsernameApiOp', 'SchemaApiOp', 'TestApiOp'] as const) {
      assert.ok(api.isSupported(op), op);
    }
    assert.equal(info.messages.format('fixtureFile.display', new Locale('fr')), 'Fichier de données');
    assert.equal(info.messages.format('readOnly.help'), 'Refuse create, update and delete.');
  });

  test('schema without a fixture: the configured classes with __NAME__, and __PASSWORD__/__ENABLE__ for accounts', async () => {
    const f = facade({ properties: { storeName: freshStore(), objectClasses: new JavaArray(JavaClasses.String, ['__ACCOUNT__', 'printer']) } });
    const schema = await f.schema();
    assert.ok(schema);
    assert.deepEqual(schema.objectClassInfos.map((o) => o.type), ['__ACCOUNT__', 'printer']);
    const account = schema.objectClassInfo('__ACCOUNT__')!;
    assert.deepEqual(account.attribute('__NAME__')?.flags, ['REQUIRED']);
    assert.deepEqual(account.attribute('__PASSWORD__')?.flags, ['NOT_READABLE', 'NOT_RETURNED_BY_DEFAULT']);
    assert.equal(account.attribute('__PASSWORD__')?.type.toString(), 'GuardedString');
    assert.equal(account.attribute('__ENABLE__')?.type.toString(), 'Boolean');
    assert.equal(schema.objectClassInfo('printer')?.attribute('__PASSWORD__'), undefined);
    assert.ok(schema.operationOptionInfos.some((o) => o.name === 'PAGE_SIZE' && o.type.toString() === 'Integer'));
    assert.ok(schema.operationOptionInfos.some((o) => o.name === 'faultFail'));
    assert.deepEqual(schema.objectClassesByOperation.get('SearchApiOp'), ['__ACCOUNT__', 'printer']);
  });

  test('schema from the fixture keeps declared types and flags', async () => {
    const schema = await fixtureFacade().schema();
    const account = schema!.objectClassInfo('__ACCOUNT__')!;
    assert.deepEqual(account.attribute('mail')?.flags, ['MULTIVALUED']);
    assert.equal(account.attribute('employeeNumber')?.type.toString(), 'Long');
    assert.equal(account.attribute('ratio')?.type.toString(), 'BigDecimal');
    assert.deepEqual(account.attribute('hidden')?.flags, ['NOT_RETURNED_BY_DEFAULT']);
  });

  test('a read-only store leaves the write operations out of the schema and refuses them', async () => {
    const f = fixtureFacade({ readOnly: true });
    const schema = await f.schema();
    assert.equal(schema!.objectClassesByOperation.get('CreateApiOp'), undefined);
    await assert.rejects(f.create(ACCOUNT, [attr('__NAME__', 'x')], null), PermissionDeniedException);
    await assert.rejects(f.delete(ACCOUNT, new Uid('1'), null), PermissionDeniedException);
    assert.deepEqual(await names(f, null), ['alice', 'bob', 'carol', 'dave']);
  });

  test('test() succeeds on a working store', async () => {
    await fixtureFacade().test();
  });
});

describe('memory connector: fixture loading', () => {
  test('typed values keep their Java types; __PASSWORD__ is never returned', async () => {
    const f = fixtureFacade();
    const alice = await f.getObject(ACCOUNT, new Uid('1'), null);
    assert.ok(alice);
    assert.equal(alice.name.value, 'alice');
    assert.deepEqual(alice.attribute('mail')?.values, ['alice@example.com', 'a@x']);
    assert.deepEqual(alice.attribute('age')?.values, [30]);
    assert.deepEqual(alice.attribute('employeeNumber')?.values, [9007199254740993n]);
    const salary = alice.attribute('salary')?.values?.[0];
    assert.ok(salary instanceof JavaDouble);
    assert.equal(salary.value, 1000.5);
    const ratio = alice.attribute('ratio')?.values?.[0];
    assert.ok(ratio instanceof JavaBigDecimal);
    assert.equal(ratio.toString(), '0.25');
    assert.deepEqual(alice.attribute('__ENABLE__')?.values, [true]);
    assert.equal(alice.attribute('__PASSWORD__'), undefined);
    assert.equal(alice.attribute('hidden'), undefined, 'not returned by default');
  });

  test('objects without __UID__ get the class counter; objects of undeclared classes declare them', async () => {
    const path = join(dir, 'implicit.json');
    await writeFile(path, JSON.stringify({ objects: { device: [{ __NAME__: 'd1' }, { __UID__: '1', __NAME__: 'd0' }] } }));
    const f = facade({ properties: { fixtureFile: new JavaFile(path), storeName: freshStore() } });
    const found = (await search(f, new ObjectClass('device'), null)).objects.map((o) => `${o.uid.value}=${o.name.value}`);
    assert.deepEqual(found, ['1=d0', '2=d1']);
    const uid = await f.create(new ObjectClass('device'), [attr('__NAME__', 'd2')], null);
    assert.equal(uid.value, '3');
  });

  test('a broken fixture is a ConfigurationException naming the file', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"objects": {"__ACCOUNT__": [{"__NAME__": {"$type": "Long", "value": "x"}}]}}');
    const f = facade({ properties: { fixtureFile: new JavaFile(path), storeName: freshStore() } });
    await assert.rejects(f.schema(), (e: unknown) => e instanceof ConfigurationException && /broken\.json/.test(e.message));
  });

  test('a missing fixture file is a ConfigurationException', async () => {
    const f = facade({ properties: { fixtureFile: new JavaFile(join(dir, 'nope.json')), storeName: freshStore() } });
    await assert.rejects(f.test(), ConfigurationException);
  });

  test('bad faultInjection JSON fails validation', async () => {
    const f = facade({ properties: { faultInjection: '{not json', storeName: freshStore() } });
    await assert.rejects(f.validate(), ConfigurationException);
  });
});

describe('memory connector: create, update, delete', () => {
  test('create assigns counter uids per class and refuses duplicate names', async () => {
    const f = fixtureFacade();
    assert.equal((await f.create(ACCOUNT, [attr('__NAME__', 'erin'), attr('age', 41)], null)).value, '5');
    assert.equal((await f.create(ACCOUNT, [attr('__NAME__', 'frank')], null)).value, '6');
    assert.equal((await f.create(GROUP, [attr('__NAME__', 'ops')], null)).value, '2');
    await assert.rejects(f.create(ACCOUNT, [attr('__NAME__', 'alice')], null), AlreadyExistsException);
    await assert.rejects(f.create(ACCOUNT, [attr('age', 'not a number'), attr('__NAME__', 'gina')], null), JavaThrowable);
    assert.equal((await f.create(ACCOUNT, [attr('__NAME__', 'gina')], null)).value, '7', 'a refused create takes no uid');
  });

  test('update replaces, adds and removes values; unknown uids are UnknownUidException', async () => {
    const f = fixtureFacade();
    await f.update('replace', ACCOUNT, new Uid('2'), [attr('department', 'hr')], null);
    await f.update('add', ACCOUNT, new Uid('2'), [attr('mail', 'b@x', 'bob@example.com')], null);
    let bob = await f.getObject(ACCOUNT, new Uid('2'), null);
    assert.deepEqual(bob?.attribute('department')?.values, ['hr']);
    assert.deepEqual(bob?.attribute('mail')?.values, ['bob@example.com', 'b@x']);
    await f.update('remove', ACCOUNT, new Uid('2'), [attr('mail', 'bob@example.com')], null);
    bob = await f.getObject(ACCOUNT, new Uid('2'), null);
    assert.deepEqual(bob?.attribute('mail')?.values, ['b@x']);
    await f.update('replace', ACCOUNT, new Uid('2'), [attr('__NAME__', 'robert')], null);
    assert.equal((await f.getObject(ACCOUNT, new Uid('2'), null))?.name.value, 'robert');
    await assert.rejects(f.update('replace', ACCOUNT, new Uid('2'), [attr('__NAME__', 'alice')], null), AlreadyExistsException);
    await assert.rejects(f.update('replace', ACCOUNT, new Uid('99'), [attr('age', 1)], null), UnknownUidException);
  });

  test('delete removes the object; deleting again is UnknownUidException', async () => {
    const f = fixtureFacade();
    await f.delete(ACCOUNT, new Uid('4'), null);
    assert.equal(await f.getObject(ACCOUNT, new Uid('4'), null), null);
    await assert.rejects(f.delete(ACCOUNT, new Uid('4'), null), UnknownUidException);
    // The name is free again.
    assert.equal((await f.create(ACCOUNT, [attr('__NAME__', 'dave')], null)).value, '5');
  });

  test('an unknown object class is an IllegalArgumentException', async () => {
    await assert.rejects(fixtureFacade().create(new ObjectClass('nope'), [attr('__NAME__', 'x')], null), IllegalArgumentException);
  });
});

describe('memory connector: search filters (evaluated by the connector alone)', () => {
  const cases: Array<[string, Filter, string[]]> = [
    ['equals', F.equals(attr('department', 'sales')), ['alice', 'carol']],
    ['equals on a multi-valued attribute compares the whole list', F.equals(attr('mail', 'a@x')), []],
    ['equals on the whole list', F.equals(attr('mail', 'alice@example.com', 'a@x')), ['alice']],
    ['equals __UID__', F.equals(new Uid('3')), ['carol']],
    ['contains', F.contains(attr('__NAME__', 'a')), ['alice', 'carol', 'dave']],
    ['startsWith', F.startsWith(attr('__NAME__', 'da')), ['dave']],
    ['endsWith', F.endsWith(attr('mail', '.org')), ['dave']],
    ['greaterThan', F.greaterThan(attr('age', 25)), ['alice', 'carol']],
    ['greaterThanOrEqual', F.greaterThanOrEqual(attr('age', 30)), ['alice', 'carol']],
    ['lessThan', F.lessThan(attr('age', 30)), ['bob', 'dave']],
    ['lessThanOrEqual', F.lessThanOrEqual(attr('age', 30)), ['alice', 'bob', 'dave']],
    ['greaterThan on strings', F.greaterThan(attr('__NAME__', 'bob')), ['carol', 'dave']],
    ['containsAllValues', F.containsAllValues(attr('mail', 'a@x', 'alice@example.com')), ['alice']],
    ['containsAllValues missing one', F.containsAllValues(attr('mail', 'a@x', 'zzz')), []],
    ['present', F.present('mail'), ['alice', 'bob', 'dave']],
    ['and', F.and(F.equals(attr('department', 'it')), F.equals(attr('age', 25))), ['bob', 'dave']],
    ['or', F.or(F.equals(attr('__NAME__', 'bob')), F.equals(attr('__NAME__', 'carol'))), ['bob', 'carol']],
    ['not', F.not(F.equals(attr('department', 'it'))), ['alice', 'carol']],
    // carol has no mail and alice two: endsWith is undefined for both, and so is its negation.
    ['not over an undefined comparison matches nothing', F.not(F.endsWith(attr('mail', '.org'))), ['bob']],
    ['nested', F.and(F.or(F.startsWith(attr('__NAME__', 'a')), F.startsWith(attr('__NAME__', 'd'))), F.not(F.lessThan(attr('age', 26)))), ['alice']],
  ];
  for (const [label, filter, expected] of cases) {
    test(label, async () => {
      const native = await names(fixtureFacade({}, { nativeFilterOnly: true }), filter);
      assert.deepEqual(native, expected);
      // The framework's second pass agrees with the connector.
      assert.deepEqual(await names(fixtureFacade(), filter), expected);
    });
  }

  const extended: Array<[string, Filter, string[]]> = [
    ['equalsIgnoreCase', F.extendedMatch('equalsIgnoreCase', attr('__NAME__', 'ALICE')), ['alice']],
    ['containsIgnoreCase', F.extendedMatch('containsIgnoreCase', attr('department', 'AL')), ['alice', 'carol']],
    ['startsWithIgnoreCase', F.extendedMatch('startsWithIgnoreCase', attr('__NAME__', 'B')), ['bob']],
    ['endsWithIgnoreCase', F.extendedMatch('endsWithIgnoreCase', attr('__NAME__', 'VE')), ['dave']],
    ['anyValueEquals', F.extendedMatch('anyValueEquals', attr('mail', 'a@x')), ['alice']],
    ['regex', F.extendedMatch('regex', attr('mail', '@example\\.(com|org)$')), ['alice', 'bob', 'dave']],
  ];
  for (const [label, filter, expected] of extended) {
    test(`extendedMatch ${label}`, async () => {
      assert.deepEqual(await names(fixtureFacade({}, { nativeFilterOnly: true }), filter), expected);
    });
  }

  test('an unknown extendedMatch operator is an IllegalArgumentException', async () => {
    const f = fixtureFacade({}, { nativeFilterOnly: true });
    await assert.rejects(names(f, F.extendedMatch('soundsLike', attr('__NAME__', 'x'))), IllegalArgumentException);
  });

  test('caseInsensitiveNames: names are unique and matched regardless of case', async () => {
    const f = fixtureFacade({ caseInsensitiveNames: true }, { nativeFilterOnly: true });
    assert.deepEqual(await names(f, F.equals(attr('__NAME__', 'ALICE'))), ['alice']);
    await assert.rejects(f.create(ACCOUNT, [attr('__NAME__', 'Bob')], null), AlreadyExistsException);
    const sensitive = fixtureFacade({}, { nativeFilterOnly: true });
    assert.deepEqual(await names(sensitive, F.equals(attr('__NAME__', 'ALICE'))), []);
    assert.equal((await sensitive.create(ACCOUNT, [attr('__NAME__', 'Bob')], null)).value, '5');
  });

  test('attributesToGet selects the returned attributes', async () => {
    const f = fixtureFacade();
    const opts = new OperationOptionsBuilder().attributesToGet('age', 'hidden', '__PASSWORD__').build();
    const { objects } = await search(f, ACCOUNT, F.equals(attr('__NAME__', 'alice')), opts);
    assert.deepEqual(objects[0]?.attributes.map((a) => a.name).sort(), ['__NAME__', '__UID__', 'age', 'hidden']);
    const got = await f.getObject(ACCOUNT, new Uid('1'), new OperationOptionsBuilder().attributesToGet('mail').build());
    assert.deepEqual(got?.attributes.map((a) => a.name).sort(), ['__NAME__', '__UID__', 'mail']);
  });
});

describe('memory connector: paging and sorting', () => {
  test('pages follow the cookie until it is null', async () => {
    const f = fixtureFacade();
    const seen: string[][] = [];
    const remaining: number[] = [];
    let cookie: string | null = null;
    for (let i = 0; i < 10; i++) {
      const b = new OperationOptionsBuilder().pageSize(3);
      if (cookie) b.pagedResultsCookie(cookie);
      const { objects, result } = await search(f, ACCOUNT, null, b.build());
      seen.push(objects.map((o) => o.name.value));
      remaining.push(result?.remainingPagedResults ?? -99);
      cookie = result?.pagedResultsCookie ?? null;
      if (!cookie) break;
    }
    assert.deepEqual(seen, [['alice', 'bob', 'carol'], ['dave']]);
    assert.deepEqual(remaining, [1, 0]);
  });

  test('an offset selects the page start; EXACT gives the total', async () => {
    const f = fixtureFacade();
    const opts = new OperationOptionsBuilder().pageSize(2).pagedResultsOffset(1).set('TOTAL_PAGED_RESULTS_POLICY', 'EXACT').build();
    const { objects, result } = await search(f, ACCOUNT, null, opts);
    assert.deepEqual(objects.map((o) => o.name.value), ['bob', 'carol']);
    assert.equal(result?.remainingPagedResults, 1);
    assert.equal(result?.totalPagedResults, 4);
    assert.ok(result?.pagedResultsCookie);
  });

  test('a bad cookie is an IllegalArgumentException', async () => {
    const f = fixtureFacade();
    await assert.rejects(search(f, ACCOUNT, null, new OperationOptionsBuilder().pageSize(2).pagedResultsCookie('garbage').build()), IllegalArgumentException);
  });

  test('sort keys: several keys, ascending and descending, missing values last', async () => {
    const f = fixtureFacade();
    const byAgeDescThenName = new OperationOptionsBuilder().sortKeys(new SortKey('age', false), new SortKey('__NAME__', true)).build();
    assert.deepEqual(await names(f, null, byAgeDescThenName), ['carol', 'alice', 'bob', 'dave']);
    const byAgeThenNameDesc = new OperationOptionsBuilder().sortKeys(new SortKey('age', true), new SortKey('__NAME__', false)).build();
    assert.deepEqual(await names(f, null, byAgeThenNameDesc), ['dave', 'bob', 'alice', 'carol']);
    const byMail = new OperationOptionsBuilder().sortKeys(new SortKey('mail', true)).build();
    assert.deepEqual(await names(f, null, byMail), ['alice', 'bob', 'dave', 'carol']);
  });

  test('sorting and paging combine, with a filter', async () => {
    const f = fixtureFacade();
    const first = await search(f, ACCOUNT, F.present('age'), new OperationOptionsBuilder().pageSize(2).sortKeys(new SortKey('__NAME__', false)).build());
    assert.deepEqual(first.objects.map((o) => o.name.value), ['dave', 'carol']);
    const second = await search(
      f,
      ACCOUNT,
      F.present('age'),
      new OperationOptionsBuilder().pageSize(2).sortKeys(new SortKey('__NAME__', false)).pagedResultsCookie(first.result!.pagedResultsCookie!).build(),
    );
    assert.deepEqual(second.objects.map((o) => o.name.value), ['bob', 'alice']);
    assert.equal(second.result?.pagedResultsCookie, null);
  });
});

describe('memory connector: sync', () => {
  test('every change is a delta with an increasing Long token', async () => {
    const f = fixtureFacade();
    assert.deepEqual(await f.getLatestSyncToken(ACCOUNT), new SyncToken(0n));
    const start = await f.getLatestSyncToken(ACCOUNT);
    const uid = await f.create(ACCOUNT, [attr('__NAME__', 'erin')], null);
    await f.update('replace', ACCOUNT, uid, [attr('age', 50)], null);
    await f.create(GROUP, [attr('__NAME__', 'ops')], null);
    await f.delete(ACCOUNT, uid, null);
    assert.deepEqual((await f.getLatestSyncToken(ACCOUNT))?.value, 4n);

    const accounts = await syncAll(f, ACCOUNT, start);
    assert.deepEqual(accounts.deltas.map((d) => [d.deltaType, d.uid.value, d.token.value]), [
      ['CREATE', uid.value, 1n],
      ['UPDATE', uid.value, 2n],
      ['DELETE', uid.value, 4n],
    ]);
    assert.deepEqual(accounts.deltas[1]?.object?.attribute('age')?.values, [50]);
    assert.equal(accounts.deltas[2]?.object, null);
    assert.equal(accounts.deltas[2]?.objectClass?.type, '__ACCOUNT__');
    assert.equal(accounts.token?.value, 4n);

    const all = await syncAll(f, ObjectClass.ALL, new SyncToken(1n));
    assert.deepEqual(all.deltas.map((d) => [d.deltaType, d.objectClass?.type, d.token.value]), [
      ['UPDATE', '__ACCOUNT__', 2n],
      ['CREATE', '__GROUP__', 3n],
      ['DELETE', '__ACCOUNT__', 4n],
    ]);
    const none = await syncAll(f, ACCOUNT, new SyncToken(4n));
    assert.equal(none.deltas.length, 0);
    assert.equal(none.token?.value, 4n);
  });

  test('a handler that stops gets the token of the last delta it took', async () => {
    const f = fixtureFacade();
    for (const n of ['x1', 'x2', 'x3']) await f.create(ACCOUNT, [attr('__NAME__', n)], null);
    let taken = 0;
    const token = await f.sync(ACCOUNT, new SyncToken(0n), async () => ++taken < 2, null);
    assert.equal(taken, 2);
    assert.equal(token?.value, 2n);
  });

  test('a token that is not a change number is an IllegalArgumentException', async () => {
    await assert.rejects(syncAll(fixtureFacade(), ACCOUNT, new SyncToken('yesterday')), IllegalArgumentException);
  });
});

describe('memory connector: authenticate and resolveUsername', () => {
  test('the right password gives the uid', async () => {
    const f = fixtureFacade();
    assert.equal((await f.authenticate(ACCOUNT, 'alice', new GuardedString('alice-secret'), null)).value, '1');
    assert.equal((await f.resolveUsername(ACCOUNT, 'bob', null)).value, '2');
  });

  test('a wrong password is InvalidPasswordException; an unknown user InvalidCredentialException', async () => {
    const f = fixtureFacade();
    await assert.rejects(f.authenticate(ACCOUNT, 'alice', new GuardedString('wrong'), null), (e: unknown) => {
      assert.ok(e instanceof InvalidPasswordException);
      assert.ok(!e.message.includes('wrong') && !e.message.includes('alice-secret'), 'no secret in the message');
      return true;
    });
    await assert.rejects(f.authenticate(ACCOUNT, 'nobody', new GuardedString('x'), null), (e: unknown) => e instanceof InvalidCredentialException && !(e instanceof InvalidPasswordException));
    await assert.rejects(f.authenticate(ACCOUNT, 'dave', new GuardedString('x'), null), InvalidCredentialException, 'no password set');
    await assert.rejects(f.authenticate(ACCOUNT, 'carol', new GuardedString('carol-secret'), null), InvalidCredentialException, 'disabled');
    await assert.rejects(f.resolveUsername(ACCOUNT, 'nobody', null), UnknownUidException);
  });

  test('a changed password is the one that authenticates; __CURRENT_PASSWORD__ must match', async () => {
    const f = fixtureFacade();
    await f.update('replace', ACCOUNT, new Uid('2'), [attr('__PASSWORD__', new GuardedString('new-one'))], null);
    assert.equal((await f.authenticate(ACCOUNT, 'bob', new GuardedString('new-one'), null)).value, '2');
    await assert.rejects(f.authenticate(ACCOUNT, 'bob', new GuardedString('bob-secret'), null), InvalidPasswordException);
    await assert.rejects(
      f.update('replace', ACCOUNT, new Uid('2'), [attr('__PASSWORD__', new GuardedString('third')), attr('__CURRENT_PASSWORD__', new GuardedString('bad'))], null),
      InvalidPasswordException,
    );
  });
});

describe('memory connector: fault injection', () => {
  test('an option names the exception class to throw', async () => {
    const f = fixtureFacade();
    await assert.rejects(
      f.getObject(ACCOUNT, new Uid('1'), options({ faultFail: 'UnknownUidException', faultMessage: 'injected' })),
      (e: unknown) => e instanceof UnknownUidException && e.message === 'injected',
    );
    await assert.rejects(f.search(ACCOUNT, null, async () => true, options({ faultFail: 'java.lang.IllegalStateException' })), (e: unknown) => e instanceof JavaThrowable && e.javaClass === 'java.lang.IllegalStateException');
    await assert.rejects(f.create(ACCOUNT, [attr('__NAME__', 'x')], options({ faultFail: 'com.example.CustomException' })), (e: unknown) => e instanceof ConnectorException && e.javaClass === 'com.example.CustomException');
    // Nothing was created by the failed create.
    assert.equal((await f.create(ACCOUNT, [attr('__NAME__', 'x')], null)).value, '5');
  });

  test('the configuration injects faults per operation', async () => {
    const f = fixtureFacade({ faultInjection: JSON.stringify({ delete: { fail: 'PermissionDeniedException', message: 'no deletes today' }, create: { delayMs: 20 } }) });
    await assert.rejects(f.delete(ACCOUNT, new Uid('1'), null), (e: unknown) => e instanceof PermissionDeniedException && e.message === 'no deletes today');
    assert.equal((await f.create(ACCOUNT, [attr('__NAME__', 'slow')], null)).value, '5');
    assert.ok(await f.getObject(ACCOUNT, new Uid('1'), null), 'the failed delete left the object');
  });

  test('a delay stops when the caller aborts', async () => {
    const f = fixtureFacade();
    const controller = new AbortController();
    const pending = f.create(ACCOUNT, [attr('__NAME__', 'never')], options({ faultDelayMs: 60_000 }), { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const outcome = await Promise.race([
      pending.then(
        () => 'resolved',
        () => 'rejected',
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 10_000).unref()),
    ]);
    assert.equal(outcome, 'rejected');
    assert.deepEqual(await names(f, F.equals(attr('__NAME__', 'never'))), [], 'the aborted create did nothing');
  });
});

describe('memory connector: determinism and shared stores', () => {
  async function script(f: ConnectorFacade): Promise<unknown[]> {
    const out: unknown[] = [];
    const u1 = await f.create(ACCOUNT, [attr('__NAME__', 'n1'), attr('age', 1)], null);
    const u2 = await f.create(ACCOUNT, [attr('__NAME__', 'n2')], null);
    await f.update('add', ACCOUNT, u1, [attr('mail', 'm@x')], null);
    await f.delete(ACCOUNT, u2, null);
    await f.create(GROUP, [attr('__NAME__', 'g')], null);
    out.push(u1.value, u2.value);
    out.push((await search(f, ACCOUNT, null, new OperationOptionsBuilder().sortKeys(new SortKey('__NAME__', false)).build())).objects.map((o) => o.attributes.map((a) => `${a.name}=${String(a.values)}`)));
    const synced = await syncAll(f, ObjectClass.ALL, null);
    out.push(synced.deltas.map((d) => `${d.token.value}:${d.deltaType}:${d.uid.value}`), synced.token?.value);
    return out;
  }

  test('two fresh stores given the same calls give the same results and tokens', async () => {
    const a = await script(fixtureFacade());
    const b = await script(fixtureFacade());
    assert.deepEqual(a, b);
    assert.equal(a.at(-1), 5n);
  });

  test('pooled instances of one configuration share the store', async () => {
    const storeName = freshStore();
    const f = facade({ properties: { storeName }, poolMaxObjects: 4 });
    // Concurrent slow creates need several pooled instances at once.
    const created = await Promise.all(
      ['p1', 'p2', 'p3'].map((n) => f.create(ACCOUNT, [attr('__NAME__', n)], options({ faultDelayMs: 50 }))),
    );
    assert.deepEqual(created.map((u) => u.value).sort(), ['1', '2', '3']);
    assert.deepEqual((await names(f, null)).sort(), ['p1', 'p2', 'p3']);
    // Another configuration naming the same store sees the same data.
    const other = facade({ properties: { storeName, readOnly: true } });
    assert.deepEqual((await names(other, null)).sort(), ['p1', 'p2', 'p3']);
    assert.equal((await other.getLatestSyncToken(ACCOUNT))?.value, 3n);
  });

  test('without a store name, identical configurations share a store and instanceId separates them', async () => {
    const id = `inst-${process.pid}-${Date.now()}`;
    const a = facade({ properties: { instanceId: id } });
    await a.create(ACCOUNT, [attr('__NAME__', 'shared')], null);
    const sameConfigAgain = facade({ properties: { instanceId: id, faultInjection: '{}' } });
    assert.deepEqual(await names(sameConfigAgain, null), ['shared']);
    const otherId = facade({ properties: { instanceId: `${id}-other` } });
    assert.deepEqual(await names(otherId, null), []);
  });
});
