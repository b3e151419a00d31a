/**
 * `rcs setkey` and bin/ConnectorServer.sh, run as real child processes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { computeKeyHash } from '../../src/server/auth/key-hash.ts';
import { parseProperties } from '../../src/server/config/java-properties.ts';
import { parseOpenIcfOpts } from '../../src/server/config/openicf-opts.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const shippedFile = join(repoRoot, 'conf', 'ConnectorServer.properties');
const setkeyModule = join(repoRoot, 'src', 'cli', 'commands', 'setkey.ts');
const launcher = join(repoRoot, 'bin', 'ConnectorServer.sh');
const TIMEOUT_MS = 30_000;

const tempRoot = mkdtempSync(join(tmpdir(), 'rcs-setkey-test-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));

// A minimal command line holding only the setkey command module, as the rcs entry point registers it.
const harness = `
import yargs from 'yargs';
const { default: setkey } = await import(${JSON.stringify(setkeyModule)});
await yargs(process.argv.slice(1)).command(setkey).strict().parseAsync();
`;

function setkey(args: string[], stdin: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', harness, 'setkey', ...args], {
    cwd: repoRoot,
    input: stdin,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    env: { ...process.env, ...env },
  });
}

let copies = 0;
function copyOfShipped(): string {
  const file = join(tempRoot, `copy-${copies++}.properties`);
  copyFileSync(shippedFile, file);
  return file;
}

/** Indexes of the lines that differ between two texts of the same line count. */
function changedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  assert.equal(b.length, a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [i]));
}

describe('rcs setkey', () => {
  it('reads the key twice from standard input and rewrites only the key line', () => {
    const file = copyOfShipped();
    const result = setkey(['--properties', file], 'Passw0rd\nPassw0rd\n');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Please enter the new key:/);
    assert.match(result.stdout, /Please confirm the new key:/);
    assert.match(result.stdout, /Key has been successfully updated\./);
    const original = readFileSync(shippedFile, 'utf8');
    const edited = readFileSync(file, 'utf8');
    const changed = changedLines(original, edited);
    assert.equal(changed.length, 1);
    assert.equal(edited.split('\n')[changed[0]], `connectorserver.key=${computeKeyHash('Passw0rd').replace('=', '\\=')}`);
    assert.equal(parseProperties(edited).get('connectorserver.key'), computeKeyHash('Passw0rd'));
  });

  it('writes back the shipped file byte for byte when the key returns to changeit', () => {
    const file = copyOfShipped();
    assert.equal(setkey(['--properties', file, 'other-key'], '').status, 0);
    const result = setkey(['changeit', '--properties', file], '');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(readFileSync(file), readFileSync(shippedFile));
    assert.equal(parseProperties(readFileSync(file, 'utf8')).get('connectorserver.key'), 'lmA6bMfENJGlIDbfrVtklXFK32s=');
  });

  it('keeps a numeric-looking key as text', () => {
    const file = copyOfShipped();
    assert.equal(setkey(['0123', '--properties', file], '').status, 0);
    assert.equal(parseProperties(readFileSync(file, 'utf8')).get('connectorserver.key'), computeKeyHash('0123'));
  });

  it('refuses a confirmation that differs, leaving the file alone', () => {
    const file = copyOfShipped();
    const result = setkey(['--properties', file], 'first\nsecond\n');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^Error: Key mismatch\.$/m);
    assert.doesNotMatch(result.stdout, /successfully/);
    assert.deepEqual(readFileSync(file), readFileSync(shippedFile));
  });

  it('fails when standard input ends before the key is confirmed', () => {
    const file = copyOfShipped();
    const result = setkey(['--properties', file], 'only-once\n');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Error: No key was entered\./);
    assert.deepEqual(readFileSync(file), readFileSync(shippedFile));
  });

  it('uses conf/ConnectorServer.properties of the installation by default', () => {
    const install = join(tempRoot, 'install-default');
    mkdirSync(join(install, 'conf'), { recursive: true });
    copyFileSync(shippedFile, join(install, 'conf', 'ConnectorServer.properties'));
    const result = setkey(['via-default'], '', { RCS_HOME: install });
    assert.equal(result.status, 0, result.stderr);
    const text = readFileSync(join(install, 'conf', 'ConnectorServer.properties'), 'utf8');
    assert.equal(parseProperties(text).get('connectorserver.key'), computeKeyHash('via-default'));
  });

  it('reports a missing file without echoing the key', () => {
    const missing = join(tempRoot, 'nope.properties');
    const result = setkey(['Secret-Key-Value', '--properties', missing], '');
    assert.equal(result.status, 1);
    assert.ok(result.stderr.includes(missing), result.stderr);
    assert.doesNotMatch(result.stderr + result.stdout, /Secret-Key-Value/);
  });
});

