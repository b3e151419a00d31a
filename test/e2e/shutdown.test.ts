/** SIGTERM on `rcs run`: in-flight operations complete, new connections are refused, the process exits 0. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Name, ObjectClass, OperationOptionsBuilder, Uid } from '../../src/model/index.ts';
import { RcsClient } from '../../src/client/index.ts';
import { openSocket } from '../support/raw-peer.ts';
import { MEMORY_KEY, silentLogger, sleep, spawnRcs, uniqueInstance, withTimeout } from './support.ts';

test('SIGTERM drains: the slow operation completes, new connections are refused, exit code 0', async () => {
  const server = await spawnRcs({ properties: { drainTimeout: '30' } });
  let client: RcsClient | undefined;
  try {
    client = await RcsClient.connect({ url: server.url, key: 'changeit', logger: silentLogger, connectTimeoutMs: 10_000, connections: 1 });
    const f = client.newFacade(MEMORY_KEY, { instanceId: uniqueInstance('drain') });
    // Warm the facade so the slow call below is only the injected delay.
    await f.create(ObjectClass.ACCOUNT, [new Name('warm')], null);

    const slow = f.create(ObjectClass.ACCOUNT, [new Name('slow')], new OperationOptionsBuilder().set('faultDelayMs', 3000).build());
    const outcome = slow.then(
      (uid) => ({ ok: true as const, uid }),
      (err: unknown) => ({ ok: false as const, err }),
    );
    await sleep(500); // the request is on the server, waiting in the connector
    server.child.kill('SIGTERM');
    await sleep(300);

    // Meanwhile, new connections are refused (connection refused, or an HTTP error on the upgrade).
    let refused = false;
    try {
      const ws = await withTimeout(openSocket(server.url), 5000, 'connect during drain');
      ws.terminate();
    } catch {
      refused = true;
    }
    assert.ok(refused, 'a new connection during the drain is refused');
    assert.equal(server.child.exitCode, null, 'the server still runs while the operation is in flight');

    const result = await withTimeout(outcome, 15_000, 'slow operation');
    assert.ok(result.ok, `the in-flight operation completed: ${result.ok ? '' : String(result.err)}`);
    assert.ok(result.uid instanceof Uid);

    const code = await withTimeout(server.exited, 15_000, 'process exit');
    assert.equal(code, 0, `exit code; output:\n${server.output().slice(-2000)}`);
    assert.match(server.output(), /draining|shutting down/i);
  } finally {
    await client?.close();
    await server.stop(2000);
  }
});
