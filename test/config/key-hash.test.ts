import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { computeKeyHash, isKeyHash, verifyKeyHash } from '../../src/server/auth/key-hash.ts';

describe('computeKeyHash', () => {
  it('matches the hash the Java connector server ships for "changeit"', () => {
    assert.equal(computeKeyHash('changeit'), 'lmA6bMfENJGlIDbfrVtklXFK32s=');
  });

  it('hashes the UTF-16BE code units, including non-ASCII and astral characters', () => {
    for (const secret of ['', 'Passw0rd', 'é☃', '😀 key']) {
      const units = Buffer.alloc(secret.length * 2);
      for (let i = 0; i < secret.length; i++) units.writeUInt16BE(secret.charCodeAt(i), i * 2);
      assert.equal(computeKeyHash(secret), createHash('sha1').update(units).digest('base64'), secret);
    }
  });

  it('always produces 28 characters of padded base64', () => {
    for (const secret of ['a', 'changeit', 'x'.repeat(1000)]) assert.ok(isKeyHash(computeKeyHash(secret)));
    assert.equal(isKeyHash('lmA6bMfENJGlIDbfrVtklXFK32s'), false);
    assert.equal(isKeyHash('lmA6bMfENJGlIDbfrVtklXFK32s=='), false);
    assert.equal(isKeyHash('lmA6bMfENJGlIDbfrVtklXFK3*s='), false);
  });
});

describe('verifyKeyHash', () => {
  const hash = 'lmA6bMfENJGlIDbfrVtklXFK32s=';

  it('accepts the right secret', () => {
    assert.equal(verifyKeyHash('changeit', hash), true);
  });

  it('rejects a wrong secret, a near-miss hash and hashes of other lengths', () => {
    assert.equal(verifyKeyHash('changeiT', hash), false);
    assert.equal(verifyKeyHash('changeit', 'lmA6bMfENJGlIDbfrVtklXFK32t='), false);
    assert.equal(verifyKeyHash('changeit', hash.slice(0, -1)), false);
    assert.equal(verifyKeyHash('changeit', hash + 'A'), false);
    assert.equal(verifyKeyHash('changeit', ''), false);
    assert.equal(verifyKeyHash('changeit', 'é'.repeat(28)), false);
  });
});
