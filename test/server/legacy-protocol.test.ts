/**
 * The legacy (pre-WebSocket) socket protocol over real sockets: replays of real Java client connections
 * (vectors/transcripts/legacy), the shared-key check, malformed input, and the 200-part pause of streamed results.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import {
  APIConfiguration,
  ConfigurationProperties,
  ConfigurationProperty,
  ConnectorKey,
  ConnectorObject,
  GuardedString,
  JavaClass,
  JavaThrowable,
  Locale,
  ObjectClass,
  OperationOptions,
  Schema,
  SearchResult,
  SyncDelta,
  SyncToken,
  Uid,
} from '../../src/model/index.ts';
import {
  EchoMessage,
  encodeFacadeKey,
  HelloRequest,
  HelloResponse,
  LegacyStreamReader,
  LegacyStreamWriter,
  OperationRequest,
  OperationRequestMoreData,
  OperationRequestStopData,
  OperationResponseEnd,
  OperationResponsePart,
  OperationResponsePause,
} from '../../src/wire/legacy/index.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LEGACY_DIR =
  [path.resolve(REPO_ROOT, '../shared/vectors/transcripts/legacy'), '/work/shared/vectors/transcripts/legacy'].find((d) => existsSync(d)) ??
  '/work/shared/vectors/transcripts/legacy';
const TST_KEY = new ConnectorKey('testbundlev1', '1.0.0.0', 'org.identityconnectors.testconnector.TstConnector');
const WAIT_MS = 15_000;

// ---- socket helpers -------------------------------------------------------------------------------------------

/** Sends `bytes`, half-closes, and collects everything the server sends until it closes its side. */
function exchange(port: number, bytes: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no end of the server stream within the time limit'));
    }, WAIT_MS);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks));
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.end(bytes);
  });
}

function decodeAll(bytes: Uint8Array): unknown[] {
  const reader = new LegacyStreamReader();
  reader.push(bytes);
  const out: unknown[] = [];
  for (let item = reader.next(); item; item = reader.next()) out.push(item.value);
  assert.equal(reader.bufferedBytes, 0, 'no trailing partial object');
  return out;
}

/** An interactive legacy client on one connection. */
class LegacyClient {
  private readonly writer = new LegacyStreamWriter();
  private readonly reader = new LegacyStreamReader();
  private readonly queue: unknown[] = [];
  private waiter: (() => void) | null = null;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (c: Buffer) => {
      this.reader.push(c);
      for (let item = this.reader.next(); item; item = this.reader.next()) this.queue.push(item.value);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<LegacyClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new LegacyClient(socket)));
      socket.once('error', reject);
    });
  }

  send(...values: unknown[]): void {
    for (const v of values) this.socket.write(this.writer.write(v));
  }

  /** Locale, key, request: one request cycle. */
  request(request: unknown, key = 'changeit'): void {
    this.send(new Locale('en'), new GuardedString(key), request);
  }

  async next(): Promise<unknown> {
    const deadline = Date.now() + WAIT_MS;
    while (this.queue.length === 0) {
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no object from the server within the time limit');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return this.queue.shift();
  }

  /** Resolves once the server has closed the connection. */
  async waitClosed(): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('the server did not close the connection');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}

// ---- structural summaries (what must match the Java server) -----------------------------------------------------

function exceptionClass(e: Error | null): string | null {
  if (e === null) return null;
  return e instanceof JavaThrowable ? e.javaClass : e.name;
}

function tokenValue(t: SyncToken | null): unknown {
  if (t === null) return null;
  return typeof t.value === 'bigint' ? Number(t.value) : t.value;
}

