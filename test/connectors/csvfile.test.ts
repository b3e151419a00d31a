/**
 * The csvfile connector bundle, run through the connector framework as the server runs it, on real files in a
 * temporary directory.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, symlink, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnectorRegistry, type ConnectorFacade, type ConnectorRegistry } from '../../src/framework/index.ts';
import { decodeFacadeKey, encodeFacadeKey } from '../../src/wire/legacy/index.ts';
import {
  AlreadyExistsException,
  Attribute,
  ConfigurationException,
  ConnectorIOException,
  ConnectorKey,
  F,
  GuardedString,
  InvalidAttributeValueException,
  InvalidCredentialException,
  InvalidPasswordException,
  JavaFile,
  ObjectClass,
  OperationOptionsBuilder,
  SortKey,
  SyncToken,
  Uid,
  UnknownUidException,
  attr,
  type ConnectorObject,
  type SyncDelta,
} from '../../src/spi/index.ts';
import { CsvTable } from '../../connectors/csvfile/csv-table.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const KEY = new ConnectorKey(
  'org.forgerock.openicf.connectors.csvfile-connector',
  '1.5.20.0',
  'org.forgerock.openicf.csvfile.CSVFileConnector',
);
const ACCOUNT = ObjectClass.ACCOUNT;
const HEADER = 'uid,password,firstName,lastName,email\n';
const FAULT_HOOK = Symbol.for('openicf.csvfile.faultHook');

let root: string;
let bundleDir: string;
let registry: ConnectorRegistry;
let fileCount = 0;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'csvfile-test-'));
  // A bundle directory holding only this bundle, loaded the way the server loads its bundle directory.
  bundleDir = join(root, 'bundles');
  await mkdir(bundleDir);
  await symlink(join(REPO, 'connectors', 'csvfile'), join(bundleDir, 'csvfile'), 'dir');
  registry = await createConnectorRegistry({ bundleDir });
});

after(async () => {
  await registry?.dispose();
  await rm(root, { recursive: true, force: true });
});

/** A new CSV file with the given content in its own directory. */
async function csvFile(content: string | Buffer, name = 'users.csv'): Promise<string> {
  const dir = join(root, `d${++fileCount}`);
  await mkdir(dir);
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

function facade(path: string, properties: Record<string, unknown> = {}): ConnectorFacade {
  const info = registry.findConnectorInfo(KEY);
  assert.ok(info, 'the csvfile connector is loaded');
  const api = decodeFacadeKey(encodeFacadeKey(info.defaultApiConfiguration));
  api.configurationProperties.setValue('csvFile', new JavaFile(path));
  for (const [k, v] of Object.entries(properties)) api.configurationProperties.setValue(k, v);
  return registry.facade(KEY, encodeFacadeKey(api));
}

async function searchAll(f: ConnectorFacade, filter: Parameters<ConnectorFacade['search']>[1] = null, options: Parameters<ConnectorFacade['search']>[3] = null) {
  const objects: ConnectorObject[] = [];
  const result = await f.search(ACCOUNT, filter, async (o) => (objects.push(o), true), options);
  return { objects, result };
}

function values(o: ConnectorObject | null | undefined): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const a of o?.attributes ?? []) {
    out[a.name] = (a.values ?? []).map((v) => (v instanceof GuardedString ? v.access((c) => `guarded:${c}`) : v));
  }
  return out;
}

async function syncAll(f: ConnectorFacade, token: SyncToken | null) {
  const deltas: SyncDelta[] = [];
  const next = await f.sync(ACCOUNT, token, async (d) => (deltas.push(d), true), null);
  return { deltas, next };
}

function summary(deltas: readonly SyncDelta[]): string[] {
  return deltas.map((d) => `${d.deltaType}:${d.uid.value}`);
}

async function snapshotFiles(path: string): Promise<string[]> {
  const dir = join(path, '..');
  const base = path.slice(dir.length + 1);
  return (await readdir(dir)).filter((n) => new RegExp(`^${base.replace('.', '\\.')}\\.[0-9]{13}$`).test(n)).sort();
}

async function withFaultHook<T>(hook: (stage: string, target: string) => void, fn: () => Promise<T>): Promise<T> {
  const g = globalThis as unknown as Record<symbol, unknown>;
  g[FAULT_HOOK] = hook;
  try {
    return await fn();
  } finally {
    delete g[FAULT_HOOK];
  }
}

