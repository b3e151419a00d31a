/** Runs the real `bin/rcs` as child processes: one-shot commands and a server in the background. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RCS_BIN = join(REPO_DIR, 'bin', 'rcs');
export const CONNECTORS_DIR = join(REPO_DIR, 'connectors');
/** Hash of "changeit", as written by `rcs setkey changeit`. */
export const CHANGEIT_HASH = 'lmA6bMfENJGlIDbfrVtklXFK32s=';

export interface RcsResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunRcsOptions {
  /** Bytes written to stdin (stdin is closed either way, so nothing waits on a terminal). */
  input?: string | Uint8Array;
  /** Kill the process after this long (default 30 s) and reject. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs `bin/rcs <args>` to completion, bounded in time. */
export function runRcs(args: string[], options: RunRcsOptions = {}): Promise<RcsResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [RCS_BIN, ...args], {
      cwd: options.cwd ?? REPO_DIR,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rcs ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** A port that was free a moment ago (the server config does not accept port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `rcs-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Escapes a value for a Java .properties file. */
function propertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/[=:]/g, (c) => `\\${c}`).replace(/^ /, '\\ ');
}

/** Writes a properties file; keys without the connectorserver. prefix get it. */
export async function writeProperties(file: string, values: Record<string, string>): Promise<void> {
  const lines = Object.entries(values).map(([k, v]) => `${k.startsWith('connectorserver.') ? k : `connectorserver.${k}`}=${propertyValue(v)}`);
  await writeFile(file, lines.join('\n') + '\n');
}

/** A `bin/rcs run` child process. */
export class RcsServerProcess {
  stdout = '';
  stderr = '';
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolvePromise) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolvePromise(this.exitInfo);
      });
    });
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  /** Resolves once a log line contains `text`; rejects if the process exits first or on timeout. */
  async waitForLog(text: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.exitInfo) throw new Error(`rcs run exited (${this.exitInfo.code ?? this.exitInfo.signal}) before logging "${text}":\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`rcs run did not log "${text}" within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** The exit of the process, bounded: SIGKILL after `timeoutMs`, then reject. */
  async waitForExit(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`rcs run did not exit within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM, then the exit status. */
  async stop(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exitInfo) this.child.kill('SIGTERM');
    return this.waitForExit(timeoutMs);
  }

  /** For cleanup paths: ends the process whatever its state, never throws. */
  async kill(): Promise<void> {
    if (this.exitInfo) return;
    this.child.kill('SIGTERM');
    try {
      await this.waitForExit(10_000);
    } catch {
      // waitForExit has sent SIGKILL.
    }
  }
}

/** Starts `bin/rcs run --properties <file> [extra]` without waiting for it. */
export function spawnRcsRun(propertiesFile: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): RcsServerProcess {
  const child = spawn(process.execPath, [RCS_BIN, 'run', '--properties', propertiesFile, ...extra], {
    cwd: REPO_DIR,
    env: { ...process.env, OPENICF_OPTS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new RcsServerProcess(child);
}

/**
 * Starts `bin/rcs run` on a free port and waits for its "listening" line. `values` are written to a properties
 * file in `dir` (port, key and bundleDir are filled in unless given). Retries once if the port was taken meanwhile.
 */
export async function startRcsRun(dir: string, values: Record<string, string> = {}): Promise<{ server: RcsServerProcess; port: number; propertiesFile: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const propertiesFile = join(dir, `server-${port}.properties`);
    await writeProperties(propertiesFile, {
      'connectorserver.port': String(port),
      'connectorserver.ifaddress': '127.0.0.1',
      'connectorserver.key': CHANGEIT_HASH,
      'connectorserver.bundleDir': CONNECTORS_DIR,
      'connectorserver.pingPongInterval': '0',
      ...values,
    });
    const server = spawnRcsRun(propertiesFile);
    try {
      await server.waitForLog('Connector server listening on');
      return { server, port, propertiesFile };
    } catch (err) {
      await server.kill();
      if (attempt < 3 && server.output.includes('EADDRINUSE')) continue;
      throw err;
    }
  }
}
