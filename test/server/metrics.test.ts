/** GET /metrics: Prometheus text exposition of what the server did, over real sockets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, startFromConfig } from '../../src/server/start-server.ts';
import { loadServerConfig } from '../../src/server/config/load-config.ts';
import { renderMetrics, METRICS_CONTENT_TYPE } from '../../src/server/metrics.ts';
import { silentLogger } from '../../src/server/logger.ts';
import { computeKeyHash } from '../../src/server/auth/key-hash.ts';
import { RcsClient } from '../../src/client/index.ts';
import { ConnectorKey, ObjectClass, OperationOptions, RemoteWrappedException, Uid, UnknownUidException, attr } from '../../src/model/index.ts';
import { encodeFacadeKey, serializeLegacy } from '../../src/wire/legacy/index.ts';
import { create, encodeRemoteMessage, RemoteMessageSchema } from '../../src/wire/protobuf/index.ts';
import { basicAuth, FrameQueue, handshake, openSocket } from '../support/raw-peer.ts';

const MEMORY = new ConnectorKey('org.openicf.rcs.memory', '1.0.0.0', 'org.openicf.rcs.memory.MemoryConnector');
const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const fixture = {
  objectClasses: { __ACCOUNT__: { attributes: { mail: { type: 'String', multiValued: true } } } },
  objects: { __ACCOUNT__: [{ __UID__: '1', __NAME__: 'alice' }, { __UID__: '2', __NAME__: 'bob' }] },
};

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`;
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(${LABEL}(?:,${LABEL})*)?\\})? (\\S+)$`);
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]Inf)$/;

function unescapeLabel(v: string): string {
  return v.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** The family a sample belongs to: histogram samples carry a _bucket/_sum/_count suffix. */
function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  return m && types.get(m[1]!) === 'histogram' ? m[1] : undefined;
}

/** Parses the text format strictly: fails the test on any line that is not HELP, TYPE or a valid sample. */
function parseExposition(text: string): Exposition {
  assert.ok(text.endsWith('\n'), 'the exposition ends with a line feed');
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const samples: Sample[] = [];
  const sampled = new Set<string>();
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP (\S+) (.*)$/.exec(line);
    if (help) {
      assert.ok(!helped.has(help[1]!), `one HELP per family: ${help[1]}`);
      assert.ok(!sampled.has(help[1]!), `HELP before samples: ${help[1]}`);
      helped.add(help[1]!);
      continue;
    }
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      assert.ok(!types.has(type[1]!), `one TYPE per family: ${type[1]}`);
      assert.ok(!sampled.has(type[1]!), `TYPE before samples: ${type[1]}`);
      types.set(type[1]!, type[2]!);
      continue;
    }
    const m = SAMPLE_LINE.exec(line);
    assert.ok(m, `not a valid sample line: ${JSON.stringify(line)}`);
    const name = m[1]!;
    const value = m[m.length - 1]!;
    assert.match(value, VALUE, `bad value in ${line}`);
    const family = familyOf(name, types);
    assert.ok(family, `sample before its TYPE: ${line}`);
    assert.ok(helped.has(family), `sample before its HELP: ${line}`);
    if (types.get(family) === 'counter') assert.ok(family.endsWith('_total'), `counter name ends in _total: ${family}`);
    sampled.add(family);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    for (const l of body.matchAll(new RegExp(LABEL, 'g'))) labels[l[1]!] = unescapeLabel(l[2]!);
    samples.push({ name, labels, value: value === '+Inf' ? Infinity : Number(value) });
  }
  return { samples, types };
}

