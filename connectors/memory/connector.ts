/** The memory connector: a deterministic in-memory resource with every operation implemented natively. */
import {
  ConnectorException,
  IllegalArgumentException,
  InvalidCredentialException,
  InvalidPasswordException,
  OperationOptions,
  PermissionDeniedException,
  SyncDelta,
  SyncToken,
  Uid,
  UnknownUidException,
  type Attribute,
  type Connector,
  type ConnectorContext,
  type ConnectorObject,
  type Filter,
  type GuardedString,
  type ObjectClass,
  type OperationContext,
  type ResultsHandler,
  type Schema,
  type SearchResult,
  type SyncResultsHandler,
} from '../../src/spi/index.ts';
import { resolveConfiguration, type MemoryConfiguration, type ResolvedMemoryConfiguration } from './configuration.ts';
import { injectFault, parseFaultInjection, type FaultOperation, type FaultPlan } from './faults.ts';
import { matches } from './filter.ts';
import { openStore } from './registry.ts';
import { buildSchema } from './schema.ts';
import { pageResult, pageWindow, selectAttributes, sortObjects } from './search.ts';
import type { MemoryStore, UpdateMode } from './store.ts';

/** Parses a sync token: the change number, as Long (bigint), Integer or a decimal string. */
export function changeNumber(token: SyncToken | null): bigint {
  if (token === null) return 0n;
  const v = token.value;
  if (typeof v === 'bigint' && v >= 0n) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d{1,19}$/.test(v)) return BigInt(v);
  throw new IllegalArgumentException('Unrecognised sync token: expected a change number');
}

export class MemoryConnector implements Connector<MemoryConfiguration> {
  private configuration: ResolvedMemoryConfiguration | undefined;
  private storeRef: MemoryStore | undefined;
  private faults: FaultPlan = new Map();
  private disposed = false;

  async init(configuration: MemoryConfiguration, context: ConnectorContext): Promise<void> {
    const resolved = resolveConfiguration(configuration);
    this.faults = parseFaultInjection(resolved.faultInjection);
    this.storeRef = await openStore(resolved);
    this.configuration = resolved;
    context.log.debug('memory connector ready', { storeName: resolved.storeName, readOnly: resolved.readOnly });
  }

  dispose(): void {
    this.disposed = true;
  }

  checkAlive(): void {
    if (this.disposed) throw new ConnectorException('Connector instance was disposed');
  }

  /** The store this instance works on (shared with every instance of the same store key). */
  get store(): MemoryStore {
    if (!this.storeRef || this.disposed) throw new ConnectorException('Connector instance is not initialised');
    return this.storeRef;
  }

  private get config(): ResolvedMemoryConfiguration {
    if (!this.configuration) throw new ConnectorException('Connector instance is not initialised');
    return this.configuration;
  }

  private fault(op: FaultOperation, options: OperationOptions | null, ctx: OperationContext): Promise<void> {
    return injectFault(op, this.faults, options, ctx.signal);
  }

  private writable(): void {
    if (this.config.readOnly) throw new PermissionDeniedException('The store is read-only');
  }

  async test(ctx: OperationContext): Promise<void> {
    await this.fault('test', null, ctx);
    void this.store;
  }

  async schema(ctx: OperationContext): Promise<Schema> {
    await this.fault('schema', null, ctx);
    return buildSchema(this.store.definitions, this.config.readOnly);
  }

  async create(oc: ObjectClass, attributes: readonly Attribute[], options: OperationOptions, ctx: OperationContext): Promise<Uid> {
    await this.fault('create', options, ctx);
    this.writable();
    return this.store.create(oc, attributes);
  }

  private async modify(op: FaultOperation, mode: UpdateMode, oc: ObjectClass, uid: Uid, attributes: readonly Attribute[], options: OperationOptions, ctx: OperationContext): Promise<Uid> {
    await this.fault(op, options, ctx);
    this.writable();
    return this.store.update(oc, uid, attributes, mode);
  }

  update(oc: ObjectClass, uid: Uid, attributes: readonly Attribute[], options: OperationOptions, ctx: OperationContext): Promise<Uid> {
    return this.modify('update', 'replace', oc, uid, attributes, options, ctx);
  }

  addAttributeValues(oc: ObjectClass, uid: Uid, attributes: readonly Attribute[], options: OperationOptions, ctx: OperationContext): Promise<Uid> {
    return this.modify('addAttributeValues', 'add', oc, uid, attributes, options, ctx);
  }

