/** `bin/rcs inspect` as operators run it: golden legacy vectors, recorded frames, and malformed input. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runRcs, tempDir, type RcsResult } from './support.ts';
import { conformancePath } from '../support/conformance.ts';

const VECTORS = conformancePath('binary');
const TRANSCRIPT = conformancePath('transcripts/ws-tst-session.jsonl');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Frame {
  seq: number;
  direction: string;
  hex?: string;
  decoded?: Json;
}

const frames: Frame[] = readFileSync(TRANSCRIPT, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Frame);

/** The first recorded frame whose decoded form has `path` (dot-separated keys). */
function frameWith(path: string): Frame & { hex: string } {
  const keys = path.split('.');
  const found = frames.find((f) => {
    let node: Json | undefined = f.decoded ?? null;
    for (const k of keys) {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
      node = node[k];
    }
    return node !== undefined && f.hex !== undefined;
  });
  assert.ok(found, `no frame with ${path} in ${TRANSCRIPT}`);
  return found as Frame & { hex: string };
}

function vector(name: string): { bin: string; json: { value: Json; base64: string } } {
  return {
    bin: join(VECTORS, `${name}.bin`),
    json: JSON.parse(readFileSync(join(VECTORS, `${name}.json`), 'utf8')) as { value: Json; base64: string },
  };
}

/** Serial type names of a vector "value" / tree in depth-first order ({"array": T} kept as JSON). */
function typeNames(node: Json, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) typeNames(n, out);
  else if (node !== null && typeof node === 'object') {
    if ('type' in node) out.push(JSON.stringify(node['type']));
    for (const [k, v] of Object.entries(node)) if (k !== 'type') typeNames(v, out);
  }
  return out;
}

