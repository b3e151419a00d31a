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
}

export interface RpcEngineOptions {
  registry: ConnectorRegistry;
  logger: Logger;
  /** Send a periodic ControlRequest to each peer (OpenICF's consistency check), in ms; 0 disables. Default 4 min. */
  controlIntervalMs?: number;
  /** How long a session whose sockets all closed is kept (its operations keep running), in ms. Default 12 min. */
  sessionLingerMs?: number;
}
