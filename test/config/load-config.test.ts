import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { computeKeyHash } from '../../src/server/auth/key-hash.ts';
import { ConfigError, loadServerConfig } from '../../src/server/config/load-config.ts';
import type { LoadServerConfigOptions } from '../../src/server/config/load-config.ts';
import { parseOpenIcfOpts, splitShellWords } from '../../src/server/config/openicf-opts.ts';

const shippedFile = fileURLToPath(new URL('../../conf/ConnectorServer.properties', import.meta.url));
const CHANGEIT = 'lmA6bMfENJGlIDbfrVtklXFK32s=';

const tempRoot = mkdtempSync(join(tmpdir(), 'rcs-config-test-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));

let installCount = 0;
/** A fresh installation directory with connectors/ and lib/, and the given properties file text (if any). */
function makeInstall(properties?: string): { dir: string; file: string } {
  const dir = join(tempRoot, `install-${installCount++}`);
  mkdirSync(join(dir, 'conf'), { recursive: true });
  mkdirSync(join(dir, 'connectors'));
  mkdirSync(join(dir, 'lib'));
  const file = join(dir, 'conf', 'ConnectorServer.properties');
  if (properties !== undefined) writeFileSync(file, properties);
  return { dir, file };
}

/** Load with an empty environment unless one is given, so the machine's OPENICF_OPTS cannot interfere. */
function load(opts: LoadServerConfigOptions): ReturnType<typeof loadServerConfig> {
  return loadServerConfig({ env: {}, ...opts });
}

function loadError(opts: LoadServerConfigOptions): ConfigError {
  try {
    load(opts);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected loadServerConfig to fail');
}

const BASE = `connectorserver.key=${CHANGEIT.replace('=', '\\=')}\n`;

describe('loadServerConfig: defaults', () => {
  it('runs from the shipped file as is', () => {
    const { dir, file } = makeInstall();
    copyFileSync(shippedFile, file);
    const config = load({ installDir: dir });
    assert.deepEqual(config, {
      installDir: dir,
      propertiesFile: file,
      port: 8759,
      useSsl: false,
      keyHash: CHANGEIT,
      bundleDir: join(dir, 'connectors'),
      libDir: join(dir, 'lib'),
      pingPongIntervalSeconds: 60,
      maxMessageSize: 16 * 1024 * 1024,
      idleTimeoutSeconds: 900,
      drainTimeoutSeconds: 30,
      maxFacadeLifeTimeMinutes: 120,
      authFailureLimit: 10,
      authFailureWindowSeconds: 60,
      logLevel: 'info',
      warnings: [],
    });
  });

  it('reads every server-mode and extension property', () => {
    const { dir } = makeInstall(
      BASE +
        [
          'connectorserver.port=9001',
          'connectorserver.ifaddress=127.0.0.1',
          'connectorserver.pingPongInterval=0',
          'connectorserver.maxFacadeLifeTime=5',
          'connectorserver.loggerClass=org.example.Log',
          'connectorserver.maxMessageSize=1048576',
          'connectorserver.idleTimeout=0',
          'connectorserver.drainTimeout=5',
          'connectorserver.authFailureLimit=3',
          'connectorserver.authFailureWindow=120',
          'connectorserver.logLevel=DEBUG',
        ].join('\n'),
    );
    const config = load({ installDir: dir });
    assert.equal(config.port, 9001);
    assert.equal(config.ifaddress, '127.0.0.1');
    assert.equal(config.pingPongIntervalSeconds, 0);
    assert.equal(config.maxFacadeLifeTimeMinutes, 5);
    assert.equal(config.loggerClass, 'org.example.Log');
    assert.equal(config.maxMessageSize, 1048576);
    assert.equal(config.idleTimeoutSeconds, 0);
    assert.equal(config.drainTimeoutSeconds, 5);
    assert.equal(config.authFailureLimit, 3);
    assert.equal(config.authFailureWindowSeconds, 120);
    assert.equal(config.logLevel, 'debug');
    assert.deepEqual(config.warnings, []);
  });

  it('derives the key hash from connectorserver.password when no key is set', () => {
    const { dir } = makeInstall('connectorserver.password=s3cret\n');
    assert.equal(load({ installDir: dir }).keyHash, computeKeyHash('s3cret'));
  });

  it('prefers the key to the password, with a warning that does not show the password', () => {
    const { dir } = makeInstall(BASE + 'connectorserver.password=Pa55-hidden\n');
    const config = load({ installDir: dir });
    assert.equal(config.keyHash, CHANGEIT);
    assert.equal(config.warnings.length, 1);
    assert.match(config.warnings[0], /connectorserver\.password .* is ignored/);
    assert.doesNotMatch(config.warnings[0], /Pa55-hidden/);
  });

  it('works without a properties file when the command line gives the rest', () => {
    const { dir } = makeInstall();
    const config = load({ installDir: dir, overrides: { password: 'x' } });
    assert.equal(config.propertiesFile, undefined);
    assert.equal(config.port, 8759);
    assert.equal(config.keyHash, computeKeyHash('x'));
  });
});

describe('loadServerConfig: precedence', () => {
  const fileText = BASE + 'connectorserver.port=1000\nconnectorserver.pingPongInterval=10\nconnectorserver.idleTimeout=11\n';

  it('lets OPENICF_OPTS override the file and the command line override both', () => {
    const { dir } = makeInstall(fileText);
    const env = { OPENICF_OPTS: '-Xmx512m -Dconnectorserver.port=2000 -Dconnectorserver.pingPongInterval=20' };
    const fromEnv = load({ installDir: dir, env });
    assert.equal(fromEnv.port, 2000);
    assert.equal(fromEnv.pingPongIntervalSeconds, 20);
    assert.equal(fromEnv.idleTimeoutSeconds, 11);

    const fromCli = load({ installDir: dir, env, overrides: { 'connectorserver.port': '3000' } });
    assert.equal(fromCli.port, 3000);
    assert.equal(fromCli.pingPongIntervalSeconds, 20);
    assert.equal(fromCli.idleTimeoutSeconds, 11);
  });

  it('accepts short override names', () => {
    const { dir } = makeInstall(fileText);
    assert.equal(load({ installDir: dir, overrides: { port: '4000' } }).port, 4000);
  });

  it('reads quoted OPENICF_OPTS values and ignores other JVM options', () => {
    const { dir } = makeInstall(fileText);
    mkdirSync(join(dir, 'my connectors'));
    const env = {
      OPENICF_OPTS:
        `-server -Djava.security.egd=file:/dev/urandom "-Dconnectorserver.bundleDir=my connectors" ` +
        `-Dconnectorserver.loggerClass='a b'\\''c' -Dconnectorserver.ifaddress=localhost`,
    };
    const config = load({ installDir: dir, env });
    assert.equal(config.bundleDir, join(dir, 'my connectors'));
    assert.equal(config.loggerClass, "a b'c");
    assert.equal(config.ifaddress, 'localhost');
    assert.deepEqual(config.warnings, []);
  });

  it('splits OPENICF_OPTS like a shell', () => {
    assert.deepEqual(splitShellWords(` a  "b c" 'd "e' f\\ g "h\\"i" j''k `), ['a', 'b c', 'd "e', 'f g', 'h"i', 'jk']);
    assert.deepEqual(
      [...parseOpenIcfOpts('-Dconnectorserver.a=1 -Dother=2 -Dconnectorserver.b -Dconnectorserver.a=x=y')],
      [['connectorserver.a', 'x=y'], ['connectorserver.b', '']],
    );
  });
});

describe('loadServerConfig: paths', () => {
  it('resolves relative paths against the installation directory, whatever the working directory', () => {
    const { dir } = makeInstall(BASE + 'connectorserver.bundleDir=bundles/x\nconnectorserver.libDir=../shared-lib\n');
    mkdirSync(join(dir, 'bundles', 'x'), { recursive: true });
    const config = load({ installDir: dir });
    assert.equal(config.bundleDir, join(dir, 'bundles', 'x'));
    assert.equal(config.libDir, join(dir, '..', 'shared-lib'));
    assert.notEqual(process.cwd(), dir);
  });

  it('keeps absolute paths', () => {
    const elsewhere = mkdtempSync(join(tempRoot, 'abs-'));
    const { dir } = makeInstall(BASE + `connectorserver.bundleDir=${elsewhere}\n`);
    assert.equal(load({ installDir: dir }).bundleDir, elsewhere);
  });

  it('reads an explicitly named properties file', () => {
    const { dir } = makeInstall(BASE);
    const other = join(dir, 'conf', 'other.properties');
    writeFileSync(other, BASE + 'connectorserver.port=5555\n');
    const config = load({ installDir: dir, propertiesFile: other });
    assert.equal(config.port, 5555);
    assert.equal(config.propertiesFile, other);
  });
});

describe('loadServerConfig: validation', () => {
  it('names the property, the value, the file and what is expected', () => {
    const { dir, file } = makeInstall(BASE + 'connectorserver.port=abc\n');
    const err = loadError({ installDir: dir });
    assert.equal(err.message, `connectorserver.port=abc in ${file}: expected an integer 0..65535`);
    assert.equal(err.property, 'connectorserver.port');
  });

  const fileCases: Array<[string, string, RegExp]> = [
    ['connectorserver.port=-1', 'connectorserver.port', /expected an integer 0\.\.65535/],
    ['connectorserver.port=70000', 'connectorserver.port', /expected an integer 0\.\.65535/],
    ['connectorserver.port=80.5', 'connectorserver.port', /expected an integer/],
    ['connectorserver.usessl=yes', 'connectorserver.usessl', /expected true or false/],
    ['connectorserver.pingPongInterval=-1', 'connectorserver.pingPongInterval', /expected an integer 0\.\./],
    ['connectorserver.ifaddress=not an address!', 'connectorserver.ifaddress', /IP address or a host name/],
    ['connectorserver.bundleDir=missing-dir', 'connectorserver.bundleDir', /existing directory/],
    ['connectorserver.maxFacadeLifeTime=0', 'connectorserver.maxFacadeLifeTime', /expected an integer 1\.\./],
    ['connectorserver.maxMessageSize=12', 'connectorserver.maxMessageSize', /expected an integer 1024\.\./],
    ['connectorserver.idleTimeout=soon', 'connectorserver.idleTimeout', /expected an integer 0\.\./],
    ['connectorserver.drainTimeout=-5', 'connectorserver.drainTimeout', /expected an integer 0\.\./],
    ['connectorserver.authFailureLimit=0', 'connectorserver.authFailureLimit', /expected an integer 1\.\./],
    ['connectorserver.authFailureWindow=x', 'connectorserver.authFailureWindow', /expected an integer 1\.\./],
    ['connectorserver.logLevel=loud', 'connectorserver.logLevel', /trace, debug, info, warn, error, fatal, silent/],
    ['connectorserver.usessl=true', 'connectorserver.keyStoreFile', /needs connectorserver\.keyStoreFile/],
    [
      'connectorserver.usessl=true\nconnectorserver.keyStoreFile=security/none.p12',
      'connectorserver.keyStoreFile',
      /existing PKCS12 file/,
    ],
  ];
  for (const [line, property, expected] of fileCases) {
    it(`rejects ${line.split('\n').at(-1)}`, () => {
      const { dir, file } = makeInstall(BASE + line + '\n');
      const err = loadError({ installDir: dir });
      assert.equal(err.property, property);
      assert.ok(err.message.includes(property), err.message);
      assert.ok(err.message.includes(file), err.message);
      assert.match(err.message, expected);
    });
  }

  it('rejects a missing default bundle directory, naming the file', () => {
    const { dir, file } = makeInstall(BASE);
    rmSync(join(dir, 'connectors'), { recursive: true });
    const err = loadError({ installDir: dir });
    assert.equal(err.property, 'connectorserver.bundleDir');
    assert.ok(err.message.includes(file) && err.message.includes(join(dir, 'connectors')), err.message);
  });

  it('requires a key or a password', () => {
    const { dir, file } = makeInstall('connectorserver.port=8759\n');
    const err = loadError({ installDir: dir });
    assert.equal(err.property, 'connectorserver.key');
    assert.ok(err.message.includes(file), err.message);
    assert.match(err.message, /connectorserver\.key.*connectorserver\.password/);
  });

  it('rejects a key that is not a hash without repeating it', () => {
    const { dir, file } = makeInstall('connectorserver.key=MyPlainSecret-42\n');
    const err = loadError({ installDir: dir });
    assert.equal(err.property, 'connectorserver.key');
    assert.ok(err.message.includes(file), err.message);
    assert.match(err.message, /28 characters of base64/);
    assert.doesNotMatch(err.message, /MyPlainSecret/);
  });

  it('says a bad value came from OPENICF_OPTS or from the command line', () => {
    const { dir } = makeInstall(BASE);
    const fromEnv = loadError({ installDir: dir, env: { OPENICF_OPTS: '-Dconnectorserver.port=abc' } });
    assert.equal(fromEnv.message, 'connectorserver.port=abc in OPENICF_OPTS: expected an integer 0..65535');
    const fromCli = loadError({ installDir: dir, overrides: { usessl: 'maybe' } });
    assert.equal(fromCli.message, 'connectorserver.usessl=maybe on the command line: expected true or false');
  });

  it('reports an unreadable OPENICF_OPTS, a missing named file and a malformed file', () => {
    const good = makeInstall(BASE);
    const unclosed = loadError({ installDir: good.dir, env: { OPENICF_OPTS: '"-Dconnectorserver.port=1' } });
    assert.match(unclosed.message, /OPENICF_OPTS has an unclosed double quote/);
    const missing = join(good.dir, 'conf', 'nope.properties');
    assert.ok(loadError({ installDir: good.dir, propertiesFile: missing }).message.includes(missing));
    const { dir, file } = makeInstall(BASE + 'connectorserver.libDir=\\u00zz\n');
    const malformed = loadError({ installDir: dir });
    assert.ok(malformed.message.includes(file) && /line 2/.test(malformed.message), malformed.message);
  });
});

describe('loadServerConfig: warnings', () => {
  it('warns once per unknown property', () => {
    const { dir, file } = makeInstall(BASE + 'connectorserver.prot=1\nsomething.else=2\n');
    const config = load({ installDir: dir, env: { OPENICF_OPTS: '-Dconnectorserver.typo=3' } });
    assert.deepEqual(config.warnings, [
      `unknown property connectorserver.prot in ${file} is ignored`,
      `unknown property something.else in ${file} is ignored`,
      'unknown property connectorserver.typo in OPENICF_OPTS is ignored',
    ]);
  });

  it('lists the client-mode properties in one warning, without their values', () => {
    const { dir } = makeInstall(
      BASE +
        'connectorserver.url=wss://idm.example.com/openicf\nconnectorserver.principal=anonymous\n' +
        'connectorserver.clientSecret=Client-Secret-Value\nconnectorserver.proxyPassword=Proxy-Secret-Value\n' +
        'connectorserver.housekeepingInterval=20\n',
    );
    const config = load({ installDir: dir });
    assert.equal(config.warnings.length, 1);
    const [warning] = config.warnings;
    assert.match(warning, /ignored in server mode/);
    for (const name of ['url', 'principal', 'clientSecret', 'proxyPassword', 'housekeepingInterval']) {
      assert.ok(warning.includes(`connectorserver.${name}`), name);
    }
    assert.doesNotMatch(warning, /Secret-Value|idm\.example/);
  });

  it('warns that TLS settings are unused when usessl is off', () => {
    const { dir } = makeInstall(BASE + 'connectorserver.keyStoreFile=security/ks.p12\n');
    const config = load({ installDir: dir });
    assert.equal(config.tls, undefined);
    assert.deepEqual(config.warnings, ['connectorserver.keyStoreFile ignored: connectorserver.usessl is not true']);
  });
});

describe('loadServerConfig: TLS', () => {
  let security: string;
  before(() => {
    // A real PKCS12 key store and trust store, made by openssl.
    security = mkdtempSync(join(tempRoot, 'security-'));
    const key = join(security, 'key.pem');
    const cert = join(security, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '2',
      '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
    execFileSync('openssl', [
      'pkcs12', '-export', '-inkey', key, '-in', cert, '-name', 'server', '-passout', 'pass:Store-Pass-1',
      '-out', join(security, 'keyStore.p12'),
    ], { stdio: 'ignore' });
    execFileSync('openssl', [
      'pkcs12', '-export', '-nokeys', '-in', cert, '-passout', 'pass:Trust-Pass-1', '-out', join(security, 'trust.p12'),
    ], { stdio: 'ignore' });
  });

  it('builds TlsSettings with the key password defaulting to the store password', () => {
    const { dir } = makeInstall(
      BASE +
        `connectorserver.usessl=true\nconnectorserver.keyStoreFile=${join(security, 'keyStore.p12')}\n` +
        'connectorserver.keyStorePass=Store-Pass-1\nconnectorserver.keyStoreAlias=server\n',
    );
    const config = load({ installDir: dir });
    assert.equal(config.useSsl, true);
    assert.deepEqual(config.tls, {
      keyStore: { file: join(security, 'keyStore.p12'), type: 'PKCS12', password: 'Store-Pass-1' },
      keyPassword: 'Store-Pass-1',
      keyAlias: 'server',
      requireClientCertificate: false,
    });
  });

  it('adds the trust store for mutual TLS, resolving relative store paths against the installation', () => {
    const { dir } = makeInstall();
    mkdirSync(join(dir, 'security'));
    copyFileSync(join(security, 'keyStore.p12'), join(dir, 'security', 'keyStore.p12'));
    copyFileSync(join(security, 'trust.p12'), join(dir, 'security', 'trust.p12'));
    writeFileSync(
      join(dir, 'conf', 'ConnectorServer.properties'),
      BASE +
        'connectorserver.usessl=true\nconnectorserver.keyStoreFile=security/keyStore.p12\n' +
        'connectorserver.keyStoreType=pkcs12\nconnectorserver.keyStorePass=Store-Pass-1\nconnectorserver.keyPass=Key-Pass-2\n' +
        'connectorserver.trustStoreFile=security/trust.p12\nconnectorserver.trustStorePass=Trust-Pass-1\n' +
        'connectorserver.requireClientCertificate=true\n',
    );
    const config = load({ installDir: dir });
    assert.deepEqual(config.tls, {
      keyStore: { file: join(dir, 'security', 'keyStore.p12'), type: 'pkcs12', password: 'Store-Pass-1' },
      keyPassword: 'Key-Pass-2',
      trustStore: { file: join(dir, 'security', 'trust.p12'), type: 'PKCS12', password: 'Trust-Pass-1' },
      requireClientCertificate: true,
    });
  });

  it('rejects other store types and mutual TLS without a trust store, never showing passwords', () => {
    const ks = `connectorserver.usessl=true\nconnectorserver.keyStoreFile=${join(security, 'keyStore.p12')}\n` +
      'connectorserver.keyStorePass=Store-Pass-1\n';
    const jks = makeInstall(BASE + ks + 'connectorserver.keyStoreType=JKS\n');
    const jksError = loadError({ installDir: jks.dir });
    assert.equal(jksError.message, `connectorserver.keyStoreType=JKS in ${jks.file}: expected PKCS12 (the only supported store type)`);

    const mtls = makeInstall(BASE + ks + 'connectorserver.requireClientCertificate=true\n');
    const mtlsError = loadError({ installDir: mtls.dir });
    assert.equal(mtlsError.property, 'connectorserver.trustStoreFile');
    assert.ok(mtlsError.message.includes(mtls.file), mtlsError.message);

    const trustJks = makeInstall(BASE + ks + 'connectorserver.trustStoreType=JKS\nconnectorserver.trustStoreFile=' +
      join(security, 'trust.p12') + '\n');
    const trustJksError = loadError({ installDir: trustJks.dir });
    assert.equal(trustJksError.property, 'connectorserver.trustStoreType');
    for (const err of [jksError, mtlsError, trustJksError]) assert.doesNotMatch(err.message, /Store-Pass-1/);
  });
});
