/**
 * The OpenICF session protocol. `createRpcEngine` is what the server transport calls for each authenticated
 * WebSocket; `RpcPeer` is the shared engine both the server and the client library run.
 */
import type { RpcEngine, RpcEngineOptions, SocketInfo } from './engine-types.ts';
import type { WebSocket } from 'ws';
import { RpcPeer } from './peer.ts';

export type { RpcEngine, RpcEngineOptions, SocketInfo, EngineMetrics, DurationHistogram } from './engine-types.ts';
export { OPERATION_DURATION_BUCKETS } from './engine-types.ts';
export { OperationMetrics } from './local-operations.ts';
export { RpcPeer, decodeConnectorInfos, DEFAULT_CONTROL_INTERVAL_MS, DEFAULT_GROUP_LINGER_MS } from './peer.ts';
export type { RpcPeerOptions, PeerRole } from './peer.ts';
export { ConnectionGroup, DEFAULT_HIGH_WATER_MARK } from './connection-group.ts';
export type { SocketHolder, RemoteRequest, LocalRequest } from './connection-group.ts';
export { createSessionIdentity } from './session-keys.ts';
export type { SessionIdentity } from './session-keys.ts';
export * from './messages-util.ts';
export { LegacySession, LEGACY_PAUSE_INTERVAL } from './legacy-session.ts';
export type { LegacySessionOptions, LegacySessionEnd } from './legacy-session.ts';

/** The server side of the protocol: answers handshakes and serves the registry's connectors to every peer. */
export function createRpcEngine(options: RpcEngineOptions): RpcEngine {
  const peer = new RpcPeer({
    role: 'server',
    logger: options.logger,
    registry: options.registry,
    controlIntervalMs: options.controlIntervalMs,
    groupLingerMs: options.sessionLingerMs,
  });
  return {
    attach(socket: WebSocket, info: SocketInfo): void {
      peer.attach(socket, info);
    },
    inFlightOperations: () => peer.inFlightOperations(),
    sessionCount: () => peer.groups.size,
    drain: (timeoutMs: number) => peer.drain(timeoutMs),
    close: () => peer.close(),
    metrics: () => peer.metricsSnapshot(),
  };
}
