import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tls from 'node:tls';
import WebSocket, { WebSocketServer } from 'ws';
import type { TlsSettings } from '../../src/server/config/types.ts';
import { loadClientTrust, loadServerTlsOptions, TlsConfigError, type ServerTlsOptions } from '../../src/server/tls/server-tls.ts';
import { keytool, keytoolExport, keytoolGenerate, keytoolTrust, makeTempDir, openssl, opensslCa, opensslSignedCert, within } from './helpers.ts';

const PASS = 'changeit';

function settings(file: string, extra: Partial<TlsSettings> = {}): TlsSettings {
  return { keyStore: { file, type: 'PKCS12', password: PASS }, keyPassword: PASS, requireClientCertificate: false, ...extra };
}

interface Served {
  port: number;
  accepted: tls.TLSSocket[];
  clientErrors: Error[];
  close: () => Promise<void>;
}

async function serve(options: ServerTlsOptions): Promise<Served> {
  const accepted: tls.TLSSocket[] = [];
  const clientErrors: Error[] = [];
  const { warnings: _w, summary: _s, ...secure } = options;
  const server = tls.createServer(secure, (socket) => {
    accepted.push(socket);
    socket.end('hello\n');
  });
  server.on('tlsClientError', (error) => clientErrors.push(error));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    accepted,
    clientErrors,
    close: async () => {
      for (const s of accepted) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Connects, reads to the end; resolves with what happened rather than throwing. */
function attempt(port: number, options: tls.ConnectionOptions): Promise<{ ok: boolean; data: string; error?: Error; protocol?: string | null; authorized: boolean; peerChain: string[] }> {
  return within(
    new Promise((resolve) => {
      let data = '';
      let error: Error | undefined;
      let protocol: string | null | undefined;
      let authorized = false;
      let peerChain: string[] = [];
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () => {
        protocol = socket.getProtocol();
        authorized = socket.authorized;
        const seen = new Set<string>();
        let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
        while (cert && cert.fingerprint256 && !seen.has(cert.fingerprint256)) {
          seen.add(cert.fingerprint256);
          peerChain.push(cert.subject.CN as string);
          cert = cert.issuerCertificate;
        }
      });
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('error', (e) => (error = e));
      socket.on('close', () => resolve(error ? { ok: false, data, error, protocol, authorized, peerChain } : { ok: data === 'hello\n', data, protocol, authorized, peerChain }));
    }),
    15_000,
    'TLS connection attempt',
  );
}

describe('loadServerTlsOptions / loadClientTrust with real servers', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let serverKs: string;
  let clientTrust: string;
  let clientCa: { key: string; cert: string };
  let clientCaTrust: string;

  before(async () => {
    ({ dir, cleanup } = await makeTempDir('srvtls'));
    serverKs = join(dir, 'server.p12');
    await keytoolGenerate({ keystore: serverKs, storepass: PASS, alias: 'server', dname: 'CN=localhost, O=RCS Test', san: 'dns:localhost,ip:127.0.0.1' });
    await keytoolExport(serverKs, PASS, 'server', join(dir, 'server.pem'));
    clientTrust = join(dir, 'client-trust.p12');
    await keytoolTrust(clientTrust, PASS, 'rcs-server', join(dir, 'server.pem'));
    clientCa = await opensslCa(dir, 'clientca', 'Client CA');
    clientCaTrust = join(dir, 'server-trust.p12');
    await keytoolTrust(clientCaTrust, PASS, 'clientca', clientCa.cert);
  });
  after(async () => cleanup());

  it('serves TLS 1.2 and 1.3 to a client trusting a keytool truststore', async () => {
    const options = await loadServerTlsOptions(settings(serverKs));
    assert.equal(options.requestCert, false);
    assert.equal(options.rejectUnauthorized, false);
    assert.equal(options.minVersion, 'TLSv1.2');
    assert.deepEqual(options.warnings, []);
    assert.match(options.summary, /'server'/);
    assert.ok(!options.summary.includes(PASS));
    const ca = await loadClientTrust(clientTrust, 'PKCS12', PASS);
    assert.equal(ca.length, 1);
    const served = await serve(options);
    try {
      for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
        const result = await attempt(served.port, { ca, minVersion: version, maxVersion: version });
        assert.equal(result.error, undefined);
        assert.ok(result.ok, `data over ${version}`);
        assert.equal(result.protocol, version);
        assert.equal(result.authorized, true);
        assert.deepEqual(result.peerChain, ['localhost']);
      }
      // A client that does not trust the server refuses it.
      const untrusting = await attempt(served.port, {});
      assert.equal(untrusting.ok, false);
      assert.match(String(untrusting.error?.message), /self.signed|unable to verify|certificate/i);
      // TLS 1.1 is not offered.
      const old = await attempt(served.port, { ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
      assert.equal(old.ok, false);
      // No certificate is requested from clients: the server sees none even if the client has one.
      const clientCert = await opensslSignedCert(dir, 'someclient', 'some-client', clientCa);
      const withCert = await attempt(served.port, { ca, key: await readFile(clientCert.key), cert: await readFile(clientCert.cert) });
      assert.ok(withCert.ok);
      const last = served.accepted[served.accepted.length - 1];
      assert.deepEqual(Object.keys(last.getPeerCertificate()), []);
    } finally {
      await served.close();
    }
  });

  it('carries a WebSocket over https with the loaded options', async () => {
    const options = await loadServerTlsOptions(settings(serverKs));
    const { warnings: _w, summary: _s, ...secure } = options;
    const server = createHttpsServer(secure);
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket) => socket.on('message', (m) => socket.send(`echo:${m.toString()}`)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const ca = await loadClientTrust(clientTrust, 'PKCS12', PASS);
      const port = (server.address() as AddressInfo).port;
      const ws = new WebSocket(`wss://127.0.0.1:${port}/`, { ca });
      const reply = await within(
        new Promise<string>((resolve, reject) => {
          ws.on('open', () => ws.send('ping'));
          ws.on('message', (m) => resolve(m.toString()));
          ws.on('error', reject);
        }),
        15_000,
        'wss echo',
      );
      assert.equal(reply, 'echo:ping');
      ws.close();
    } finally {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('mutual TLS: refuses clients without a certificate or with an untrusted one, accepts a trusted one', async () => {
    const options = await loadServerTlsOptions(settings(serverKs, { trustStore: { file: clientCaTrust, type: 'PKCS12', password: PASS }, requireClientCertificate: true }));
    assert.equal(options.requestCert, true);
    assert.equal(options.rejectUnauthorized, true);
    assert.equal(options.ca?.length, 1);
    const ca = await loadClientTrust(clientTrust, 'PKCS12', PASS);
    const trusted = await opensslSignedCert(dir, 'goodclient', 'good-client', clientCa);
    const rogueCa = await opensslCa(dir, 'rogueca', 'Rogue CA');
    const untrusted = await opensslSignedCert(dir, 'badclient', 'bad-client', rogueCa);
    const served = await serve(options);
    try {
      for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
        const errorsBefore = served.clientErrors.length;
        const none = await attempt(served.port, { ca, maxVersion: version, minVersion: version });
        assert.equal(none.ok, false, `no client certificate over ${version}`);
        const bad = await attempt(served.port, { ca, maxVersion: version, minVersion: version, key: await readFile(untrusted.key), cert: await readFile(untrusted.cert) });
        assert.equal(bad.ok, false, `untrusted client certificate over ${version}`);
        assert.equal(served.clientErrors.length, errorsBefore + 2);
        assert.equal(served.accepted.length, 0);
      }
      const good = await attempt(served.port, { ca, key: await readFile(trusted.key), cert: await readFile(trusted.cert) });
      assert.equal(good.error, undefined);
      assert.ok(good.ok);
      assert.equal(served.accepted.length, 1);
      assert.equal(served.accepted[0].authorized, true);
      assert.equal(served.accepted[0].getPeerCertificate().subject.CN, 'good-client');
    } finally {
      await served.close();
    }
  });

  describe('configuration errors', () => {
    async function expectError(tlsSettings: TlsSettings, property: string, pattern: RegExp, file?: string): Promise<void> {
      await assert.rejects(loadServerTlsOptions(tlsSettings), (error: unknown) => {
        assert.ok(error instanceof TlsConfigError, `TlsConfigError, got ${String(error)}`);
        assert.equal(error.property, property);
        assert.match(error.message, pattern);
        if (file) assert.ok(error.message.includes(file), `message names ${file}: ${error.message}`);
        for (const secret of [tlsSettings.keyStore.password, tlsSettings.keyPassword, tlsSettings.trustStore?.password]) {
          if (secret) assert.ok(!error.message.includes(secret), 'no password in the message');
        }
        return true;
      });
    }

    it('wrong store password', async () => {
      const s = settings(serverKs);
      s.keyStore.password = 'Wr0ngPassw0rd';
      await expectError(s, 'connectorserver.keyStorePass', /store password \(connectorserver\.keyStorePass\) is wrong/, serverKs);
    });

    it('wrong key password', async () => {
      await expectError({ ...settings(serverKs), keyPassword: 'Wr0ngKeyPass' }, 'connectorserver.keyPass', /key password \(connectorserver\.keyPass\)/, serverKs);
    });

    it('missing file', async () => {
      const missing = join(dir, 'nope.p12');
      await expectError(settings(missing), 'connectorserver.keyStoreFile', /does not exist/, missing);
    });

    it('empty keystore: a zero-byte file and a PKCS12 store whose entries were deleted', async () => {
      const zero = join(dir, 'zero.p12');
      await writeFile(zero, '');
      await expectError(settings(zero), 'connectorserver.keyStoreFile', /is empty/, zero);
      const emptied = join(dir, 'emptied.p12');
      await keytoolGenerate({ keystore: emptied, storepass: PASS, alias: 'gone', dname: 'CN=gone' });
      await keytool(['-delete', '-alias', 'gone', '-keystore', emptied, '-storetype', 'PKCS12', '-storepass', PASS]);
      await expectError(settings(emptied), 'connectorserver.keyStoreFile', /is empty/, emptied);
    });

    it('no private key (a truststore given as keystore)', async () => {
      await expectError(settings(clientTrust), 'connectorserver.keyStoreFile', /no private key entry.*truststore/, clientTrust);
    });

    it('unknown or Java-only store types', async () => {
      await expectError({ ...settings(serverKs), keyStore: { file: serverKs, type: 'JKS', password: PASS } }, 'connectorserver.keyStoreType', /only PKCS12/, serverKs);
      const jks = join(dir, 'store.jks');
      await keytool(['-genkeypair', '-keystore', jks, '-storetype', 'JKS', '-storepass', PASS, '-keypass', PASS, '-alias', 'j', '-dname', 'CN=j', '-keyalg', 'EC']);
      await expectError(settings(jks), 'connectorserver.keyStoreFile', /is a JKS keystore; only PKCS12/, jks);
    });

    it('alias selection: several keys need keyAlias, an unknown alias lists the others', async () => {
      const two = join(dir, 'two.p12');
      await keytoolGenerate({ keystore: two, storepass: PASS, alias: 'one', dname: 'CN=one' });
      await keytoolGenerate({ keystore: two, storepass: PASS, alias: 'two', dname: 'CN=two', keyalg: 'RSA' });
      await expectError(settings(two), 'connectorserver.keyStoreAlias', /2 private key entries \(one, two\)/, two);
      await expectError(settings(two, { keyAlias: 'three' }), 'connectorserver.keyStoreAlias', /no private key entry with that alias.*one, two/, two);
      const chosen = await loadServerTlsOptions(settings(two, { keyAlias: 'TWO' }));
      assert.match(chosen.summary, /'two'.*RSA/);
    });

    it('mutual TLS without a truststore, and a bad truststore password', async () => {
      await expectError(settings(serverKs, { requireClientCertificate: true }), 'connectorserver.trustStoreFile', /requireClientCertificate=true needs connectorserver\.trustStoreFile/);
      await expectError(
        settings(serverKs, { trustStore: { file: clientCaTrust, type: 'PKCS12', password: 'Wr0ngTrust' }, requireClientCertificate: true }),
        'connectorserver.trustStorePass',
        /truststore .*store password \(connectorserver\.trustStorePass\)/,
        clientCaTrust,
      );
      await assert.rejects(loadClientTrust(join(dir, 'absent.p12'), 'PKCS12', PASS), (e: unknown) => e instanceof TlsConfigError && e.property === '--truststore');
    });
  });

  it('warns with the dates of an expired and of a not-yet-valid certificate', async () => {
    const expired = join(dir, 'expired.p12');
    await keytoolGenerate({ keystore: expired, storepass: PASS, alias: 'old', dname: 'CN=old', startdate: '2020/01/01 00:00:00', validity: 2 });
    const expiredOptions = await loadServerTlsOptions(settings(expired));
    assert.equal(expiredOptions.warnings.length, 1);
    assert.match(expiredOptions.warnings[0], /'old'.*CN=old has expired \(notBefore=2020-01-01T\d\d:00:00\.000Z, notAfter=2020-01-03T\d\d:00:00\.000Z\)/);

    const future = join(dir, 'future.p12');
    await keytoolGenerate({ keystore: future, storepass: PASS, alias: 'new', dname: 'CN=new', startdate: '+1y', validity: 30 });
    const futureOptions = await loadServerTlsOptions(settings(future));
    assert.match(futureOptions.warnings[0] ?? '', /CN=new is not yet valid \(notBefore=\d{4}-/);

    // The same check on an openssl-made certificate (openssl x509 -days 1 backdated with openssl ca would need a CA
    // database; a certificate signed with an explicit past -startdate is enough).
    const caDir = dir;
    const ca = await opensslCa(caDir, 'datesca', 'Dates CA');
    await writeFile(join(caDir, 'index.txt'), '');
    await writeFile(join(caDir, 'serial'), '1000\n');
    await writeFile(
      join(caDir, 'ca.cnf'),
      ['[ca]', 'default_ca=test', '[test]', `dir=${caDir}`, 'database=$dir/index.txt', 'serial=$dir/serial', 'new_certs_dir=$dir', 'default_md=sha256', 'policy=any', 'copy_extensions=copy', '[any]', 'commonName=supplied', ''].join('\n'),
    );
    await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(caDir, 'stale.key'), '-out', join(caDir, 'stale.csr'), '-subj', '/CN=stale']);
    await openssl(['ca', '-batch', '-config', join(caDir, 'ca.cnf'), '-cert', ca.cert, '-keyfile', ca.key, '-in', join(caDir, 'stale.csr'), '-out', join(caDir, 'stale.pem'), '-startdate', '20210101000000Z', '-enddate', '20210201000000Z']);
    const stale = join(dir, 'stale.p12');
    await openssl(['pkcs12', '-export', '-in', join(caDir, 'stale.pem'), '-inkey', join(caDir, 'stale.key'), '-certfile', ca.cert, '-name', 'stale', '-passout', `pass:${PASS}`, '-out', stale]);
    const staleOptions = await loadServerTlsOptions(settings(stale));
    assert.deepEqual(staleOptions.warnings, ["server certificate 'stale' CN=stale has expired (notBefore=2021-01-01T00:00:00.000Z, notAfter=2021-02-01T00:00:00.000Z)"]);
  });
});
