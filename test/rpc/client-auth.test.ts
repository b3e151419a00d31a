/** The client fails at once, with a clear typed error, when the server refuses its key. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/server/index.ts';
import { RcsClient } from '../../src/client/index.ts';
import { InvalidCredentialException } from '../../src/model/index.ts';

test('a wrong key rejects connect() with InvalidCredentialException naming the HTTP status, without waiting', async () => {
  const server = await startServer({ key: 'right-key', authFailureLimit: 0 });
  try {
    const started = Date.now();
    await assert.rejects(RcsClient.connect({ url: server.url, key: 'wrong-key', connectTimeoutMs: 120_000 }), (err: unknown) => {
      assert.ok(err instanceof InvalidCredentialException, String(err));
      assert.match(err.message, /HTTP 403/);
      assert.doesNotMatch(err.message, /wrong-key|right-key/);
      return true;
    });
    // The refusal is final: connect() does not wait for its (long) connect timeout.
    assert.ok(Date.now() - started < 60_000);
    const ok = await RcsClient.connect({ url: server.url, key: 'right-key' });
    await ok.close();
  } finally {
    await server.close();
  }
});
