/**
 * Streaming behaviour through a server in its own process (`bin/rcs run`): a 100,000-object search keeps the
 * server's memory flat while a slow client holds it back; cancelled operations stop in the connector.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectClass, OperationOptionsBuilder } from '../../src/model/index.ts';
import { toLegacy } from '../../src/rpc/index.ts';
import type * as pb from '../../src/wire/protobuf/index.ts';
import { RawSession, isSearchEnd } from './raw-session.ts';
import { BENCHMARK_KEY, MEMORY_KEY, rssKb, sleep, spawnRcs, startWithClient, uniqueInstance, waitUntil, withTimeout, type ChildServer } from './support.ts';

const NUM_RESULTS = 100_000;

let server: ChildServer;

before(async () => {
  // A heap far smaller than the 450 MiB result set: a server that buffered it would die of it, and the collector
  // runs often enough that RSS reflects live memory rather than garbage not yet collected.
  server = await spawnRcs({ logLevel: 'warn', nodeArgs: ['--max-old-space-size=160'] });
});

after(async () => {
  await server?.stop();
});

async function searchAll(session: RawSession, numResults: number, opts: { slowEvery?: number; pauseMs?: number; onProgress?: () => void } = {}): Promise<{ parts: number; bytes: number; end: pb.RemoteMessage | null }> {
  const facadeKey = session.facadeKey(BENCHMARK_KEY, { numResults });
  let parts = 0;
  let bytes = 0;
  let end: pb.RemoteMessage | null = null;
  const { done } = session.operation(BENCHMARK_KEY, facadeKey, { searchOpRequest: { objectClass: '__ACCOUNT__', filter: new Uint8Array(), options: toLegacy(null) } }, (m, size) => {
    bytes += size;
    if (isSearchEnd(m)) {
      end = m;
      return true;
    }
    parts++;
    opts.onProgress?.();
    // A slow consumer: stop reading now and then, so the server has to hold back.
    if (opts.slowEvery && parts % opts.slowEvery === 0) {
      session.pause();
      setTimeout(() => session.resume(), opts.pauseMs ?? 100);
    }
    return false;
  });
  await withTimeout(done, 240_000, `search of ${numResults}`);
  return { parts, bytes, end };
}

test('a 100,000-object search streams with flat server memory', async () => {
  const session = await RawSession.open(server.url, 1);
  try {
    // Warm up (JIT, pools, buffers), then take the baseline.
    await searchAll(session, 2_000);
    await sleep(300);
    const baseline = rssKb(server.pid);
    assert.ok(baseline !== null, 'can read the server RSS');
    // Peaks in the first and second half of the stream: flat memory plateaus, buffering keeps climbing.
    let parts = 0;
    const peaks = [baseline, baseline];
    const sampler = setInterval(() => {
      const now = rssKb(server.pid);
      const half = parts < NUM_RESULTS / 2 ? 0 : 1;
      if (now !== null && now > peaks[half]!) peaks[half] = now;
    }, 25);
    let result;
    try {
      result = await searchAll(session, NUM_RESULTS, { slowEvery: 10_000, pauseMs: 300, onProgress: () => parts++ });
    } finally {
      clearInterval(sampler);
    }
    assert.equal(result.parts, NUM_RESULTS, 'every object arrived');
    const end = result.end as pb.RemoteMessage | null;
    assert.ok(end?.response?.operationResponse?.searchOpResponse?.result, 'the search ended with its result');
    assert.equal(end.response.operationResponse.searchOpResponse.sequence, BigInt(NUM_RESULTS));
    const peak = Math.max(peaks[0]!, peaks[1]!);
    const growthBytes = (peak - baseline) * 1024;
    const secondHalfBytes = (peaks[1]! - peaks[0]!) * 1024;
    const ratio = growthBytes / result.bytes;
    console.log(
      `# result set ${(result.bytes / 1048576).toFixed(1)} MiB; server RSS ${(baseline / 1024).toFixed(1)} MiB -> peak ${(peaks[0]! / 1024).toFixed(1)} MiB (first half), ${(peaks[1]! / 1024).toFixed(1)} MiB (second half); growth ${(growthBytes / 1048576).toFixed(1)} MiB = ${(ratio * 100).toFixed(1)}% of the result set`,
    );
    // A server that buffered the results would grow by at least the result set; this one grows by its heap's
    // working size (garbage between collections), reached early and then flat.
    // Buffering would cost at least 100% of the result set; garbage awaiting collection (frames are external
    // memory, outside the heap cap) varies between runs, hence the margin.
    assert.ok(ratio < 0.75, `server memory grew by ${(ratio * 100).toFixed(1)}% of the result set`);
    // And it is still serving: with a 160 MiB heap, buffering the result set would have killed it.
    assert.equal(rssKb(server.pid) !== null, true, 'the server process is alive');
    const again = await searchAll(session, 10);
    assert.equal(again.parts, 10);
    void secondHalfBytes;
  } finally {
    session.close();
  }
});

test('cancel mid-search: the server stops producing (benchmark delay option)', async () => {
  const session = await RawSession.open(server.url, 1);
  try {
    const facadeKey = session.facadeKey(BENCHMARK_KEY, { numResults: NUM_RESULTS });
    const options = toLegacy(new OperationOptionsBuilder().set('delay', 2).build());
    let parts = 0;
    let afterCancel = 0;
    let cancelled = false;
    const frames: pb.RemoteMessage[] = [];
    const { id } = session.operation(BENCHMARK_KEY, facadeKey, { searchOpRequest: { objectClass: '__ACCOUNT__', filter: new Uint8Array(), options } }, (m) => {
      frames.push(m);
      if (cancelled) afterCancel++;
      else parts++;
      return false;
    });
    assert.ok(await waitUntil(() => parts >= 20, 30_000), 'results flow');
    cancelled = true;
    session.cancel(id, true);
    // With a 2 ms delay per object the whole search would take minutes; after the cancel it must stop.
    await sleep(1500);
    const settled = afterCancel;
    await sleep(1000);
    assert.equal(afterCancel, settled, 'nothing more arrives once the cancel took effect');
    assert.ok(parts + afterCancel < 2_000, `received ${parts + afterCancel} of ${NUM_RESULTS}`);
    const last = frames.at(-1)!;
    console.log(`# cancelled after ${parts} objects; ${afterCancel} frames after the cancel; last frame: ${last.response?.error ? `error ${last.response.error.exceptionClass}` : isSearchEnd(last) ? 'search result' : 'object'}`);
  } finally {
    session.close();
  }
});

test('cancel: the connector sees the abort (memory connector fault delay of 10 minutes settles at once)', async () => {
  // In process, to see the engine's in-flight count.
  const ctx = await startWithClient();
  try {
    const f = ctx.client.newFacade(MEMORY_KEY, { instanceId: uniqueInstance('cancel') });
    const ac = new AbortController();
    const options = new OperationOptionsBuilder().set('faultDelayMs', 600_000).build();
    const search = f.search(ObjectClass.ACCOUNT, null, async () => true, options, { signal: ac.signal });
    const outcome = search.then(
      () => 'resolved',
      () => 'rejected',
    );
    assert.ok(await waitUntil(() => ctx.server.engine.inFlightOperations() === 1, 10_000), 'the operation runs on the server');
    ac.abort();
    assert.equal(await withTimeout(outcome, 10_000, 'client settles'), 'rejected');
    // Only a connector that saw the abort ends a 10-minute wait this soon.
    assert.ok(await waitUntil(() => ctx.server.engine.inFlightOperations() === 0, 10_000), 'the server operation ended');
  } finally {
    await ctx.close();
  }
});
