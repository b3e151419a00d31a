/**
 * Cancels that arrive before their request are remembered for a while; the peer controls their ids, so the
 * set must stay bounded and a cancel for a late request must still suppress it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionGroup, MAX_PENDING_CANCELS } from '../../src/rpc/connection-group.ts';
import { silentLogger } from './helpers.ts';

test('pending cancels from a peer are bounded', () => {
  const group = new ConnectionGroup('peer', silentLogger);
  const total = MAX_PENDING_CANCELS + 5_000;
  for (let i = 1; i <= total; i++) group.receiveCancel(BigInt(i));
  assert.ok(group.pendingCancelCount <= MAX_PENDING_CANCELS, `kept ${group.pendingCancelCount} pending cancels`);
  // The most recent cancels still suppress their late requests.
  assert.equal(group.registerLocal(BigInt(total), 'get'), null);
  assert.equal(group.registerLocal(BigInt(total - 1), 'get'), null);
  // A request whose id was never cancelled runs.
  assert.notEqual(group.registerLocal(BigInt(total + 1), 'get'), null);
  group.close(new Error('done'));
});

test('a repeated cancel keeps its id suppressed', () => {
  const group = new ConnectionGroup('peer', silentLogger);
  group.receiveCancel(7n);
  for (let i = 100; i < 100 + MAX_PENDING_CANCELS - 1; i++) group.receiveCancel(BigInt(i));
  group.receiveCancel(7n); // refreshed: now the newest
  group.receiveCancel(1_000_000n); // evicts the oldest, which is no longer 7
  assert.equal(group.registerLocal(7n, 'get'), null);
  group.close(new Error('done'));
});
