/**
 * The legacy (pre-WebSocket) socket protocol over real sockets: replays of real Java client connections
 * (vectors/transcripts/legacy), the shared-key check, malformed input, and the 200-part pause of streamed results.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import tls from 'node:tls';
import path from 'node:path';
import { startFromConfig, startServer, type RunningServer } from '../../src/server/start-server.ts';
import { loadServerConfig } from '../../src/server/config/load-config.ts';
import { silentLogger } from '../../src/server/logger.ts';
import type { Connector, ConnectorBundle, ConnectorDefinition } from '../../src/spi/index.ts';
import { openssl } from '../tls/helpers.ts';
import {
  APIConfiguration,
  ConfigurationProperties,
  ConfigurationProperty,
  ConnectorKey,
  ConnectorIOException,
  ConnectorObject,
  GuardedString,
  Name,
  attr,
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
import { conformancePath } from '../support/conformance.ts';

const LEGACY_DIR = conformancePath('transcripts/legacy');
const TST_KEY = new ConnectorKey('testbundlev1', '1.0.0.0', 'org.identityconnectors.testconnector.TstConnector');
const WAIT_MS = 15_000;

/** A connector whose search fails after three objects, and whose other operations echo what they received. */
const PROBE_KEY = new ConnectorKey('test.legacy.probe', '1.0.0', 'LegacyProbeConnector');
const probeCalls: Array<{ op: string; args: unknown[] }> = [];
class ProbeConnector implements Connector {
  init(): void {}
  dispose(): void {}
  async search(oc: ObjectClass, _filter: unknown, handler: (o: ConnectorObject) => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 3; i++) await handler(new ConnectorObject(oc, [new Uid(`u${i}`), new Name(`n${i}`)]));
    throw new ConnectorIOException('backend went away');
  }
  async create(oc: ObjectClass, attributes: readonly unknown[]): Promise<Uid> {
    probeCalls.push({ op: 'create', args: [oc.type, attributes.length] });
    return new Uid('created-1');
  }
  async update(oc: ObjectClass, uid: Uid, attributes: readonly unknown[]): Promise<Uid> {
    probeCalls.push({ op: 'update', args: [oc.type, uid.value, attributes.length] });
    return new Uid(`${uid.value}-updated`);
  }
  async delete(oc: ObjectClass, uid: Uid): Promise<void> {
    probeCalls.push({ op: 'delete', args: [oc.type, uid.value] });
  }
  async authenticate(_oc: ObjectClass, username: string, password: GuardedString): Promise<Uid> {
    const ok = password.access((p) => p === 'secret');
    probeCalls.push({ op: 'authenticate', args: [username, ok] });
    return new Uid(`auth-${username}`);
  }
}
const probeBundle: ConnectorBundle = {
  bundleName: PROBE_KEY.bundleName,
  bundleVersion: PROBE_KEY.bundleVersion,
  connectors: [
    {
      name: PROBE_KEY.connectorName,
      displayNameKey: 'probe.display',
      configuration: [],
      messages: { '': { 'probe.display': 'Probe' } },
      create: () => new ProbeConnector(),
    } as ConnectorDefinition as ConnectorDefinition<never>,
  ],
};

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
    server = await startServer({ bundleDir: true, bundles: [probeBundle], legacyPort: 0 });
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

  describe('operations of an in-code connector', () => {
    let facadeKey: string;
    before(() => {
      const info = server.registry.findConnectorInfo(PROBE_KEY);
      assert.ok(info);
      facadeKey = encodeFacadeKey(info.defaultApiConfiguration);
    });

    function op(operation: string, method: string, args: unknown[]): OperationRequest {
      return new OperationRequest(JavaClass.of(operation), method, PROBE_KEY, facadeKey, args);
    }

    test('a search failing mid-stream: data parts, then the exception part, no OperationResponseEnd', async () => {
      const client = await LegacyClient.connect(port);
      try {
        client.request(op('SearchApiOp', 'search', [ObjectClass.ACCOUNT, null, null]));
        const got: unknown[] = [];
        for (let i = 0; i < 4; i++) got.push(await client.next());
        assert.deepEqual(got.slice(0, 3).map(summarize), [0, 1, 2].map((i) => ({ part: { exception: null, result: { objectClass: '__ACCOUNT__', uid: `u${i}`, attributes: ['__NAME__', '__UID__'] } } })));
        const last = got[3];
        assert.ok(last instanceof OperationResponsePart, 'the failure follows the data parts directly');
        assert.equal(exceptionClass(last.exception), 'org.identityconnectors.framework.common.exceptions.ConnectorIOException');
        assert.equal(last.exception?.message, 'backend went away');
        assert.equal(last.result, null);
        // The connection serves the next request.
        client.request(new EchoMessage('still here', null));
        const echo = await client.next();
        assert.ok(echo instanceof EchoMessage, 'no OperationResponseEnd was left in the stream');
      } finally {
        client.close();
      }
    });

    test('create, update variants, delete and authenticate reach the connector with their arguments', async () => {
      probeCalls.length = 0;
      const client = await LegacyClient.connect(port);
      const final = async (): Promise<OperationResponsePart> => {
        const p = await client.next();
        assert.ok(p instanceof OperationResponsePart);
        return p;
      };
      try {
        client.request(op('CreateApiOp', 'create', [ObjectClass.ACCOUNT, new Set([new Name('bob'), attr('mail', 'b@x')]), null]));
        assert.deepEqual(summarizeResult((await final()).result), { uid: 'created-1', revision: null });
        client.request(op('UpdateApiOp', 'update', [ObjectClass.ACCOUNT, new Uid('7'), new Set([attr('mail', 'c@x')]), new OperationOptions()]));
        assert.deepEqual(summarizeResult((await final()).result), { uid: '7-updated', revision: null });
        client.request(op('UpdateApiOp', 'delete', [ObjectClass.ACCOUNT, new Uid('7'), null]));
        const noMethod = await final();
        assert.ok(noMethod.exception !== null, 'UpdateApiOp has no delete method');
        client.request(op('DeleteApiOp', 'DELETE', [ObjectClass.ACCOUNT, new Uid('7'), null]));
        const deleted = await final();
        assert.equal(deleted.exception, null);
        assert.equal(deleted.result, null);
        client.request(op('AuthenticationApiOp', 'authenticate', [ObjectClass.ACCOUNT, 'alice', new GuardedString('secret'), null]));
        assert.deepEqual(summarizeResult((await final()).result), { uid: 'auth-alice', revision: null });
        client.request(op('CreateApiOp', 'create', [ObjectClass.ACCOUNT, null, null]));
        // NullPointerException has no wire type of its own: it travels as its nearest registered one, as in Java.
        const npe = (await final()).exception;
        assert.equal(exceptionClass(npe), 'java.lang.RuntimeException');
        assert.equal(npe?.message, "Parameter 'createAttributes' must not be null.");
        client.request(op('CreateApiOp', 'create', [ObjectClass.ACCOUNT]));
        assert.equal(exceptionClass((await final()).exception), 'java.lang.IllegalArgumentException');
        client.request(op('CreateApiOp', 'create', ['__ACCOUNT__', new Set(), null]));
        assert.equal(exceptionClass((await final()).exception), 'java.lang.IllegalArgumentException');
        assert.deepEqual(probeCalls, [
          { op: 'create', args: ['__ACCOUNT__', 2] },
          { op: 'update', args: ['__ACCOUNT__', '7', 1] },
          { op: 'delete', args: ['__ACCOUNT__', '7'] },
          { op: 'authenticate', args: ['alice', true] },
        ]);
      } finally {
        client.close();
      }
    });
  });
});

