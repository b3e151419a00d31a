/** The client keeps no reference to facades without configuration-change listeners (facades made per call). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startServer } from '../../src/server/index.ts';
import { RcsClient } from '../../src/client/index.ts';
import { ConnectorKey } from '../../src/model/index.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MEMORY = new ConnectorKey('org.openicf.rcs.memory', '1.0.0.0', 'org.openicf.rcs.memory.MemoryConnector');

async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 10 && ref.deref() !== undefined; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  return ref.deref() === undefined;
}

test('a facade is collectable unless it has a configuration-change listener', async () => {
  const server = await startServer({ bundleDir: true });
  const client = await RcsClient.connect({ url: server.url, key: 'changeit' });
  try {
    const plain = new WeakRef(client.newFacade(MEMORY, { storeName: 'retention' }));
    assert.ok(await collected(plain), 'a facade nobody holds is garbage');

    let unsubscribe: () => void = () => {};
    const watched = new WeakRef(
      (() => {
        const f = client.newFacade(MEMORY, { storeName: 'retention' });
        unsubscribe = f.onConfigurationChange(() => {});
        return f;
      })(),
    );
    assert.equal(await collected(watched), false, 'a facade with a listener stays registered for events');
    unsubscribe();
    unsubscribe = () => {}; // the unsubscribe function itself refers to its facade
    assert.ok(await collected(watched), 'and is released once its last listener is gone');
  } finally {
    await client.close();
    await server.close();
  }
});
