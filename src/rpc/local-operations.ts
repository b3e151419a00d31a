/**
 * Executes the peer's OperationRequests against the local connector registry (OpenICF's
 * processOperationRequest and the per-operation InternalLocalOperationProcessors) and sends the responses
 * through the peer's connection group.
 */
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import * as pb from '../wire/protobuf/index.ts';
import {
  ConnectorException,
  NullPointerException,
  RemoteWrappedException,
  toJavaThrowable,
  CreateBatchTask,
  DeleteBatchTask,
  GuardedString,
  ObjectClass,
  OperationOptions,
  UnsupportedOperationException,
  UpdateBatchTask,
  Uid,
  BatchEmptyResult,
  type Attribute,
  type BatchTask,
  type Filter,
  type UpdateBatchType,
} from '../model/index.ts';
import type { CallOptions, ConnectorFacade, ConnectorRegistry, UpdateMode } from '../framework/facade-types.ts';
import type { Logger } from 'pino';
import type { ConnectionGroup, LocalRequest } from './connection-group.ts';
import { OPERATION_DURATION_BUCKETS, type DurationHistogram, type EngineMetrics } from './engine-types.ts';
import {
  attributeSetFromLegacy,
  connectorKeyFromProto,
  connectorKeyText,
  connectorObjectToProto,
  exceptionToProto,
  fromLegacy,
  fromLegacyAs,
  localeFromProto,
  scriptContextFromProto,
  searchResultToProto,
  syncDeltaToProto,
  syncTokenFromProto,
  syncTokenToProto,
  toLegacy,
  uidFromProto,
  uidToProto,
} from './messages-util.ts';

/** What the operation processor needs from the engine. */
export interface OperationHost {
  readonly registry: ConnectorRegistry | null;
  readonly logger: Logger;
  receiveConfigurationChange(group: ConnectionGroup, facadeKey: Uint8Array, event: pb.ConfigurationChangeEvent): void;
  /** Where operation outcomes and durations are counted, when the host keeps count. */
  readonly metrics?: OperationMetrics;
}

// ---- accounting ---------------------------------------------------------------------------------------------------

interface HistogramCells {
  /** Non-cumulative: cell i counts durations in (bound[i-1], bound[i]]; the last cell is (last bound, +Inf). */
  cells: number[];
  sum: number;
  count: number;
}

/**
 * Counters of the operations executed for peers: outcomes, durations and streamed objects. Plain numbers in Maps,
 * so the cost per operation is a few lookups; nothing here holds a key, a configuration value or an object.
 */
export class OperationMetrics {
  private readonly outcomes = new Map<string, Map<string, number>>();
  private readonly histograms = new Map<string, HistogramCells>();
  private readonly streamed = new Map<string, number>();

  /** One finished (or refused) operation; `outcome` is `ok`, `cancelled` or a Java exception's simple name. */
  recordOutcome(operation: string, outcome: string): void {
    let byOutcome = this.outcomes.get(operation);
    if (!byOutcome) this.outcomes.set(operation, (byOutcome = new Map()));
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
  }

  recordDuration(operation: string, seconds: number): void {
    let h = this.histograms.get(operation);
    if (!h) this.histograms.set(operation, (h = { cells: new Array<number>(OPERATION_DURATION_BUCKETS.length + 1).fill(0), sum: 0, count: 0 }));
    let i = 0;
    while (i < OPERATION_DURATION_BUCKETS.length && seconds > OPERATION_DURATION_BUCKETS[i]!) i++;
    h.cells[i]! += 1;
    h.sum += seconds;
    h.count += 1;
  }

  recordStreamed(operation: string): void {
    this.streamed.set(operation, (this.streamed.get(operation) ?? 0) + 1);
  }

