/**
 * The boundary between the transport (server layer) and the OpenICF session protocol (rpc layer).
 * The server authenticates the upgrade and hands each WebSocket to the engine.
 */
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { ConnectorRegistry } from '../framework/facade-types.ts';

export interface SocketInfo {
  remoteAddress: string;
  /** Authenticated principal (the Basic user name; only informative). */
  principal: string;
}

export interface RpcEngine {
  /** Runs the OpenICF session protocol on an authenticated WebSocket until it closes. */
  attach(socket: WebSocket, info: SocketInfo): void;
  /** Operations currently executing for peers. */
  inFlightOperations(): number;
  /** Number of live connection groups (peer sessions). */
  sessionCount(): number;
  /** Resolves once no operation is in flight, or after `timeoutMs` (then cancels what is left). */
  drain(timeoutMs: number): Promise<void>;
  /** Cancels everything and forgets all sessions (sockets are closed by the server). */
  close(): Promise<void>;
  /** Operation counters, durations and gauges, for monitoring. */
  metrics?(): EngineMetrics;
}

export interface RpcEngineOptions {
  registry: ConnectorRegistry;
  logger: Logger;
  /** Send a periodic ControlRequest to each peer (OpenICF's consistency check), in ms; 0 disables. Default 4 min. */
  controlIntervalMs?: number;
  /** How long a session whose sockets all closed is kept (its operations keep running), in ms. Default 12 min. */
  sessionLingerMs?: number;
}

/** Upper bounds (seconds) of the operation duration histogram buckets; +Inf is implied. */
export const OPERATION_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** Durations of one operation: `bucketCounts[i]` counts durations <= `OPERATION_DURATION_BUCKETS[i]` (cumulative). */
export interface DurationHistogram {
  operation: string;
  bucketCounts: readonly number[];
  /** Sum of all durations, in seconds. */
  sum: number;
  count: number;
}

/**
 * A snapshot of the engine's operation accounting since it started. `outcome` is `ok`, `cancelled`, or the simple
 * name of the Java exception class the peer was answered with (e.g. `UnknownUidException`).
 */
export interface EngineMetrics {
  operations: ReadonlyArray<{ operation: string; outcome: string; count: number }>;
  durationBuckets: readonly number[];
  durations: readonly DurationHistogram[];
  /** Objects (search) and deltas (sync) sent to peers. */
  objectsStreamed: ReadonlyArray<{ operation: string; count: number }>;
  inFlightOperations: number;
  sessions: number;
}
