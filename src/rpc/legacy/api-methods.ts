/**
 * The API operation methods a legacy OperationRequest can name (interface + method, as Java's API operation
 * interfaces declare them), and how each one's argument list maps onto the ConnectorFacade. The argument lists
 * exclude the results-handler parameter: the session supplies the handler.
 */
import {
  ConnectorObject,
  GuardedString,
  IllegalArgumentException,
  NullPointerException,
  ObjectClass,
  OperationOptions,
  ScriptContext,
  SyncDelta,
  SyncToken,
  Uid,
  UnsupportedOperationException,
  type Attribute,
  type Filter,
} from '../../model/index.ts';
import type { CallOptions, ConnectorFacade } from '../../framework/facade-types.ts';

/** Receives each streamed result; resolves false to stop the producer. */
export type LegacyResultSink = (result: ConnectorObject | SyncDelta) => Promise<boolean>;

export interface LegacyApiMethod {
  /** Java interface serial name, e.g. "SearchApiOp". */
  readonly operation: string;
  /** Java method name, e.g. "getLatestSyncToken". */
  readonly method: string;
  /** True when the Java method takes a ResultsHandler / SyncResultsHandler (streamed results). */
  readonly streams: boolean;
  invoke(facade: ConnectorFacade, args: readonly unknown[], sink: LegacyResultSink, call: CallOptions): Promise<unknown>;
}

/** Typed access to a positional argument list, with Java-like failures for wrong types and missing values. */
class Args {
  constructor(
    private readonly values: readonly unknown[],
    private readonly signature: string,
  ) {}

  private at(index: number): unknown {
    return this.values[index] ?? null;
  }

  private mismatch(name: string, expected: string): IllegalArgumentException {
    return new IllegalArgumentException(`argument type mismatch: ${this.signature} expects ${expected} for '${name}'`);
  }

  required<T>(index: number, name: string, check: (v: unknown) => v is T, expected: string): T {
    const v = this.at(index);
    if (v === null) throw new NullPointerException(`Parameter '${name}' must not be null.`);
    if (!check(v)) throw this.mismatch(name, expected);
    return v;
  }

  optional<T>(index: number, name: string, check: (v: unknown) => v is T, expected: string): T | null {
    const v = this.at(index);
    if (v === null) return null;
    if (!check(v)) throw this.mismatch(name, expected);
    return v;
  }

  objectClass(index: number): ObjectClass {
    return this.required(index, 'objectClass', (v): v is ObjectClass => v instanceof ObjectClass, 'an ObjectClass');
  }

  uid(index: number): Uid {
    return this.required(index, 'uid', (v): v is Uid => v instanceof Uid, 'a Uid');
  }

  options(index: number): OperationOptions | null {
    return this.optional(index, 'options', (v): v is OperationOptions => v instanceof OperationOptions, 'OperationOptions');
  }

  attributes(index: number, name: string): Attribute[] {
    const set = this.required(index, name, (v): v is Iterable<unknown> => v instanceof Set || Array.isArray(v), 'a Set of Attribute');
    return [...set] as Attribute[];
  }

  string(index: number, name: string): string {
    return this.required(index, name, (v): v is string => typeof v === 'string', 'a String');
  }

  filter(index: number): Filter | null {
    const isFilter = (v: unknown): v is Filter =>
      typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string';
    return this.optional(index, 'filter', isFilter, 'a Filter');
  }

  script(index: number): ScriptContext {
    return this.required(index, 'request', (v): v is ScriptContext => v instanceof ScriptContext, 'a ScriptContext');
  }
}

