/** `rcs run --check`: validates configuration, bundles and keystores without listening. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { runRcs, tempDir } from './support.ts';

test('the shipped configuration checks out and lists the built-in connectors', async () => {
  const r = await runRcs(['run', '--check', '--log-level', 'warn']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /listen: ws:\/\/0\.0\.0\.0:8759\/openicf/);
  assert.match(r.stdout, /connectors \(4\)/);
  assert.match(r.stdout, /org\.forgerock\.openicf\.csvfile\.CSVFileConnector/);
});

test('a keystore with the wrong password fails the check, naming the file and the property', async () => {
  const { dir, cleanup } = await tempDir('rcs-check-');
  try {
    const store = path.join(dir, 'ks.p12');
    execFileSync('keytool', ['-genkeypair', '-alias', 'rcs', '-keyalg', 'EC', '-dname', 'CN=check', '-validity', '2',
      '-keystore', store, '-storetype', 'PKCS12', '-storepass', 'right-pass'], { stdio: 'ignore' });
    const ok = await runRcs(['run', '--check', '--log-level', 'warn', '-D', 'connectorserver.usessl=true',
      '-D', `connectorserver.keyStoreFile=${store}`, '-D', 'connectorserver.keyStorePass=right-pass']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /tls: .*CN=check/);
    const bad = await runRcs(['run', '--check', '--log-level', 'warn', '-D', 'connectorserver.usessl=true',
      '-D', `connectorserver.keyStoreFile=${store}`, '-D', 'connectorserver.keyStorePass=wrong-pass']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /keyStorePass/);
    assert.ok(bad.stderr.includes(store), bad.stderr);
    assert.ok(!bad.stderr.includes('wrong-pass') && !bad.stdout.includes('wrong-pass'), 'no password in the output');
  } finally {
    await cleanup();
  }
});
