import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorKey, ObjectClass, type JavaThrowable } from '../../src/model/index.ts';
import type { Connector, ConnectorBundle, OperationContext } from '../../src/spi/index.ts';
import { createConnectorRegistry } from '../../src/framework/index.ts';
import { deferred, facadeOf, until } from './support.ts';

/** Counts instances; test() blocks until released; search() waits for its signal (never finishes alone). */
function instrumented(name: string, poolable: boolean) {
  const state = {
    made: 0,
    disposed: 0,
    alive: new Set<number>(),
    deadOnCheck: new Set<number>(),
    gate: null as ReturnType<typeof deferred<void>> | null,
    started: 0,
    abortedSignals: 0,
    abortReasons: [] as unknown[],
  };
  class Instrumented implements Connector {
    readonly id = ++state.made;
    init(): void {
      state.alive.add(this.id);
    }
    dispose(): void {
      state.disposed++;
      state.alive.delete(this.id);
    }
    checkAlive(): void {
      if (state.deadOnCheck.has(this.id)) throw new Error(`instance ${this.id} is dead`);
    }
    async test(): Promise<void> {
      state.started++;
      await state.gate?.promise;
    }
    async search(_oc: ObjectClass, _f: unknown, _h: unknown, _o: unknown, ctx: OperationContext): Promise<void> {
      state.started++;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          state.abortedSignals++;
          state.abortReasons.push(ctx.signal.reason);
          resolve();
        });
      });
    }
  }
  const bundle: ConnectorBundle = {
    bundleName: 'test.pool',
    bundleVersion: '1',
    connectors: [{ name, displayNameKey: 'd', configuration: [], poolable, create: () => new Instrumented() }],
  };
  return { bundle, state, key: new ConnectorKey('test.pool', '1', name) };
}

const pooled = instrumented('Pooled', true);
const fresh = instrumented('Fresh', false);
const registry = await createConnectorRegistry({ bundles: [pooled.bundle, fresh.bundle], maxFacadeLifeTimeMinutes: 0.001 });
after(() => registry.dispose());

function javaClassOf(e: unknown): string {
  return (e as JavaThrowable).javaClass;
}

test('maxObjects reached: the next borrower waits, then fails after maxWait', async () => {
  const s = pooled.state;
  s.gate = deferred<void>();
  const facade = await facadeOf(registry, pooled.key, { pool: { maxObjects: 1, maxIdle: 1, minIdle: 0, maxWait: 100n } });
  const first = facade.test();
  await until(() => s.started === 1);
  await assert.rejects(facade.test(), (e) => {
    assert.equal(javaClassOf(e), 'org.identityconnectors.framework.common.exceptions.ConnectorException');
    assert.match((e as Error).message, /pool exhausted/);
    return true;
  });
  s.gate.resolve();
  await first;
  s.gate = null;
});

test('a waiting borrower gets the instance as soon as it is returned', async () => {
  const s = pooled.state;
  s.gate = deferred<void>();
  const facade = await facadeOf(registry, pooled.key, { pool: { maxObjects: 1, maxIdle: 1, minIdle: 0, maxWait: 10_000n } });
  const madeBefore = s.made;
  const first = facade.test();
  await until(() => s.started > 0 && s.made === madeBefore + 1);
  const startedBefore = s.started;
  const second = facade.test();
  s.gate.resolve();
  await Promise.all([first, second]);
  assert.equal(s.started, startedBefore + 1);
  assert.equal(s.made, madeBefore + 1, 'one instance served both operations');
  s.gate = null;
});

test('idle instances older than minEvictableIdleTimeMillis are evicted; minIdle keeps some', async () => {
  const s = pooled.state;
  const evicting = await facadeOf(registry, pooled.key, { pool: { minEvictableIdleTimeMillis: 0n, minIdle: 0, maxIdle: 2, maxObjects: 2 } });
  await evicting.test();
  const made = s.made;
  const disposed = s.disposed;
  await new Promise((r) => setTimeout(r, 5));
  await evicting.test();
  assert.equal(s.made, made + 1, 'the stale idle instance was replaced');
  assert.equal(s.disposed, disposed + 1);

  const keeping = await facadeOf(registry, pooled.key, { pool: { minEvictableIdleTimeMillis: 0n, minIdle: 1, maxIdle: 2, maxObjects: 2 } });
  await keeping.test();
  const made2 = s.made;
  await new Promise((r) => setTimeout(r, 5));
  await keeping.test();
  assert.equal(s.made, made2, 'minIdle keeps the only idle instance');
});

test('checkAlive failure on borrow disposes the instance and makes a new one', async () => {
  const s = pooled.state;
  const facade = await facadeOf(registry, pooled.key, { pool: { maxObjects: 3, maxIdle: 3, minIdle: 0 } });
  await facade.test();
  const id = s.made;
  s.deadOnCheck.add(id);
  const disposed = s.disposed;
  await facade.test();
  assert.equal(s.made, id + 1);
  assert.equal(s.disposed, disposed + 1);
  assert.equal(s.alive.has(id), false);
});

test('non-poolable connectors get a fresh instance per operation', async () => {
  const s = fresh.state;
  const facade = await facadeOf(registry, fresh.key);
  const made = s.made;
  const disposed = s.disposed;
  await facade.test();
  await facade.test();
  assert.equal(s.made, made + 2);
  assert.equal(s.disposed, disposed + 2);
  assert.equal(s.alive.size, 0);
});

test('a timeout aborts the connector signal and rejects with OperationTimeoutException', async () => {
  const s = fresh.state;
  const facade = await facadeOf(registry, fresh.key, { timeouts: { SearchApiOp: 30 } });
  const aborted = s.abortedSignals;
  await assert.rejects(facade.search(ObjectClass.ACCOUNT, null, async () => true, null), (e) => {
    assert.equal(javaClassOf(e), 'org.identityconnectors.framework.common.exceptions.OperationTimeoutException');
    return true;
  });
  await until(() => s.abortedSignals === aborted + 1);
  assert.equal(javaClassOf(s.abortReasons.at(-1)), 'org.identityconnectors.framework.common.exceptions.OperationTimeoutException');
  await until(() => s.alive.size === 0);
});

test('the caller\'s AbortSignal cancels the operation and reaches the connector', async () => {
  const s = fresh.state;
  const facade = await facadeOf(registry, fresh.key);
  const controller = new AbortController();
  const started = s.started;
  const running = facade.search(ObjectClass.ACCOUNT, null, async () => true, null, { signal: controller.signal });
  await until(() => s.started === started + 1);
  controller.abort();
  await assert.rejects(running, (e) => javaClassOf(e).endsWith('ConnectorException') && /cancelled/.test((e as Error).message));
  await until(() => s.alive.size === 0);
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(facade.test({ signal: pre.signal }), /cancelled/);
});

test('facades unused for maxFacadeLifeTimeMinutes are disposed with their pool', async () => {
  const s = pooled.state;
  const before = await facadeOf(registry, pooled.key, { pool: { maxObjects: 4, maxIdle: 4 } });
  await before.test();
  const alive = s.alive.size;
  assert.ok(alive > 0);
  await new Promise((r) => setTimeout(r, 80)); // 0.001 minutes = 60 ms
  await registry.sweep();
  assert.ok(s.alive.size < alive, 'the idle pooled instance was disposed');
  const after = await facadeOf(registry, pooled.key, { pool: { maxObjects: 4, maxIdle: 4 } });
  assert.notEqual(after, before);
});
