/** The embeddable API as a CI suite uses it: a fake RCS with data given in code, reached through the client. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/server/index.ts';
import { RcsClient } from '../../src/client/index.ts';
import { ConnectorKey, ObjectClass, Uid } from '../../src/model/index.ts';

const MEMORY = new ConnectorKey('org.openicf.rcs.memory', '1.0.0.0', 'org.openicf.rcs.memory.MemoryConnector');

const fixture = {
  objectClasses: { __ACCOUNT__: { attributes: { mail: { type: 'String', multiValued: true } } } },
  objects: {
    __ACCOUNT__: [
      { __UID__: '1', __NAME__: 'alice', mail: ['alice@example.com'] },
      { __UID__: '2', __NAME__: 'bob', mail: ['bob@example.com'] },
    ],
  },
};

for (const bundleDir of [false, true]) {
  test(`fixtures given in code are served by the memory connector (bundleDir: ${bundleDir})`, async () => {
    const storeName = `embedded-${bundleDir}`;
    const server = await startServer({ bundleDir, fixtures: { [storeName]: fixture } });
    const client = await RcsClient.connect({ url: server.url, key: 'changeit' });
    try {
      const infos = await client.connectorInfos();
      assert.ok(infos.some((i) => i.connectorKey.equals(MEMORY)));
      const facade = client.newFacade(MEMORY, { storeName });
      const names: string[] = [];
      await facade.search(ObjectClass.ACCOUNT, null, async (o) => (names.push(o.name.value), true), null);
      assert.deepEqual(names.sort(), ['alice', 'bob']);
      const bob = await facade.getObject(ObjectClass.ACCOUNT, new Uid('2'), null);
      assert.deepEqual(bob?.attribute('mail')?.values, ['bob@example.com']);
    } finally {
      await client.close();
      await server.close();
    }
  });
}