function parseStdout(r: RcsResult): Json {
  assert.equal(r.code, 0, `rcs inspect failed: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout) as Json;
}

/** A malformed-input run: non-zero, exactly one line on stderr, no stack trace, nothing on stdout. */
function assertCleanFailure(r: RcsResult, expected: RegExp): void {
  assert.notEqual(r.code, 0, `expected a failure, got stdout ${r.stdout}`);
  assert.equal(r.signal, null);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^rcs: /);
  assert.match(lines[0]!, expected);
  assert.doesNotMatch(r.stderr, /\n\s+at |\.ts:\d+|node:internal|Node\.js v/);
}

let dir: string;
let cleanup: () => Promise<void>;
before(async () => ({ dir, cleanup } = await tempDir('inspect')));
after(async () => cleanup?.());

test('a golden legacy vector file (raw) is decoded; --tree gives the vector value types', async () => {
  const attr = vector('attr_boolean');
  const [plain, tree] = await Promise.all([runRcs(['inspect', attr.bin]), runRcs(['inspect', '--tree', attr.bin])]);
  assert.deepEqual(parseStdout(plain), { legacy: { '@type': 'Attribute', name: 'enabled', values: [true] } });
  const treeJson = parseStdout(tree) as { legacy: Json };
  assert.deepEqual(typeNames(treeJson.legacy), typeNames(attr.json.value));
  assert.deepEqual(typeNames(treeJson.legacy), ['"Attribute"', '"List"', '"Boolean"']);
});

test('--tree matches the type names of varied vectors (arrays, maps, configuration, schema)', async () => {
  const names = ['connectorobject', 'string_array', 'map_nested', 'apiconfiguration_default_TstStatefulConnector', 'filter_complex', 'schema', 'exception_UnknownUidException'];
  const results = await Promise.all(names.map((n) => runRcs(['inspect', '--tree', vector(n).bin])));
  names.forEach((name, i) => {
    const tree = parseStdout(results[i]!) as { legacy: Json };
    const expected = typeNames(vector(name).json.value);
    assert.ok(expected.length > 0, name);
    assert.deepEqual(typeNames(tree.legacy), expected, name);
  });
});

test('the same vector as base64 text on stdin gives the same output as the raw file', async () => {
  const v = vector('connectorobject');
  const [fromFile, fromStdin, fromDash] = await Promise.all([
    runRcs(['inspect', v.bin]),
    runRcs(['inspect'], { input: v.json.base64 + '\n' }),
    runRcs(['inspect', '-'], { input: readFileSync(v.bin).toString('base64').replace(/(.{76})/g, '$1\n') }),
  ]);
  const expected = parseStdout(fromFile) as { legacy: { '@type': string } };
  assert.equal(expected.legacy['@type'], 'ConnectorObject');
  assert.deepEqual(parseStdout(fromStdin), expected);
  assert.deepEqual(parseStdout(fromDash), expected);
});

test('GuardedString contents are hidden unless --reveal', async () => {
  const gs = vector('guardedstring'); // "secret"
  const attr = vector('attr_guardedstring'); // __PASSWORD__ = "pw"
  const [hidden, hiddenTree, revealed, attrHidden, attrRevealed] = await Promise.all([
    runRcs(['inspect', gs.bin]),
    runRcs(['inspect', '--tree', gs.bin]),
    runRcs(['inspect', '--reveal', gs.bin]),
    runRcs(['inspect', attr.bin]),
    runRcs(['inspect', '--reveal', attr.bin]),
  ]);
  assert.deepEqual(parseStdout(hidden), { legacy: { GuardedString: '***' } });
  assert.equal(hiddenTree.code, 0, hiddenTree.stderr);
  assert.doesNotMatch(hiddenTree.stdout, /secret/);
  assert.deepEqual(parseStdout(revealed), { legacy: { GuardedString: 'secret' } });
  const attrOut = parseStdout(attrHidden) as { legacy: { name: string; values: Json[] } };
  assert.equal(attrOut.legacy.name, '__PASSWORD__');
  assert.deepEqual(attrOut.legacy.values, [{ GuardedString: '***' }]);
  assert.deepEqual((parseStdout(attrRevealed) as { legacy: { values: Json[] } }).legacy.values, [{ GuardedString: 'pw' }]);
});

test('a RemoteMessage frame as hex: the ConnectorObject attributes blob is decoded inline', async () => {
  const frame = frameWith('response.operationResponse.searchOpResponse.connectorObject');
  const file = join(dir, `frame-${frame.seq}.hex`);
  await writeFile(file, frame.hex + '\n');
  const out = parseStdout(await runRcs(['inspect', file])) as {
    RemoteMessage: { response: { operationResponse: { searchOpResponse: { connectorObject: { objectClass: string; attributes: { legacy: Json } } } } } };
  };
  const object = out.RemoteMessage.response.operationResponse.searchOpResponse.connectorObject;
  assert.equal(object.objectClass, '__ACCOUNT__');
  const attributes = object.attributes.legacy as { Set: Array<{ '@type': string; name: string }> };
  const byName = new Map(attributes.Set.map((a) => [a.name, a]));
  assert.equal(byName.get('__UID__')?.['@type'], 'Uid');
  assert.equal(byName.get('__NAME__')?.['@type'], 'Name');
});

test('a raw binary RemoteMessage frame: connectorInfos blob decoded inline, same as its hex form', async () => {
  const frame = frameWith('response.controlResponse.connectorInfos');
  const rawFile = join(dir, `frame-${frame.seq}.bin`);
  const hexFile = join(dir, `frame-${frame.seq}.hex`);
  await writeFile(rawFile, Buffer.from(frame.hex, 'hex'));
  await writeFile(hexFile, frame.hex.replace(/(.{64})/g, '$1\n'));
  const [raw, hex] = await Promise.all([runRcs(['inspect', rawFile]), runRcs(['inspect', hexFile])]);
  const out = parseStdout(raw) as { RemoteMessage: { response: { controlResponse: { connectorInfos: { legacy: Json } } } } };
  assert.deepEqual(parseStdout(hex), out);
  const infos = out.RemoteMessage.response.controlResponse.connectorInfos.legacy as Array<{ '@type': string; connectorKey: { connectorName: string } }>;
  assert.ok(Array.isArray(infos) && infos.length > 0);
  assert.ok(infos.every((i) => i['@type'] === 'ConnectorInfo'));
  assert.ok(infos.some((i) => i.connectorKey.connectorName === 'org.identityconnectors.testconnector.TstConnector'));
});

test('malformed input: non-zero exit and one clear line on stderr, no stack trace', async () => {
  const full = readFileSync(vector('connectorobject').bin);
  const truncated = join(dir, 'truncated.bin');
  const garbage = join(dir, 'garbage.bin');
  const empty = join(dir, 'empty.bin');
  const truncatedFrame = join(dir, 'truncated-frame.bin');
  await writeFile(truncated, full.subarray(0, full.length - 7));
  await writeFile(garbage, Buffer.from('ffffffff0badc0de'.repeat(8), 'hex'));
  await writeFile(empty, '');
  await writeFile(truncatedFrame, Buffer.from(frameWith('response.controlResponse.connectorInfos').hex, 'hex').subarray(0, 300));
  const [t, g, e, m, s, tf, ts] = await Promise.all([
    runRcs(['inspect', truncated]),
    runRcs(['inspect', garbage]),
    runRcs(['inspect', empty]),
    runRcs(['inspect', join(dir, 'no-such-file.bin')]),
    runRcs(['inspect'], { input: '' }),
    runRcs(['inspect', truncatedFrame]),
    runRcs(['inspect'], { input: full.subarray(0, 30).toString('base64') }),
  ]);
  assertCleanFailure(t, /legacy.*truncated/i);
  assertCleanFailure(g, /RemoteMessage/);
  assertCleanFailure(e, /empty/i);
  assertCleanFailure(m, /no-such-file\.bin.*no such file/i);
  assertCleanFailure(s, /empty/i);
  assertCleanFailure(tf, /RemoteMessage|truncated/i);
  assertCleanFailure(ts, /legacy.*truncated/i);
});
