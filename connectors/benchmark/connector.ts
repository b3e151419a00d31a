/**
 * The benchmark connector: does what OpenICF's test bundle TstConnector does, so that the same workload can be
 * run against this server and a Java connector server. Search ignores the filter (the framework filters) and
 * returns `numResults` objects "0".."n-1" with 50 attributes each; sync returns `numResults` CREATE_OR_UPDATE
 * deltas with token "mytoken" and then the count of deltas not delivered as the final token; create returns
 * Uid "1.0". The operation option `delay` (milliseconds, Integer) slows create and every search result.
 * Like TstConnector it implements neither test, delete, update nor a native get.
 */
import {
  abortableDelay,
  Attribute,
  AttributeInfo,
  ConnectorException,
  ConnectorObject,
  JavaClasses,
  Name,
  ObjectClassInfo,
  Schema,
  SearchResult,
  SyncDelta,
  SyncToken,
  Uid,
  type ApiOperationName,
  type Connector,
  type ConnectorContext,
  type Filter,
  type ObjectClass,
  type OperationContext,
  type OperationOptions,
  type ResultsHandler,
  type ScriptContext,
  type SyncResultsHandler,
} from '../../src/spi/index.ts';
import type { BenchmarkConfiguration } from './configuration.ts';

/** The version TstConnector answers create with (its bundle's version). */
export const CREATE_UID = '1.0';
export const SYNC_DELTA_TOKEN = 'mytoken';
export const LATEST_SYNC_TOKEN = 'mylatest';
export const ATTRIBUTES_PER_OBJECT = 50;
export const SCHEMA_CLASSES = ['class0', 'class1'] as const;
export const SCHEMA_ATTRIBUTES_PER_CLASS = 200;

/** Numbers connector instances as Java's static connection counter does (one counter per connector definition). */
export class ConnectionCounter {
  private next = 0;
  take(reset: boolean): number {
    if (reset) this.next = 0;
    return this.next++;
  }
}

/** The 50 attributes every search result carries (immutable, so built once). */
const RESULT_ATTRIBUTES: readonly Attribute[] = Array.from(
  { length: ATTRIBUTES_PER_OBJECT },
  (_, j) => new Attribute(`myattribute${j}`, [`myvaluevaluevalue${j}`]),
);

const SCHEMA: Schema = buildSchema();

function buildSchema(): Schema {
  const classes = SCHEMA_CLASSES.map(
    (type) =>
      new ObjectClassInfo(type, [
        new AttributeInfo(Name.NAME, JavaClasses.String, ['REQUIRED']),
        ...Array.from({ length: SCHEMA_ATTRIBUTES_PER_CLASS }, (_, j) => new AttributeInfo(`attributename${j}`, JavaClasses.String)),
      ]),
  );
  const ops: ApiOperationName[] = ['CreateApiOp', 'GetApiOp', 'SearchApiOp', 'SyncApiOp'];
  return new Schema(classes, [], new Map(ops.map((op) => [op, [...SCHEMA_CLASSES]])), new Map());
}

/** The `delay` option in milliseconds, if given as a non-negative number. */
function delayOption(options: OperationOptions | null | undefined): number | undefined {
  const v = options?.get('delay');
  const n = typeof v === 'bigint' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

export class BenchmarkConnector implements Connector<BenchmarkConfiguration> {
  private numResults = 0;
  private connectionNumber: number | null = null;

  constructor(private readonly counter: ConnectionCounter) {}

  init(configuration: BenchmarkConfiguration, _context: ConnectorContext): void {
    this.numResults = configuration.numResults ?? 0;
    this.connectionNumber = this.counter.take(configuration.resetConnectionCount === true);
  }

  dispose(): void {
    this.connectionNumber = null;
  }

  checkAlive(): void {
    if (this.connectionNumber === null) throw new ConnectorException('Connection is bad');
  }

  /** Used by scripts: `connector.concat('a', 'b')`. */
  concat(s1: string, s2: string): string {
    return `${s1}${s2}`;
  }

  schema(_ctx: OperationContext): Schema {
    return SCHEMA;
  }

  async create(_oc: ObjectClass, _attributes: readonly Attribute[], options: OperationOptions, ctx: OperationContext): Promise<Uid> {
    const ms = delayOption(options);
    if (ms !== undefined) await abortableDelay(ms, ctx.signal);
    if (options?.get('testPooling') != null) return new Uid(String(this.connectionNumber));
    return new Uid(CREATE_UID);
  }

  async search(oc: ObjectClass, _filter: Filter | null, handler: ResultsHandler, options: OperationOptions, ctx: OperationContext): Promise<SearchResult> {
    const ms = delayOption(options);
    let remaining = this.numResults;
    for (let i = 0; i < this.numResults; i++) {
      if (ms !== undefined) await abortableDelay(ms, ctx.signal);
      else ctx.signal.throwIfAborted();
      const id = String(i);
      const object = new ConnectorObject(oc, [new Uid(id), new Name(id), ...RESULT_ATTRIBUTES]);
      if (!(await handler(object))) break;
      remaining--;
    }
    return new SearchResult(null, 'NONE', -1, remaining);
  }

  async sync(oc: ObjectClass, _token: SyncToken | null, handler: SyncResultsHandler, _options: OperationOptions, ctx: OperationContext): Promise<SyncToken> {
    let remaining = this.numResults;
    for (let i = 0; i < this.numResults; i++) {
      ctx.signal.throwIfAborted();
      const id = String(i);
      const delta = new SyncDelta({
        token: new SyncToken(SYNC_DELTA_TOKEN),
        deltaType: 'CREATE_OR_UPDATE',
        object: new ConnectorObject(oc, [new Uid(id), new Name(id)]),
      });
      if (!(await handler(delta))) break;
      remaining--;
    }
    return new SyncToken(remaining);
  }

  getLatestSyncToken(_oc: ObjectClass, _ctx: OperationContext): SyncToken {
    return new SyncToken(LATEST_SYNC_TOKEN);
  }
}