describe('legacy listener configuration and TLS', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rcs-legacy-'));
    mkdirSync(path.join(dir, 'connectors'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('connectorserver.legacyPort: unset = off, 0..65535 accepted, anything else refused', async () => {
    const base = { installDir: dir, env: {}, overrides: { port: '0', password: 'changeit' } };
    assert.equal(loadServerConfig(base).legacyPort, undefined);
    assert.equal(loadServerConfig({ ...base, overrides: { ...base.overrides, legacyPort: '0' } }).legacyPort, 0);
    assert.equal(loadServerConfig({ ...base, overrides: { ...base.overrides, legacyPort: '8760' } }).legacyPort, 8760);
    assert.throws(() => loadServerConfig({ ...base, overrides: { ...base.overrides, legacyPort: '70000' } }), /legacyPort/);
    assert.throws(() => loadServerConfig({ ...base, overrides: { ...base.overrides, legacyPort: 'x' } }), /legacyPort/);
    assert.deepEqual(loadServerConfig({ ...base, overrides: { ...base.overrides, legacyPort: '0' } }).warnings, []);

    const running = await startFromConfig(loadServerConfig({ ...base, overrides: { ...base.overrides, legacyPort: '0', ifaddress: '127.0.0.1' } }), silentLogger());
    try {
      assert.ok(running.legacyPort !== undefined && running.legacyPort !== running.port);
      const client = await LegacyClient.connect(running.legacyPort);
      try {
        client.request(new EchoMessage('configured', null));
        const echo = await client.next();
        assert.ok(echo instanceof EchoMessage);
        assert.equal(echo.value, 'configured');
      } finally {
        client.close();
      }
    } finally {
      await running.close();
    }
    const plain = await startServer({});
    try {
      assert.equal(plain.legacyPort, undefined, 'no legacy listener unless asked for');
    } finally {
      await plain.close();
    }
  });

  test('over TLS with the WebSocket listener\'s certificate', async () => {
    const keyFile = path.join(dir, 'server.key');
    const certFile = path.join(dir, 'server.pem');
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile,
      '-subj', '/CN=localhost', '-days', '2', '-addext', 'subjectAltName=DNS:localhost']);
    const cert = readFileSync(certFile);
    const running = await startServer({ legacyPort: 0, tls: { key: readFileSync(keyFile), cert } });
    try {
      const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
        const s = tls.connect({ port: running.legacyPort!, host: '127.0.0.1', servername: 'localhost', ca: [cert] }, () => resolve(s));
        s.once('error', reject);
      });
      const writer = new LegacyStreamWriter();
      const reader = new LegacyStreamReader();
      const answer = new Promise<unknown>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no answer over TLS')), WAIT_MS);
        socket.on('data', (c: Buffer) => {
          reader.push(c);
          const item = reader.next();
          if (item) {
            clearTimeout(t);
            resolve(item.value);
          }
        });
      });
      for (const v of [new Locale('en'), new GuardedString('changeit'), new HelloRequest(4)]) socket.write(writer.write(v));
      const hello = await answer;
      socket.destroy();
      assert.ok(hello instanceof HelloResponse);
      assert.equal(hello.exception, null);
      assert.equal(typeof hello.serverInfo?.get('SERVER_START_TIME'), 'bigint');
      // The plain protocol is not spoken on the TLS port.
      const plainBytes = await exchange(running.legacyPort!, writer.write(new Locale('en'))).catch(() => Buffer.alloc(0));
      assert.equal(decodeAllLenient(plainBytes).length, 0);
    } finally {
      await running.close();
    }
  });
});

/** Objects of a stream that may not be a legacy stream at all (a TLS alert): none when it is not. */
function decodeAllLenient(bytes: Uint8Array): unknown[] {
  try {
    return decodeAll(bytes);
  } catch {
    return [];
  }
}

test('repeated wrong keys from one address are throttled: then even the right key is refused', async () => {
  const throttled = await startServer({ bundleDir: true, legacyPort: 0, authFailureLimit: 3, authFailureWindowSeconds: 60 });
  const client = await LegacyClient.connect(throttled.legacyPort!);
  try {
    for (let i = 0; i < 3; i++) {
      client.request(new HelloRequest(20), `wrong-key-${i}`);
      const denied = await client.next();
      assert.ok(denied instanceof HelloResponse);
      assert.equal(exceptionClass(denied.exception), 'org.identityconnectors.framework.common.exceptions.InvalidCredentialException');
    }
    client.request(new HelloRequest(20));
    const stillDenied = await client.next();
    assert.ok(stillDenied instanceof HelloResponse);
    assert.equal(exceptionClass(stillDenied.exception), 'org.identityconnectors.framework.common.exceptions.InvalidCredentialException');
  } finally {
    client.close();
    await throttled.close();
  }
});
