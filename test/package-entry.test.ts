/** The package entry exposes the public API the README documents. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as rcs from '../src/index.ts';

test('serializeLegacy/deserializeLegacy and the facade-key helpers round-trip an APIConfiguration', () => {
  const cfg = new rcs.APIConfiguration();
  cfg.configurationProperties = new rcs.ConfigurationProperties([
    new rcs.ConfigurationProperty({ name: 'host', order: 1, type: rcs.JavaClass.of('String'), value: 'localhost', required: true }),
  ]);
  cfg.timeoutMap.set('CreateApiOp', 1000);
  cfg.supportedOperations = ['CreateApiOp'];
  const key = rcs.encodeFacadeKey(cfg);
  assert.match(key, /^[A-Za-z0-9+/]+=*$/);
  const back = rcs.decodeFacadeKey(key);
  assert.equal(back.configurationProperties.get('host')?.value, 'localhost');
  assert.equal(back.timeout('CreateApiOp'), 1000);
  assert.equal(rcs.encodeFacadeKey(back), key, 'the same configuration gives the same key');

  const bytes = rcs.serializeLegacy(new rcs.Uid('u1'));
  assert.equal(
    Buffer.from(bytes).toString('base64'),
    'AAD6+wAAAAIAAAACAAAAA1VpZAAAAAAAAAADdWlkAAAAAT0AAAAARwAAAAEAAAAGAAAAAnUxSA==',
  );
  const uid = rcs.deserializeLegacy(bytes);
  assert.ok(uid instanceof rcs.Uid);
  assert.equal(uid.value, 'u1');
});

test('the entry exports the server, the client and the SPI helpers', () => {
  assert.equal(typeof rcs.startServer, 'function');
  assert.equal(typeof rcs.RcsClient.connect, 'function');
  assert.equal(typeof rcs.defineBundle, 'function');
  assert.equal(rcs.computeKeyHash('changeit'), 'lmA6bMfENJGlIDbfrVtklXFK32s=');
});
