/**
 * `npm run bench`: the connector server measured next to a bare `ws` baseline doing the same transport work, in
 * the same run, on loopback. Servers run in child processes (as in production); the client runs here.
 * Prints a table and writes bench/results/latest.json. Every loop is bounded in time and count.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { WebSocket } from 'ws';
import pino from 'pino';
import { Name, ObjectClass, Uid } from '../src/model/index.ts';
import { RcsClient } from '../src/client/index.ts';
import { toLegacy, uidToProto } from '../src/rpc/index.ts';
import { computeKeyHash } from '../src/server/index.ts';
import { handshakeFrame, openSocket } from '../test/support/raw-peer.ts';
import { RawSession, isSearchEnd } from '../test/e2e/raw-session.ts';
import { BENCHMARK_KEY, MEMORY_KEY } from '../test/e2e/support.ts';
import { spawnEchoServer, ECHO_SERVER_SCRIPT, type EchoServer } from './lib/echo-server.ts';
import { concurrentRate, median } from './lib/measure.ts';
import { REPO_ROOT, freePort, rssKb, sleep, spawnRcs, type ChildServer } from './lib/proc.ts';

const SEARCH_OBJECTS = 30_000;
const OP_MS = 2_000;
const COLD_START_RUNS = 3;
const IDLE_CONNECTIONS = 1_000;

interface Row {
  name: string;
  unit: string;
  value: number;
  baselineName: string;
  baseline: number;
  /** value / baseline (for times and memory, lower is better). */
  ratio: number;
}

const rows: Row[] = [];
const extra: Record<string, unknown> = {};
const silent = pino({ level: 'silent' });

function row(name: string, unit: string, value: number, baselineName: string, baseline: number): void {
  const r = { name, unit, value, baselineName, baseline, ratio: baseline > 0 ? value / baseline : NaN };
  rows.push(r);
  console.log(`  ${name}: ${fmt(value)} ${unit}  (baseline ${baselineName}: ${fmt(baseline)} ${unit}, ratio ${r.ratio.toFixed(3)})`);
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

// ---- baseline client pieces ---------------------------------------------------------------------------------------

/** A socket whose binary replies resolve waiting callers in order. */
class EchoClient {
  private readonly waiters: Array<(b: Buffer) => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.waiters.shift()?.(data));
  }
  static async open(url: string): Promise<EchoClient> {
    return new EchoClient(await openSocket(url));
  }
  roundTrip(frame: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.ws.send(frame, { binary: true });
    });
  }
  close(): void {
    this.ws.terminate();
  }
}

function streamRequest(count: number, size: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = 1;
  b.writeUInt32BE(count, 1);
  b.writeUInt32BE(size, 5);
  return b;
}

function replyRequest(requestSize: number, replySize: number): Buffer {
  const b = Buffer.alloc(Math.max(5, requestSize), 3);
  b[0] = 2;
  b.writeUInt32BE(replySize, 1);
  return b;
}

// ---- 1. search throughput -------------------------------------------------------------------------------------------

async function benchSearch(rcs: ChildServer, echo: EchoServer): Promise<void> {
  console.log('search throughput (benchmark connector, one connection)');
  const session = await RawSession.open(rcs.url, 1);
  const run = async (n: number): Promise<{ parts: number; bytes: number; seconds: number }> => {
    const facadeKey = session.facadeKey(BENCHMARK_KEY, { numResults: n });
    let parts = 0;
    let bytes = 0;
    const t0 = process.hrtime.bigint();
    const { done } = session.operation(BENCHMARK_KEY, facadeKey, { searchOpRequest: { objectClass: '__ACCOUNT__', filter: new Uint8Array(), options: toLegacy(null) } }, (m, size) => {
      if (isSearchEnd(m)) return true;
      parts++;
      bytes += size;
      return false;
    });
    await Promise.race([done, sleep(120_000).then(() => Promise.reject(new Error('search did not finish')))]);
    return { parts, bytes, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  };
  await run(2_000); // warm-up
  const r = await run(SEARCH_OBJECTS);
  session.close();
  const frameSize = Math.round(r.bytes / r.parts);

  const client = await EchoClient.open(echo.url);
  let frames = 0;
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    client.ws.on('message', (data: Buffer) => {
      if (data.length === 1) resolve();
      else frames++;
    });
    client.ws.send(streamRequest(SEARCH_OBJECTS, frameSize), { binary: true });
  });
  const echoSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  client.close();
  extra.searchFrameBytes = frameSize;
  row(`search ${SEARCH_OBJECTS} objects (${frameSize} B/frame)`, 'objects/s', r.parts / r.seconds, 'ws stream of same frames', frames / echoSeconds);
}

// ---- 2. get and create ----------------------------------------------------------------------------------------------