function define(
  operation: string,
  method: string,
  arity: number,
  streams: boolean,
  invoke: (facade: ConnectorFacade, a: Args, sink: LegacyResultSink, call: CallOptions) => Promise<unknown>,
): LegacyApiMethod {
  const signature = `${operation}.${method}`;
  return {
    operation,
    method,
    streams,
    invoke(facade, args, sink, call) {
      if (args.length !== arity) {
        return Promise.reject(new IllegalArgumentException(`wrong number of arguments: ${signature} takes ${arity}, got ${args.length}`));
      }
      try {
        return invoke(facade, new Args(args, signature), sink, call);
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}

function unsupported(operation: string, method: string): LegacyApiMethod {
  return {
    operation,
    method,
    streams: false,
    invoke: () => Promise.reject(new UnsupportedOperationException(`Operation ${operation} is not supported over the legacy protocol.`)),
  };
}

const METHODS: readonly LegacyApiMethod[] = [
  define('AuthenticationApiOp', 'authenticate', 4, false, (f, a, _s, call) => {
    const password = a.required(2, 'password', (v): v is GuardedString => v instanceof GuardedString, 'a GuardedString');
    return f.authenticate(a.objectClass(0), a.string(1, 'username'), password, a.options(3), call);
  }),
  define('ResolveUsernameApiOp', 'resolveUsername', 3, false, (f, a, _s, call) =>
    f.resolveUsername(a.objectClass(0), a.string(1, 'username'), a.options(2), call),
  ),
  define('CreateApiOp', 'create', 3, false, (f, a, _s, call) =>
    f.create(a.objectClass(0), a.attributes(1, 'createAttributes'), a.options(2), call),
  ),
  define('UpdateApiOp', 'update', 4, false, (f, a, _s, call) =>
    f.update('replace', a.objectClass(0), a.uid(1), a.attributes(2, 'replaceAttributes'), a.options(3), call),
  ),
  define('UpdateApiOp', 'addAttributeValues', 4, false, (f, a, _s, call) =>
    f.update('add', a.objectClass(0), a.uid(1), a.attributes(2, 'valuesToAdd'), a.options(3), call),
  ),
  define('UpdateApiOp', 'removeAttributeValues', 4, false, (f, a, _s, call) =>
    f.update('remove', a.objectClass(0), a.uid(1), a.attributes(2, 'valuesToRemove'), a.options(3), call),
  ),
  define('DeleteApiOp', 'delete', 3, false, async (f, a, _s, call) => {
    await f.delete(a.objectClass(0), a.uid(1), a.options(2), call);
    return null;
  }),
  define('GetApiOp', 'getObject', 3, false, (f, a, _s, call) => f.getObject(a.objectClass(0), a.uid(1), a.options(2), call)),
  define('SearchApiOp', 'search', 3, true, (f, a, sink, call) =>
    f.search(a.objectClass(0), a.filter(1), (o) => sink(o), a.options(2), call),
  ),
  define('SyncApiOp', 'sync', 3, true, (f, a, sink, call) => {
    const token = a.optional(1, 'token', (v): v is SyncToken => v instanceof SyncToken, 'a SyncToken');
    return f.sync(a.objectClass(0), token, (d) => sink(d), a.options(2), call);
  }),
  define('SyncApiOp', 'getLatestSyncToken', 1, false, (f, a, _s, call) => f.getLatestSyncToken(a.objectClass(0), call)),
  define('SchemaApiOp', 'schema', 0, false, (f, _a, _s, call) => f.schema(call)),
  define('TestApiOp', 'test', 0, false, async (f, _a, _s, call) => {
    await f.test(call);
    return null;
  }),
  define('ValidateApiOp', 'validate', 0, false, async (f, _a, _s, call) => {
    await f.validate(call);
    return null;
  }),
  define('ScriptOnConnectorApiOp', 'runScriptOnConnector', 2, false, (f, a, _s, call) =>
    f.runScriptOnConnector(a.script(0), a.options(1), call),
  ),
  define('ScriptOnResourceApiOp', 'runScriptOnResource', 2, false, (f, a, _s, call) =>
    f.runScriptOnResource(a.script(0), a.options(1), call),
  ),
  // Declared by the Java API but not served here: batches and subscriptions need a two-way channel.
  unsupported('BatchApiOp', 'executeBatch'),
  unsupported('BatchApiOp', 'queryBatch'),
  unsupported('ConnectorEventSubscriptionApiOp', 'subscribe'),
  unsupported('SyncEventSubscriptionApiOp', 'subscribe'),
];

const BY_OPERATION = new Map<string, LegacyApiMethod[]>();
for (const m of METHODS) {
  const list = BY_OPERATION.get(m.operation) ?? [];
  list.push(m);
  BY_OPERATION.set(m.operation, list);
}

/**
 * The method of an API operation interface, matched case-insensitively by name as the Java server does.
 * Undefined when the interface or the method is unknown.
 */
export function findApiMethod(operation: string, methodName: string): LegacyApiMethod | undefined {
  const wanted = methodName.toLowerCase();
  return BY_OPERATION.get(operation)?.find((m) => m.method.toLowerCase() === wanted);
}
