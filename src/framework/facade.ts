/**
 * A configured connector (Java's LocalConnectorFacadeImpl and its operation implementations): supported-operation
 * checks, connector pooling or a fresh instance per operation, per-operation timeouts, cancellation, the search
 * results pipeline, get via search, add/remove-values emulation, JavaScript runScriptOnConnector, batches.
 */
import {
  AttributeNames,
  BatchEmptyResult,
  BatchResult,
  BatchToken,
  ConfigurationProperty,
  ConnectorException,
  CreateBatchTask,
  DeleteBatchTask,
  EqualsFilter,
  IllegalArgumentException,
  InvalidAttributeValueException,
  JavaArray,
  JavaClasses,
  JavaThrowable,
  Locale,
  ObjectClass,
  OperationOptions,
  OperationTimeoutException,
  OptionNames,
  SearchResult,
  SyncToken,
  Uid,
  UnknownUidException,
  UnsupportedOperationException,
  buildAttribute,
  javaEquals,
  matchesFilter,
  namesEqual,
  toJavaThrowable,
  type APIConfiguration,
  type ApiOperationName,
  type Attribute,
  type BatchTask,
  type ConnectorInfo,
  type ConnectorObject,
  type Filter,
  type GuardedString,
  type Schema,
  type ScriptContext,
  type SyncDelta,
} from '../model/index.ts';
import type { Connector, ConnectorContext, ConnectorLogger, OperationContext } from '../spi/index.ts';
import { reduceDeltaToAttributesToGet, reduceToAttributesToGet } from './attributes-to-get.ts';
import { buildConfiguration, validateConfiguration } from './configuration.ts';
import type { LoadedConnector } from './connector-info.ts';
import type { CallOptions, ConnectorFacade, FrameworkLogger, UpdateMode } from './facade-types.ts';
import { ObjectPool } from './pool.ts';
import { jsToWire, PropertyTypeMismatch, propertyTypeInfo } from './property-types.ts';
import { runJavaScript } from './script.ts';

type AnyConnector = Connector<never>;

const API_PACKAGE = 'org.identityconnectors.framework.api.operations.';

/** Java's AbstractConnectorFacade message for an unsupported operation. */
function unsupported(op: ApiOperationName): UnsupportedOperationException {
  return new UnsupportedOperationException(`Operation 'interface ${API_PACKAGE}${op}' not supported.`);
}

const NOT_ON_ALL = 'Operation is not allowed on __ALL__ object class';

function rejectAll(oc: ObjectClass): void {
  if (oc.is(ObjectClass.ALL_NAME)) throw new UnsupportedOperationException(NOT_ON_ALL);
}

function nullCheck(value: unknown, name: string): void {
  if (value === null || value === undefined) throw new IllegalArgumentException(`Parameter '${name}' must not be null.`);
}

/** OperationalAttributes.getOperationalAttributeNames() plus __NAME__ (Java's UpdateImpl). */
const OPERATIONAL_NAMES = new Set<string>([
  AttributeNames.ENABLE,
  AttributeNames.ENABLE_DATE,
  AttributeNames.DISABLE_DATE,
  AttributeNames.LOCK_OUT,
  AttributeNames.PASSWORD_EXPIRATION_DATE,
  AttributeNames.PASSWORD_EXPIRED,
  AttributeNames.PASSWORD,
  AttributeNames.CURRENT_PASSWORD,
  AttributeNames.NAME,
]);

function hasUid(attrs: readonly Attribute[]): boolean {
  return attrs.some((a) => a instanceof Uid || namesEqual(a.name, AttributeNames.UID));
}

/** Java's UpdateImpl.validateInput. */
function validateUpdateInput(oc: ObjectClass, uid: Uid, attrs: readonly Attribute[], isDelta: boolean): void {
  nullCheck(uid, 'uid');
  nullCheck(oc, 'objectClass');
  rejectAll(oc);
  nullCheck(attrs, 'replaceAttributes');
  if (hasUid(attrs)) throw new InvalidAttributeValueException("Parameter 'replaceAttributes' contains a uid.");
  if (!isDelta) return;
  for (const a of attrs) {
    nullCheck(a, 'replaceAttributes');
    if (a.values === null) throw new IllegalArgumentException("Can not add or remove a 'null' value.");
    if (OPERATIONAL_NAMES.has(a.name)) {
      throw new IllegalArgumentException(`Operational attribute '${a.name}' can not be added or removed.`);
    }
  }
}