  removeAttributeValues(oc: ObjectClass, uid: Uid, attributes: readonly Attribute[], options: OperationOptions, ctx: OperationContext): Promise<Uid> {
    return this.modify('removeAttributeValues', 'remove', oc, uid, attributes, options, ctx);
  }

  async delete(oc: ObjectClass, uid: Uid, options: OperationOptions, ctx: OperationContext): Promise<void> {
    await this.fault('delete', options, ctx);
    this.writable();
    this.store.delete(oc, uid);
  }

  async getObject(oc: ObjectClass, uid: Uid, options: OperationOptions, ctx: OperationContext): Promise<ConnectorObject | null> {
    const opts = options ?? OperationOptions.EMPTY;
    await this.fault('getObject', opts, ctx);
    const found = this.store.get(oc, uid.value);
    return found ? selectAttributes(found, this.store.definition(oc), opts.attributesToGet) : null;
  }

  async search(oc: ObjectClass, filter: Filter | null, handler: ResultsHandler, options: OperationOptions, ctx: OperationContext): Promise<SearchResult> {
    const opts = options ?? OperationOptions.EMPTY;
    await this.fault('search', opts, ctx);
    const store = this.store;
    const definition = store.definition(oc);
    const filterOptions = { caseInsensitiveNames: store.caseInsensitiveNames };
    // A snapshot: concurrent changes while the handler awaits do not disturb this search.
    const matched = store.list(oc).filter((o) => matches(o, filter, filterOptions));
    const sorted = sortObjects(matched, opts.sortKeys ?? [], store.caseInsensitiveNames);
    const window = pageWindow(sorted.length, {
      pageSize: opts.pageSize,
      cookie: opts.pagedResultsCookie,
      offset: opts.pagedResultsOffset,
    });
    const attributesToGet = opts.attributesToGet;
    let next = window.start;
    while (next < window.end) {
      ctx.signal.throwIfAborted();
      const keepGoing = await handler(selectAttributes(sorted[next]!, definition, attributesToGet));
      next++;
      if (!keepGoing) break;
    }
    return pageResult(sorted.length, window, next, opts.totalPagedResultsPolicy);
  }

  async sync(oc: ObjectClass, token: SyncToken | null, handler: SyncResultsHandler, options: OperationOptions, ctx: OperationContext): Promise<SyncToken> {
    const opts = options ?? OperationOptions.EMPTY;
    await this.fault('sync', opts, ctx);
    const store = this.store;
    const latest = store.latestChange;
    // changesSince returns a snapshot: changes made while the handler awaits belong to the next sync.
    const changes = store.changesSince(oc, changeNumber(token));
    const attributesToGet = opts.attributesToGet;
    for (const change of changes) {
      ctx.signal.throwIfAborted();
      const deltaToken = new SyncToken(change.number);
      const delta =
        change.object === null
          ? new SyncDelta({ token: deltaToken, deltaType: 'DELETE', uid: new Uid(change.uid), objectClass: change.objectClass })
          : new SyncDelta({
              token: deltaToken,
              deltaType: change.type,
              object: selectAttributes(change.object, store.definition(change.objectClass), attributesToGet),
            });
      if (!(await handler(delta))) return deltaToken;
    }
    return new SyncToken(latest);
  }

  async getLatestSyncToken(oc: ObjectClass, ctx: OperationContext): Promise<SyncToken> {
    await this.fault('getLatestSyncToken', null, ctx);
    this.store.changesSince(oc, this.store.latestChange); // rejects unknown object classes
    return new SyncToken(this.store.latestChange);
  }

  async authenticate(oc: ObjectClass, username: string, password: GuardedString, options: OperationOptions, ctx: OperationContext): Promise<Uid> {
    await this.fault('authenticate', options, ctx);
    const store = this.store;
    const uid = store.uidForName(oc, username);
    // The messages name neither the user nor the password.
    if (uid === undefined) throw new InvalidCredentialException('Invalid credentials');
    const ok = store.passwordMatches(oc, uid, password);
    if (ok === undefined) throw new InvalidCredentialException('Invalid credentials');
    if (!ok) throw new InvalidPasswordException('Invalid password');
    if (store.isDisabled(oc, uid)) throw new InvalidCredentialException('Account is disabled');
    return new Uid(uid);
  }

  async resolveUsername(oc: ObjectClass, username: string, options: OperationOptions, ctx: OperationContext): Promise<Uid> {
    await this.fault('resolveUsername', options, ctx);
    const uid = this.store.uidForName(oc, username);
    if (uid === undefined) throw new UnknownUidException('No object has this name');
    return new Uid(uid);
  }
}