function summarizeResult(r: unknown): unknown {
  if (r === null || r === undefined) return null;
  if (r instanceof Uid) return { uid: r.value, revision: r.revision ?? null };
  if (r instanceof SyncToken) return { token: tokenValue(r) };
  if (r instanceof SearchResult) {
    // Java's TstConnector sends an empty cookie where the look-alike sends none.
    return { cookie: r.pagedResultsCookie || null, total: r.totalPagedResults, remaining: r.remainingPagedResults, policy: r.totalPagedResultsPolicy };
  }
  if (r instanceof ConnectorObject) {
    return { objectClass: r.objectClass.type, uid: r.uid.value, attributes: r.attributes.map((a) => a.name).sort() };
  }
  if (r instanceof SyncDelta) return { deltaType: r.deltaType, token: tokenValue(r.token), uid: r.uid.value, object: r.object?.uid.value ?? null };
  if (r instanceof Schema) return { objectClasses: r.objectClassInfos.map((o) => o.type).sort() };
  if (typeof r === 'string' || typeof r === 'number' || typeof r === 'boolean') return r;
  return { type: (r as object).constructor?.name };
}

function keyText(k: ConnectorKey): string {
  return `${k.bundleName}/${k.bundleVersion}/${k.connectorName}`;
}

function summarize(o: unknown): unknown {
  if (o instanceof OperationResponsePart) return { part: { exception: exceptionClass(o.exception), result: summarizeResult(o.result) } };
  if (o instanceof HelloResponse) {
    return {
      hello: {
        exception: exceptionClass(o.exception),
        serverInfo: o.serverInfo ? [...o.serverInfo.keys()].map(String).sort() : null,
        hasInfos: o.connectorInfos !== null,
        hasKeys: o.connectorKeys !== null,
      },
    };
  }
  return (o as object)?.constructor?.name ?? o;
}

// ---- tests ------------------------------------------------------------------------------------------------------

