/**
 * One peer session (OpenICF's WebSocketConnectionGroup): every socket whose handshake presented the same peer
 * sessionId. Request ids, the operations this side executes for the peer (local requests) and the requests it
 * awaits from the peer (remote requests) live here, never on a socket: responses may arrive on any socket.
 */
import { create } from '@bufbuild/protobuf';
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import * as pb from '../wire/protobuf/index.ts';
import { ConnectionFailedException, ConnectorException, type ConnectorInfo } from '../model/index.ts';
import type { SocketInfo } from './engine-types.ts';

/** Socket send buffer above which streamed results wait (back-pressure). */
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
/** How long a cancel that arrived before its request suppresses that request (Java: 60 s). */
export const PENDING_CANCEL_TTL_MS = 60_000;
/** Most early cancels remembered at once; the peer chooses their ids, so the oldest are forgotten beyond this. */
export const MAX_PENDING_CANCELS = 10_000;
/** After this many inconsistent control checks a request is terminated (Java: 3). */
export const MAX_INCONSISTENCY = 3;

/** A socket attached to the engine. `group` is set once its handshake completed. */
export interface SocketHolder {
  readonly ws: WebSocket;
  readonly info: SocketInfo;
  group: ConnectionGroup | null;
}

/** An operation this side executes for the peer. */
export interface LocalRequest {
  readonly id: bigint;
  readonly operation: string;
  readonly abort: AbortController;
  inconsistency: number;
  /** Result parts sent so far (search/sync), for the final message of a stream that was cancelled. */
  partsSent: bigint;
}

/** A request this side sent and awaits. */
export interface RemoteRequest {
  inconsistency: number;
  /** Every response message carrying the request's id. */
  onResponse(response: pb.RPCResponse, id: bigint): void;
  /** Ends the request locally (group closed, consistency failure, transport failure). */
  fail(error: Error): void;
}

export class ConnectionGroup {
  private readonly sockets: SocketHolder[] = [];
  private roundRobin = 0;
  private lastRequestId = 0n;
  readonly localRequests = new Map<bigint, LocalRequest>();
  readonly remoteRequests = new Map<bigint, RemoteRequest>();
  /** Our ControlRequests sent since the last periodic check and not answered yet. */
  readonly pendingControlIds = new Set<bigint>();
  /** Those already pending at the last check: still unanswered at the next one, they are given up. */
  staleControlIds = new Set<bigint>();
  /** Early cancels by id, in insertion order, which is also expiry order (a repeated id is re-inserted). */
  private readonly pendingCancels = new Map<bigint, number>();
  /** Facade keys the peer used (configuration-change events go to the groups that use a facade). */
  readonly facadeKeys = new Set<string>();
  /** Last ControlRequest received from the peer. */
  lastActivity = Date.now();
  /** The peer's connectors, once a ControlResponse carried them. */
  private infos: ConnectorInfo[] | null = null;
  private infoWaiters: Array<(infos: ConnectorInfo[]) => void> = [];
  private lingerTimer: NodeJS.Timeout | null = null;
  /** The one wait for a socket to drain that every back-pressured stream of this group shares. */
  private drainWait: Promise<void> | null = null;
  closed = false;

  constructor(
    readonly peerSessionId: string,
    private readonly logger: Logger,
  ) {}

  // ---- sockets --------------------------------------------------------------------------------------------------

