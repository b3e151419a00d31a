/**
 * Shared pieces of the end-to-end tests: the built-in connector keys, a server with the built-in connectors and a
 * connected client, result collection, bounded waits, and a connector server running as a child process
 * (`bin/rcs run` with a temporary properties file) for memory and signal tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import {
  ConnectorKey,
  type ConnectorObject,
  type Filter,
  type ObjectClass,
  type OperationOptions,
  type SearchResult,
  type SyncDelta,
  type SyncToken,
} from '../../src/model/index.ts';
import { RcsClient, type RemoteConnectorFacade } from '../../src/client/index.ts';
import { computeKeyHash, startServer, type RunningServer, type StartServerOptions } from '../../src/server/index.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RCS_BIN = path.join(REPO_ROOT, 'bin', 'rcs');

export const MEMORY_KEY = new ConnectorKey('org.openicf.rcs.memory', '1.0.0.0', 'org.openicf.rcs.memory.MemoryConnector');
export const BENCHMARK_KEY = new ConnectorKey('org.openicf.rcs.benchmark', '1.0.0.0', 'org.openicf.rcs.benchmark.BenchmarkConnector');
export const TST_KEY = new ConnectorKey('testbundlev1', '1.0.0.0', 'org.identityconnectors.testconnector.TstConnector');
export const CSV_KEY = new ConnectorKey(
  'org.forgerock.openicf.connectors.csvfile-connector',
  '1.5.20.0',
  'org.forgerock.openicf.csvfile.CSVFileConnector',
);
export const BUILTIN_KEYS = [MEMORY_KEY, BENCHMARK_KEY, TST_KEY, CSV_KEY];

export const silentLogger = pino({ level: process.env.E2E_LOG ?? 'silent' });

/** Rejects with a clear message when `p` does not settle within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it is true or `ms` elapse; returns the last answer. */
export async function waitUntil(check: () => boolean, ms: number, stepMs = 10): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() >= deadline) return false;
    await sleep(stepMs);
  }
  return true;
}

export interface E2eContext {
  server: RunningServer;
  client: RcsClient;
  close(): Promise<void>;
}

/** An in-process server with the built-in connectors and a client connected to it. */
export async function startWithClient(options: StartServerOptions = {}): Promise<E2eContext> {
  const server = await startServer({ bundleDir: true, logger: silentLogger, controlIntervalMs: 0, ...options });
  let client: RcsClient;
  try {
    client = await RcsClient.connect({ url: server.url, key: 'changeit', logger: silentLogger, connectTimeoutMs: 10_000, controlIntervalMs: 0 });
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    server,
    client,
    async close() {
      await client.close().catch(() => undefined);
      await server.close();
    },
  };
}

let instanceCounter = 0;
/** A distinct memory store per call, so tests do not see each other's objects. */
export function uniqueInstance(prefix = 'e2e'): string {
  return `${prefix}-${process.pid}-${++instanceCounter}-${Date.now()}`;
}

export interface Collected {
  objects: ConnectorObject[];
  result: SearchResult | null;
}

export async function collect(
  facade: RemoteConnectorFacade,
  objectClass: ObjectClass,
  filter: Filter | null = null,
  options: OperationOptions | null = null,
): Promise<Collected> {
  const objects: ConnectorObject[] = [];
  const result = await withTimeout(
    facade.search(objectClass, filter, async (o) => {
      objects.push(o);
      return true;
    }, options),
    30_000,
    'search',
  );
  return { objects, result };
}

export async function collectSync(
  facade: RemoteConnectorFacade,
  objectClass: ObjectClass,
  token: SyncToken | null,
  options: OperationOptions | null = null,
): Promise<{ deltas: SyncDelta[]; token: SyncToken | null }> {
  const deltas: SyncDelta[] = [];
  const last = await withTimeout(
    facade.sync(objectClass, token, async (d) => {
      deltas.push(d);
      return true;
    }, options),
    30_000,
    'sync',
  );
  return { deltas, token: last };
}

export function names(objects: readonly ConnectorObject[]): string[] {
  return objects.map((o) => String(o.name.value));
}

/** A TCP port that was free a moment ago (the properties file needs a real port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in KiB, from /proc (null once it is gone). */
export function rssKb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export interface ChildServer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process ended. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; removes the temp dir. */
  stop(graceMs?: number): Promise<number | string>;
}

export interface ChildServerOptions {
  /** Extra connectorserver.* properties (without the prefix). */
  properties?: Record<string, string>;
  logLevel?: string;
  /** Extra node flags (e.g. --expose-gc). */
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

/**
 * `node bin/rcs run` with a temporary properties file (key "changeit", built-in connectors, loopback only),
 * resolved once the server logged that it listens.
 */
export async function spawnRcs(options: ChildServerOptions = {}): Promise<ChildServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rcs-e2e-'));
  const port = await freePort();
  const props: Record<string, string> = {
    port: String(port),
    ifaddress: '127.0.0.1',
    usessl: 'false',
    key: computeKeyHash('changeit'),
    bundleDir: path.join(REPO_ROOT, 'connectors'),
    libDir: path.join(dir, 'lib'),
    pingPongInterval: '0',
    ...options.properties,
  };
  const file = path.join(dir, 'ConnectorServer.properties');
  writeFileSync(file, Object.entries(props).map(([k, v]) => `connectorserver.${k}=${v.replace(/\\/g, '\\\\')}`).join('\n') + '\n');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), RCS_BIN, 'run', '--properties', file, '--log-level', options.logLevel ?? 'info'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let out = '';
  const onData = (b: Buffer): void => {
    // Keep the tail only: a long run must not grow this test's memory.
    out = (out + b.toString('utf8')).slice(-200_000);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  void exited.then(cleanup);
  const url = `ws://127.0.0.1:${port}/openicf`;
  const started = await Promise.race([waitForHealth(port, options.startTimeoutMs ?? 30_000), exited.then(() => false)]);
  if (!started) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`rcs did not start:\n${out.slice(-4000)}`);
  }
  return {
    child,
    pid: child.pid!,
    port,
    url,
    output: () => out,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(t);
        return code;
      }
      return exited;
    },
  };
}

/** Polls GET /health until the server answers (any status) or `ms` elapse. */
export async function waitForHealth(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = httpGet({ host: '127.0.0.1', port, path: '/health', timeout: 1000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => {
        req.destroy();
        resolve(false);
      });
    });
    if (ok) return true;
    await sleep(20);
  }
  return false;
}

/** A temp directory removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
