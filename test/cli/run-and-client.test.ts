/**
 * `bin/rcs run` as a child process with a temporary properties file, driven by `bin/rcs client info|run`:
 * JSON in and out, remote exceptions, wrong key, bad configuration, SIGTERM.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CHANGEIT_HASH, CONNECTORS_DIR, REPO_DIR, RcsServerProcess, freePort, runRcs, spawnRcsRun, startRcsRun, tempDir, writeProperties, type RcsResult } from './support.ts';

const BUILTIN_KEYS = [
  'org.openicf.rcs.benchmark:1.0.0.0:org.openicf.rcs.benchmark.BenchmarkConnector',
  'org.forgerock.openicf.connectors.csvfile-connector:1.5.20.0:org.forgerock.openicf.csvfile.CSVFileConnector',
  'org.openicf.rcs.memory:1.0.0.0:org.openicf.rcs.memory.MemoryConnector',
  'testbundlev1:1.0.0.0:org.identityconnectors.testconnector.TstConnector',
];
const MEMORY = 'org.openicf.rcs.memory.MemoryConnector';

let dir: string;
let cleanup: () => Promise<void>;
let server: RcsServerProcess | undefined;
let url: string;

before(async () => {
  ({ dir, cleanup } = await tempDir('run-client'));
  const started = await startRcsRun(dir);
  server = started.server;
  url = `ws://127.0.0.1:${started.port}/openicf`;
});

after(async () => {
  await server?.kill();
  await cleanup?.();
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function json(r: RcsResult): Json {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Json;
}

/** `rcs client run <op>` against the memory connector with its own store. */
function memoryOp(op: string, storeName: string, request: Record<string, unknown>, extra: string[] = []): Promise<RcsResult> {
  return runRcs(['client', 'run', op, '--url', url, '--key', 'changeit', '--connector', MEMORY, '--config', JSON.stringify({ storeName }), '--request', JSON.stringify(request), ...extra]);
}

test('client info lists the four built-in connectors with their configuration properties', async () => {
  const [text, asJson] = await Promise.all([
    runRcs(['client', 'info', '--url', url, '--key', 'changeit']),
    runRcs(['client', 'info', '--url', url, '--key', 'changeit', '--json']),
  ]);
  assert.equal(text.code, 0, text.stderr);
  for (const key of BUILTIN_KEYS) assert.ok(text.stdout.includes(key), `${key} missing from:\n${text.stdout}`);
  assert.match(text.stdout, /^\s+storeName: String$/m);
  assert.match(text.stdout, /^\s+csvFile: File \[required\]$/m);

  const infos = json(asJson) as Array<{ key: { bundleName: string; bundleVersion: string; connectorName: string }; configurationProperties: Array<{ name: string }> }>;
  assert.deepEqual(infos.map((i) => `${i.key.bundleName}:${i.key.bundleVersion}:${i.key.connectorName}`).sort(), [...BUILTIN_KEYS].sort());
  const memory = infos.find((i) => i.key.connectorName === MEMORY)!;
  for (const p of ['storeName', 'fixtureFile', 'objectClasses', 'readOnly']) {
    assert.ok(memory.configurationProperties.some((c) => c.name === p), `memory connector property ${p}`);
  }
});