describe('legacy socket protocol', () => {
  let server: RunningServer;
  let port: number;

  before(async () => {
    server = await startServer({ bundleDir: true, legacyPort: 0 });
    assert.ok(server.legacyPort !== undefined && server.legacyPort > 0, 'the legacy listener has a port');
    port = server.legacyPort;
  });

  after(async () => {
    await server?.close();
  });

  describe('replay of Java client connections', () => {
    const connections = readdirSync(LEGACY_DIR)
      .map((f) => /^legacy-tst-conn(\d+)-c2s\.bin$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);

    test('the capture has a Hello connection and operation connections', () => {
      assert.ok(connections.length >= 10, `found ${connections.length} connections`);
    });

    for (const n of connections) {
      test(`connection ${n}`, async () => {
        const c2s = readFileSync(path.join(LEGACY_DIR, `legacy-tst-conn${n}-c2s.bin`));
        const expected = decodeAll(readFileSync(path.join(LEGACY_DIR, `legacy-tst-conn${n}-s2c.bin`)));
        // The recorded decoding lists the same top-level objects.
        const decodedTypes = readFileSync(path.join(LEGACY_DIR, `legacy-tst-conn${n}-s2c.decoded.jsonl`), 'utf8')
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => (JSON.parse(l) as { value: { type: string } }).value.type);
        assert.deepEqual(decodedTypes, expected.map((o) => (o as object).constructor.name));

        const actual = decodeAll(await exchange(port, c2s));
        assert.deepEqual(actual.map(summarize), expected.map(summarize));

        const first = expected[0];
        if (first instanceof HelloResponse) {
          const hello = actual[0] as HelloResponse;
          assert.equal(typeof hello.serverInfo?.get('SERVER_START_TIME'), 'bigint');
          const ours = new Set(hello.connectorKeys!.map(keyText));
          // Every connector this server has is listed; of the recorded ones, the TstConnector look-alike is among them
          // (the Java server also had the Tst stateful variants and a CSV connector under another bundle name).
          assert.deepEqual([...ours].sort(), server.registry.connectorInfos().map((i) => keyText(i.connectorKey)).sort());
          assert.ok(first.connectorKeys!.some((k) => keyText(k) === keyText(TST_KEY)));
          assert.ok(ours.has(keyText(TST_KEY)), 'the TstConnector is listed');
          const csv = first.connectorKeys!.find((k) => k.connectorName.endsWith('CSVFileConnector'));
          if (csv) assert.ok(hello.connectorKeys!.some((o) => o.connectorName === csv.connectorName), 'the CSV connector is listed');
          assert.deepEqual(hello.connectorInfos!.map((i) => keyText(i.connectorKey)).sort(), [...ours].sort());
          assert.ok(hello.connectorInfos!.every((i) => i.connectorCategoryKey === null), 'no category key in the remote form');
        }
        // Streamed results carry the same objects (uids, deltas) in the same order.
        const parts = (list: unknown[]): unknown[] =>
          list.filter((o): o is OperationResponsePart => o instanceof OperationResponsePart).map((p) => summarizeResult(p.result));
        assert.deepEqual(parts(actual), parts(expected));
      });
    }

    test('what the Java client saw: results of the recorded steps', () => {
      const lines = readFileSync(path.join(LEGACY_DIR, 'legacy-tst.client-output.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { op: string; ok: boolean; result?: unknown });
      const create = lines.find((l) => l.op === 'create');
      assert.deepEqual(create?.result, { uid: '1.0', revision: null });
      const latest = lines.find((l) => l.op === 'latestSyncToken');
      assert.deepEqual(latest?.result, { value: 'mylatest', javaType: 'String' });
      // Both were checked above against the server's answers (conn4 create → Uid 1.0, conn10 → "mylatest").
    });
  });

  test('a wrong key is refused inside each response; the connection stays open', async () => {
    const client = await LegacyClient.connect(port);
    try {
      client.request(new HelloRequest(20), 'wrong-key');
      const hello = await client.next();
      assert.ok(hello instanceof HelloResponse);
      assert.equal(exceptionClass(hello.exception), 'org.identityconnectors.framework.common.exceptions.InvalidCredentialException');
      assert.equal(hello.exception?.message, 'Remote framework key is invalid');
      assert.equal(hello.serverInfo, null);
      assert.equal(hello.connectorKeys, null);

      client.request(new OperationRequest(JavaClass.of('SchemaApiOp'), 'schema', TST_KEY, 'AAAA', []), 'wrong-key');
      const part = await client.next();
      assert.ok(part instanceof OperationResponsePart);
      assert.equal(exceptionClass(part.exception), 'org.identityconnectors.framework.common.exceptions.InvalidCredentialException');
      assert.equal(part.result, null);

      client.request(new EchoMessage('hi', null), 'wrong-key');
      const echoDenied = await client.next();
      assert.ok(echoDenied instanceof EchoMessage);
      assert.ok(echoDenied.value instanceof JavaThrowable);

      // Same connection, right key.
      client.request(new EchoMessage('hello there', '<String>x</String>'));
      const echo = await client.next();
      assert.ok(echo instanceof EchoMessage);
      assert.equal(echo.value, 'hello there');
      assert.equal(echo.objectXml, '<String>x</String>');

      client.request(new HelloRequest(16));
      const keysOnly = await client.next();
      assert.ok(keysOnly instanceof HelloResponse);
      assert.equal(keysOnly.exception, null);
      assert.ok(keysOnly.connectorKeys!.some((k) => keyText(k) === keyText(TST_KEY)));
      assert.equal(keysOnly.connectorInfos, null, 'infos only when both bits are set');
      assert.equal(keysOnly.serverInfo?.size, 0, 'no SERVER_INFO bit: empty map');
      assert.equal(client.closed, false);
    } finally {
      client.close();
    }
  });

  test('an unknown connector and an unknown method are answered with exceptions', async () => {
    const client = await LegacyClient.connect(port);
    try {
      const missing = new ConnectorKey('no.such.bundle', '1.0', 'NoSuchConnector');
      client.request(new OperationRequest(JavaClass.of('SchemaApiOp'), 'schema', missing, 'AAAA', []));
      const a = await client.next();
      assert.ok(a instanceof OperationResponsePart);
      assert.equal(exceptionClass(a.exception), 'org.identityconnectors.framework.common.exceptions.ConnectorException');
      assert.match(a.exception!.message, /No such connector/);

      client.request(new OperationRequest(JavaClass.of('SchemaApiOp'), 'noSuchMethod', TST_KEY, 'AAAA', []));
      const b = await client.next();
      assert.ok(b instanceof OperationResponsePart);
      assert.ok(b.exception !== null);
      assert.equal(b.result, null);
    } finally {
      client.close();
    }
  });

  test('garbage closes that connection only; the server keeps serving others', async () => {
    const good = await LegacyClient.connect(port);
    const bad = await LegacyClient.connect(port);
    try {
      good.request(new HelloRequest(4));
      assert.ok((await good.next()) instanceof HelloResponse);

      bad.socket.write(Buffer.from('GET /openicf HTTP/1.1\r\nHost: x\r\n\r\n'));
      await bad.waitClosed();
      assert.equal(bad.pending, 0, 'nothing was answered to garbage');

      // A valid header followed by a wrong request object also ends that connection.
      const odd = await LegacyClient.connect(port);
      odd.send('not a locale');
      await odd.waitClosed();

      good.request(new EchoMessage(42, null));
      const echo = await good.next();
      assert.ok(echo instanceof EchoMessage);
      assert.equal(echo.value, 42);

      const fresh = decodeAll(await exchange(port, new LegacyStreamWriter().write(new Locale('en'))));
      assert.deepEqual(fresh, [], 'a connection that ends inside a request cycle gets no answer');
    } finally {
      good.close();
      bad.close();
    }
  });

  describe('streamed results pause every 200 parts', () => {
    const COUNT = 450;
    let facadeKey: string;

    before(() => {
      const info = server.registry.findConnectorInfo(TST_KEY);
      assert.ok(info, 'the TstConnector look-alike is loaded');
      const base = info.defaultApiConfiguration;
      const properties = base.configurationProperties.properties.map((p) =>
        p.name === 'numResults' ? new ConfigurationProperty({ ...p, value: COUNT }) : p,
      );
      assert.ok(properties.some((p) => p.name === 'numResults'));
      facadeKey = encodeFacadeKey(new APIConfiguration({ ...base, configurationProperties: new ConfigurationProperties(properties) }));
    });

    function search(client: LegacyClient): void {
      client.request(
        new OperationRequest(JavaClass.of('SearchApiOp'), 'SEARCH', TST_KEY, facadeKey, [ObjectClass.ACCOUNT, null, new OperationOptions()]),
      );
    }

    /** Reads `n` data parts. */
    async function readParts(client: LegacyClient, n: number): Promise<string[]> {
      const uids: string[] = [];
      for (let i = 0; i < n; i++) {
        const p = await client.next();
        assert.ok(p instanceof OperationResponsePart, `part ${uids.length + 1} is a data part`);
        assert.equal(p.exception, null);
        assert.ok(p.result instanceof ConnectorObject);
        uids.push(p.result.uid.value);
      }
      return uids;
    }

    test('MoreData continues to the end', async () => {
      const client = await LegacyClient.connect(port);
      try {
        search(client);
        const uids = await readParts(client, 200);
        assert.ok((await client.next()) instanceof OperationResponsePause);
        assert.equal(client.pending, 0, 'nothing is sent while paused');
        client.send(new OperationRequestMoreData());
        uids.push(...(await readParts(client, 200)));
        assert.ok((await client.next()) instanceof OperationResponsePause);
        client.send(new OperationRequestMoreData());
        uids.push(...(await readParts(client, COUNT - 400)));
        assert.ok((await client.next()) instanceof OperationResponseEnd);
        const final = await client.next();
        assert.ok(final instanceof OperationResponsePart);
        assert.equal(final.exception, null);
        assert.ok(final.result instanceof SearchResult);
        assert.equal(uids.length, COUNT);
        assert.equal(new Set(uids).size, COUNT);
      } finally {
        client.close();
      }
    });

    test('StopData stops the search; the connection serves the next request', async () => {
      const client = await LegacyClient.connect(port);
      try {
        search(client);
        await readParts(client, 200);
        assert.ok((await client.next()) instanceof OperationResponsePause);
        client.send(new OperationRequestStopData());
        assert.ok((await client.next()) instanceof OperationResponseEnd, 'no more data parts after StopData');
        const final = await client.next();
        assert.ok(final instanceof OperationResponsePart);
        assert.equal(final.exception, null);

        client.request(new EchoMessage('after', null));
        const echo = await client.next();
        assert.ok(echo instanceof EchoMessage);
        assert.equal(echo.value, 'after');
      } finally {
        client.close();
      }
    });
  });
});