describe('rcs setkey on a terminal', () => {
  // Drives the command through a pseudo-terminal (python3's pty module) to check the key is not echoed.
  const driver = `
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.chdir(sys.argv[1])
    os.execv(sys.argv[2], sys.argv[2:])
out = b''
def wait_for(marker):
    global out
    end = time.time() + 20
    while marker not in out and time.time() < end:
        try:
            out += os.read(fd, 1024)
        except OSError:
            break
wait_for(b'enter the new key')
time.sleep(0.2)
os.write(fd, b'Tty-Key-9\\r')
wait_for(b'confirm the new key')
time.sleep(0.2)
os.write(fd, b'Tty-Key-9\\r')
wait_for(b'successfully')
os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf-8', 'replace'))
`;

  it('asks twice without echoing the key', (t) => {
    if (spawnSync('python3', ['-c', 'import pty'], { timeout: TIMEOUT_MS }).status !== 0) {
      t.skip('python3 with the pty module is not available');
      return;
    }
    const file = copyOfShipped();
    const script = join(tempRoot, 'drive_tty.py');
    writeFileSync(script, driver);
    const result = spawnSync(
      'python3',
      [script, repoRoot, process.execPath, '--import', 'tsx', '--input-type=module', '-e', harness, 'setkey', '--properties', file],
      { encoding: 'utf8', timeout: TIMEOUT_MS * 2 },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Please enter the new key:/);
    assert.match(result.stdout, /Please confirm the new key:/);
    assert.match(result.stdout, /Key has been successfully updated\./);
    assert.doesNotMatch(result.stdout, /Tty-Key-9/);
    assert.equal(parseProperties(readFileSync(file, 'utf8')).get('connectorserver.key'), computeKeyHash('Tty-Key-9'));
  });
});

describe('bin/ConnectorServer.sh', () => {
  // A copy of the launcher in an installation whose bin/rcs only reports how it was started, so that the
  // launcher's own behaviour (argument handling, OPENICF_OPTS, working directory) is what is checked.
  const install = join(tempRoot, 'launcher-install');
  mkdirSync(join(install, 'bin'), { recursive: true });
  copyFileSync(launcher, join(install, 'bin', 'ConnectorServer.sh'));
  chmodSync(join(install, 'bin', 'ConnectorServer.sh'), 0o755);
  writeFileSync(
    join(install, 'bin', 'rcs'),
    'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), ' +
      'opts: process.env.OPENICF_OPTS ?? null }));\n',
  );

  function launch(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
    const { OPENICF_OPTS: _ignored, ...base } = process.env;
    return spawnSync(join(install, 'bin', 'ConnectorServer.sh'), args, {
      cwd: tempRoot,
      encoding: 'utf8',
      timeout: TIMEOUT_MS,
      env: { ...base, NODE: process.execPath, ...env },
    });
  }

  function started(result: SpawnSyncReturns<string>): { argv: string[]; cwd: string; opts: string | null } {
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as { argv: string[]; cwd: string; opts: string | null };
  }

  it('runs "rcs run" from the installation directory for /run, in any case', () => {
    for (const command of ['/run', '/RUN', '/Run']) {
      const { argv, cwd, opts } = started(launch([command]));
      assert.deepEqual(argv, ['run']);
      assert.equal(cwd, realpathSync(install));
      assert.equal(opts, null);
    }
  });

  it('appends -J options to OPENICF_OPTS, quoting them, and passes other arguments on', () => {
    const result = launch(
      ['/run', '-J-Dconnectorserver.port=8760', "-J-Dconnectorserver.bundleDir=/opt/my conn's", '--properties', 'x.properties'],
      { OPENICF_OPTS: '-Xmx256m -Dconnectorserver.usessl=false' },
    );
    const { argv, opts } = started(result);
    assert.deepEqual(argv, ['run', '--properties', 'x.properties']);
    assert.ok(opts !== null);
    assert.deepEqual(Object.fromEntries(parseOpenIcfOpts(opts)), {
      'connectorserver.usessl': 'false',
      'connectorserver.port': '8760',
      'connectorserver.bundleDir': "/opt/my conn's",
    });
  });

  it('runs "rcs setkey" for /setkey and /setKey, with or without a key', () => {
    assert.deepEqual(started(launch(['/setKey', 'Passw0rd'])).argv, ['setkey', 'Passw0rd']);
    assert.deepEqual(started(launch(['/setkey'])).argv, ['setkey']);
  });

  it('prints the usage for anything else', () => {
    for (const args of [[], ['/bogus'], ['run']]) {
      const result = launch(args);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /Usage: ConnectorServer\.sh \/run/);
      assert.equal(result.stdout, '');
    }
  });

  it('sets the key through the real bin/rcs', (t) => {
    const probe = spawnSync(process.execPath, [join(repoRoot, 'bin', 'rcs'), '--help'], {
      encoding: 'utf8',
      timeout: TIMEOUT_MS,
    });
    if (probe.status !== 0) {
      t.skip('bin/rcs does not start in this checkout');
      return;
    }
    const file = copyOfShipped();
    const result = spawnSync(launcher, ['/setKey', 'Launcher-Key', '--properties', file], {
      encoding: 'utf8',
      timeout: TIMEOUT_MS,
      env: { ...process.env, NODE: process.execPath },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Key has been successfully updated\./);
    assert.equal(parseProperties(readFileSync(file, 'utf8')).get('connectorserver.key'), computeKeyHash('Launcher-Key'));
    assert.equal(changedLines(readFileSync(shippedFile, 'utf8'), readFileSync(file, 'utf8')).length, 1);
  });
});
