/**
 * TLS through the real server process: `bin/rcs run` with usessl=true on keystores made by keytool (current and
 * legacy PKCS12) and by `openssl pkcs12 -export` (with and without -legacy), clients verifying the chain against
 * keytool truststores, mutual TLS, `rcs client` over wss, and startup errors that name the file and the property.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RcsClient } from '../../src/client/index.ts';
import { loadClientTrust } from '../../src/server/tls/server-tls.ts';
import { runOperation } from '../../src/cli/commands/client.ts';
import { runRcs, spawnRcsRun, startRcsRun, tempDir, writeProperties, CHANGEIT_HASH, CONNECTORS_DIR, type RcsServerProcess } from '../cli/support.ts';
import { keytool, keytoolExport, keytoolGenerate, keytoolTrust, openssl, opensslCa, opensslSignedCert, tool, within } from './helpers.ts';

const MEMORY = 'org.openicf.rcs.memory.MemoryConnector';
const STORE_PASS = 'St0re-Pa55-e2e';
const KEY_PASS = 'K3y-Pa55-e2e';
const TRUST_PASS = 'Tru5t-Pa55-e2e';

let dir: string;
let cleanup: () => Promise<void>;
const servers: RcsServerProcess[] = [];

/** A keystore to serve and the truststore (made by keytool -importcert) that verifies it. */
interface ServedStore {
  label: string;
  keyStore: string;
  storePass: string;
  keyPass?: string;
  trustStore: string;
}

const stores: ServedStore[] = [];
let testCa: { key: string; cert: string };
let caTrustStore: string;

/**
 * keytool will not give a PKCS12 key entry its own password (-keypass is ignored for PKCS12), so the entry is
 * re-protected through the Java KeyStore API of the same JDK: the result is a PKCS12 file as Java writes it.
 */
async function reprotectKey(keyStore: string, storePass: string, alias: string, keyPass: string): Promise<void> {
  const source = join(dir, 'Reprotect.java');
  await writeFile(
    source,
    `import java.io.*; import java.security.*; import java.security.cert.Certificate;
public class Reprotect { public static void main(String[] a) throws Exception {
  KeyStore ks = KeyStore.getInstance("PKCS12");
  try (InputStream in = new FileInputStream(a[0])) { ks.load(in, a[1].toCharArray()); }
  Key key = ks.getKey(a[2], a[1].toCharArray()); Certificate[] chain = ks.getCertificateChain(a[2]);
  ks.setKeyEntry(a[2], key, a[3].toCharArray(), chain);
  try (OutputStream out = new FileOutputStream(a[0])) { ks.store(out, a[1].toCharArray()); } } }
`,
  );
  await tool('java', [source, keyStore, storePass, alias, keyPass]);
}

/** A server key and certificate for 127.0.0.1 signed by `ca` (openssl). */
async function opensslServerCert(name: string, ca: { key: string; cert: string }): Promise<{ key: string; cert: string }> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=localhost']);
  await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '10', '-extfile', ext]);
  return { key, cert };
}

before(async () => {
  ({ dir, cleanup } = await tempDir('tls-e2e'));

  // keytool, current PKCS12 format, key password distinct from the store password.
  for (const legacy of [false, true]) {
    const label = legacy ? 'keytool-legacy' : 'keytool';
    const keyStore = join(dir, `${label}.p12`);
    await keytoolGenerate({ keystore: keyStore, storepass: STORE_PASS, alias: 'server', dname: 'CN=localhost', keyalg: legacy ? 'RSA' : 'EC', keysize: legacy ? 2048 : undefined, san: 'ip:127.0.0.1,dns:localhost', legacy });
    if (!legacy) await reprotectKey(keyStore, STORE_PASS, 'server', KEY_PASS);
    const certFile = join(dir, `${label}.pem`);
    await keytoolExport(keyStore, STORE_PASS, 'server', certFile);
    const trustStore = join(dir, `${label}-trust.p12`);
    await keytoolTrust(trustStore, TRUST_PASS, 'server', certFile);
    stores.push({ label, keyStore, storePass: STORE_PASS, keyPass: legacy ? undefined : KEY_PASS, trustStore });
  }

  // openssl pkcs12 -export of a server certificate signed by a test CA, with and without -legacy.
  testCa = await opensslCa(dir, 'test-ca', 'RCS Test CA');
  caTrustStore = join(dir, 'test-ca-trust.p12');
  await keytoolTrust(caTrustStore, TRUST_PASS, 'test-ca', testCa.cert);
  const serverCert = await opensslServerCert('openssl-server', testCa);
  for (const legacy of [false, true]) {
    const label = legacy ? 'openssl-legacy' : 'openssl';
    const keyStore = join(dir, `${label}.p12`);
    await openssl(['pkcs12', '-export', ...(legacy ? ['-legacy'] : []), '-inkey', serverCert.key, '-in', serverCert.cert, '-certfile', testCa.cert, '-name', 'server', '-out', keyStore, '-passout', `pass:${STORE_PASS}`]);
    stores.push({ label, keyStore, storePass: STORE_PASS, trustStore: caTrustStore });
  }
  // The keystores are really of the formats claimed.
  const keytoolLegacy = await keytool(['-list', '-v', '-keystore', join(dir, 'keytool-legacy.p12'), '-storetype', 'PKCS12', '-storepass', STORE_PASS]);
  assert.match(keytoolLegacy.stdout, /PrivateKeyEntry/);
  const opensslLegacy = await openssl(['pkcs12', '-info', '-nokeys', '-legacy', '-in', join(dir, 'openssl-legacy.p12'), '-passin', `pass:${STORE_PASS}`]);
  assert.match(opensslLegacy.stderr + opensslLegacy.stdout, /RC2|3DES|TripleDES|pbeWithSHA1And/i);
});