function find(e: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function value(e: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = find(e, name, labels);
  assert.ok(found.length <= 1, `one sample for ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

async function getMetrics(port: number): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
}

test('GET /metrics counts exactly the operations, outcomes and refused upgrades, and shows no secret', async () => {
  const storeName = 'metrics-store-4e1f0a';
  const wrongKey = 'wrong-key-8c2d5b';
  const server = await startServer({ bundleDir: true, fixtures: { [storeName]: fixture } });
  const client = await RcsClient.connect({ url: server.url, key: 'changeit' });
  try {
    const facade = client.newFacade(MEMORY, { storeName });
    const uid = await facade.create(ObjectClass.ACCOUNT, [attr('__NAME__', 'carol')], null);
    const carol = await facade.getObject(ObjectClass.ACCOUNT, uid, null);
    assert.equal(carol?.name.value, 'carol');
    await assert.rejects(facade.delete(ObjectClass.ACCOUNT, new Uid('no-such-uid'), null), (err: unknown) => {
      assert.ok(err instanceof RemoteWrappedException && err.is(UnknownUidException), String(err));
      return true;
    });
    let streamed = 0;
    await facade.search(ObjectClass.ACCOUNT, null, async () => (streamed++, true), null);
    assert.equal(streamed, 3);

    await assert.rejects(openSocket(server.url, { authorization: basicAuth('anonymous', wrongKey) }), (err: { status?: number }) => {
      assert.equal(err.status, 403);
      return true;
    });

    const res = await getMetrics(server.port);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), METRICS_CONTENT_TYPE);
    const text = await res.text();
    const e = parseExposition(text);

    // Exactly the operations run, with their outcomes.
    const operations = find(e, 'rcs_operations_total').map((s) => `${s.labels['operation']}/${s.labels['outcome']}=${s.value}`);
    assert.deepEqual(operations.sort(), ['create/ok=1', 'delete/UnknownUidException=1', 'get/ok=1', 'search/ok=1']);
    assert.equal(e.types.get('rcs_operations_total'), 'counter');
    assert.equal(value(e, 'rcs_objects_streamed_total', { operation: 'search' }), 3);
    assert.equal(find(e, 'rcs_objects_streamed_total').length, 1);

    // One duration histogram per operation, cumulative buckets ending in +Inf = count.
    assert.equal(e.types.get('rcs_operation_duration_seconds'), 'histogram');
    for (const op of ['create', 'get', 'delete', 'search']) {
      const buckets = find(e, 'rcs_operation_duration_seconds_bucket', { operation: op });
      assert.ok(buckets.length > 2, `buckets for ${op}`);
      const les = buckets.map((b) => (b.labels['le'] === '+Inf' ? Infinity : Number(b.labels['le'])));
      assert.deepEqual([...les].sort((a, b) => a - b), les, 'bucket bounds ascend');
      assert.equal(les.at(-1), Infinity);
      for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]!.value >= buckets[i - 1]!.value, 'buckets are cumulative');
      assert.equal(buckets.at(-1)!.value, 1);
      assert.equal(value(e, 'rcs_operation_duration_seconds_count', { operation: op }), 1);
      assert.ok(value(e, 'rcs_operation_duration_seconds_sum', { operation: op })! >= 0);
    }

    // Listener and process facts.
    assert.equal(value(e, 'rcs_auth_failures_total', { status: '403' }), 1);
    assert.equal(value(e, 'rcs_auth_failures_total', { status: '401' }), 0);
    assert.equal(value(e, 'rcs_auth_failures_total', { status: '429' }), 0);
    assert.ok(value(e, 'rcs_websocket_connections')! >= 1);
    assert.equal(value(e, 'rcs_sessions'), 1);
    assert.equal(value(e, 'rcs_operations_in_flight'), 0);
    assert.equal(value(e, 'rcs_connectors_loaded'), server.registry.connectorInfos().length);
    assert.ok(value(e, 'rcs_connectors_loaded')! > 0);
    assert.ok(value(e, 'process_resident_memory_bytes')! > 0);
    assert.ok(value(e, 'nodejs_heap_size_used_bytes')! > 0);
    assert.ok(value(e, 'rcs_uptime_seconds')! >= 0);
    assert.equal(value(e, 'rcs_info', { version: PACKAGE_VERSION }), 1);

    // No secret: neither key, nor the facade key or a configuration value.
    for (const secret of ['changeit', wrongKey, facade.facadeKey, storeName]) {
      assert.ok(!text.includes(secret), `metrics must not contain ${secret === facade.facadeKey ? 'the facade key' : secret}`);
    }
  } finally {
    await client.close();
    await server.close();
  }
});

test('a search the peer cancels is counted as cancelled, with the objects it streamed', async () => {
  const server = await startServer({ bundleDir: true });
  const ws = await openSocket(server.url);
  try {
    const frames = new FrameQueue(ws);
    await handshake(ws, frames);
    const bench = { bundleName: 'org.openicf.rcs.benchmark', bundleVersion: '1.0.0.0', connectorName: 'org.openicf.rcs.benchmark.BenchmarkConnector' };
    const info = server.registry.connectorInfos().find((i) => i.connectorKey.connectorName === bench.connectorName)!;
    info.defaultApiConfiguration.configurationProperties.setValue('numResults', 100_000);
    const facadeKey = new TextEncoder().encode(encodeFacadeKey(info.defaultApiConfiguration));
    const options = serializeLegacy(new OperationOptions(new Map([['delay', 20]])));
    const id = 11n;
    ws.send(encodeRemoteMessage(create(RemoteMessageSchema, {
      messageId: id,
      request: { operationRequest: { connectorKey: bench, connectorFacadeKey: facadeKey, searchOpRequest: { objectClass: '__ACCOUNT__', options } } },
    })));
    for (let i = 0; i < 2; i++) {
      await frames.next((m) => m.messageId === id && m.response?.operationResponse?.searchOpResponse?.connectorObject !== undefined);
    }
    ws.send(encodeRemoteMessage(create(RemoteMessageSchema, { messageId: id, request: { cancelOpRequest: {} } })));
    const final = await frames.next((m) => m.messageId === id && m.response?.operationResponse?.searchOpResponse !== undefined && m.response.operationResponse.searchOpResponse.connectorObject === undefined);
    const sequence = Number(final.response!.operationResponse!.searchOpResponse!.sequence);

    const e = parseExposition(await (await getMetrics(server.port)).text());
    const operations = find(e, 'rcs_operations_total').map((s) => `${s.labels['operation']}/${s.labels['outcome']}=${s.value}`);
    assert.deepEqual(operations, ['search/cancelled=1']);
    assert.equal(value(e, 'rcs_objects_streamed_total', { operation: 'search' }), sequence);
    assert.ok(sequence >= 2);
    assert.equal(value(e, 'rcs_operations_in_flight'), 0);
  } finally {
    ws.close();
    await server.close();
  }
});

test('GET /metrics needs no credentials; other methods and paths are not metrics', async () => {
  const server = await startServer();
  try {
    const res = await getMetrics(server.port);
    assert.equal(res.status, 200);
    const e = parseExposition(await res.text());
    assert.deepEqual(find(e, 'rcs_operations_total'), []);
    assert.equal(value(e, 'rcs_websocket_connections'), 0);
    const post = await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: 'POST', signal: AbortSignal.timeout(5000) });
    await post.arrayBuffer();
    assert.equal(post.status, 404);
  } finally {
    await server.close();
  }
});

test('metrics: false turns GET /metrics off (404)', async () => {
  const server = await startServer({ metrics: false });
  try {
    const res = await getMetrics(server.port);
    await res.arrayBuffer();
    assert.equal(res.status, 404);
  } finally {
    await server.close();
  }
});

test('connectorserver.metrics is read from the configuration (default true, false = 404)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rcs-metrics-'));
  try {
    mkdirSync(path.join(dir, 'connectors'));
    const base = { 'connectorserver.port': '0', 'connectorserver.ifaddress': '127.0.0.1', 'connectorserver.key': computeKeyHash('changeit') };
    assert.equal(loadServerConfig({ installDir: dir, env: {}, overrides: base }).metrics ?? true, true);
    assert.equal(loadServerConfig({ installDir: dir, env: {}, overrides: { ...base, 'connectorserver.metrics': 'true' } }).metrics, true);
    assert.throws(
      () => loadServerConfig({ installDir: dir, env: {}, overrides: { ...base, 'connectorserver.metrics': 'maybe' } }),
      (err: Error & { property?: string }) => err.name === 'ConfigError' && err.property === 'connectorserver.metrics',
    );
    const config = loadServerConfig({ installDir: dir, env: {}, overrides: { ...base, 'connectorserver.metrics': 'false' } });
    assert.equal(config.metrics, false);
    assert.deepEqual(config.warnings, []);
    const server = await startFromConfig(config, silentLogger());
    try {
      const res = await getMetrics(server.port);
      await res.arrayBuffer();
      assert.equal(res.status, 404);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('label values and help text are escaped', () => {
  const text = renderMetrics({
    engineMetrics: () => ({
      operations: [{ operation: 'get', outcome: 'Odd"Name\\With\nBreak', count: 2 }],
      durationBuckets: [0.1, 1],
      durations: [{ operation: 'get', bucketCounts: [1, 2], sum: 0.75, count: 2 }],
      objectsStreamed: [],
      inFlightOperations: 0,
      sessions: 0,
    }),
    openConnections: () => 0,
    authFailures: () => new Map([[401, 4]]),
    connectorsLoaded: () => 0,
    startTime: Date.now(),
    version: '1.2.3"x',
  });
  assert.ok(text.includes('outcome="Odd\\"Name\\\\With\\nBreak"'));
  const e = parseExposition(text);
  assert.equal(value(e, 'rcs_operations_total', { outcome: 'Odd"Name\\With\nBreak' }), 2);
  assert.equal(value(e, 'rcs_operation_duration_seconds_bucket', { operation: 'get', le: '0.1' }), 1);
  assert.equal(value(e, 'rcs_operation_duration_seconds_bucket', { operation: 'get', le: '+Inf' }), 2);
  assert.equal(value(e, 'rcs_auth_failures_total', { status: '401' }), 4);
  assert.equal(value(e, 'rcs_info', { version: '1.2.3"x' }), 1);
});