test('client run: create, get, search, update, authenticate, delete on the memory connector', async () => {
  const store = `cli-${process.pid}`;
  const created = json(await memoryOp('create', store, {
    attributes: { __NAME__: 'alice', mail: ['a@example.com'], __PASSWORD__: { $type: 'GuardedString', value: 'Passw0rd' } },
  })) as { uid: Json };
  const uid = created.uid;
  assert.ok(uid !== null && uid !== undefined);

  const got = json(await memoryOp('get', store, { uid })) as { uid: Json; attributes: Record<string, Json> };
  assert.deepEqual(got.uid, uid);
  assert.deepEqual(got.attributes['__NAME__'], ['alice']);
  assert.deepEqual(got.attributes['mail'], ['a@example.com']);
  assert.equal(got.attributes['__PASSWORD__'], undefined, 'the password is not returned by default');

  const found = json(await memoryOp('search', store, {})) as { results: Array<{ uid: Json; attributes: Record<string, Json> }> };
  assert.equal(found.results.length, 1);
  assert.deepEqual(found.results[0]!.uid, uid);

  const updated = json(await memoryOp('update', store, { uid, attributes: { mail: ['b@example.com'] } })) as { uid: Json };
  assert.deepEqual(updated.uid, uid);
  const afterUpdate = json(await memoryOp('get', store, { uid })) as { attributes: Record<string, Json> };
  assert.deepEqual(afterUpdate.attributes['mail'], ['b@example.com']);

  const auth = json(await memoryOp('authenticate', store, { username: 'alice', password: 'Passw0rd' })) as { uid: Json };
  assert.deepEqual(auth.uid, uid);
  const badAuth = await memoryOp('authenticate', store, { username: 'alice', password: 'wrong' });
  assert.notEqual(badAuth.code, 0);
  assert.match(badAuth.stderr, /InvalidPasswordException/);
  assert.doesNotMatch(badAuth.stderr + badAuth.stdout, /Passw0rd/);

  assert.deepEqual(json(await memoryOp('delete', store, { uid })), { ok: true });
  assert.equal(json(await memoryOp('get', store, { uid })), null);

  const again = await memoryOp('delete', store, { uid });
  assert.notEqual(again.code, 0);
  assert.equal(again.stdout, '');
  const error = JSON.parse(again.stderr.trim()) as { exception: string; message: string };
  assert.match(error.exception, /UnknownUidException$/);
  assert.equal(error.exception, 'org.identityconnectors.framework.common.exceptions.UnknownUidException');
});

test('client with a wrong key fails with a clear authentication message', async () => {
  const r = await runRcs(['client', 'info', '--url', url, '--key', 'wrong', '--timeout', '3']);
  assert.notEqual(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /403/);
  assert.match(r.stderr, /authenticat/i);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const op = await runRcs(['client', 'run', 'get', '--url', url, '--key', 'wrong', '--timeout', '3', '--connector', MEMORY, '--request', '{"uid":"1"}']);
  assert.notEqual(op.code, 0);
  assert.match(op.stderr, /403/);
});

test('a bad property value stops rcs run with a message naming the property and the file', async () => {
  const file = join(dir, 'bad-port.properties');
  await writeProperties(file, { port: 'abc', key: CHANGEIT_HASH, bundleDir: CONNECTORS_DIR });
  const bad = spawnRcsRun(file);
  const exit = await bad.waitForExit(30_000);
  assert.notEqual(exit.code, 0);
  assert.equal(exit.signal, null);
  assert.match(bad.stderr, /connectorserver\.port=abc/);
  assert.ok(bad.stderr.includes(file), `the file is named: ${bad.stderr}`);
  assert.doesNotMatch(bad.output, /listening/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
});

test('SIGTERM makes rcs run exit 0 after logging its shutdown', async () => {
  const { server: own, port } = await startRcsRun(dir);
  try {
    const info = await runRcs(['client', 'info', '--url', `ws://127.0.0.1:${port}/openicf`, '--key', 'changeit']);
    assert.equal(info.code, 0);
    const exit = await own.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.match(own.stdout, /connector server stopped/);
  } finally {
    await own.kill();
  }
});

test('bin/ConnectorServer.sh /run: -J-Dconnectorserver.* overrides the file; a bad one names the property and OPENICF_OPTS', async () => {
  const file = join(dir, 'launcher.properties');
  await writeProperties(file, { port: '1', ifaddress: '127.0.0.1', key: CHANGEIT_HASH, bundleDir: CONNECTORS_DIR, pingPongInterval: '0' });
  const launch = (...args: string[]): RcsServerProcess =>
    new RcsServerProcess(
      spawn(join(REPO_DIR, 'bin', 'ConnectorServer.sh'), ['/run', '--properties', file, ...args], {
        env: { ...process.env, OPENICF_OPTS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );

  const bad = launch('-J-Dconnectorserver.port=abc');
  const badExit = await bad.waitForExit(30_000);
  assert.notEqual(badExit.code, 0);
  assert.match(bad.stderr, /connectorserver\.port=abc in OPENICF_OPTS/);

  const port = await freePort();
  const good = launch(`-J-Dconnectorserver.port=${port}`);
  try {
    await good.waitForLog(`:${port}/openicf`);
    const info = await runRcs(['client', 'info', '--url', `ws://127.0.0.1:${port}/openicf`, '--key', 'changeit']);
    assert.equal(info.code, 0, info.stderr);
    assert.deepEqual(await good.stop(), { code: 0, signal: null });
  } finally {
    await good.kill();
  }
});