after(async () => {
  await Promise.all(servers.map((s) => s.kill()));
  await cleanup?.();
});

function tlsValues(store: ServedStore, extra: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {
    usessl: 'true',
    keyStoreFile: store.keyStore,
    keyStorePass: store.storePass,
    ...extra,
  };
  if (store.keyPass) values['keyPass'] = store.keyPass;
  return values;
}

async function startTls(values: Record<string, string>): Promise<{ server: RcsServerProcess; url: string }> {
  const { server, port } = await startRcsRun(dir, values);
  servers.push(server);
  return { server, url: `wss://127.0.0.1:${port}/openicf` };
}

/** Connects, creates and reads back an object on the memory connector, closes. */
async function roundTrip(url: string, options: { ca?: string[]; clientCert?: string; clientKey?: string }, store: string): Promise<void> {
  const client = await RcsClient.connect({ url, key: 'changeit', connections: 1, connectTimeoutMs: 10_000, rejectUnauthorized: true, ...options });
  try {
    const info = (await client.connectorInfos()).find((i) => i.connectorKey.connectorName === MEMORY);
    assert.ok(info, 'the memory connector is served over wss');
    const facade = client.newFacade(info, { storeName: store });
    const created = (await runOperation(facade, 'create', { attributes: { __NAME__: `user-${store}` } })) as { uid: unknown };
    const read = (await runOperation(facade, 'get', { uid: created.uid })) as { attributes: Record<string, unknown> };
    assert.deepEqual(read.attributes['__NAME__'], [`user-${store}`]);
  } finally {
    await client.close();
  }
}

/** A connection attempt that the server must refuse (no session within a few seconds). */
async function assertRefused(url: string, options: { ca?: string[]; clientCert?: string; clientKey?: string }, what: string): Promise<void> {
  await assert.rejects(
    within(RcsClient.connect({ url, key: 'changeit', connections: 1, connectTimeoutMs: 3_000, ...options }), 20_000, what),
    (err: Error) => /could not be reached|No connector server/i.test(err.message),
    what,
  );
}