  /** Adds a socket (a rejoining socket stops the expiry timer). */
  addSocket(holder: SocketHolder): void {
    if (!this.sockets.includes(holder)) this.sockets.push(holder);
    holder.group = this;
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
    }
  }

  /** Removes a socket; when none is left, the group is forgotten after `lingerMs` unless one joins again. */
  removeSocket(holder: SocketHolder, lingerMs: number, onExpire: () => void): void {
    const i = this.sockets.indexOf(holder);
    if (i >= 0) this.sockets.splice(i, 1);
    if (this.sockets.length === 0 && !this.closed && !this.lingerTimer) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null;
        if (this.sockets.length === 0) onExpire();
      }, lingerMs);
      this.lingerTimer.unref();
    }
  }

  openSockets(): SocketHolder[] {
    return this.sockets.filter((s) => s.ws.readyState === s.ws.OPEN);
  }

  get socketCount(): number {
    return this.sockets.length;
  }

  // ---- sending --------------------------------------------------------------------------------------------------

  nextRequestId(): bigint {
    this.lastRequestId += 1n;
    return this.lastRequestId;
  }

  /** Sends on the next open socket (round-robin). False when no socket is open. */
  send(message: pb.RemoteMessage): boolean {
    return this.sendBytes(pb.toBinary(pb.RemoteMessageSchema, message));
  }

  sendBytes(bytes: Uint8Array): boolean {
    const open = this.openSockets();
    if (open.length === 0) return false;
    const socket = open[this.roundRobin++ % open.length]!;
    return trySend(socket.ws, bytes, this.logger);
  }

  /**
   * Sends once some open socket's buffer is below the high-water mark; resolves false when no socket is open
   * (then a search stops, like Java's when no socket takes the result) or the signal aborts.
   */
  async sendWithBackpressure(bytes: Uint8Array, signal?: AbortSignal, highWaterMark = DEFAULT_HIGH_WATER_MARK): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) return false;
      const open = this.openSockets();
      if (open.length === 0) return false;
      for (let n = 0; n < open.length; n++) {
        const socket = open[this.roundRobin++ % open.length]!;
        if (socket.ws.bufferedAmount < highWaterMark) return trySend(socket.ws, bytes, this.logger);
      }
      await this.waitForAnyDrain(open, signal);
    }
  }

  /** Shares one set of socket listeners among concurrent waiters (one per stream would pile up on the socket). */
  private waitForAnyDrain(open: SocketHolder[], signal?: AbortSignal): Promise<void> {
    if (!this.drainWait) this.drainWait = waitForDrain(open).finally(() => (this.drainWait = null));
    const shared = this.drainWait;
    if (!signal) return shared;
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      void shared.then(done);
    });
  }

  /** An error response for a request of the peer. */
  sendError(id: bigint, error: unknown, toProto: (e: unknown) => pb.ExceptionMessage): boolean {
    return this.send(create(pb.RemoteMessageSchema, { messageId: id, response: { error: toProto(error) } }));
  }

  // ---- requests this side awaits ----------------------------------------------------------------------------------

  /**
   * Allocates an id, registers `request` and sends the message `build(id)`. When no socket takes it the
   * request fails with ConnectionFailedException.
   */
  submit(build: (id: bigint) => pb.RemoteMessage, request: RemoteRequest): bigint {
    const id = this.nextRequestId();
    this.remoteRequests.set(id, request);
    let sent = false;
    try {
      sent = this.send(build(id));
    } catch (err) {
      this.remoteRequests.delete(id);
      request.fail(err instanceof Error ? err : new ConnectorException(String(err)));
      return id;
    }
    if (!sent) {
      this.remoteRequests.delete(id);
      request.fail(new ConnectionFailedException('No remote Connector Server is available at this moment'));
    }
    return id;
  }

  /** Forgets a remote request (it completed, or its caller gave up). */
  completeRemote(id: bigint): void {
    this.remoteRequests.delete(id);
  }

  /** Asks the peer to cancel request `id` (never answered) and forgets it here. */
  cancelRemote(id: bigint): void {
    this.remoteRequests.delete(id);
    this.send(create(pb.RemoteMessageSchema, { messageId: id, request: { cancelOpRequest: {} } }));
  }

  /** Routes a response to the request it answers; unknown ids are ignored. */
  routeResponse(id: bigint, response: pb.RPCResponse): void {
    const request = this.remoteRequests.get(id);
    if (!request) {
      this.logger.debug({ messageId: id.toString() }, 'response for an unknown request ignored');
      return;
    }
    request.onResponse(response, id);
  }

  // ---- operations this side executes --------------------------------------------------------------------------

  /** Registers an operation of the peer; null when a cancel for it already arrived (then it must not run). */
  registerLocal(id: bigint, operation: string): LocalRequest | null {
    this.purgePendingCancels();
    if (this.pendingCancels.has(id)) return null;
    const local: LocalRequest = { id, operation, abort: new AbortController(), inconsistency: 0, partsSent: 0n };
    this.localRequests.set(id, local);
    return local;
  }

  finishLocal(local: LocalRequest): void {
    if (this.localRequests.get(local.id) === local) this.localRequests.delete(local.id);
  }

  /** A CancelOpRequest from the peer: abort the operation, and remember the id in case its request is late. */
  receiveCancel(id: bigint): void {
    this.purgePendingCancels();
    this.pendingCancels.delete(id);
    this.pendingCancels.set(id, Date.now() + PENDING_CANCEL_TTL_MS);
    if (this.pendingCancels.size > MAX_PENDING_CANCELS) {
      const oldest = this.pendingCancels.keys().next();
      if (!oldest.done) this.pendingCancels.delete(oldest.value);
    }
    const local = this.localRequests.get(id);
    if (local) {
      this.localRequests.delete(id);
      this.logger.debug({ messageId: id.toString(), operation: local.operation }, 'operation cancelled by peer');
      local.abort.abort(new ConnectorException('Operation cancelled by the peer'));
    }
  }

  /** Number of early cancels remembered now. */
  get pendingCancelCount(): number {
    return this.pendingCancels.size;
  }

  /** Drops expired early cancels; they expire in insertion order, so the scan stops at the first live one. */
  private purgePendingCancels(): void {
    const now = Date.now();
    for (const [id, expiry] of this.pendingCancels) {
      if (expiry > now) break;
      this.pendingCancels.delete(id);
    }
  }

  // ---- connector infos and consistency --------------------------------------------------------------------------

  get peerConnectorInfos(): ConnectorInfo[] | null {
    return this.infos;
  }

  setPeerConnectorInfos(infos: ConnectorInfo[]): void {
    this.infos = infos;
    const waiters = this.infoWaiters;
    this.infoWaiters = [];
    for (const w of waiters) w(infos);
  }

  /** Resolves with the peer's connectors once they are known. */
  awaitPeerConnectorInfos(): Promise<ConnectorInfo[]> {
    if (this.infos) return Promise.resolve(this.infos);
    return new Promise((resolve) => this.infoWaiters.push(resolve));
  }

  /** Bookkeeping of a ControlRequest received from the peer (§2.6). */
  noteControlRequest(peerLocal: readonly bigint[], peerRemote: readonly bigint[]): void {
    this.lastActivity = Date.now();
    const local = new Set(peerLocal);
    const remote = new Set(peerRemote);
    for (const [id, r] of this.remoteRequests) if (!local.has(id)) r.inconsistency++;
    for (const [id, l] of this.localRequests) if (!remote.has(id)) l.inconsistency++;
  }

  /** Terminates requests the peer has repeatedly not known about. */
  terminateInconsistent(): void {
    for (const [id, r] of [...this.remoteRequests]) {
      if (r.inconsistency >= MAX_INCONSISTENCY) {
        this.remoteRequests.delete(id);
        r.fail(new ConnectorException('Operation finished on remote server with unknown result'));
      }
    }
    for (const [id, l] of [...this.localRequests]) {
      if (l.inconsistency >= MAX_INCONSISTENCY) {
        this.localRequests.delete(id);
        l.abort.abort(new ConnectorException('Operation cancelled: the peer no longer awaits it'));
      }
    }
  }

  /** Cancels every local operation and fails every remote request; the group is unusable afterwards. */
  close(reason: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    for (const l of this.localRequests.values()) l.abort.abort(reason);
    this.localRequests.clear();
    const remote = [...this.remoteRequests.values()];
    this.remoteRequests.clear();
    for (const r of remote) r.fail(reason);
    this.setPeerConnectorInfos(this.infos ?? []);
  }
}

