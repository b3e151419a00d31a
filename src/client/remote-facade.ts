/**
 * A connector facade whose operations run on a remote connector server (OpenICF's RemoteAsyncConnectorFacade).
 * Same signatures as the local ConnectorFacade; remote failures reject with RemoteWrappedException carrying the
 * remote Java class name.
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import * as pb from '../wire/protobuf/index.ts';
import {
  BatchEmptyResult,
  BatchResult,
  BatchToken,
  ConnectorException,
  CreateBatchTask,
  DeleteBatchTask,
  InvalidAttributeValueException,
  Locale,
  ObjectClass,
  UnsupportedOperationException,
  Uid,
  AttributeNames,
  findAttribute,
  type APIConfiguration,
  type ApiOperationName,
  type Attribute,
  type BatchTask,
  type ConfigurationProperty,
  type ConnectorInfo,
  type ConnectorObject,
  type Filter,
  type GuardedString,
  type OperationOptions,
  type Schema,
  type ScriptContext,
  type SearchResult,
  type SyncDelta,
  type SyncToken,
  type UpdateBatchType,
} from '../model/index.ts';
import type { CallOptions, ConnectorFacade, UpdateMode } from '../framework/facade-types.ts';
import {
  attributeSetToLegacy,
  connectorKeyToProto,
  connectorObjectFromProto,
  fromLegacy,
  localeToProto,
  scriptContextToProto,
  searchResultFromProto,
  syncDeltaFromProto,
  syncTokenFromProto,
  syncTokenToProto,
  toLegacy,
  uidFromProto,
  uidToProto,
  type ConnectionGroup,
} from '../rpc/index.ts';
import { remoteCall, SequencedStream, type CallControl, type OperationRequestInit } from './remote-call.ts';

/** What a facade needs from its client: a session to a server that hosts the connector. */
export interface FacadeTransport {
  pickGroup(info: ConnectorInfo): ConnectionGroup;
  defaultLocale: Locale;
  /** Start (true) or stop (false) routing configuration-change events of this facade's key to it. */
  watchConfigurationChanges(facade: RemoteConnectorFacade, watch: boolean): void;
}

export type ConfigurationChangeHandler = (changes: ConfigurationProperty[]) => void;

const UPDATE_TYPES: Record<UpdateMode, pb.UpdateOpRequest_UpdateType> = {
  replace: pb.UpdateOpRequest_UpdateType.REPLACE,
  add: pb.UpdateOpRequest_UpdateType.ADD,
  remove: pb.UpdateOpRequest_UpdateType.REMOVE,
};
const BATCH_UPDATE_TYPES: Record<UpdateBatchType, pb.UpdateOpRequest_UpdateType> = {
  UPDATE: pb.UpdateOpRequest_UpdateType.REPLACE,
  ADDVALUES: pb.UpdateOpRequest_UpdateType.ADD,
  REMOVEVALUES: pb.UpdateOpRequest_UpdateType.REMOVE,
};

function unexpected(operation: string): ConnectorException {
  return new ConnectorException(`Unknown response message type: ${operation}`);
}

function optionsBytes(options: OperationOptions | null): Uint8Array {
  return toLegacy(options);
}

function checkCreatable(objectClass: ObjectClass, attributes: readonly Attribute[]): void {
  if (objectClass.is(ObjectClass.ALL_NAME)) throw new UnsupportedOperationException('Operation is not allowed on __ALL__ object class');
  if (findAttribute(attributes, AttributeNames.UID)) throw new InvalidAttributeValueException('Parameter \'createAttributes\' contains Uid.');
}

export class RemoteConnectorFacade implements ConnectorFacade {
  private readonly changeHandlers = new Set<ConfigurationChangeHandler>();

  constructor(
    readonly connectorInfo: ConnectorInfo,
    readonly apiConfiguration: APIConfiguration,
    /** The exact base64 facade key sent with every request (the server caches facades by it). */
    readonly facadeKey: string,
    private readonly transport: FacadeTransport,
  ) {}

  isSupported(op: ApiOperationName): boolean {
    return this.apiConfiguration.isSupported(op);
  }

  /** Called when the server reports configuration changes of this facade's connector. Returns an unsubscribe. */
  onConfigurationChange(handler: ConfigurationChangeHandler): () => void {
    // Only facades with listeners are known to the client, so facades made per call are garbage-collected.
    if (this.changeHandlers.size === 0) this.transport.watchConfigurationChanges(this, true);
    this.changeHandlers.add(handler);
    return () => {
      if (this.changeHandlers.delete(handler) && this.changeHandlers.size === 0) {
        this.transport.watchConfigurationChanges(this, false);
      }
    };
  }