  snapshot(): Omit<EngineMetrics, 'inFlightOperations' | 'sessions'> {
    const operations: Array<{ operation: string; outcome: string; count: number }> = [];
    for (const [operation, byOutcome] of this.outcomes) {
      for (const [outcome, count] of byOutcome) operations.push({ operation, outcome, count });
    }
    const durations: DurationHistogram[] = [];
    for (const [operation, h] of this.histograms) {
      let running = 0;
      const bucketCounts = OPERATION_DURATION_BUCKETS.map((_, i) => (running += h.cells[i]!));
      durations.push({ operation, bucketCounts, sum: h.sum, count: h.count });
    }
    const objectsStreamed = [...this.streamed].map(([operation, count]) => ({ operation, count }));
    return { operations, durationBuckets: OPERATION_DURATION_BUCKETS, durations, objectsStreamed };
  }
}

/** The simple name of the Java exception class a failure is answered with (as exceptionToProto names it). */
export function failureOutcome(err: unknown): string {
  const javaClass = err instanceof RemoteWrappedException ? err.remoteClass : toJavaThrowable(err).javaClass;
  return javaClass.slice(javaClass.lastIndexOf('.') + 1) || 'ConnectorException';
}

type OperationResponseInit = MessageInitShape<typeof pb.OperationResponseSchema>;

/** The operation a request carries, in Java's dispatch priority order. */
function operationName(req: pb.OperationRequest): string | null {
  if (req.batchOpRequest) return 'batch';
  if (req.authenticateOpRequest) return 'authenticate';
  if (req.createOpRequest) return 'create';
  if (req.connectorEventSubscriptionOpRequest) return 'connectorEventSubscription';
  if (req.deleteOpRequest) return 'delete';
  if (req.getOpRequest) return 'get';
  if (req.resolveUsernameOpRequest) return 'resolveUsername';
  if (req.schemaOpRequest) return 'schema';
  if (req.scriptOnConnectorOpRequest) return 'scriptOnConnector';
  if (req.scriptOnResourceOpRequest) return 'scriptOnResource';
  if (req.searchOpRequest) return 'search';
  if (req.syncOpRequest) return req.syncOpRequest.sync ? 'sync' : 'latestSyncToken';
  if (req.syncEventSubscriptionOpRequest) return 'syncEventSubscription';
  if (req.testOpRequest) return 'test';
  if (req.updateOpRequest) return 'update';
  if (req.ValidateOpRequest) return 'validate';
  return null;
}

export function processOperationRequest(host: OperationHost, group: ConnectionGroup, id: bigint, req: pb.OperationRequest): void {
  if (req.configurationChangeEvent) {
    host.receiveConfigurationChange(group, req.connectorFacadeKey, req.configurationChangeEvent);
    return;
  }
  const sendError = (err: unknown): void => {
    group.sendError(id, err, exceptionToProto);
  };
  const keyMsg = req.connectorKey ?? create(pb.ConnectorKeySchema, {});
  const connectorKey = connectorKeyFromProto(keyMsg);
  const info = host.registry?.findConnectorInfo(connectorKey);
  if (!info || !host.registry) {
    host.logger.info({ connectorKey: connectorKey.toString() }, 'operation for an unknown connector');
    host.metrics?.recordOutcome(operationName(req) ?? 'unknown', 'ConnectorException');
    sendError(new ConnectorException(`Connector not found: ${connectorKeyText(keyMsg)} `));
    return;
  }
  const operation = operationName(req);
  if (!operation) {
    host.metrics?.recordOutcome('unknown', 'ConnectorException');
    sendError(new ConnectorException('Unknown OperationRequest'));
    return;
  }
  const local = group.registerLocal(id, operation);
  if (!local) {
    host.logger.debug({ messageId: id.toString(), operation }, 'operation cancelled before it started');
    host.metrics?.recordOutcome(operation, 'cancelled');
    return;
  }
  const metrics = host.metrics;
  const started = performance.now();
  const finished = (outcome: string): void => {
    if (!metrics) return;
    metrics.recordOutcome(operation, outcome);
    metrics.recordDuration(operation, (performance.now() - started) / 1000);
  };
  const facadeKey = new TextDecoder().decode(req.connectorFacadeKey);
  const registry = host.registry;
  const log = host.logger.child({ session: group.peerSessionId, messageId: id.toString(), operation, connectorKey: connectorKey.toString() });
  log.debug({}, 'operation started');
  void (async () => {
    try {
      const facade = registry.facade(connectorKey, facadeKey);
      group.facadeKeys.add(facadeKey);
      const call: CallOptions = { signal: local.abort.signal };
      if (req.locale) call.locale = localeFromProto(req.locale);
      const response = await runOperation(facade, req, call, group, id, local, metrics);
      group.finishLocal(local);
      finished('ok');
      if (response) group.send(create(pb.RemoteMessageSchema, { messageId: id, response: { operationResponse: response } }));
      log.debug({}, 'operation finished');
    } catch (err) {
      group.finishLocal(local);
      finished(local.abort.signal.aborted ? 'cancelled' : failureOutcome(err));
      log.debug({ err: err instanceof Error ? err.message : String(err) }, 'operation failed');
      const final = local.abort.signal.aborted ? cancelledStreamEnd(operation, local.partsSent) : undefined;
      // A cancelled search/sync ends like Java's: the connector stopped, the final message still goes out.
      if (final) group.send(create(pb.RemoteMessageSchema, { messageId: id, response: { operationResponse: final } }));
      else sendError(err);
    }
  })();
}