async function benchOperations(rcs: ChildServer, echo: EchoServer): Promise<void> {
  console.log('get and create (memory connector, client library, 2 connections)');
  // Frame sizes of one get and one create, measured on the wire.
  const raw = await RawSession.open(rcs.url, 1);
  const rawKey = raw.facadeKey(MEMORY_KEY, { instanceId: 'bench-sizes' });
  const sizeOf = async (op: Parameters<RawSession['operation']>[2]): Promise<{ request: number; response: number }> => {
    let response = 0;
    const { done } = raw.operation(MEMORY_KEY, rawKey, op, (_m, size) => {
      response = size;
      return true;
    });
    const request = raw.lastSentBytes;
    await done;
    return { request, response };
  };
  const createSize = await sizeOf({ createOpRequest: { objectClass: '__ACCOUNT__', createAttributes: toLegacy([new Name('sizer')]), options: toLegacy(null) } });
  const getSize = await sizeOf({ getOpRequest: { objectClass: '__ACCOUNT__', uid: uidToProto(new Uid('1')), options: toLegacy(null) } });
  raw.close();
  extra.frameBytes = { create: createSize, get: getSize };

  const client = await RcsClient.connect({ url: rcs.url, key: 'changeit', logger: silent, connectTimeoutMs: 15_000, controlIntervalMs: 0 });
  const echoClients = [await EchoClient.open(echo.url), await EchoClient.open(echo.url)];
  let rr = 0;
  const echoOp = (size: { request: number; response: number }) => () => echoClients[rr++ % echoClients.length]!.roundTrip(replyRequest(size.request, size.response));
  try {
    const facade = client.newFacade(MEMORY_KEY, { instanceId: `bench-${process.pid}` });
    const uid = await facade.create(ObjectClass.ACCOUNT, [new Name('target')], null);
    let n = 0;
    // Warm-up.
    await concurrentRate(() => facade.getObject(ObjectClass.ACCOUNT, uid, null), 4, 300);
    await concurrentRate(echoOp(getSize), 4, 300);
    for (const concurrency of [1, 16]) {
      const get = await concurrentRate(() => facade.getObject(ObjectClass.ACCOUNT, uid, null), concurrency, OP_MS);
      const getBase = await concurrentRate(echoOp(getSize), concurrency, OP_MS);
      row(`get, concurrency ${concurrency}`, 'ops/s', get.perSecond, `ws round trip ${getSize.request}/${getSize.response} B`, getBase.perSecond);
      const create = await concurrentRate(() => facade.create(ObjectClass.ACCOUNT, [new Name(`u${concurrency}-${n++}`)], null), concurrency, OP_MS, 200_000);
      const createBase = await concurrentRate(echoOp(createSize), concurrency, OP_MS);
      row(`create, concurrency ${concurrency}`, 'ops/s', create.perSecond, `ws round trip ${createSize.request}/${createSize.response} B`, createBase.perSecond);
    }
  } finally {
    for (const c of echoClients) c.close();
    await client.close();
  }
}

// ---- 3. cold start ----------------------------------------------------------------------------------------------------

/** Times `attempt` (retried every 10 ms) from the spawn of `args` until it succeeds; kills the process after. */
async function timeToFirst(args: string[], attempt: () => Promise<void>, timeoutMs = 30_000): Promise<number> {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '' } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await attempt();
        return Number(process.hrtime.bigint() - t0) / 1e6;
      } catch {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no answer from: node ${args.slice(0, 2).join(' ')}`);
        await sleep(10);
      }
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

async function benchColdStart(): Promise<void> {
  console.log('cold start');
  const dir = mkdtempSync(path.join(tmpdir(), 'rcs-bench-'));
  try {
    const rcsTimes: number[] = [];
    const echoTimes: number[] = [];
    for (let i = 0; i < COLD_START_RUNS; i++) {
      const port = await freePort();
      const file = path.join(dir, `p${i}.properties`);
      writeFileSync(
        file,
        [
          `connectorserver.port=${port}`,
          'connectorserver.ifaddress=127.0.0.1',
          'connectorserver.usessl=false',
          `connectorserver.key=${computeKeyHash('changeit')}`,
          `connectorserver.bundleDir=${path.join(REPO_ROOT, 'connectors')}`,
          `connectorserver.libDir=${path.join(dir, 'lib')}`,
          'connectorserver.logLevel=warn',
        ].join('\n') + '\n',
      );
      rcsTimes.push(
        await timeToFirst([path.join(REPO_ROOT, 'bin', 'rcs'), 'run', '--properties', file], async () => {
          const s = await RawSession.open(`ws://127.0.0.1:${port}/openicf`, 1);
          s.close();
          if (s.infos.length === 0) throw new Error('no connector infos');
        }),
      );
      const echoPort = await freePort();
      echoTimes.push(
        await timeToFirst(['-e', ECHO_SERVER_SCRIPT, String(echoPort)], async () => {
          const c = await EchoClient.open(`ws://127.0.0.1:${echoPort}/`);
          await c.roundTrip(Buffer.from([9, 9, 9]));
          c.close();
        }),
      );
    }
    extra.coldStartMs = { rcs: rcsTimes, echo: echoTimes };
    row('cold start to first ControlResponse (median)', 'ms', median(rcsTimes), 'node -e ws server to first echo', median(echoTimes));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- 4. idle connections ----------------------------------------------------------------------------------------------

