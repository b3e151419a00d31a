import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as tls from 'node:tls';
import {
  createCsr,
  exportCertificate,
  formatListing,
  generateKeyEntry,
  importCertificate,
  KeystoreToolError,
  listKeystore,
} from '../../src/server/tls/keystore-tools.ts';
import { readPkcs12File } from '../../src/server/tls/pkcs12.ts';
import { loadClientTrust, loadServerTlsOptions } from '../../src/server/tls/server-tls.ts';
import { keytoolList, makeTempDir, openssl, opensslCa, tool, within } from './helpers.ts';

const PASS = 'changeit';

async function opensslInfo(file: string, password: string): Promise<string> {
  const { stdout, stderr } = await openssl(['pkcs12', '-info', '-nokeys', '-in', file, '-passin', `pass:${password}`]);
  return `${stdout}\n${stderr}`;
}

describe('rcs keys operations', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir('keys')));
  after(async () => cleanup());

  it('generate: EC (default) and RSA entries that keytool and openssl read', async () => {
    const ks = join(dir, 'gen.p12');
    const ec = await generateKeyEntry({ keystore: ks, storePassword: PASS, alias: 'Server', dname: 'CN=server.example, OU=IT, O=Example Org, C=us', san: 'dns:server.example,ip:127.0.0.1', validityDays: 10 });
    assert.equal(ec.alias, 'server');
    assert.equal(ec.certificate.subject, 'C=US\nO=Example Org\nOU=IT\nCN=server.example');
    assert.equal(ec.certificate.subjectAltName, 'DNS:server.example, IP Address:127.0.0.1');
    assert.equal(ec.certificate.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const days = (Date.parse(ec.certificate.validTo) - Date.parse(ec.certificate.validFrom)) / 86_400_000;
    assert.equal(Math.round(days), 10);
    await generateKeyEntry({ keystore: ks, storePassword: PASS, alias: 'rsa', dname: 'CN=rsa', keyAlgorithm: 'RSA', keySize: 3072 });

    const listed = await keytoolList(ks, PASS);
    assert.match(listed, /Your keystore contains 2 entries/);
    assert.match(listed, /Alias name: server\nCreation date: .*\nEntry type: PrivateKeyEntry/);
    assert.match(listed, /Owner: CN=server\.example, OU=IT, O=Example Org, C=US/);
    assert.match(listed, /Alias name: rsa[\s\S]*3072-bit RSA key/);
    assert.match(listed, /DNSName: server\.example/);
    const info = await opensslInfo(ks, PASS);
    assert.match(info, /MAC: sha256, Iteration 10000/);
    assert.match(info, /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/);
    assert.match(info, /friendlyName: server/);
    assert.match(info, /friendlyName: rsa/);
    // openssl also decrypts the keys (same password).
    const keys = await openssl(['pkcs12', '-in', ks, '-passin', `pass:${PASS}`, '-nocerts', '-nodes']);
    assert.equal((keys.stdout.match(/BEGIN PRIVATE KEY/g) ?? []).length, 2);

    await assert.rejects(generateKeyEntry({ keystore: ks, storePassword: PASS, alias: 'SERVER', dname: 'CN=x' }), /alias <server> already exists/);
    await assert.rejects(generateKeyEntry({ keystore: ks, storePassword: 'wrong-pass', alias: 'x', dname: 'CN=x' }), KeystoreToolError);
    await assert.rejects(generateKeyEntry({ keystore: join(dir, 'bad.p12'), storePassword: PASS, alias: 'x', dname: 'XX=1' }), /unknown attribute type XX/);
    await assert.rejects(generateKeyEntry({ keystore: join(dir, 'bad.p12'), storePassword: PASS, alias: 'x', dname: 'CN=x', san: 'ip:999.1.1.1' }), /not an IP address/);
    await assert.rejects(generateKeyEntry({ keystore: join(dir, 'short.p12'), storePassword: 'abc', alias: 'x', dname: 'CN=x' }), /at least 6 characters/);
  });

  it('export: PEM and DER equal what keytool and openssl export', async () => {
    const ks = join(dir, 'gen.p12');
    const pem = (await exportCertificate({ keystore: ks, storePassword: PASS, alias: 'server' })).toString('ascii');
    const der = await exportCertificate({ keystore: ks, storePassword: PASS, alias: 'server', format: 'der' });
    assert.match(pem, /^-----BEGIN CERTIFICATE-----\n/);
    assert.deepEqual(new X509Certificate(pem).raw, der);
    await writeFile(join(dir, 'server.der'), der);
    const fromOpenssl = await openssl(['x509', '-inform', 'DER', '-in', join(dir, 'server.der'), '-noout', '-subject']);
    assert.match(fromOpenssl.stdout, /CN = server\.example/);
    await assert.rejects(exportCertificate({ keystore: ks, storePassword: PASS, alias: 'missing' }), /alias <missing> does not exist/);
  });

  it('csr + CA reply + import: the keystore then serves the full chain', async () => {
    const ks = join(dir, 'chain.p12');
    await generateKeyEntry({ keystore: ks, storePassword: PASS, alias: 'rcs', dname: 'CN=localhost, O=RCS', san: 'dns:localhost,ip:127.0.0.1' });
    const csrPem = await createCsr({ keystore: ks, storePassword: PASS, alias: 'rcs' });
    const csrFile = join(dir, 'rcs.csr');
    await writeFile(csrFile, csrPem);
    const verified = await openssl(['req', '-in', csrFile, '-verify', '-noout', '-subject']);
    assert.match(`${verified.stdout}${verified.stderr}`, /verify OK/i);
    assert.match(verified.stdout, /CN = localhost/);

    const ca = await opensslCa(dir, 'signer', 'RCS Test CA');
    const signed = join(dir, 'rcs-signed.pem');
    await openssl(['x509', '-req', '-in', csrFile, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', signed, '-days', '20', '-copy_extensions', 'copy']);

    // Without the CA the reply cannot be chained, as with keytool.
    await assert.rejects(importCertificate({ keystore: ks, storePassword: PASS, alias: 'rcs', file: signed }), /failed to establish chain from reply/);
    // A certificate for another key is refused.
    await assert.rejects(importCertificate({ keystore: ks, storePassword: PASS, alias: 'rcs', file: ca.cert }), /public keys in reply and keystore don't match/);

    const trusted = await importCertificate({ keystore: ks, storePassword: PASS, alias: 'root', file: ca.cert });
    assert.equal(trusted.kind, 'trusted');
    const reply = await importCertificate({ keystore: ks, storePassword: PASS, alias: 'rcs', file: signed });
    assert.equal(reply.kind, 'reply');
    assert.deepEqual(reply.kind === 'reply' ? reply.chain.map((c) => c.subject) : [], ['O=RCS\nCN=localhost', 'CN=RCS Test CA']);

    const listed = await keytoolList(ks, PASS);
    assert.match(listed, /Alias name: rcs[\s\S]*Certificate chain length: 2/);
    assert.match(listed, /Alias name: root[\s\S]*Entry type: trustedCertEntry/);
    assert.match(await opensslInfo(ks, PASS), /friendlyName: root/);

    const options = await loadServerTlsOptions({ keyStore: { file: ks, type: 'PKCS12', password: PASS }, keyPassword: PASS, requireClientCertificate: false });
    assert.match(options.summary, /chain of 2/);
    const { warnings: _w, summary: _s, ...secure } = options;
    const server = tls.createServer(secure, (socket) => socket.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const port = (server.address() as AddressInfo).port;
      const caPem = await readFile(ca.cert, 'utf8');
      const result = await within(
        new Promise<{ chain: string[]; authorized: boolean }>((resolve, reject) => {
          const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: [caPem] }, () => {
            const chain: string[] = [];
            const seen = new Set<string>();
            let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
            while (cert?.fingerprint256 && !seen.has(cert.fingerprint256)) {
              seen.add(cert.fingerprint256);
              chain.push(String(cert.subject.CN));
              cert = cert.issuerCertificate;
            }
            resolve({ chain, authorized: socket.authorized });
            socket.end();
          });
          socket.on('error', reject);
        }),
        15_000,
        'connect to CA-signed server',
      );
      assert.equal(result.authorized, true);
      assert.deepEqual(result.chain, ['localhost', 'RCS Test CA']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('import into a new truststore: keytool-compatible trustedCertEntry, readable by loadClientTrust', async () => {
    const ca = await opensslCa(dir, 'trustme', 'Trust Me CA');
    const ts = join(dir, 'new-trust.p12');
    const result = await importCertificate({ keystore: ts, storePassword: PASS, alias: 'TrustMe', file: ca.cert });
    assert.equal(result.kind === 'trusted' && result.created, true);
    const listed = await keytoolList(ts, PASS);
    assert.match(listed, /Alias name: trustme\nCreation date: .*\nEntry type: trustedCertEntry/);
    assert.match(listed, /Owner: CN=Trust Me CA/);
    assert.match(await opensslInfo(ts, PASS), /Trusted key usage \(Oracle\): Any Extended Key Usage|2\.16\.840\.1\.113894\.746875\.1\.1/);
    const store = await readPkcs12File(ts, PASS);
    assert.deepEqual(store.trustedEntries.map((e) => [e.alias, e.trustedKeyUsage]), [['trustme', ['2.5.29.37.0']]]);
    const pems = await loadClientTrust(ts, 'PKCS12', PASS);
    assert.equal(new X509Certificate(pems[0]).subject, 'CN=Trust Me CA');
    await assert.rejects(importCertificate({ keystore: ts, storePassword: PASS, alias: 'trustme', file: ca.cert }), /alias <trustme> already exists/);
  });

  it('list: aliases, types, subjects, issuers, fingerprints and dates', async () => {
    const ks = join(dir, 'chain.p12');
    const listing = await listKeystore({ keystore: ks, storePassword: PASS });
    assert.deepEqual(listing.entries.map((e) => [e.alias, e.type, e.certificates.length]), [['rcs', 'PrivateKeyEntry', 2], ['root', 'trustedCertEntry', 1]]);
    const leaf = listing.entries[0].certificates[0];
    assert.equal(leaf.subject, 'CN=localhost, O=RCS');
    assert.equal(leaf.issuer, 'CN=RCS Test CA');
    const exported = new X509Certificate(await exportCertificate({ keystore: ks, storePassword: PASS, alias: 'rcs' }));
    assert.equal(leaf.sha256Fingerprint, exported.fingerprint256);
    assert.ok(leaf.notBefore < leaf.notAfter);
    const verbose = formatListing(listing, true);
    assert.match(verbose, /Alias name: rcs\nEntry type: PrivateKeyEntry\nCertificate chain length: 2/);
    assert.match(verbose, new RegExp(`SHA-256 fingerprint: ${leaf.sha256Fingerprint}`));
    assert.match(verbose, /Valid from: \d{4}-\d\d-\d\dT.* until: \d{4}-/);
    const short = formatListing(listing, false);
    assert.match(short, /^rcs, PrivateKeyEntry, CN=localhost, O=RCS$/m);
    assert.match(short, /^root, trustedCertEntry, CN=RCS Test CA$/m);
  });

  it('the yargs command module (run as a process) runs generate, list, export, csr and import', async () => {
    const ks = join(dir, 'cli.p12');
    const script = fileURLToPath(new URL('./fixtures/run-keys-cli.ts', import.meta.url));
    const run = async (args: string[]): Promise<string> => (await tool(process.execPath, ['--import', 'tsx', script, ...args])).stdout;
    const store = ['--keystore', ks, '--storepass', PASS];
    assert.match(await run(['keys', 'generate', ...store, '--alias', 'cli', '--dname', 'CN=cli.example', '--keyalg', 'RSA', '--validity', '5', '--san', 'dns:cli.example']), /Generated key pair .* <cli>/);
    assert.match(await run(['keys', 'list', ...store]), /^cli, PrivateKeyEntry, CN=cli\.example$/m);
    assert.match(await run(['keys', 'list', ...store, '-v']), /Alias name: cli[\s\S]*Public key: RSA 2048-bit/);
    assert.match(await run(['keys', 'export', ...store, '--alias', 'cli', '--rfc']), /^-----BEGIN CERTIFICATE-----/);
    const csrFile = join(dir, 'cli.csr');
    await run(['keys', 'csr', ...store, '--alias', 'cli', '--file', csrFile]);
    assert.match(await readFile(csrFile, 'utf8'), /^-----BEGIN CERTIFICATE REQUEST-----/);
    const ca = await opensslCa(dir, 'clica', 'CLI CA');
    assert.match(await run(['keys', 'import', ...store, '--alias', 'clica', '--file', ca.cert]), /trusted entry <clica>/);
    const derFile = join(dir, 'cli.der');
    await run(['keys', 'export', ...store, '--alias', 'cli', '--der', '--file', derFile]);
    assert.equal(new X509Certificate(await readFile(derFile)).subject, 'CN=cli.example');
    assert.match(await keytoolList(ks, PASS), /Your keystore contains 2 entries/);
    await assert.rejects(run(['keys', 'list', '--keystore', ks, '--storepass', 'wrong-password']), /tampered with, or the store password is incorrect/);
    await assert.rejects(run(['keys', 'list', ...store, '--storetype', 'JKS']), /only PKCS12/);
  });
});
