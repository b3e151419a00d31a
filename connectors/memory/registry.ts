/**
 * Stores shared between connector instances: every instance whose configuration has the same store key uses
 * the same store, so pooled instances of one configuration see the same data. Stores live as long as the
 * process (a test fake: its data must survive the pool evicting idle instances).
 */
import { classesWithoutFixture, loadFixture, parseFixture } from './fixture.ts';
import { MemoryStore } from './store.ts';
import { storeKey, type ResolvedMemoryConfiguration } from './configuration.ts';

const stores = new Map<string, Promise<MemoryStore>>();

async function buildStore(c: ResolvedMemoryConfiguration): Promise<MemoryStore> {
  if (c.fixturePath === null) return new MemoryStore(classesWithoutFixture(c.objectClasses), c.caseInsensitiveNames);
  return MemoryStore.fromFixture(await loadFixture(c.fixturePath), c.caseInsensitiveNames);
}

/** The store for a configuration, created (and its fixture loaded) on first use. */
export function openStore(c: ResolvedMemoryConfiguration): Promise<MemoryStore> {
  const key = storeKey(c);
  let store = stores.get(key);
  if (!store) {
    store = buildStore(c);
    stores.set(key, store);
    // A failed load is not cached: the next instance tries again (e.g. after the fixture is fixed).
    store.catch(() => {
      if (stores.get(key) === store) stores.delete(key);
    });
  }
  return store;
}

/** Forgets a named store (the next instance using that name starts from its fixture again). */
export function dropStore(storeName: string): boolean {
  return stores.delete(`name:${storeName}`);
}

/**
 * Creates (or replaces) the named store from a fixture given in code, so an embedded server can start with data
 * without a fixture file. Connectors configured with `storeName` = this name use it.
 */
export function seedStore(storeName: string, fixture: unknown, options: { caseInsensitiveNames?: boolean } = {}): void {
  const parsed = parseFixture(JSON.stringify(fixture), `fixture of store ${storeName}`);
  stores.set(`name:${storeName}`, Promise.resolve(MemoryStore.fromFixture(parsed, options.caseInsensitiveNames ?? false)));
}
