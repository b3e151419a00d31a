/** Secrets (the shared key, passwords, GuardedString values, facade keys) never reach the logs, even at trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startServer } from '../../src/server/index.ts';
import { createLogger } from '../../src/server/logger.ts';
import { RcsClient } from '../../src/client/index.ts';
import { attr, ConnectorKey, GuardedString, ObjectClass } from '../../src/model/index.ts';
import { openSocket, basicAuth } from '../support/raw-peer.ts';

const MEMORY = new ConnectorKey('org.openicf.rcs.memory', '1.0.0.0', 'org.openicf.rcs.memory.MemoryConnector');

test('a trace-level log of a whole session holds no secret', async () => {
  let log = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      log += chunk.toString('utf8');
      cb();
    },
  });
  const sharedKey = 'S3cret-Shared-Key';
  const userPassword = 'Us3r-Pa55word!';
  const server = await startServer({ bundleDir: true, key: sharedKey, logger: createLogger({ level: 'trace', destination: sink }) });
  const client = await RcsClient.connect({ url: server.url, key: sharedKey });
  let facadeKey = '';
  try {
    await assert.rejects(openSocket(server.url, { authorization: basicAuth('anonymous', 'Wr0ng-Key-Attempt') }));
    const facade = client.newFacade(MEMORY, { storeName: 'secrets-test' });
    facadeKey = facade.facadeKey;
    await facade.create(ObjectClass.ACCOUNT, [attr('__NAME__', 'carol'), attr('__PASSWORD__', new GuardedString(userPassword))], null);
    await facade.authenticate(ObjectClass.ACCOUNT, 'carol', new GuardedString(userPassword), null);
    await assert.rejects(facade.authenticate(ObjectClass.ACCOUNT, 'carol', new GuardedString('Wr0ng-Pa55word'), null));
  } finally {
    await client.close();
    await server.close();
  }
  assert.ok(log.length > 0, 'the server logged something');
  for (const secret of [sharedKey, userPassword, 'Wr0ng-Key-Attempt', 'Wr0ng-Pa55word', facadeKey]) {
    assert.ok(!log.includes(secret), `the log must not contain ${secret.slice(0, 4)}…`);
  }
  // Nor the base64 of the Basic credentials.
  assert.ok(!log.includes(Buffer.from(`anonymous:${sharedKey}`).toString('base64')));
});