test('wss with each keystore format, verified against a keytool truststore', async () => {
  for (const store of stores) {
    const { server, url } = await startTls(tlsValues(store));
    const ca = await loadClientTrust(store.trustStore, 'PKCS12', TRUST_PASS);
    await within(roundTrip(url, { ca }, store.label), 30_000, `round trip with ${store.label}`);
    // Without the truststore the self-signed or private-CA chain is not trusted.
    await assertRefused(url, {}, `${store.label}: unverified chain`);
    assert.match(server.stdout, /wss:\/\//, `${store.label}: the listening line shows wss`);
    assert.match(server.stdout, /TLS[^"]*'server'/, `${store.label}: the TLS summary is logged`);
    assert.deepEqual(await server.stop(), { code: 0, signal: null }, store.label);
    for (const secret of [STORE_PASS, KEY_PASS]) assert.ok(!server.output.includes(secret), `${store.label}: a password was logged`);
  }
});

test('mutual TLS: requireClientCertificate=true accepts only certificates of the trusted CA', async () => {
  const served = stores.find((s) => s.label === 'openssl')!;
  const ca = await loadClientTrust(served.trustStore, 'PKCS12', TRUST_PASS);
  const good = await opensslSignedCert(dir, 'client-good', 'good-client', testCa);
  const otherCa = await opensslCa(dir, 'other-ca', 'Other CA');
  const bad = await opensslSignedCert(dir, 'client-bad', 'bad-client', otherCa);
  const { server, url } = await startTls(
    tlsValues(served, { trustStoreFile: caTrustStore, trustStorePass: TRUST_PASS, requireClientCertificate: 'true' }),
  );
  try {
    await assertRefused(url, { ca }, 'no client certificate');
    await assertRefused(url, { ca, clientCert: await readFile(bad.cert, 'utf8'), clientKey: await readFile(bad.key, 'utf8') }, 'certificate of another CA');
    await within(roundTrip(url, { ca, clientCert: await readFile(good.cert, 'utf8'), clientKey: await readFile(good.key, 'utf8') }, 'mtls'), 30_000, 'client certificate of the test CA');
  } finally {
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
  }
});

test('without requireClientCertificate a client without certificate connects (truststore set)', async () => {
  const served = stores.find((s) => s.label === 'openssl-legacy')!;
  const ca = await loadClientTrust(served.trustStore, 'PKCS12', TRUST_PASS);
  const { server, url } = await startTls(tlsValues(served, { trustStoreFile: caTrustStore, trustStorePass: TRUST_PASS }));
  try {
    await within(roundTrip(url, { ca }, 'no-mtls'), 30_000, 'client without certificate');
  } finally {
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
  }
});

test('rcs client info over wss with --truststore and with --insecure; refused without either', async () => {
  const served = stores.find((s) => s.label === 'keytool')!;
  const { server, url } = await startTls(tlsValues(served));
  try {
    const [trusted, insecure, unverified] = await Promise.all([
      runRcs(['client', 'info', '--url', url, '--key', 'changeit', '--truststore', served.trustStore, '--truststore-pass', TRUST_PASS]),
      runRcs(['client', 'info', '--url', url, '--key', 'changeit', '--insecure']),
      runRcs(['client', 'info', '--url', url, '--key', 'changeit', '--timeout', '3']),
    ]);
    for (const r of [trusted, insecure]) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /org\.openicf\.rcs\.memory:1\.0\.0\.0:org\.openicf\.rcs\.memory\.MemoryConnector/);
    }
    assert.notEqual(unverified.code, 0);
    assert.match(unverified.stderr, /self.signed|certificate/i);
  } finally {
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
  }
});

/** Runs `rcs run` with a properties file that must be refused; returns its output. */
async function refusedStartup(name: string, values: Record<string, string>): Promise<{ code: number | null; stderr: string; output: string; file: string }> {
  const file = join(dir, `${name}.properties`);
  await writeProperties(file, { port: '1', ifaddress: '127.0.0.1', key: CHANGEIT_HASH, bundleDir: CONNECTORS_DIR, ...values });
  const server = spawnRcsRun(file);
  servers.push(server);
  const exit = await server.waitForExit(30_000);
  return { code: exit.code, stderr: server.stderr, output: server.output, file };
}

test('startup errors: wrong keyStorePass and missing keystore stop rcs run, naming the file and the property', async () => {
  const served = stores.find((s) => s.label === 'keytool')!;
  const wrongPass = 'Wr0ng-St0re-Pa55';
  const wrong = await refusedStartup('wrong-pass', { ...tlsValues(served), keyStorePass: wrongPass });
  assert.notEqual(wrong.code, 0);
  assert.ok(wrong.stderr.includes(served.keyStore), `the keystore file is named: ${wrong.stderr}`);
  assert.match(wrong.stderr, /connectorserver\.keyStorePass/);
  for (const secret of [wrongPass, STORE_PASS, KEY_PASS]) assert.ok(!wrong.output.includes(secret), 'no password in the output');
  assert.doesNotMatch(wrong.stderr, /\n\s+at /);
  assert.doesNotMatch(wrong.output, /listening/);

  const missingFile = join(dir, 'no-such-keystore.p12');
  const missing = await refusedStartup('missing-store', { ...tlsValues(served), keyStoreFile: missingFile });
  assert.notEqual(missing.code, 0);
  assert.ok(missing.stderr.includes(missingFile), `the missing file is named: ${missing.stderr}`);
  assert.match(missing.stderr, /connectorserver\.keyStoreFile/);
  for (const secret of [STORE_PASS, KEY_PASS]) assert.ok(!missing.output.includes(secret), 'no password in the output');
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
});