/** Java's UpdateImpl.merge: values appended (add) or first occurrences removed (remove; empty → null value). */
export function mergeAttributeValues(
  changes: readonly Attribute[],
  base: readonly Attribute[],
  add: boolean,
): Attribute[] {
  const out: Attribute[] = [];
  for (const change of changes) {
    const current = base.find((b) => namesEqual(b.name, change.name));
    if (add) {
      out.push(current ? buildAttribute(change.name, [...(current.values ?? []), ...(change.values ?? [])]) : change);
      continue;
    }
    if (!current) continue;
    const values = [...(current.values ?? [])];
    for (const v of change.values ?? []) {
      const i = values.findIndex((x) => javaEquals(x, v));
      if (i >= 0) values.splice(i, 1);
    }
    out.push(values.length === 0 ? buildAttribute(change.name, null) : buildAttribute(change.name, values));
  }
  return out;
}

function asUid(value: unknown, what: string): Uid {
  if (value instanceof Uid) return value;
  throw new ConnectorException(`The connector's ${what} returned ${value === null || value === undefined ? 'no Uid' : 'a value that is not a Uid'}`);
}

/** Formats {0}-style arguments like Java's MessageFormat (simple form). */
function formatMessage(pattern: string, args: readonly unknown[]): string {
  return pattern.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}

export interface FacadeDependencies {
  readonly logger: FrameworkLogger;
  /** Called with the changed properties (Java form) when a connector reports a configuration change. */
  readonly onConfigurationChange: (facadeKey: string, changed: ConfigurationProperty[]) => void;
}

export class LocalConnectorFacade implements ConnectorFacade {
  readonly connectorInfo: ConnectorInfo;
  private readonly pool: ObjectPool<AnyConnector> | null;
  private inFlight = 0;
  private lastUsed = Date.now();
  private disposed = false;
  private configurationValidated = false;

  constructor(
    private readonly entry: LoadedConnector,
    readonly apiConfiguration: APIConfiguration,
    readonly facadeKey: string,
    private readonly deps: FacadeDependencies,
  ) {
    this.connectorInfo = entry.info;
    // Pooling as Java decides it: the caller's configuration says so and the connector is poolable.
    this.pool =
      apiConfiguration.connectorPoolingSupported && entry.definition.poolable
        ? new ObjectPool<AnyConnector>(
            {
              make: () => this.newInstance(),
              test: async (c) => {
                await c.checkAlive?.();
              },
              dispose: (c) => this.disposeInstance(c),
            },
            apiConfiguration.connectorPoolConfiguration,
            (err) => this.log().warn({ err: String(err) }, 'Connector dispose failed'),
          )
        : null;
  }

  // ---- lifecycle ------------------------------------------------------------------------------------------

  /** True when no operation runs and none ran for `ms` milliseconds. */
  isUnusedFor(ms: number): boolean {
    return this.inFlight === 0 && Date.now() - this.lastUsed > ms;
  }

  get poolStatistics(): { idle: number; active: number } | null {
    return this.pool?.statistics ?? null;
  }

  async evictIdle(): Promise<void> {
    await this.pool?.evictIdle();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.pool?.shutdown();
  }

  private log(): FrameworkLogger {
    return this.deps.logger;
  }

  private connectorLogger(): ConnectorLogger {
    const base = { connectorKey: this.connectorInfo.connectorKey.toString() };
    const l = this.deps.logger;
    return {
      debug: (msg, data) => l.debug({ ...data, ...base }, msg),
      info: (msg, data) => l.info({ ...data, ...base }, msg),
      warn: (msg, data) => l.warn({ ...data, ...base }, msg),
      error: (msg, data) => l.error({ ...data, ...base }, msg),
    };
  }