const bob = [
  attr('__NAME__', 'bob'),
  attr('firstName', 'Bob'),
  attr('lastName', 'Builder'),
  attr('email', 'bob@example.com'),
  attr('__PASSWORD__', new GuardedString('Passw0rd')),
];
const carol = [
  attr('__NAME__', 'carol'),
  attr('firstName', 'Carol'),
  attr('lastName', 'Singer'),
  attr('email', 'carol@example.com'),
  attr('__PASSWORD__', new GuardedString('s3cret')),
];

describe('csvfile connector: identity and configuration', () => {
  it('declares the Java connector key, properties, defaults and message keys', () => {
    const info = registry.findConnectorInfo(KEY)!;
    assert.equal(info.connectorDisplayNameKey, 'connector_name.display');
    const props = info.defaultApiConfiguration.configurationProperties.properties.map((p) => ({
      name: p.name,
      type: String(p.type),
      value: p.value,
      required: p.required,
      confidential: p.confidential,
      display: p.displayMessageKey,
      help: p.helpMessageKey,
    }));
    assert.deepEqual(props, [
      { name: 'headerPassword', type: 'String', value: 'password', required: false, confidential: false, display: 'csv_header_password.display', help: 'csv_header_password.help' },
      { name: 'csvFile', type: 'File', value: null, required: true, confidential: false, display: 'csv_filepath.display', help: 'csv_filepath.help' },
      { name: 'newlineString', type: 'String', value: '\n', required: false, confidential: false, display: 'csv_lineend_character.display', help: 'csv_lineend_character.help' },
      { name: 'headerUid', type: 'String', value: 'uid', required: false, confidential: false, display: 'csv_header_uid.display', help: 'csv_header_uid.help' },
      { name: 'quoteCharacter', type: 'String', value: '"', required: false, confidential: false, display: 'csv_quote_character.display', help: 'csv_quote_character.help' },
      { name: 'fieldDelimiter', type: 'String', value: ',', required: false, confidential: false, display: 'csv_field_delimiter.display', help: 'csv_field_delimiter.help' },
      { name: 'syncFileRetentionCount', type: 'int', value: 3, required: false, confidential: false, display: 'sync_file_retention_count.display', help: 'sync_file_retention_count.help' },
    ]);
    for (const p of info.defaultApiConfiguration.configurationProperties.properties) {
      assert.notEqual(info.messages.format(p.displayMessageKey!), p.displayMessageKey, `${p.name} has a display text`);
      assert.notEqual(info.messages.format(p.helpMessageKey!), p.helpMessageKey, `${p.name} has a help text`);
    }
    assert.equal(info.messages.format('connector_name.display'), 'CSV File Connector');
  });

  it('validate refuses a missing file and a directory with the Java messages', async () => {
    await assert.rejects(facade(join(root, 'nope.csv')).validate(), (e: unknown) => {
      assert.ok(e instanceof ConfigurationException);
      assert.match((e as Error).message, /doesn't exist\. A file containing a csv header must exist\./);
      return true;
    });
    await assert.rejects(facade(root).validate(), /points to a directory/);
    await assert.rejects(facade(await csvFile(HEADER), { fieldDelimiter: '"' }).validate(), ConfigurationException);
  });

  it('test passes on a good file and reports a missing uid column', async () => {
    await facade(await csvFile(HEADER)).test();
    await assert.rejects(facade(await csvFile('name,email\n')).test(), (e: unknown) => {
      assert.ok(e instanceof ConfigurationException);
      assert.match((e as Error).message, /does not contain required uid column.*line 1/);
      return true;
    });
  });
});

describe('csvfile connector: operations as the Java connector answers them', () => {
  it('runs the CRUD, search, authentication and resolve steps of the recorded session', async () => {
    const path = await csvFile(HEADER);
    const f = facade(path);
    await f.validate();
    await f.test();

    const schema = await f.schema();
    const oci = schema!.objectClassInfo('__ACCOUNT__')!;
    assert.deepEqual(
      oci.attributeInfos.map((a) => [a.name, String(a.type), [...a.flags]]),
      [
        ['__NAME__', 'String', ['REQUIRED']],
        ['__UID__', 'String', []],
        ['__PASSWORD__', 'GuardedString', ['NOT_READABLE', 'NOT_RETURNED_BY_DEFAULT']],
        ['firstName', 'String', []],
        ['lastName', 'String', []],
        ['email', 'String', []],
      ],
    );

    assert.equal((await f.create(ACCOUNT, bob, null)).value, 'bob');
    assert.equal((await f.create(ACCOUNT, carol, null)).value, 'carol');
    await assert.rejects(f.create(ACCOUNT, [attr('__NAME__', 'bob'), attr('firstName', 'Bob2')], null), (e: unknown) => {
      assert.ok(e instanceof AlreadyExistsException);
      assert.equal((e as Error).message, 'Account bob already exists.');
      return true;
    });
    assert.equal(
      await readFile(path, 'utf8'),
      HEADER + '"bob","Passw0rd","Bob","Builder","bob@example.com"\n"carol","s3cret","Carol","Singer","carol@example.com"\n',
    );

    assert.deepEqual(values(await f.getObject(ACCOUNT, new Uid('bob'), null)), {
      __UID__: ['bob'],
      __NAME__: ['bob'],
      uid: ['bob'],
      __PASSWORD__: ['guarded:Passw0rd'],
      firstName: ['Bob'],
      lastName: ['Builder'],
      email: ['bob@example.com'],
    });
    const onlyEmail = await f.getObject(ACCOUNT, new Uid('bob'), new OperationOptionsBuilder().attributesToGet('email').build());
    assert.deepEqual(values(onlyEmail), { __UID__: ['bob'], __NAME__: ['bob'], email: ['bob@example.com'] });

    const names = async (filter: Parameters<ConnectorFacade['search']>[1]) => (await searchAll(f, filter)).objects.map((o) => o.uid.value);
    assert.deepEqual(await names(null), ['bob', 'carol']);
    assert.deepEqual(await names(F.equals(attr('firstName', 'Carol'))), ['carol']);
    assert.deepEqual(await names(F.or(F.startsWith(attr('email', 'bob')), F.endsWith(attr('lastName', 'ger')))), ['bob', 'carol']);
    assert.deepEqual(await names(F.not(F.contains(attr('email', 'carol')))), ['bob']);
    assert.deepEqual(await names(F.equals(attr('__NAME__', 'carol'))), ['carol']);
    assert.deepEqual(await names(F.equals(attr('FIRSTNAME', 'Carol'))), ['carol'], 'attribute names are case-insensitive');
    assert.deepEqual(await names(F.equals(attr('firstName', 'carol'))), [], 'values are compared case-sensitively');
    assert.deepEqual(await names(F.greaterThan(attr('lastName', 'C'))), ['carol']);
    assert.deepEqual(await names(F.present('email')), ['bob', 'carol']);

    const page1 = await searchAll(f, null, new OperationOptionsBuilder().pageSize(1).sortKeys(new SortKey('__NAME__', false)).build());
    assert.deepEqual(page1.objects.map((o) => o.uid.value), ['carol']);
    assert.equal(page1.result?.remainingPagedResults, 1);
    assert.equal(page1.result?.totalPagedResults, 2);
    const cookie = page1.result?.pagedResultsCookie;
    assert.ok(cookie);
    const page2 = await searchAll(
      f,
      null,
      new OperationOptionsBuilder().pageSize(1).pagedResultsCookie(cookie).sortKeys(new SortKey('__NAME__', false)).build(),
    );
    assert.deepEqual(page2.objects.map((o) => o.uid.value), ['bob']);
    assert.equal(page2.result?.pagedResultsCookie ?? null, null);
    const byOffset = await searchAll(f, null, new OperationOptionsBuilder().pageSize(1).pagedResultsOffset(1).build());
    assert.deepEqual(byOffset.objects.map((o) => o.uid.value), ['carol']);

    assert.equal((await f.update('replace', ACCOUNT, new Uid('bob'), [attr('email', 'bob@new.example.com')], null)).value, 'bob');
    // Single-valued columns: adding a value sets it; removing the value held clears it (the recorded outcome).
    await f.update('add', ACCOUNT, new Uid('bob'), [attr('lastName', 'Extra')], null);
    assert.deepEqual(values(await f.getObject(ACCOUNT, new Uid('bob'), null)).lastName, ['Extra']);
    await f.update('remove', ACCOUNT, new Uid('bob'), [attr('lastName', 'Other')], null);
    assert.deepEqual(values(await f.getObject(ACCOUNT, new Uid('bob'), null)).lastName, ['Extra']);
    await f.update('remove', ACCOUNT, new Uid('bob'), [attr('lastName', 'Extra')], null);
    assert.deepEqual(values(await f.getObject(ACCOUNT, new Uid('bob'), null)), {
      __UID__: ['bob'],
      __NAME__: ['bob'],
      uid: ['bob'],
      __PASSWORD__: ['guarded:Passw0rd'],
      firstName: ['Bob'],
      email: ['bob@new.example.com'],
    });
    await assert.rejects(f.update('replace', ACCOUNT, new Uid('nobody'), [attr('email', 'x')], null), UnknownUidException);

    assert.equal((await f.authenticate(ACCOUNT, 'bob', new GuardedString('Passw0rd'), null)).value, 'bob');
    await assert.rejects(f.authenticate(ACCOUNT, 'bob', new GuardedString('nope'), null), (e: unknown) => {
      assert.ok(e instanceof InvalidPasswordException);
      assert.equal((e as Error).message, 'Invalid username and/or password.');
      assert.doesNotMatch((e as Error).message, /nope|Passw0rd/);
      return true;
    });
    await assert.rejects(f.authenticate(ACCOUNT, 'nobody', new GuardedString('x'), null), (e: unknown) => {
      assert.ok(e instanceof InvalidCredentialException);
      assert.equal((e as Error).message, 'Account nobody does not exist.');
      return true;
    });
    assert.equal((await f.resolveUsername(ACCOUNT, 'carol', null)).value, 'carol');
    await assert.rejects(f.resolveUsername(ACCOUNT, 'nobody', null), InvalidCredentialException);

    await f.delete(ACCOUNT, new Uid('carol'), null);
    assert.equal(await f.getObject(ACCOUNT, new Uid('carol'), null), null);
    await assert.rejects(f.delete(ACCOUNT, new Uid('carol'), null), (e: unknown) => {
      assert.ok(e instanceof UnknownUidException);
      assert.equal((e as Error).message, 'Object for uid Attribute: {Name=__UID__, Value=[carol]} does not exist');
      return true;
    });
    assert.deepEqual((await searchAll(f)).objects.map((o) => o.uid.value), ['bob']);
    await assert.rejects(f.create(ObjectClass.GROUP, [attr('__NAME__', 'g')], null), /requires ObjectClass __ACCOUNT__/);
  });

  it('renames through __NAME__ and refuses a rename onto an existing uid', async () => {
    const path = await csvFile(HEADER + 'a,,A,,\nb,,B,,\n');
    const f = facade(path);
    assert.equal((await f.update('replace', ACCOUNT, new Uid('a'), [attr('__NAME__', 'a2')], null)).value, 'a2');
    assert.equal(await f.getObject(ACCOUNT, new Uid('a'), null), null);
    assert.deepEqual(values(await f.getObject(ACCOUNT, new Uid('a2'), null)).firstName, ['A']);
    await assert.rejects(f.update('replace', ACCOUNT, new Uid('a2'), [attr('__NAME__', 'b')], null), AlreadyExistsException);
  });

  it('replacing __PASSWORD__ makes authenticate accept the new password and refuse the old one', async () => {
    const f = facade(await csvFile(HEADER));
    await f.create(ACCOUNT, bob, null);
    await f.update('replace', ACCOUNT, new Uid('bob'), [new Attribute('__PASSWORD__', [new GuardedString('N3w-pässwörd')])], null);
    assert.equal((await f.authenticate(ACCOUNT, 'bob', new GuardedString('N3w-pässwörd'), null)).value, 'bob');
    await assert.rejects(f.authenticate(ACCOUNT, 'bob', new GuardedString('Passw0rd'), null), InvalidPasswordException);
  });

  it('sees edits made to the file by other programs', async () => {
    const path = await csvFile(HEADER + 'a,,A,,\n');
    const f = facade(path);
    assert.deepEqual((await searchAll(f)).objects.map((o) => o.uid.value), ['a']);
    await writeFile(path, HEADER + 'a,,A,,\nz,,Z,,\n');
    assert.deepEqual((await searchAll(f)).objects.map((o) => o.uid.value), ['a', 'z']);
    // An in-place edit that keeps the size is seen through the modification time.
    await writeFile(path, HEADER + 'a,,B,,\nz,,Z,,\n');
    const later = new Date(Date.now() + 5000);
    await utimes(path, later, later);
    assert.deepEqual(values(await f.getObject(ACCOUNT, new Uid('a'), null)).firstName, ['B']);
  });
});

describe('csvfile connector: CSV format', () => {
  it('reads quoting, doubled quotes, blanks, CRLF, a BOM, multi-line values and Unicode', async () => {
    const content =
      '\uFEFFuid,firstName,lastName,note\r\n' +
      '"mmouse","Mickey","Mouse","embedded""doublequote"\r\n' +
      '"dduck", "Daffy" , "Duck","embedded,delimiter"\r\n' +
      '\r\n' +
      'zoë,Zoë,Ñúñez,"two\nlines"\n' +
      '"漢字","😀",,""\n';
    const path = await csvFile(content);
    const f = facade(path);
    const { objects } = await searchAll(f);
    assert.deepEqual(
      objects.map((o) => values(o)),
      [
        { __UID__: ['mmouse'], __NAME__: ['mmouse'], uid: ['mmouse'], firstName: ['Mickey'], lastName: ['Mouse'], note: ['embedded"doublequote'] },
        { __UID__: ['dduck'], __NAME__: ['dduck'], uid: ['dduck'], firstName: ['Daffy'], lastName: ['Duck'], note: ['embedded,delimiter'] },
        { __UID__: ['zoë'], __NAME__: ['zoë'], uid: ['zoë'], firstName: ['Zoë'], lastName: ['Ñúñez'], note: ['two\nlines'] },
        { __UID__: ['漢字'], __NAME__: ['漢字'], uid: ['漢字'], firstName: ['😀'], note: [''] },
      ],
    );
    // A write keeps the BOM, the header and the untouched rows as they were, and quotes what it writes.
    await f.update('replace', ACCOUNT, new Uid('zoë'), [attr('note', 'say "hi", then\r\nleave')], null);
    const text = await readFile(path, 'utf8');
    assert.equal(
      text,
      '\uFEFFuid,firstName,lastName,note\n' +
        '"mmouse","Mickey","Mouse","embedded""doublequote"\n' +
        '"dduck", "Daffy" , "Duck","embedded,delimiter"\n' +
        '"zoë","Zoë","Ñúñez","say ""hi"", then\r\nleave"\n' +
        '"漢字","😀",,""\n',
    );
    assert.deepEqual(values(await f.getObject(ACCOUNT, new Uid('zoë'), null)).note, ['say "hi", then\r\nleave']);
  });

  it('uses the configured delimiter, quote character and newline string', async () => {
    const path = await csvFile("id|name|city\r\n'a'|'Ann'|'Oslo|Norway'\r\n");
    const f = facade(path, { fieldDelimiter: '|', quoteCharacter: "'", newlineString: '\r\n', headerUid: 'id' });
    assert.deepEqual(values(await f.getObject(ACCOUNT, new Uid('a'), null)).city, ['Oslo|Norway']);
    await f.create(ACCOUNT, [attr('__NAME__', 'b'), attr('name', "O'Brien"), attr('city', 'Cork|IE')], null);
    assert.equal(await readFile(path, 'utf8'), "id|name|city\r\n'a'|'Ann'|'Oslo|Norway'\r\n'b'|'O''Brien'|'Cork|IE'\r\n");
    assert.deepEqual(values(await f.getObject(ACCOUNT, new Uid('b'), null)).name, ["O'Brien"]);
    // No password column in this file: no __PASSWORD__ in the schema, and authenticate says why.
    const schema = await f.schema();
    assert.deepEqual(schema!.objectClassInfo('__ACCOUNT__')!.attributeInfos.map((a) => a.name), ['__NAME__', '__UID__', 'name', 'city']);
    await assert.rejects(f.authenticate(ACCOUNT, 'a', new GuardedString('x'), null), ConfigurationException);
  });

  it('reports malformed files with the line number', async () => {
    const cases: Array<[string, RegExp, new (...a: never[]) => Error]> = [
      [HEADER + 'a,,A,,\nb,,"B,,\nc,,C,,\n', /line 3: unterminated quoted field/, ConnectorIOException],
      [HEADER + 'a,,A,,\nb,,B,\n', /line 3: expected 5 fields as in the header but found 4/, ConnectorIOException],
      [HEADER + 'a,,A,,\n\nb,,B,,\na,,C,,\n', /line 5: duplicate uid 'a' \(first at line 2\)/, ConnectorIOException],
      [HEADER + 'a,,A,,\n,,B,,\n', /line 3: the uid column is empty/, ConnectorIOException],
      [HEADER + 'a,,"A"x,,\n', /line 2: unexpected character 'x' after a closing quote/, ConnectorIOException],
      ['uid,name,uid\n', /duplicate columns: 'uid'.*line 1/, ConfigurationException],
      ['', /has no header line/, ConfigurationException],
    ];
    for (const [content, message, type] of cases) {
      const f = facade(await csvFile(content));
      await assert.rejects(searchAll(f), (e: unknown) => {
        assert.ok(e instanceof type, `${String(e)} is a ${type.name}`);
        assert.match((e as Error).message, message);
        return true;
      });
    }
    const latin1 = Buffer.concat([Buffer.from(HEADER + 'a,,A,,\n'), Buffer.from('b,,J\xfcrgen,,\n', 'latin1')]);
    await assert.rejects(searchAll(facade(await csvFile(latin1))), /not valid UTF-8 text \(line 3\)/);
  });
});

describe('csvfile connector: sync', () => {
  it('reports creates, updates and deletes since a token, in a fixed order, and keeps the retention count', async () => {
    const path = await csvFile(HEADER + 'a,,A,,\nb,,B,,\nc,,C,,\n');
    const f = facade(path, { syncFileRetentionCount: 2 });
    const t0 = await f.getLatestSyncToken(ACCOUNT);
    assert.ok(t0 && typeof t0.value === 'bigint');
    assert.deepEqual(await snapshotFiles(path), [`users.csv.${t0.value}`]);
    // Nothing changed: the same token again, and an empty sync.
    assert.equal((await f.getLatestSyncToken(ACCOUNT))!.value, t0.value);
    const none = await syncAll(f, t0);
    assert.deepEqual(none.deltas, []);
    assert.equal(none.next!.value, t0.value);

    await f.create(ACCOUNT, [attr('__NAME__', 'd'), attr('firstName', 'D')], null);
    await f.update('replace', ACCOUNT, new Uid('b'), [attr('email', 'b@example.com')], null);
    await f.delete(ACCOUNT, new Uid('a'), null);
    await f.delete(ACCOUNT, new Uid('c'), null);
    const s1 = await syncAll(f, t0);
    assert.deepEqual(summary(s1.deltas), ['DELETE:a', 'DELETE:c', 'UPDATE:b', 'CREATE:d']);
    assert.ok(s1.deltas.every((d) => d.token.value === t0.value && d.objectClass?.is('__ACCOUNT__')));
    assert.deepEqual(values(s1.deltas[2]!.object).email, ['b@example.com']);
    assert.deepEqual(values(s1.deltas[0]!.object).firstName, ['A']);
    const t1 = s1.next!;
    assert.ok((t1.value as bigint) > (t0.value as bigint));
    assert.deepEqual((await syncAll(f, t1)).deltas, []);
    // The old token still works while its snapshot is retained.
    assert.deepEqual(summary((await syncAll(f, t0)).deltas), ['DELETE:a', 'DELETE:c', 'UPDATE:b', 'CREATE:d']);

    // Edits by another program are seen too.
    await writeFile(path, (await readFile(path, 'utf8')).replace('"D"', '"Dee"'));
    const s2 = await syncAll(f, t1);
    assert.deepEqual(summary(s2.deltas), ['UPDATE:d']);
    assert.deepEqual(values(s2.deltas[0]!.object).firstName, ['Dee']);

    for (let k = 0; k < 4; k++) {
      await f.update('replace', ACCOUNT, new Uid('b'), [attr('firstName', `B${k}`)], null);
      await f.getLatestSyncToken(ACCOUNT);
    }
    const kept = await snapshotFiles(path);
    assert.equal(kept.length, 2);
    assert.ok(!kept.includes(`users.csv.${t0.value}`));
    // A token whose snapshot is gone: every row is reported, and a new token is returned.
    const full = await syncAll(f, t0);
    assert.deepEqual(summary(full.deltas), ['CREATE_OR_UPDATE:b', 'CREATE_OR_UPDATE:d']);
    assert.ok((full.next!.value as bigint) > (t1.value as bigint));
  });

  it('a stopped sync returns the token it started from', async () => {
    const path = await csvFile(HEADER + 'a,,A,,\n');
    const f = facade(path);
    const t0 = (await f.getLatestSyncToken(ACCOUNT))!;
    await f.create(ACCOUNT, [attr('__NAME__', 'b')], null);
    await f.create(ACCOUNT, [attr('__NAME__', 'c')], null);
    const seen: string[] = [];
    const next = await f.sync(ACCOUNT, t0, async (d) => (seen.push(d.uid.value), false), null);
    assert.deepEqual(seen, ['b']);
    assert.equal(next!.value, t0.value);
    assert.deepEqual(summary((await syncAll(f, t0)).deltas), ['CREATE:b', 'CREATE:c']);
  });
});

describe('csvfile connector: safety of writes', () => {
  it('200 concurrent creates and updates from two facades leave exactly the acknowledged state', async () => {
    const rows = Array.from({ length: 100 }, (_, k) => `p${k},,P${k},,\n`).join('');
    const path = await csvFile(HEADER + rows);
    const f1 = facade(path);
    const f2 = facade(path, { syncFileRetentionCount: 4 }); // another configuration: another facade and instance
    assert.notEqual(f1, f2);
    const ops: Array<Promise<string>> = [];
    for (let k = 0; k < 100; k++) {
      const f = k % 2 ? f1 : f2;
      ops.push(f.create(ACCOUNT, [attr('__NAME__', `u${k}`), attr('firstName', `U${k}`), attr('email', `u${k}@x`)], null).then((u) => `c:${u.value}`));
      ops.push(f.update('replace', ACCOUNT, new Uid(`p${k}`), [attr('lastName', `L${k}`)], null).then((u) => `u:${u.value}`));
    }
    // Duplicates that must fail without disturbing anything.
    const dups = Array.from({ length: 10 }, (_, k) =>
      f1.create(ACCOUNT, [attr('__NAME__', `p${k}`)], null).then(
        () => 'unexpected',
        (e: unknown) => (e instanceof AlreadyExistsException ? 'dup' : String(e)),
      ),
    );
    const acked = await Promise.all(ops);
    assert.equal(acked.length, 200);
    assert.deepEqual(await Promise.all(dups), Array(10).fill('dup'));

    const table = CsvTable.parse(await readFile(path, 'utf8'), { quote: '"', delimiter: ',', newline: '\n', headerUid: 'uid', headerPassword: 'password' }, path);
    assert.equal(table.size, 200);
    for (let k = 0; k < 100; k++) {
      assert.deepEqual(table.row(`p${k}`)?.cells, [`p${k}`, null, `P${k}`, `L${k}`, null]);
      assert.deepEqual(table.row(`u${k}`)?.cells, [`u${k}`, null, `U${k}`, null, `u${k}@x`]);
    }
    const leftovers = (await readdir(join(path, '..'))).filter((n) => n.endsWith('.tmp'));
    assert.deepEqual(leftovers, []);
  });

  it('an operation that fails at any point leaves the file byte-identical', async () => {
    const original = HEADER + '"a","pw","A","Aa","a@x"\nb,,B,,\n';
    const path = await csvFile(original);
    const f = facade(path);
    const failing: Array<[string, () => Promise<unknown>, new (...a: never[]) => Error]> = [
      ['value of an unsupported type', () => f.update('replace', ACCOUNT, new Uid('a'), [attr('firstName', new Uint8Array([1]))], null), InvalidAttributeValueException],
      ['several values for a column', () => f.create(ACCOUNT, [attr('__NAME__', 'c'), attr('email', 'x@y', 'z@y')], null), InvalidAttributeValueException],
      ['unknown uid', () => f.update('replace', ACCOUNT, new Uid('zz'), [attr('firstName', 'Z')], null), UnknownUidException],
      ['unknown uid on delete', () => f.delete(ACCOUNT, new Uid('zz'), null), UnknownUidException],
      ['duplicate create', () => f.create(ACCOUNT, [attr('__NAME__', 'b')], null), AlreadyExistsException],
      ['rename onto an existing uid', () => f.update('replace', ACCOUNT, new Uid('a'), [attr('__NAME__', 'b'), attr('firstName', 'X')], null), AlreadyExistsException],
      ['empty uid', () => f.update('replace', ACCOUNT, new Uid('a'), [attr('uid', '   ')], null), InvalidAttributeValueException],
    ];
    for (const [label, op, type] of failing) {
      await assert.rejects(op(), type, label);
      assert.equal(await readFile(path, 'utf8'), original, `file unchanged after: ${label}`);
    }

    // A failure injected after the new content was written to the temporary file, before it replaces the file.
    let calls = 0;
    await withFaultHook(
      (stage, target) => {
        if (stage === 'afterTempWrite' && target === path) {
          calls++;
          throw new Error('injected failure');
        }
      },
      async () => {
        await assert.rejects(f.update('replace', ACCOUNT, new Uid('a'), [attr('firstName', 'Changed')], null), (e: unknown) => {
          assert.ok(e instanceof ConnectorIOException);
          assert.match((e as Error).message, /injected failure/);
          return true;
        });
        await assert.rejects(f.delete(ACCOUNT, new Uid('b'), null), ConnectorIOException);
        await assert.rejects(f.create(ACCOUNT, [attr('__NAME__', 'n')], null), ConnectorIOException);
      },
    );
    assert.equal(calls, 3);
    assert.equal(await readFile(path, 'utf8'), original);
    assert.deepEqual((await readdir(join(path, '..'))).filter((n) => n.endsWith('.tmp')), []);
    // And the connector still sees the file as it is.
    assert.deepEqual(values(await f.getObject(ACCOUNT, new Uid('a'), null)).firstName, ['A']);
    await f.update('replace', ACCOUNT, new Uid('a'), [attr('firstName', 'Changed')], null);
    assert.deepEqual(values(await f.getObject(ACCOUNT, new Uid('a'), null)).firstName, ['Changed']);
  });

  it('a process killed while writing leaves the previous or the new file, never a torn one', async () => {
    const fixed = Array.from({ length: 300 }, (_, k) => `"f${k}","F${k}-${'y'.repeat(k % 50)}","${k}","",""\n`).join('');
    const path = await csvFile('uid,name,n,pad,check\n' + fixed + '"counter","counter","0","","0"\n');
    const layout = { quote: '"', delimiter: ',', newline: '\n', headerUid: 'uid', headerPassword: 'password' };
    const child = join(REPO, 'test', 'connectors', 'fixtures', 'csv-kill-writer.ts');
    let lastAcked = 0;
    for (let round = 0; round < 4; round++) {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, bundleDir, path], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      // 'close' comes after the child's output was read to its end.
      const closed = new Promise<void>((resolve) => proc.on('close', () => resolve()));
      const acked = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`writer made no progress: ${err}`)), 60_000);
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/^\d+$/m.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
        proc.on('exit', () => {
          clearTimeout(timer);
          reject(new Error(`writer exited early: ${err}`));
        });
      });
      try {
        await acked;
        await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 200)));
      } finally {
        proc.kill('SIGKILL');
        await closed;
      }
      const acks = out.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
      assert.ok(acks.length > 0);
      const seen = acks[acks.length - 1]!;
      assert.ok(seen > lastAcked, 'the writer advanced');

      const table = CsvTable.parse(await readFile(path, 'utf8'), layout, path);
      assert.equal(table.size, 301);
      for (let k = 0; k < 300; k++) assert.equal(table.row(`f${k}`)?.cells[1], `F${k}-${'y'.repeat(k % 50)}`);
      const [, , n, pad, check] = table.row('counter')!.cells;
      const value = Number(n);
      // The last acknowledged write, or the one after it when the child died between its rename and its report.
      assert.ok(value === seen || value === seen + 1, `the file holds ${value}; last acknowledged ${seen}`);
      assert.equal(pad ?? '', 'x'.repeat((value * 37) % 400));
      assert.equal(check, String(value * 7 + ((value * 37) % 400)));
      lastAcked = value;
    }
    // Temporary files of killed writers are removed when a connector next opens the file.
    assert.deepEqual(values(await facade(path).getObject(ACCOUNT, new Uid('counter'), null)).n, [String(lastAcked)]);
    assert.deepEqual((await readdir(join(path, '..'))).filter((n) => n.endsWith('.tmp')), []);
  });
});