/** The final message of a search or sync stream that the peer cancelled (undefined for other operations). */
function cancelledStreamEnd(operation: string, parts: bigint): OperationResponseInit | undefined {
  if (operation === 'search') return { searchOpResponse: { sequence: parts } };
  if (operation === 'sync') return { syncOpResponse: { sync: { sequence: parts } } };
  return undefined;
}

// ---- request decoding -------------------------------------------------------------------------------------------

function options(bytes: Uint8Array): OperationOptions | null {
  return fromLegacyAs(bytes, OperationOptions, 'OperationOptions');
}

function filter(bytes: Uint8Array): Filter | null {
  const v = fromLegacy(bytes);
  if (v === null) return null;
  if (typeof v !== 'object' || typeof (v as { kind?: unknown }).kind !== 'string') {
    throw new ConnectorException('Expected a filter');
  }
  return v as Filter;
}

function objectClass(name: string): ObjectClass {
  return new ObjectClass(name);
}

function requiredUid(uid: pb.Uid | undefined): Uid {
  if (!uid) throw new ConnectorException('Missing Uid');
  return uidFromProto(uid);
}

function attributes(bytes: Uint8Array): Attribute[] {
  return attributeSetFromLegacy(bytes) ?? [];
}

const UPDATE_MODES: readonly UpdateMode[] = ['replace', 'add', 'remove'];
const BATCH_UPDATE_TYPES: readonly UpdateBatchType[] = ['UPDATE', 'ADDVALUES', 'REMOVEVALUES'];

function batchTask(task: pb.BatchOpTask): BatchTask {
  if (task.createRequest) {
    const r = task.createRequest;
    return new CreateBatchTask(objectClass(r.objectClass), attributes(r.createAttributes), options(r.options));
  }
  if (task.deleteRequest) {
    const r = task.deleteRequest;
    return new DeleteBatchTask(objectClass(r.objectClass), requiredUid(r.uid), options(r.options));
  }
  if (task.updateRequest) {
    const r = task.updateRequest;
    return new UpdateBatchTask(
      objectClass(r.objectClass),
      requiredUid(r.uid),
      attributes(r.replaceAttributes),
      BATCH_UPDATE_TYPES[r.updateType] ?? 'UPDATE',
      options(r.options),
    );
  }
  throw new ConnectorException(`Batch task ${task.taskId} carries no request`);
}

// ---- execution ----------------------------------------------------------------------------------------------------

function respond(id: bigint, operationResponse: OperationResponseInit): Uint8Array {
  return pb.toBinary(pb.RemoteMessageSchema, create(pb.RemoteMessageSchema, { messageId: id, response: { operationResponse } }));
}

