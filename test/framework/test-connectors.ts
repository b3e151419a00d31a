/** Small connectors used by the framework tests. */
import {
  Attribute,
  ConnectorKey,
  ConnectorObject,
  Name,
  ObjectClass,
  Uid,
  UnknownUidException,
  buildAttribute,
  namesEqual,
} from '../../src/model/index.ts';
import type { Connector, ConnectorBundle, ConnectorDefinition } from '../../src/spi/index.ts';

export interface MemoryStats {
  inits: number;
  disposes: number;
  searches: number;
  updates: Array<{ uid: string; attributes: Attribute[] }>;
  configs: Record<string, unknown>[];
}

/**
 * An in-memory store. search() ignores the filter (the framework filters), there is no getObject and no
 * add/removeAttributeValues, so get and value updates go through the framework's emulation.
 */
export function memoryBundle(name = 'MemoryConnector') {
  const store = new Map<string, Attribute[]>();
  const stats: MemoryStats = { inits: 0, disposes: 0, searches: 0, updates: [], configs: [] };
  let next = 1;
  const toObject = (oc: ObjectClass, uid: string, attrs: Attribute[]): ConnectorObject => {
    const nameAttr = attrs.find((a) => a.is('__NAME__'));
    return new ConnectorObject(oc, [new Uid(uid), nameAttr ?? new Name(uid), ...attrs.filter((a) => !a.is('__NAME__'))]);
  };
  class MemoryConnector implements Connector {
    init(configuration: Record<string, unknown>): void {
      stats.inits++;
      stats.configs.push(configuration);
    }
    dispose(): void {
      stats.disposes++;
    }
    async create(_oc: ObjectClass, attributes: readonly Attribute[]): Promise<Uid> {
      const uid = String(next++);
      store.set(uid, [...attributes]);
      return new Uid(uid);
    }
    async update(_oc: ObjectClass, uid: Uid, attributes: readonly Attribute[]): Promise<Uid> {
      const current = store.get(uid.value);
      if (!current) throw new UnknownUidException(`no ${uid.value}`);
      stats.updates.push({ uid: uid.value, attributes: [...attributes] });
      const kept = current.filter((a) => !attributes.some((b) => namesEqual(a.name, b.name)));
      store.set(uid.value, [...kept, ...attributes.filter((a) => a.values !== null)]);
      return uid;
    }
    async delete(_oc: ObjectClass, uid: Uid): Promise<void> {
      if (!store.delete(uid.value)) throw new UnknownUidException(`no ${uid.value}`);
    }
    async search(oc: ObjectClass, _filter: unknown, handler: (o: ConnectorObject) => Promise<boolean>): Promise<void> {
      stats.searches++;
      for (const [uid, attrs] of store) {
        if (!(await handler(toObject(oc, uid, attrs)))) return;
      }
    }
    test(): void {}
  }
  const definition: ConnectorDefinition = {
    name,
    displayNameKey: 'memory.display',
    configuration: [
      { name: 'prefix', type: 'String', required: true },
      { name: 'tags', type: 'String[]', default: ['a', 'b'] },
      { name: 'port', type: 'int', default: 389 },
      { name: 'secret', type: 'GuardedString' },
    ],
    validate(c) {
      if (c.prefix === 'forbidden') throw new Error('prefix must not be forbidden');
    },
    messages: { '': { 'memory.display': 'Memory' } },
    create: () => new MemoryConnector(),
  };
  const bundle: ConnectorBundle = {
    bundleName: 'test.memory',
    bundleVersion: '1.0.0',
    connectors: [definition as ConnectorDefinition<never>],
  };
  const key = new ConnectorKey('test.memory', '1.0.0', name);
  const seed = (...objects: Array<Record<string, unknown[]>>): string[] =>
    objects.map((o) => {
      const uid = String(next++);
      store.set(uid, Object.entries(o).map(([k, v]) => buildAttribute(k, v)));
      return uid;
    });
  return { bundle, key, store, stats, seed };
}
