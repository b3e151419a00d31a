/**
 * A bundle written as the README shows, outside this repository, importing the SPI by package name: it loads,
 * shares the server's model classes (even when it carries its own copy of the package), and runs through a facade.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnectorRegistry } from '../../src/framework/index.ts';
import { encodeFacadeKey } from '../../src/wire/legacy/index.ts';
import { ConnectorKey, GuardedString, ObjectClass, Uid, UnknownUidException } from '../../src/model/index.ts';

const BUNDLE = `
import {
  defineBundle, defineConnector, ConnectorObject, Name, ObjectClass, Uid, UnknownUidException,
  type Connector, type GuardedString, type ResultsHandler, type OperationContext, type Filter, type OperationOptions,
} from 'openicf-rcs/spi';

interface HrConfig { baseUrl: string; apiToken: GuardedString; pageSize: number }

const rows = new Map([['1', 'alice'], ['2', 'bob']]);

class HrConnector implements Connector<HrConfig> {
  private config!: HrConfig;
  init(config: HrConfig) { this.config = config; }
  test() {}
  async search(oc: ObjectClass, _filter: Filter | null, handler: ResultsHandler, _options: OperationOptions, ctx: OperationContext) {
    for (const [id, login] of rows) {
      if (ctx.signal.aborted) break;
      const obj = new ConnectorObject(oc, [new Uid(id), new Name(login)]);
      if (!(await handler(obj))) break;
    }
  }
  async delete(_oc: ObjectClass, uid: Uid) {
    if (!rows.delete(uid.value)) throw new UnknownUidException('No such user: ' + uid.value);
  }
  tokenLength(): number { return this.config.apiToken.access((t) => t.length); }
}

export default defineBundle({
  bundleName: 'com.example.hr',
  bundleVersion: '1.0.0.0',
  connectors: [
    defineConnector<HrConfig>({
      name: 'com.example.hr.HrConnector',
      displayNameKey: 'hr.display',
      configuration: [
        { name: 'baseUrl', type: 'String', required: true, order: 1 },
        { name: 'apiToken', type: 'GuardedString', required: true, confidential: true, order: 2 },
        { name: 'pageSize', type: 'int', default: 100, order: 3 },
      ],
      messages: { '': { 'hr.display': 'HR system', 'baseUrl.display': 'Base URL' } },
      poolable: true,
      create: () => new HrConnector(),
    }),
  ],
});
`;

test('a bundle importing openicf-rcs/spi from outside the repository loads and uses the server model', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rcs-third-party-'));
  try {
    const bundleDir = path.join(dir, 'connectors');
    const hr = path.join(bundleDir, 'hr');
    mkdirSync(hr, { recursive: true });
    writeFileSync(path.join(hr, 'package.json'), JSON.stringify({ name: 'hr', private: true, type: 'module', main: 'index.ts' }));
    writeFileSync(path.join(hr, 'index.ts'), BUNDLE);
    // The bundle carries its own copy of the package (as it would for its types): the server's must win.
    const copy = path.join(hr, 'node_modules', 'openicf-rcs');
    mkdirSync(copy, { recursive: true });
    writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ name: 'openicf-rcs', type: 'module', exports: { './spi': './spi.js' } }));
    writeFileSync(path.join(copy, 'spi.js'), 'throw new Error("the bundle\'s own copy must not be loaded");\n');

    const registry = await createConnectorRegistry({ bundleDir });
    try {
      const key = new ConnectorKey('com.example.hr', '1.0.0.0', 'com.example.hr.HrConnector');
      const info = registry.findConnectorInfo(key);
      assert.ok(info, 'the bundle loaded');
      assert.equal(info.messages.format(info.connectorDisplayNameKey), 'HR system');
      const cfg = info.defaultApiConfiguration;
      cfg.configurationProperties.setValue('baseUrl', 'https://hr.example.com');
      cfg.configurationProperties.setValue('apiToken', new GuardedString('t0ken'));
      const facade = registry.facade(key, encodeFacadeKey(cfg));
      const uids: Uid[] = [];
      await facade.search(ObjectClass.ACCOUNT, null, async (o) => (uids.push(o.uid), true), null);
      assert.deepEqual(uids.map((u) => u.value), ['1', '2']);
      assert.ok(uids[0] instanceof Uid, "the connector's objects are the server's classes");
      await assert.rejects(facade.delete(ObjectClass.ACCOUNT, new Uid('9'), null), UnknownUidException);
    } finally {
      await registry.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
