import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorKey, ObjectClass } from '../../src/model/index.ts';
import { createConnectorRegistry, DuplicateConnectorKeyError } from '../../src/framework/index.ts';
import type { ConnectorBundle } from '../../src/spi/index.ts';
import { capturingLogger, facadeKeyFor } from './support.ts';

const root = await mkdtemp(join(tmpdir(), 'rcs-bundles-'));
after(() => rm(root, { recursive: true, force: true }));

async function put(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

/** A bundle module's text: one connector whose schema() reports `marker` as an object class name. */
function bundleSource(bundleName: string, connectorName: string, marker: string, exportName = 'default'): string {
  const body = `{
    bundleName: ${JSON.stringify(bundleName)},
    bundleVersion: '1.0.0',
    connectors: [{
      name: ${JSON.stringify(connectorName)},
      displayNameKey: 'display',
      configuration: [{ name: 'host', type: 'String', default: 'localhost' }],
      create: () => ({ init() {}, test() {}, schema() { return { marker: ${marker} }; } }),
    }],
  }`;
  return exportName === 'default' ? `export default ${body};\n` : `export const ${exportName} = ${body};\n`;
}

const bundleDir = join(root, 'bundles');
const libDir = join(root, 'lib');

// Shared libraries: a directory package with a "main", and a single TypeScript file.
await put(join(libDir, 'package.json'), '{"type":"module"}');
await put(join(libDir, 'greeter', 'package.json'), '{"type":"module","main":"src/main.js"}');
await put(join(libDir, 'greeter', 'src', 'main.js'), "export const greeting = 'hello from lib';\n");
await put(join(libDir, 'units.ts'), 'export const unit: string = "ms";\n');

await put(join(bundleDir, 'package.json'), '{"type":"module"}');
// A directory bundle (TypeScript, package.json main) importing both libraries with bare specifiers.
await put(join(bundleDir, 'good-dir', 'package.json'), '{"type":"module","main":"entry.ts"}');
await put(
  join(bundleDir, 'good-dir', 'entry.ts'),
  "import { greeting } from 'greeter';\nimport { unit } from 'units';\n" +
    bundleSource('good.dir', 'DirConnector', 'greeting + " " + unit'),
);
// A directory bundle without package.json, using index.js and the `bundle` export.
await put(join(bundleDir, 'indexed', 'index.js'), bundleSource('good.indexed', 'IndexedConnector', "'indexed'", 'bundle'));
// Single-file bundles.
await put(join(bundleDir, 'single.mjs'), bundleSource('good.single', 'SingleConnector', "'single'"));
await put(join(bundleDir, 'typed.ts'), bundleSource('good.typed', 'TypedConnector', "'typed' as string"));
// Broken ones.
await put(join(bundleDir, 'syntax.mjs'), 'export default {{{;\n');
await put(join(bundleDir, 'throws.mjs'), "throw new Error('cannot start here');\n");
await put(join(bundleDir, 'no-version.mjs'), "export default { bundleName: 'x', connectors: [] };\n");
await put(
  join(bundleDir, 'bad-type.mjs'),
  "export default { bundleName: 'bad.type', bundleVersion: '1', connectors: [{ name: 'C', displayNameKey: 'd', create: () => ({ init() {} }), configuration: [{ name: 'when', type: 'Date' }] }] };\n",
);
await put(join(bundleDir, 'no-export.mjs'), 'export const something = 1;\n');
await put(join(bundleDir, 'missing-lib.mjs'), "import x from 'not-in-lib';\nexport default x;\n");
await put(join(bundleDir, 'README.txt'), 'not a module');

test('discovers directory and single-file bundles, resolves bare imports from libDir, reports broken bundles', async () => {
  const logger = capturingLogger();
  const registry = await createConnectorRegistry({ bundleDir, libDir, logger });
  try {
    const names = registry.connectorInfos().map((i) => i.connectorKey.connectorName).sort();
    assert.deepEqual(names, ['DirConnector', 'IndexedConnector', 'SingleConnector', 'TypedConnector']);

    const key = new ConnectorKey('good.dir', '1.0.0', 'DirConnector');
    const info = registry.findConnectorInfo(key)!;
    const facade = registry.facade(key, facadeKeyFor(info.defaultApiConfiguration));
    const schema = (await facade.schema()) as unknown as { marker: string };
    assert.equal(schema.marker, 'hello from lib ms');

    const errors = logger.records.filter((r) => r.level === 'error');
    const reasonFor = (file: string): string => {
      const rec = errors.find((r) => String(r.obj.path).endsWith(file));
      assert.ok(rec, `${file} was reported`);
      return String(rec.obj.reason);
    };
    assert.ok(reasonFor('syntax.mjs').length > 0);
    assert.match(reasonFor('throws.mjs'), /cannot start here/);
    assert.match(reasonFor('no-version.mjs'), /bundleVersion/);
    assert.match(reasonFor('bad-type.mjs'), /unsupported type "Date"/);
    assert.match(reasonFor('no-export.mjs'), /neither `default` nor `bundle`/);
    assert.match(reasonFor('missing-lib.mjs'), /not-in-lib/);
    assert.equal(errors.length, 6);
  } finally {
    await registry.dispose();
  }
});

test('lookups are exact and case-sensitive', async () => {
  const registry = await createConnectorRegistry({ bundleDir, libDir, logger: capturingLogger() });
  try {
    assert.ok(registry.findConnectorInfo(new ConnectorKey('good.single', '1.0.0', 'SingleConnector')));
    assert.equal(registry.findConnectorInfo(new ConnectorKey('good.single', '1.0.0', 'singleconnector')), undefined);
    assert.throws(() => registry.facade(new ConnectorKey('good.single', '2.0.0', 'SingleConnector'), 'AAAA'), /No connector/);
  } finally {
    await registry.dispose();
  }
});

test('two bundles with the same ConnectorKey fail startup, naming both paths', async () => {
  const dupDir = join(root, 'dups');
  await put(join(dupDir, 'package.json'), '{"type":"module"}');
  await put(join(dupDir, 'one.mjs'), bundleSource('same', 'SameConnector', "'1'"));
  await put(join(dupDir, 'two', 'index.mjs'), bundleSource('same', 'SameConnector', "'2'"));
  await assert.rejects(createConnectorRegistry({ bundleDir: dupDir, logger: capturingLogger() }), (e) => {
    assert.ok(e instanceof DuplicateConnectorKeyError);
    assert.match(e.message, /one\.mjs/);
    assert.match(e.message, /two[/\\]index\.mjs/);
    return true;
  });
});

test('bundles given in code register the same way, duplicates included', async () => {
  const inCode: ConnectorBundle = {
    bundleName: 'good.single',
    bundleVersion: '1.0.0',
    connectors: [{ name: 'SingleConnector', displayNameKey: 'd', configuration: [], create: () => ({ init() {} }) }],
  };
  await assert.rejects(
    createConnectorRegistry({ bundleDir, libDir, bundles: [inCode], logger: capturingLogger() }),
    (e) => e instanceof DuplicateConnectorKeyError && /single\.mjs/.test(e.message) && /in-code bundle/.test(e.message),
  );
  const logger = capturingLogger();
  const broken = { bundleName: 'b', bundleVersion: '1', connectors: [{ name: 'X' }] } as unknown as ConnectorBundle;
  const registry = await createConnectorRegistry({
    bundles: [{ ...inCode, bundleName: 'in.code' }, broken],
    logger,
  });
  try {
    assert.deepEqual(registry.connectorInfos().map((i) => i.connectorKey.bundleName), ['in.code']);
    assert.ok(logger.records.some((r) => r.level === 'error' && /in-code bundle #1/.test(String(r.obj.path))));
    const facade = registry.facade(
      new ConnectorKey('in.code', '1.0.0', 'SingleConnector'),
      facadeKeyFor(registry.connectorInfos()[0]!.defaultApiConfiguration),
    );
    await assert.rejects(facade.search(ObjectClass.ACCOUNT, null, async () => true, null), /not supported/);
  } finally {
    await registry.dispose();
  }
});