  private connectorContext(): ConnectorContext {
    const messages = this.connectorInfo.messages;
    return {
      log: this.connectorLogger(),
      message: (key, ...args) => formatMessage(messages.format(key), args),
      reportConfigurationChange: (changes) => this.reportConfigurationChange(changes),
    };
  }

  private reportConfigurationChange(changes: Record<string, unknown>): void {
    const changed: ConfigurationProperty[] = [];
    for (const [name, value] of Object.entries(changes)) {
      const decl = this.entry.definition.configuration.find((p) => p.name === name);
      const current = this.apiConfiguration.configurationProperties.get(name) ??
        this.connectorInfo.defaultApiConfiguration.configurationProperties.get(name);
      if (!decl || !current) {
        this.log().warn({ property: name }, 'Connector reported a change of an unknown configuration property');
        continue;
      }
      try {
        changed.push(new ConfigurationProperty({ ...current, value: jsToWire(propertyTypeInfo(decl.type), value) }));
      } catch (e) {
        if (!(e instanceof PropertyTypeMismatch)) throw e;
        this.log().warn({ property: name, expected: e.expected, actual: e.actual }, 'Connector reported a configuration change of the wrong type');
      }
    }
    if (changed.length > 0) this.deps.onConfigurationChange(this.facadeKey, changed);
  }

  private buildValidatedConfiguration(): Record<string, unknown> {
    const config = buildConfiguration(this.entry.definition, this.apiConfiguration.configurationProperties);
    if (!this.configurationValidated) {
      validateConfiguration(this.entry.definition, config);
      this.configurationValidated = true;
    }
    return config;
  }

  private async newInstance(): Promise<AnyConnector> {
    const config = this.buildValidatedConfiguration();
    const connector = this.entry.definition.create();
    try {
      await connector.init(config as never, this.connectorContext());
    } catch (e) {
      await this.disposeInstance(connector);
      throw toJavaThrowable(e);
    }
    return connector;
  }

  private async disposeInstance(c: AnyConnector): Promise<void> {
    try {
      await c.dispose?.();
    } catch (e) {
      this.log().warn({ err: e instanceof Error ? e.message : String(e) }, 'Connector dispose failed');
    }
  }

  /** A connector for one operation: borrowed from the pool, or made (init) and disposed afterwards. */
  private async withConnector<T>(ctx: OperationContext, fn: (c: AnyConnector) => Promise<T>): Promise<T> {
    if (this.pool) {
      const lease = await this.pool.borrow(ctx.signal);
      try {
        return await fn(lease.object);
      } finally {
        await lease.release();
      }
    }
    ctx.signal.throwIfAborted();
    const c = await this.newInstance();
    try {
      return await fn(c);
    } finally {
      await this.disposeInstance(c);
    }
  }

  // ---- operation frame ------------------------------------------------------------------------------------

  isSupported(op: ApiOperationName): boolean {
    return this.apiConfiguration.isSupported(op) && this.entry.capabilities.supportedOperations.includes(op);
  }