async function openMany(n: number, open: (i: number) => Promise<WebSocket>): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < n; i += 50) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => open(i + j)))));
  }
  return sockets;
}

function firstMessage(ws: WebSocket, send: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no reply')), 10_000);
    ws.once('message', () => {
      clearTimeout(t);
      resolve();
    });
    ws.send(send, { binary: true });
  });
}

async function settledRss(pid: number): Promise<number> {
  await sleep(1000);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssKb(pid) ?? 0);
    await sleep(100);
  }
  return median(samples);
}

async function benchIdleConnections(): Promise<void> {
  console.log(`RSS per idle connection (${IDLE_CONNECTIONS} handshaken sockets)`);
  const rcs = await spawnRcs({ logLevel: 'warn' });
  let rcsPerConn: number;
  try {
    const before = await settledRss(rcs.pid);
    const sockets = await openMany(IDLE_CONNECTIONS, async () => {
      const ws = await openSocket(rcs.url);
      // Each socket its own session (as many IDM nodes would be), handshake answered.
      await firstMessage(ws, handshakeFrame(randomBytes(20).toString('hex').toUpperCase()));
      return ws;
    });
    const after = await settledRss(rcs.pid);
    rcsPerConn = (after - before) / IDLE_CONNECTIONS;
    extra.idleRssKb = { rcsBefore: before, rcsAfter: after };
    for (const s of sockets) s.terminate();
  } finally {
    await rcs.stop();
  }
  const echo = await spawnEchoServer(await freePort());
  try {
    const before = await settledRss(echo.pid);
    const sockets = await openMany(IDLE_CONNECTIONS, async () => {
      const ws = await openSocket(echo.url);
      await firstMessage(ws, Buffer.from([9]));
      return ws;
    });
    const after = await settledRss(echo.pid);
    (extra.idleRssKb as Record<string, number>).echoBefore = before;
    (extra.idleRssKb as Record<string, number>).echoAfter = after;
    for (const s of sockets) s.terminate();
    row('RSS per idle connection', 'KiB', rcsPerConn, 'bare ws server', (after - before) / IDLE_CONNECTIONS);
  } finally {
    await echo.stop();
  }
}

// ---- 5. legacy codec --------------------------------------------------------------------------------------------------

async function benchLegacyCodec(): Promise<void> {
  const file = path.join(REPO_ROOT, 'bench', 'legacy-codec.bench.ts');
  if (!existsSync(file)) {
    console.log('legacy codec: bench/legacy-codec.bench.ts not present, skipped');
    return;
  }
  console.log('legacy codec (bench/legacy-codec.bench.ts)');
  const mod = (await import(pathToFileURL(file).href)) as { run?: () => Promise<Record<string, unknown>> };
  if (typeof mod.run !== 'function') {
    console.log('  no run() export, skipped');
    return;
  }
  const result = await mod.run();
  extra.legacyCodec = result;
  for (const [k, v] of Object.entries(result)) console.log(`  ${k}: ${typeof v === 'number' ? fmt(v) : JSON.stringify(v)}`);
}

// ---- main ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`OpenICF connector server benchmark: node ${process.version}, ${process.platform}/${process.arch}\n`);
  const rcs = await spawnRcs({ logLevel: 'warn' });
  const echo = await spawnEchoServer(await freePort());
  const failures: string[] = [];
  const section = async (name: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      console.log(`  ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  try {
    await section('search', () => benchSearch(rcs, echo));
    await section('operations', () => benchOperations(rcs, echo));
  } finally {
    await echo.stop();
    await rcs.stop();
  }
  await section('cold start', benchColdStart);
  await section('idle connections', benchIdleConnections);
  await section('legacy codec', benchLegacyCodec);

  console.log('\n' + table());
  const result = { date: new Date().toISOString(), node: process.version, seconds: (Date.now() - started) / 1000, rows, extra, failures };
  const outDir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`\nwrote bench/results/latest.json (${result.seconds.toFixed(0)} s)`);
  if (failures.length > 0) process.exitCode = 1;
}

function table(): string {
  const header = ['measure', 'value', 'baseline', 'ratio'];
  const lines = rows.map((r) => [r.name, `${fmt(r.value)} ${r.unit}`, `${fmt(r.baseline)} ${r.unit} (${r.baselineName})`, r.ratio.toFixed(3)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(line)].join('\n');
}

await main();
// Reconnect timers of closed clients and child-process pipes must not keep a finished benchmark alive.
process.exit();