function trySend(ws: WebSocket, bytes: Uint8Array, logger: Logger): boolean {
  if (ws.readyState !== ws.OPEN) return false;
  try {
    ws.send(bytes, { binary: true }, (err) => {
      if (err) logger.debug({ err: err.message }, 'send failed');
    });
    return true;
  } catch (err) {
    logger.debug({ err: err instanceof Error ? err.message : String(err) }, 'send failed');
    return false;
  }
}

/** Waits until a socket's underlying stream drains, one closes, the signal aborts, or a short poll elapses. */
function waitForDrain(sockets: SocketHolder[], signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const cleanups: Array<() => void> = [];
    const done = (): void => {
      for (const c of cleanups) c();
      resolve();
    };
    const timer = setTimeout(done, 25);
    cleanups.push(() => clearTimeout(timer));
    for (const s of sockets) {
      const raw = (s.ws as unknown as { _socket?: NodeJS.EventEmitter })._socket;
      if (raw && typeof raw.once === 'function') {
        raw.once('drain', done);
        cleanups.push(() => raw.removeListener('drain', done));
      }
      s.ws.once('close', done);
      cleanups.push(() => s.ws.removeListener('close', done));
    }
    if (signal) {
      signal.addEventListener('abort', done, { once: true });
      cleanups.push(() => signal.removeEventListener('abort', done));
    }
  });
}