  /**
   * Runs one operation: checks support, then runs `body` with an OperationContext whose signal aborts when the
   * caller cancels or the operation's timeout (ms from the timeout map, -1 none) expires. The caller gets the
   * OperationTimeoutException at once; the connector instance goes back to the pool only when it has finished.
   * For search and sync the timeout covers the whole operation, including the time the results handler takes.
   */
  private async run<T>(
    op: ApiOperationName,
    call: CallOptions | undefined,
    body: (ctx: OperationContext) => Promise<T>,
    timed = true,
  ): Promise<T> {
    if (!this.isSupported(op)) throw unsupported(op);
    if (this.disposed) throw new ConnectorException('The connector facade has been disposed');
    const controller = new AbortController();
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(toJavaThrowable(controller.signal.reason)), { once: true });
    });
    aborted.catch(() => {});
    const caller = call?.signal;
    const onCallerAbort = (): void => {
      const reason: unknown = caller?.reason;
      controller.abort(reason instanceof JavaThrowable ? reason : new ConnectorException('Operation cancelled', { cause: reason }));
    };
    if (caller?.aborted) onCallerAbort();
    else caller?.addEventListener('abort', onCallerAbort, { once: true });
    const timeout = timed ? this.apiConfiguration.timeout(op) : -1;
    const timer =
      timeout >= 0
        ? setTimeout(() => controller.abort(new OperationTimeoutException(`Operation ${op} timed out after ${timeout} ms`)), timeout)
        : undefined;
    const ctx: OperationContext = { signal: controller.signal, locale: call?.locale ?? new Locale() };
    this.inFlight++;
    try {
      if (controller.signal.aborted) return await aborted;
      return await Promise.race([body(ctx), aborted]);
    } catch (e) {
      throw toJavaThrowable(e);
    } finally {
      if (timer) clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
      this.inFlight--;
      this.lastUsed = Date.now();
    }
  }

  // ---- operations -----------------------------------------------------------------------------------------

  async validate(call?: CallOptions): Promise<void> {
    await this.run('ValidateApiOp', call, async () => {
      const config = buildConfiguration(this.entry.definition, this.apiConfiguration.configurationProperties);
      validateConfiguration(this.entry.definition, config);
    });
  }

  async test(call?: CallOptions): Promise<void> {
    await this.run('TestApiOp', call, (ctx) =>
      this.withConnector(ctx, async (c) => {
        await need(c.test, 'TestApiOp').call(c, ctx);
      }),
    );
  }

  async schema(call?: CallOptions): Promise<Schema | null> {
    return this.run('SchemaApiOp', call, (ctx) =>
      this.withConnector(ctx, async (c) => (await need(c.schema, 'SchemaApiOp').call(c, ctx)) ?? null),
    );
  }

  async create(objectClass: ObjectClass, attributes: readonly Attribute[], options: OperationOptions | null, call?: CallOptions): Promise<Uid> {
    return this.run('CreateApiOp', call, (ctx) =>
      this.withConnector(ctx, (c) => this.createOn(c, objectClass, attributes, options ?? OperationOptions.EMPTY, ctx)),
    );
  }

  /** Java's CreateImpl. */
  private async createOn(c: AnyConnector, oc: ObjectClass, attrs: readonly Attribute[], options: OperationOptions, ctx: OperationContext): Promise<Uid> {
    nullCheck(oc, 'objectClass');
    rejectAll(oc);
    nullCheck(attrs, 'createAttributes');
    if (hasUid(attrs)) throw new InvalidAttributeValueException("Parameter 'createAttributes' contains a uid.");
    const names = new Set<string>();
    for (const a of attrs) {
      const k = a.name.toUpperCase();
      if (names.has(k)) throw new InvalidAttributeValueException(`Duplicate attribute name exits: ${a.name}`);
      names.add(k);
    }
    const create = need(c.create, 'CreateApiOp');
    return asUid(await create.call(c, oc, attrs, options, ctx), 'create');
  }

  async update(mode: UpdateMode, objectClass: ObjectClass, uid: Uid, attributes: readonly Attribute[], options: OperationOptions | null, call?: CallOptions): Promise<Uid> {
    return this.run('UpdateApiOp', call, (ctx) =>
      this.withConnector(ctx, (c) => this.updateOn(c, mode, objectClass, uid, attributes, options ?? OperationOptions.EMPTY, ctx)),
    );
  }

  /** Java's UpdateImpl: replace, or add/remove natively or emulated by get + merge + replace. */
  private async updateOn(
    c: AnyConnector,
    mode: UpdateMode,
    oc: ObjectClass,
    uid: Uid,
    attrs: readonly Attribute[],
    options: OperationOptions,
    ctx: OperationContext,
  ): Promise<Uid> {
    validateUpdateInput(oc, uid, attrs, mode !== 'replace');
    if (mode === 'replace') {
      if (!c.update) throw new UnsupportedOperationException('The connector does not support replacing attribute values (update)');
      return asUid(await c.update(oc, uid, attrs, options, ctx), 'update');
    }
    const native = mode === 'add' ? c.addAttributeValues : c.removeAttributeValues;
    if (native) return asUid(await native.call(c, oc, uid, attrs, options, ctx), mode === 'add' ? 'addAttributeValues' : 'removeAttributeValues');
    if (!c.update) throw new UnsupportedOperationException('The connector does not support updating attribute values');
    if (!c.search && !c.getObject) {
      throw new UnsupportedOperationException('Connector must support: interface org.identityconnectors.framework.spi.operations.SearchOp');
    }
    // Fetch exactly the attributes being changed, merge, and replace.
    const fetchOptions = new Map(options.options);
    fetchOptions.set(OptionNames.ATTRS_TO_GET, new JavaArray(JavaClasses.String, attrs.map((a) => a.name)));
    const current = await this.getOn(c, oc, uid, new OperationOptions(fetchOptions), ctx);
    if (!current) throw new UnknownUidException(`Object with Uid '${uid.toString()}' and ObjectClass '${oc.toString()}' does not exist!`);
    const merged = mergeAttributeValues(attrs, current.attributes, mode === 'add');
    return asUid(await c.update(oc, uid, merged, options, ctx), 'update');
  }

  async delete(objectClass: ObjectClass, uid: Uid, options: OperationOptions | null, call?: CallOptions): Promise<void> {
    await this.run('DeleteApiOp', call, (ctx) =>
      this.withConnector(ctx, (c) => this.deleteOn(c, objectClass, uid, options ?? OperationOptions.EMPTY, ctx)),
    );
  }

  private async deleteOn(c: AnyConnector, oc: ObjectClass, uid: Uid, options: OperationOptions, ctx: OperationContext): Promise<void> {
    nullCheck(oc, 'objectClass');
    rejectAll(oc);
    nullCheck(uid, 'uid');
    await need(c.delete, 'DeleteApiOp').call(c, oc, uid, options, ctx);
  }

  async getObject(objectClass: ObjectClass, uid: Uid, options: OperationOptions | null, call?: CallOptions): Promise<ConnectorObject | null> {
    return this.run('GetApiOp', call, (ctx) =>
      this.withConnector(ctx, (c) => this.getOn(c, objectClass, uid, options ?? OperationOptions.EMPTY, ctx)),
    );
  }

  /** Native getObject when the connector has one, else Java's GetImpl: a search on EqualsFilter(uid). */
  private async getOn(c: AnyConnector, oc: ObjectClass, uid: Uid, options: OperationOptions, ctx: OperationContext): Promise<ConnectorObject | null> {
    nullCheck(oc, 'objectClass');
    rejectAll(oc);
    nullCheck(uid, 'uid');
    if (c.getObject) {
      const found = (await c.getObject(oc, uid, options, ctx)) ?? null;
      const attrs = options.attributesToGet;
      const hc = this.apiConfiguration.resultsHandlerConfiguration;
      if (found && hc.enableAttributesToGetSearchResultsHandler && attrs && attrs.length > 0) {
        return reduceToAttributesToGet(found, attrs);
      }
      return found;
    }
    let found: ConnectorObject | null = null;
    await this.searchOn(c, oc, new EqualsFilter(uid), async (o) => {
      found = o;
      return false;
    }, options, ctx);
    return found;
  }

  async search(
    objectClass: ObjectClass,
    filter: Filter | null,
    handler: (object: ConnectorObject) => Promise<boolean>,
    options: OperationOptions | null,
    call?: CallOptions,
  ): Promise<SearchResult | null> {
    return this.run('SearchApiOp', call, (ctx) =>
      this.withConnector(ctx, (c) => this.searchOn(c, objectClass, filter, handler, options ?? OperationOptions.EMPTY, ctx)),
    );
  }

  /**
   * Java's SearchImpl pipeline: connector → attributes-to-get reduction (when enabled and requested) → in-memory
   * filter (when enabled) → normalizer (none for TypeScript connectors) → caller. The reduction runs before the
   * filter, as in Java, so a filter on an attribute outside attributesToGet does not match. Each object is
   * awaited by the caller; false (or cancellation) stops the connector.
   */
  private async searchOn(
    c: AnyConnector,
    oc: ObjectClass,
    filter: Filter | null,
    handler: (object: ConnectorObject) => Promise<boolean>,
    options: OperationOptions,
    ctx: OperationContext,
  ): Promise<SearchResult | null> {
    nullCheck(oc, 'objectClass');
    rejectAll(oc);
    nullCheck(handler, 'handler');
    const search = need(c.search, 'SearchApiOp');
    const hc = this.apiConfiguration.resultsHandlerConfiguration;
    const attrs = hc.enableAttributesToGetSearchResultsHandler ? options.attributesToGet : undefined;
    const reduce = attrs !== undefined && attrs.length > 0;
    const filtering = hc.enableFilteredResultsHandler && filter !== null;
    const caseIgnore = hc.enableCaseInsensitiveFilter;
    let stopped = false;
    let failure: { error: unknown } | undefined;
    const chain = async (object: ConnectorObject): Promise<boolean> => {
      if (stopped || ctx.signal.aborted) return false;
      try {
        const o = reduce ? reduceToAttributesToGet(object, attrs) : object;
        if (filtering && !matchesFilter(filter, o, caseIgnore)) return true;
        const more = await handler(o);
        if (more === false) stopped = true;
        return !stopped;
      } catch (e) {
        failure ??= { error: e };
        stopped = true;
        throw e;
      }
    };
    let result: void | SearchResult;
    try {
      result = await search.call(c, oc, filter, chain, options, ctx);
    } catch (e) {
      throw failure ? failure.error : e;
    }
    if (failure) throw failure.error;
    ctx.signal.throwIfAborted();
    return result instanceof SearchResult ? result : null;
  }

  async sync(
    objectClass: ObjectClass,
    token: SyncToken | null,
    handler: (delta: SyncDelta) => Promise<boolean>,
    options: OperationOptions | null,
    call?: CallOptions,
  ): Promise<SyncToken | null> {
    return this.run('SyncApiOp', call, (ctx) =>
      this.withConnector(ctx, async (c) => {
        nullCheck(objectClass, 'objectClass');
        nullCheck(handler, 'handler');
        const opts = options ?? OperationOptions.EMPTY;
        const attrs = opts.attributesToGet;
        const all = objectClass.is(ObjectClass.ALL_NAME);
        let stopped = false;
        let failure: { error: unknown } | undefined;
        const chain = async (delta: SyncDelta): Promise<boolean> => {
          if (stopped || ctx.signal.aborted) return false;
          try {
            if (all && delta.deltaType === 'DELETE' && delta.objectClass === null) {
              throw new ConnectorException(
                "Sync '__ALL__' operation requires the connector to set 'objectClass' parameter for sync event.",
              );
            }
            const d = attrs && attrs.length > 0 ? reduceDeltaToAttributesToGet(delta, attrs) : delta;
            if ((await handler(d)) === false) stopped = true;
            return !stopped;
          } catch (e) {
            failure ??= { error: e };
            stopped = true;
            throw e;
          }
        };
        let result: void | SyncToken;
        try {
          result = await need(c.sync, 'SyncApiOp').call(c, objectClass, token, chain, opts, ctx);
        } catch (e) {
          throw failure ? failure.error : e;
        }
        if (failure) throw failure.error;
        ctx.signal.throwIfAborted();
        return result instanceof SyncToken ? result : null;
      }),
    );
  }

  async getLatestSyncToken(objectClass: ObjectClass, call?: CallOptions): Promise<SyncToken | null> {
    return this.run('SyncApiOp', call, (ctx) =>
      this.withConnector(ctx, async (c) => {
        nullCheck(objectClass, 'objectClass');
        return (await need(c.getLatestSyncToken, 'SyncApiOp').call(c, objectClass, ctx)) ?? null;
      }),
    );
  }

  async authenticate(objectClass: ObjectClass, username: string, password: GuardedString, options: OperationOptions | null, call?: CallOptions): Promise<Uid> {
    return this.run('AuthenticationApiOp', call, (ctx) =>
      this.withConnector(ctx, async (c) => {
        nullCheck(objectClass, 'objectClass');
        rejectAll(objectClass);
        nullCheck(username, 'username');
        nullCheck(password, 'password');
        const uid = await need(c.authenticate, 'AuthenticationApiOp').call(c, objectClass, username, password, options ?? OperationOptions.EMPTY, ctx);
        return asUid(uid, 'authenticate');
      }),
    );
  }

  async resolveUsername(objectClass: ObjectClass, username: string, options: OperationOptions | null, call?: CallOptions): Promise<Uid> {
    return this.run('ResolveUsernameApiOp', call, (ctx) =>
      this.withConnector(ctx, async (c) => {
        nullCheck(objectClass, 'objectClass');
        rejectAll(objectClass);
        nullCheck(username, 'username');
        const uid = await need(c.resolveUsername, 'ResolveUsernameApiOp').call(c, objectClass, username, options ?? OperationOptions.EMPTY, ctx);
        return asUid(uid, 'resolveUsername');
      }),
    );
  }

  async runScriptOnConnector(script: ScriptContext, options: OperationOptions | null, call?: CallOptions): Promise<unknown> {
    return this.run('ScriptOnConnectorApiOp', call, (ctx) =>
      this.withConnector(ctx, async (c) => {
        nullCheck(script, 'request');
        if (c.runScriptOnConnector) return await c.runScriptOnConnector(script, options ?? OperationOptions.EMPTY, ctx);
        return await runJavaScript(script, c, ctx, this.entry.definition.scriptLanguages);
      }),
    );
  }

  async runScriptOnResource(script: ScriptContext, options: OperationOptions | null, call?: CallOptions): Promise<unknown> {
    return this.run('ScriptOnResourceApiOp', call, (ctx) =>
      this.withConnector(ctx, async (c) => {
        nullCheck(script, 'request');
        return await need(c.runScriptOnResource, 'ScriptOnResourceApiOp').call(c, script, options ?? OperationOptions.EMPTY, ctx);
      }),
    );
  }

  /**
   * Java's BatchImpl for connectors without a native batch: the tasks run in order on one connector instance;
   * each outcome is delivered as a BatchResult with resultId = the task index (a Uid, a BatchEmptyResult for a
   * delete, or the exception with error = true). FAIL_ON_ERROR (default true) stops at the first failure.
   * Batches have no timeout (Java does not wrap them in its timeout proxy); cancellation still applies.
   */
  async executeBatch(
    tasks: readonly BatchTask[],
    onResult: (result: BatchResult) => Promise<void>,
    options: OperationOptions | null,
    call?: CallOptions,
  ): Promise<BatchToken> {
    return this.run(
      'BatchApiOp',
      call,
      async (ctx) => {
        if (!tasks || tasks.length === 0) return new BatchToken();
        const failOnError = options?.failOnError ?? true;
        await this.withConnector(ctx, async (c) => {
          for (let i = 0; i < tasks.length; i++) {
            ctx.signal.throwIfAborted();
            const complete = i === tasks.length - 1;
            let result: unknown;
            try {
              result = await this.executeTask(c, tasks[i]!, ctx);
            } catch (e) {
              await onResult(new BatchResult(toJavaThrowable(e), null, String(i), complete, true));
              if (failOnError) return;
              continue;
            }
            await onResult(new BatchResult(result, null, String(i), complete, false));
          }
        });
        return new BatchToken();
      },
      false,
    );
  }

  private async executeTask(c: AnyConnector, task: BatchTask, ctx: OperationContext): Promise<Uid | BatchEmptyResult> {
    const opts = task.options ?? OperationOptions.EMPTY;
    if (task instanceof CreateBatchTask) return this.createOn(c, task.objectClass, task.attributes, opts, ctx);
    if (task instanceof DeleteBatchTask) {
      await this.deleteOn(c, task.objectClass, task.uid, opts, ctx);
      return new BatchEmptyResult(`Delete of ${task.objectClass.toString()} ${task.uid.toString()} successful`);
    }
    const mode: UpdateMode | undefined =
      task.updateType === 'UPDATE' ? 'replace' : task.updateType === 'ADDVALUES' ? 'add' : task.updateType === 'REMOVEVALUES' ? 'remove' : undefined;
    if (!mode) throw new ConnectorException(`Unknown update type ${String(task.updateType)}`);
    return this.updateOn(c, mode, task.objectClass, task.uid, task.attributes, opts, ctx);
  }
}

/** The connector method, or UnsupportedOperationException when the instance lacks it. */
function need<F>(method: F | undefined, op: ApiOperationName): F {
  if (typeof method !== 'function') throw unsupported(op);
  return method;
}
