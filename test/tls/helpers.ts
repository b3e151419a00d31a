/** Shared fixtures for the TLS tests: temp dirs and real keytool / openssl invocations. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ToolResult {
  stdout: string;
  stderr: string;
}

/** Runs a command with a bounded time; rejects with its output on failure. */
export async function tool(command: string, args: string[], cwd?: string): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' });
    return { stdout, stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

export const keytool = (args: string[], cwd?: string): Promise<ToolResult> => tool('keytool', args, cwd);
export const openssl = (args: string[], cwd?: string): Promise<ToolResult> => tool('openssl', args, cwd);

export async function makeTempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `rcs-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** keytool -genkeypair into a PKCS12 store (current format unless `legacy`). */
export async function keytoolGenerate(options: {
  keystore: string;
  storepass: string;
  alias: string;
  dname: string;
  keyalg?: 'EC' | 'RSA';
  keysize?: number;
  san?: string;
  startdate?: string;
  validity?: number;
  legacy?: boolean;
}): Promise<void> {
  const args = [
    ...(options.legacy ? ['-J-Dkeystore.pkcs12.legacy'] : []),
    '-genkeypair', '-noprompt',
    '-keystore', options.keystore, '-storetype', 'PKCS12', '-storepass', options.storepass,
    '-alias', options.alias, '-dname', options.dname,
    '-keyalg', options.keyalg ?? 'EC',
    '-validity', String(options.validity ?? 30),
  ];
  if (options.keysize) args.push('-keysize', String(options.keysize));
  if (options.san) args.push('-ext', `SAN=${options.san}`);
  if (options.startdate) args.push('-startdate', options.startdate);
  await keytool(args);
}

/** keytool -exportcert -rfc. */
export async function keytoolExport(keystore: string, storepass: string, alias: string, file: string): Promise<void> {
  await keytool(['-exportcert', '-rfc', '-keystore', keystore, '-storetype', 'PKCS12', '-storepass', storepass, '-alias', alias, '-file', file]);
}

/** keytool -importcert of a trusted certificate into a (new) PKCS12 truststore. */
export async function keytoolTrust(truststore: string, storepass: string, alias: string, certFile: string): Promise<void> {
  await keytool(['-importcert', '-noprompt', '-keystore', truststore, '-storetype', 'PKCS12', '-storepass', storepass, '-alias', alias, '-file', certFile]);
}

/** Output of keytool -list -v. */
export async function keytoolList(keystore: string, storepass: string): Promise<string> {
  return (await keytool(['-list', '-v', '-keystore', keystore, '-storetype', 'PKCS12', '-storepass', storepass])).stdout;
}

/** An openssl CA (RSA, self-signed) in `dir`: ca.key, ca.pem. */
export async function opensslCa(dir: string, name: string, cn: string): Promise<{ key: string; cert: string }> {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', `/CN=${cn}`, '-days', '30',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return { key, cert };
}

/** An EC key + certificate signed by `ca`, for clients. */
export async function opensslSignedCert(dir: string, name: string, cn: string, ca: { key: string; cert: string }): Promise<{ key: string; cert: string }> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`]);
  await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '10']);
  return { key, cert };
}

/** Resolves with `promise`, or rejects after `ms` so no test waits forever. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