  /** @internal */
  notifyConfigurationChange(changes: ConfigurationProperty[]): void {
    for (const h of this.changeHandlers) {
      try {
        h(changes);
      } catch {
        // A listener's failure is its own business.
      }
    }
  }

  private request(op: Partial<OperationRequestInit>, call: CallOptions | undefined): OperationRequestInit {
    return {
      connectorKey: connectorKeyToProto(this.connectorInfo.connectorKey),
      connectorFacadeKey: new TextEncoder().encode(this.facadeKey),
      locale: localeToProto(call?.locale ?? this.transport.defaultLocale),
      ...op,
    };
  }

  private call<T>(
    operation: ApiOperationName,
    op: Partial<OperationRequestInit>,
    call: CallOptions | undefined,
    onResponse: (response: pb.OperationResponse, control: CallControl<T>) => void,
  ): Promise<T> {
    let group: ConnectionGroup;
    try {
      group = this.transport.pickGroup(this.connectorInfo);
    } catch (err) {
      return Promise.reject(err);
    }
    return remoteCall<T>({
      group,
      request: this.request(op, call),
      signal: call?.signal,
      timeoutMs: this.apiConfiguration.timeout(operation),
      operation,
      onResponse,
    });
  }

  /** A single-response operation: `extract` returns undefined when the expected sub-message is missing. */
  private single<T>(operation: ApiOperationName, op: Partial<OperationRequestInit>, call: CallOptions | undefined, extract: (r: pb.OperationResponse) => { value: T } | undefined): Promise<T> {
    return this.call<T>(operation, op, call, (response, control) => {
      const got = extract(response);
      if (!got) control.reject(unexpected(operation));
      else control.resolve(got.value);
    });
  }

  validate(call?: CallOptions): Promise<void> {
    return this.single('ValidateApiOp', { ValidateOpRequest: {} }, call, (r) => (r.validateOpResponse ? { value: undefined } : undefined));
  }

  test(call?: CallOptions): Promise<void> {
    return this.single('TestApiOp', { testOpRequest: {} }, call, (r) => (r.testOpResponse ? { value: undefined } : undefined));
  }

  schema(call?: CallOptions): Promise<Schema | null> {
    return this.single('SchemaApiOp', { schemaOpRequest: {} }, call, (r) =>
      r.schemaOpResponse ? { value: fromLegacy(r.schemaOpResponse.schema) as Schema | null } : undefined,
    );
  }