/** Runs the operation; returns the single (or final) response, or null when everything was already sent. */
async function runOperation(
  facade: ConnectorFacade,
  req: pb.OperationRequest,
  call: CallOptions,
  group: ConnectionGroup,
  id: bigint,
  local: LocalRequest,
  metrics: OperationMetrics | undefined,
): Promise<OperationResponseInit | null> {
  const signal = local.abort.signal;
  if (req.batchOpRequest) {
    const r = req.batchOpRequest;
    if (r.query) throw new UnsupportedOperationException('Querying a batch by token is not supported');
    const tasks = r.tasks.map(batchTask);
    const token = await facade.executeBatch(
      tasks,
      async (result) => {
        const msg: MessageInitShape<typeof pb.BatchOpResultSchema> = {
          taskId: result.resultId ?? '',
          complete: result.complete,
          error: result.error,
          batchToken: [...(result.token?.tokens ?? [])],
        };
        if (result.result instanceof Uid) msg.uid = uidToProto(result.result);
        else msg.emptyResult = { resultMessage: resultMessage(result.result) };
        await group.sendWithBackpressure(respond(id, { batchOpResult: msg }), signal);
      },
      options(r.options),
      call,
    );
    group.send(
      create(pb.RemoteMessageSchema, {
        messageId: id,
        response: {
          operationResponse: {
            batchOpResult: {
              batchToken: [...token.tokens],
              queryRequired: token.queryRequired,
              asynchronousResults: token.asynchronousResults,
              returnsResults: token.returnsResults,
            },
          },
        },
      }),
    );
    // The observer's completion closes the result channel.
    return { batchOpResult: { complete: true } };
  }
  if (req.authenticateOpRequest) {
    const r = req.authenticateOpRequest;
    const password = fromLegacyAs(r.password, GuardedString, 'GuardedString');
    if (!password) throw new ConnectorException('Missing password');
    const uid = await facade.authenticate(objectClass(r.objectClass), r.username, password, options(r.options), call);
    return { authenticateOpResponse: { uid: uid ? uidToProto(uid) : undefined } };
  }
  if (req.createOpRequest) {
    const r = req.createOpRequest;
    const uid = await facade.create(objectClass(r.objectClass), attributes(r.createAttributes), options(r.options), call);
    return { createOpResponse: { uid: uid ? uidToProto(uid) : undefined } };
  }
  if (req.connectorEventSubscriptionOpRequest) throw subscriptionUnsupported('ConnectorEventSubscriptionApiOp');
  if (req.deleteOpRequest) {
    const r = req.deleteOpRequest;
    await facade.delete(objectClass(r.objectClass), requiredUid(r.uid), options(r.options), call);
    return { deleteOpResponse: {} };
  }
  if (req.getOpRequest) {
    const r = req.getOpRequest;
    const object = await facade.getObject(objectClass(r.objectClass), requiredUid(r.uid), options(r.options), call);
    return { GetOpResponse: { connectorObject: toLegacy(object) } };
  }
  if (req.resolveUsernameOpRequest) {
    const r = req.resolveUsernameOpRequest;
    const uid = await facade.resolveUsername(objectClass(r.objectClass), r.username, options(r.options), call);
    return { resolveUsernameOpResponse: { uid: uid ? uidToProto(uid) : undefined } };
  }
  if (req.schemaOpRequest) {
    const schema = await facade.schema(call);
    return { schemaOpResponse: { schema: toLegacy(schema) } };
  }
  if (req.scriptOnConnectorOpRequest) {
    const r = req.scriptOnConnectorOpRequest;
    if (!r.scriptContext) throw new ConnectorException('Missing script context');
    const result = await facade.runScriptOnConnector(scriptContextFromProto(r.scriptContext), options(r.options), call);
    return { scriptOnConnectorOpResponse: { object: toLegacy(result) } };
  }
  if (req.scriptOnResourceOpRequest) {
    const r = req.scriptOnResourceOpRequest;
    if (!r.scriptContext) throw new ConnectorException('Missing script context');
    const result = await facade.runScriptOnResource(scriptContextFromProto(r.scriptContext), options(r.options), call);
    return { scriptOnResourceOpResponse: { object: toLegacy(result) } };
  }
  if (req.searchOpRequest) {
    const r = req.searchOpRequest;
    let sequence = 0n;
    const result = await facade.search(
      objectClass(r.objectClass),
      filter(r.filter),
      async (object) => {
        if (signal.aborted) return false;
        sequence += 1n;
        local.partsSent = sequence;
        const sent = await group.sendWithBackpressure(
          respond(id, { searchOpResponse: { sequence, connectorObject: connectorObjectToProto(object) } }),
          signal,
        );
        if (sent) metrics?.recordStreamed('search');
        // No socket of the session left: stop the connector's iteration, as Java does.
        return sent && !signal.aborted;
      },
      options(r.options),
      call,
    );
    return { searchOpResponse: { sequence, result: result ? searchResultToProto(result) : undefined } };
  }
  if (req.syncOpRequest) {
    const r = req.syncOpRequest;
    if (r.sync) {
      const s = r.sync;
      // As the Java server: a missing or empty token decodes to SyncToken(null), which its constructor refuses
      // with a NullPointerException. Java clients never send a sync without a token; answering the same keeps
      // replays of Java sessions identical.
      if (!s.token || s.token.value.length === 0) {
        throw new NullPointerException("Parameter 'value' must not be null.");
      }
      const token = syncTokenFromProto(s.token);
      let sequence = 0n;
      const last = await facade.sync(
        objectClass(s.objectClass),
        token,
        async (delta) => {
          if (signal.aborted) return false;
          sequence += 1n;
          local.partsSent = sequence;
          const sent = await group.sendWithBackpressure(
            respond(id, { syncOpResponse: { sync: { sequence, syncDelta: syncDeltaToProto(delta) } } }),
            signal,
          );
          if (sent) metrics?.recordStreamed('sync');
          return sent && !signal.aborted;
        },
        options(s.options),
        call,
      );
      return { syncOpResponse: { sync: { sequence, syncToken: last ? syncTokenToProto(last) : undefined } } };
    }
    const l = r.latestSyncToken;
    const token = await facade.getLatestSyncToken(objectClass(l?.objectClass ?? ''), call);
    return { syncOpResponse: { latestSyncToken: { syncToken: token ? syncTokenToProto(token) : undefined } } };
  }
  if (req.syncEventSubscriptionOpRequest) throw subscriptionUnsupported('SyncEventSubscriptionApiOp');
  if (req.testOpRequest) {
    await facade.test(call);
    return { testOpResponse: {} };
  }
  if (req.updateOpRequest) {
    const r = req.updateOpRequest;
    const mode = UPDATE_MODES[r.updateType] ?? 'replace';
    const uid = await facade.update(mode, objectClass(r.objectClass), requiredUid(r.uid), attributes(r.replaceAttributes), options(r.options), call);
    return { updateOpResponse: { uid: uid ? uidToProto(uid) : undefined } };
  }
  if (req.ValidateOpRequest) {
    await facade.validate(call);
    return { validateOpResponse: {} };
  }
  throw new ConnectorException('Unknown OperationRequest');
}

/**
 * The connector SPI has no event subscriptions. The Java facade of a connector without the capability fails the
 * same way, and a Java client hands that error to the subscriber's onError (an ack followed by "completed" would
 * instead look like a subscription that ended normally at once).
 */
function subscriptionUnsupported(operation: string): UnsupportedOperationException {
  return new UnsupportedOperationException(`Operation ${operation} is not supported.`);
}

function resultMessage(result: unknown): string {
  if (result instanceof BatchEmptyResult) return result.message ?? '';
  if (result === null || result === undefined) return '';
  return String(result);
}
