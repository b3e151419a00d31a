/** End to end against the built-in CSV file connector on a temporary file: CRUD, search, authenticate. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  Attribute,
  F,
  GuardedString,
  JavaFile,
  Name,
  ObjectClass,
  OperationOptionsBuilder,
  RemoteWrappedException,
  Uid,
} from '../../src/model/index.ts';
import type { RemoteConnectorFacade } from '../../src/client/index.ts';
import { CSV_KEY, collect, names, startWithClient, tempDir, type E2eContext } from './support.ts';

const ACCOUNT = ObjectClass.ACCOUNT;
const EXC = 'org.identityconnectors.framework.common.exceptions.';

let ctx: E2eContext;
let tmp: { dir: string; remove(): void };
let fileCounter = 0;

before(async () => {
  tmp = tempDir('rcs-e2e-csv-');
  ctx = await startWithClient();
});

after(async () => {
  await ctx?.close();
  tmp?.remove();
});

/** A facade on a new CSV file holding only the header. */
function csvFacade(): { facade: RemoteConnectorFacade; file: string } {
  const file = path.join(tmp.dir, `users-${++fileCounter}.csv`);
  writeFileSync(file, 'uid,password,firstName,lastName,email\n');
  const facade = ctx.client.newFacade(CSV_KEY, { csvFile: new JavaFile(file), headerUid: 'uid', headerPassword: 'password' });
  return { facade, file };
}

async function seed(f: RemoteConnectorFacade): Promise<void> {
  await f.create(
    ACCOUNT,
    [new Name('bob'), new Attribute('firstName', ['Bob']), new Attribute('lastName', ['Builder']), new Attribute('email', ['bob@example.com']), new Attribute('__PASSWORD__', [new GuardedString('Passw0rd')])],
    null,
  );
  await f.create(
    ACCOUNT,
    [new Name('carol'), new Attribute('firstName', ['Carol']), new Attribute('lastName', ['Singer']), new Attribute('email', ['carol@example.com']), new Attribute('__PASSWORD__', [new GuardedString('s3cret')])],
    null,
  );
}

test('validate, test and schema on a temp file; validate fails on a missing file', async () => {
  const { facade } = csvFacade();
  await facade.validate();
  await facade.test();
  const schema = await facade.schema();
  const account = schema?.objectClassInfo('__ACCOUNT__');
  assert.ok(account);
  const missing = ctx.client.newFacade(CSV_KEY, { csvFile: new JavaFile(path.join(tmp.dir, 'does-not-exist.csv')) });
  await assert.rejects(missing.validate(), (e: unknown) => e instanceof RemoteWrappedException && e.remoteClass === `${EXC}ConfigurationException`);
});

test('create, get, update, delete; the file holds the rows', async () => {
  const { facade: f, file } = csvFacade();
  await seed(f);
  // Fields may be quoted (the Java connector quotes every value it writes).
  const rows = readFileSync(file, 'utf8').trim().split('\n').map((line) => line.split(',').map((c) => c.replace(/^"|"$/g, '')));
  assert.deepEqual(rows[0], ['uid', 'password', 'firstName', 'lastName', 'email']);
  assert.deepEqual(rows.slice(1).map((r) => [r[0], r[2], r[3], r[4]]), [
    ['bob', 'Bob', 'Builder', 'bob@example.com'],
    ['carol', 'Carol', 'Singer', 'carol@example.com'],
  ]);

  const bob = await f.getObject(ACCOUNT, new Uid('bob'), null);
  assert.ok(bob);
  assert.equal(bob.name.value, 'bob');
  assert.deepEqual(bob.attribute('email')?.values, ['bob@example.com']);
  // As the Java connector does, the password comes back, guarded.
  const password = bob.attribute('__PASSWORD__')?.values?.[0];
  assert.ok(password instanceof GuardedString);
  assert.equal(password.access((clear) => clear), 'Passw0rd');

  const slim = await f.getObject(ACCOUNT, new Uid('bob'), new OperationOptionsBuilder().attributesToGet('email').build());
  assert.deepEqual(slim?.attribute('email')?.values, ['bob@example.com']);
  assert.equal(slim?.attribute('firstName'), undefined);

  await assert.rejects(f.create(ACCOUNT, [new Name('bob'), new Attribute('firstName', ['Bob2'])], null), (e: unknown) => e instanceof RemoteWrappedException && e.remoteClass === `${EXC}AlreadyExistsException`);

  await f.update('replace', ACCOUNT, new Uid('bob'), [new Attribute('email', ['robert@example.com'])], null);
  assert.deepEqual((await f.getObject(ACCOUNT, new Uid('bob'), null))?.attribute('email')?.values, ['robert@example.com']);
  assert.match(readFileSync(file, 'utf8'), /robert@example.com/);

  await f.delete(ACCOUNT, new Uid('carol'), null);
  assert.equal(await f.getObject(ACCOUNT, new Uid('carol'), null), null);
  assert.doesNotMatch(readFileSync(file, 'utf8'), /carol/);
  await assert.rejects(f.delete(ACCOUNT, new Uid('carol'), null), (e: unknown) => e instanceof RemoteWrappedException && e.remoteClass === `${EXC}UnknownUidException`);
});

test('search: all, equals, or of startsWith/endsWith, not contains, paging', async () => {
  const { facade: f } = csvFacade();
  await seed(f);
  await f.create(ACCOUNT, [new Name('dave'), new Attribute('firstName', ['Dave']), new Attribute('lastName', ['Ranger']), new Attribute('email', ['dave@example.com'])], null);
  assert.deepEqual(names((await collect(f, ACCOUNT)).objects).sort(), ['bob', 'carol', 'dave']);
  assert.deepEqual(names((await collect(f, ACCOUNT, F.equals(new Attribute('firstName', ['Carol'])))).objects), ['carol']);
  const orFilter = F.or(F.startsWith(new Attribute('email', ['bob'])), F.endsWith(new Attribute('lastName', ['ger'])));
  assert.deepEqual(names((await collect(f, ACCOUNT, orFilter)).objects).sort(), ['bob', 'carol', 'dave']);
  const notContains = F.not(F.contains(new Attribute('email', ['carol'])));
  assert.deepEqual(names((await collect(f, ACCOUNT, notContains)).objects).sort(), ['bob', 'dave']);
  const page = await collect(f, ACCOUNT, null, new OperationOptionsBuilder().pageSize(2).build());
  assert.equal(page.objects.length, 2);
});

test('authenticate and resolveUsername', async () => {
  const { facade: f } = csvFacade();
  await seed(f);
  assert.equal((await f.authenticate(ACCOUNT, 'bob', new GuardedString('Passw0rd'), null)).value, 'bob');
  await assert.rejects(f.authenticate(ACCOUNT, 'bob', new GuardedString('nope-nope'), null), (e: unknown) => {
    assert.ok(e instanceof RemoteWrappedException);
    assert.match(e.remoteClass, /Invalid(Password|Credential)Exception$/);
    assert.doesNotMatch(`${e.message}${e.remoteStackTrace ?? ''}`, /nope-nope|Passw0rd/);
    return true;
  });
  assert.equal((await f.resolveUsername(ACCOUNT, 'carol', null)).value, 'carol');
});