  create(objectClass: ObjectClass, attributes: readonly Attribute[], options: OperationOptions | null, call?: CallOptions): Promise<Uid> {
    try {
      checkCreatable(objectClass, attributes);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.single(
      'CreateApiOp',
      { createOpRequest: { objectClass: objectClass.type, createAttributes: attributeSetToLegacy(attributes), options: optionsBytes(options) } },
      call,
      (r) => (r.createOpResponse ? { value: r.createOpResponse.uid ? uidFromProto(r.createOpResponse.uid) : (null as unknown as Uid) } : undefined),
    );
  }

  update(mode: UpdateMode, objectClass: ObjectClass, uid: Uid, attributes: readonly Attribute[], options: OperationOptions | null, call?: CallOptions): Promise<Uid> {
    return this.single(
      'UpdateApiOp',
      {
        updateOpRequest: {
          objectClass: objectClass.type,
          uid: uidToProto(uid),
          updateType: UPDATE_TYPES[mode],
          replaceAttributes: attributeSetToLegacy(attributes),
          options: optionsBytes(options),
        },
      },
      call,
      (r) => (r.updateOpResponse ? { value: r.updateOpResponse.uid ? uidFromProto(r.updateOpResponse.uid) : (null as unknown as Uid) } : undefined),
    );
  }

  delete(objectClass: ObjectClass, uid: Uid, options: OperationOptions | null, call?: CallOptions): Promise<void> {
    return this.single(
      'DeleteApiOp',
      { deleteOpRequest: { objectClass: objectClass.type, uid: uidToProto(uid), options: optionsBytes(options) } },
      call,
      (r) => (r.deleteOpResponse ? { value: undefined } : undefined),
    );
  }

  getObject(objectClass: ObjectClass, uid: Uid, options: OperationOptions | null, call?: CallOptions): Promise<ConnectorObject | null> {
    return this.single(
      'GetApiOp',
      { getOpRequest: { objectClass: objectClass.type, uid: uidToProto(uid), options: optionsBytes(options) } },
      call,
      (r) => (r.GetOpResponse ? { value: fromLegacy(r.GetOpResponse.connectorObject) as ConnectorObject | null } : undefined),
    );
  }

  /**
   * Streams the results to `handler` in order. A handler resolving false cancels the remote search, which then
   * resolves with null (the Java client reports a CancellationException instead).
   */
  search(
    objectClass: ObjectClass,
    filter: Filter | null,
    handler: (object: ConnectorObject) => Promise<boolean>,
    options: OperationOptions | null,
    call?: CallOptions,
  ): Promise<SearchResult | null> {
    if (objectClass.is(ObjectClass.ALL_NAME)) {
      return Promise.reject(new UnsupportedOperationException('Operation is not allowed on __ALL__ object class'));
    }
    let stream: SequencedStream<ConnectorObject, SearchResult | null> | null = null;
    return this.call<SearchResult | null>(
      'SearchApiOp',
      { searchOpRequest: { objectClass: objectClass.type, filter: toLegacy(filter), options: optionsBytes(options) } },
      call,
      (r, control) => {
        const s = r.searchOpResponse;
        if (!s) throw unexpected('SearchApiOp');
        stream ??= new SequencedStream(handler, control);
        if (s.connectorObject) stream.part(s.sequence, connectorObjectFromProto(s.connectorObject));
        else stream.end(s.sequence, s.result ? searchResultFromProto(s.result) : null);
      },
    );
  }

  sync(
    objectClass: ObjectClass,
    token: SyncToken | null,
    handler: (delta: SyncDelta) => Promise<boolean>,
    options: OperationOptions | null,
    call?: CallOptions,
  ): Promise<SyncToken | null> {
    let stream: SequencedStream<SyncDelta, SyncToken | null> | null = null;
    return this.call<SyncToken | null>(
      'SyncApiOp',
      {
        syncOpRequest: {
          sync: { objectClass: objectClass.type, token: token ? syncTokenToProto(token) : undefined, options: optionsBytes(options) },
        },
      },
      call,
      (r, control) => {
        const s = r.syncOpResponse?.sync;
        if (!s) throw unexpected('SyncApiOp');
        stream ??= new SequencedStream(handler, control);
        if (s.syncDelta) stream.part(s.sequence, syncDeltaFromProto(s.syncDelta));
        else stream.end(s.sequence, s.syncToken ? syncTokenFromProto(s.syncToken) : null);
      },
    );
  }

  getLatestSyncToken(objectClass: ObjectClass, call?: CallOptions): Promise<SyncToken | null> {
    return this.single('SyncApiOp', { syncOpRequest: { latestSyncToken: { objectClass: objectClass.type } } }, call, (r) => {
      const l = r.syncOpResponse?.latestSyncToken;
      return l ? { value: l.syncToken ? syncTokenFromProto(l.syncToken) : null } : undefined;
    });
  }

  authenticate(objectClass: ObjectClass, username: string, password: GuardedString, options: OperationOptions | null, call?: CallOptions): Promise<Uid> {
    return this.single(
      'AuthenticationApiOp',
      { authenticateOpRequest: { objectClass: objectClass.type, username, password: toLegacy(password), options: optionsBytes(options) } },
      call,
      (r) => (r.authenticateOpResponse ? { value: r.authenticateOpResponse.uid ? uidFromProto(r.authenticateOpResponse.uid) : (null as unknown as Uid) } : undefined),
    );
  }

  resolveUsername(objectClass: ObjectClass, username: string, options: OperationOptions | null, call?: CallOptions): Promise<Uid> {
    return this.single(
      'ResolveUsernameApiOp',
      { resolveUsernameOpRequest: { objectClass: objectClass.type, username, options: optionsBytes(options) } },
      call,
      (r) =>
        r.resolveUsernameOpResponse
          ? { value: r.resolveUsernameOpResponse.uid ? uidFromProto(r.resolveUsernameOpResponse.uid) : (null as unknown as Uid) }
          : undefined,
    );
  }

  runScriptOnConnector(script: ScriptContext, options: OperationOptions | null, call?: CallOptions): Promise<unknown> {
    return this.single(
      'ScriptOnConnectorApiOp',
      { scriptOnConnectorOpRequest: { scriptContext: scriptContextToProto(script), options: optionsBytes(options) } },
      call,
      (r) => (r.scriptOnConnectorOpResponse ? { value: fromLegacy(r.scriptOnConnectorOpResponse.object) } : undefined),
    );
  }

  runScriptOnResource(script: ScriptContext, options: OperationOptions | null, call?: CallOptions): Promise<unknown> {
    return this.single(
      'ScriptOnResourceApiOp',
      { scriptOnResourceOpRequest: { scriptContext: scriptContextToProto(script), options: optionsBytes(options) } },
      call,
      (r) => (r.scriptOnResourceOpResponse ? { value: fromLegacy(r.scriptOnResourceOpResponse.object) } : undefined),
    );
  }

  /**
   * Sends the tasks (ids "0", "1", ... in list order); task results reach `onResult` in task order; resolves with
   * the batch token once the server reported both the token and completion.
   */
  executeBatch(
    tasks: readonly BatchTask[],
    onResult: (result: BatchResult) => Promise<void>,
    options: OperationOptions | null,
    call?: CallOptions,
  ): Promise<BatchToken> {
    if (tasks.length === 0) return Promise.reject(new InvalidAttributeValueException('No batch tasks to execute'));
    let pbTasks: MessageInitShape<typeof pb.BatchOpTaskSchema>[];
    try {
      pbTasks = tasks.map((t, i) => batchTaskToProto(t, String(i)));
    } catch (err) {
      return Promise.reject(err);
    }
    const pending = new Map<number, BatchResult>();
    let nextTask = 0;
    let token: BatchToken | null = null;
    let complete = false;
    let delivering: Promise<void> = Promise.resolve();
    let failed = false;
    return this.call<BatchToken>('BatchApiOp', { batchOpRequest: { tasks: pbTasks, options: optionsBytes(options) } }, call, (r, control) => {
      const b = r.batchOpResult;
      if (!b) throw unexpected('BatchApiOp');
      if (b.uid || b.emptyResult) {
        const result = new BatchResult(
          b.uid ? uidFromProto(b.uid) : new BatchEmptyResult(b.emptyResult?.resultMessage ?? null),
          b.batchToken.length > 0 ? new BatchToken(b.batchToken) : null,
          b.taskId,
          b.complete,
          b.error,
        );
        const n = Number(b.taskId);
        pending.set(Number.isInteger(n) ? n : nextTask + pending.size, result);
      } else if (b.taskId === '' && !b.complete) {
        token = new BatchToken(b.batchToken, b.queryRequired, b.asynchronousResults, b.returnsResults);
      } else {
        complete = true;
      }
      // Results go to the caller in task order, one at a time.
      delivering = delivering.then(async () => {
        if (failed) return;
        try {
          for (let result = pending.get(nextTask); result; result = pending.get(nextTask)) {
            pending.delete(nextTask);
            nextTask++;
            await onResult(result);
          }
        } catch (err) {
          failed = true;
          control.abort(err);
          return;
        }
        if (token && complete) control.resolve(token);
      });
    });
  }
}

function batchUid(uid: Uid): pb.Uid {
  // A Java server builds new Uid(value, revision) for batch tasks and rejects a blank revision; the Java client
  // sends "0" when the Uid has none.
  const msg = uidToProto(uid);
  if (!msg.revision) msg.revision = '0';
  return msg;
}

function batchTaskToProto(task: BatchTask, taskId: string): MessageInitShape<typeof pb.BatchOpTaskSchema> {
  if (task instanceof CreateBatchTask) {
    return {
      taskId,
      createRequest: { objectClass: task.objectClass.type, createAttributes: attributeSetToLegacy(task.attributes), options: toLegacy(task.options) },
    };
  }
  if (task instanceof DeleteBatchTask) {
    return { taskId, deleteRequest: { objectClass: task.objectClass.type, uid: batchUid(task.uid), options: toLegacy(task.options) } };
  }
  return {
    taskId,
    updateRequest: {
      objectClass: task.objectClass.type,
      uid: batchUid(task.uid),
      updateType: BATCH_UPDATE_TYPES[task.updateType],
      replaceAttributes: attributeSetToLegacy(task.attributes),
      options: toLegacy(task.options),
    },
  };
}

