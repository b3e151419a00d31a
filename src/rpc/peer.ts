/**
 * The OpenICF session engine, shared by both ends (OpenICF's OpenICFServerAdapter). After the handshake the
 * protocol is symmetric: either side answers ControlRequests, executes operations for the peer with its local
 * registry, and sends requests of its own through a ConnectionGroup.
 *
 * Roles differ only in the handshake: the WS client sends its HandshakeMessage first; the WS server answers it on
 * the same socket.
 */
import { create } from '@bufbuild/protobuf';
import type { WebSocket, RawData } from 'ws';
import type { Logger } from 'pino';
import * as pb from '../wire/protobuf/index.ts';
import { ConnectionBrokenException, ConnectorException, ConnectorInfo, ConfigurationProperty } from '../model/index.ts';
import type { ConnectorRegistry } from '../framework/facade-types.ts';
import type { EngineMetrics, SocketInfo } from './engine-types.ts';
import { ConnectionGroup, type SocketHolder } from './connection-group.ts';
import { createSessionIdentity, type SessionIdentity } from './session-keys.ts';
import { exceptionToProto, fromLegacy, toLegacy } from './messages-util.ts';
import { OperationMetrics, processOperationRequest } from './local-operations.ts';

/** Java forgets a session 12 minutes after its last socket left. */
export const DEFAULT_GROUP_LINGER_MS = 12 * 60_000;
/** Java's periodic control check runs every 4 minutes. */
export const DEFAULT_CONTROL_INTERVAL_MS = 4 * 60_000;

export type PeerRole = 'server' | 'client';

export interface RpcPeerOptions {
  role: PeerRole;
  logger: Logger;
  /** Connectors this side serves to its peers; null serves none (the usual client). */
  registry: ConnectorRegistry | null;
  /** Periodic ControlRequest interval in ms; 0 disables. */
  controlIntervalMs?: number;
  /** How long a group without sockets is kept, in ms. */
  groupLingerMs?: number;
  identity?: SessionIdentity;
  /** A socket completed its handshake and joined `group`. */
  onHandshake?(holder: SocketHolder, group: ConnectionGroup): void;
  /** The peer reported changed configuration properties of a facade it runs for us. */
  onConfigurationChange?(group: ConnectionGroup, facadeKey: string, changes: ConfigurationProperty[]): void;
  /** A group was forgotten (no socket for too long, or the engine closed). */
  onGroupClosed?(group: ConnectionGroup): void;
}

/** Inspects the top level of a frame that failed to decode: its messageId and whether it is a request. */
function salvageHeader(bytes: Uint8Array): { messageId: bigint; isRequest: boolean } {
  let pos = 0;
  let messageId = 0n;
  let isRequest = false;
  const varint = (): bigint | null => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= bytes.length) return null;
      const b = bytes[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    return null;
  };
  while (pos < bytes.length) {
    const tag = varint();
    if (tag === null) break;
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const v = varint();
      if (v === null) break;
      if (field === 1) messageId = BigInt.asIntN(64, v);
    } else if (wire === 2) {
      if (field === 2) isRequest = true;
      const len = varint();
      if (len === null) break;
      pos += Number(len);
    } else {
      break;
    }
  }
  return { messageId, isRequest };
}

export class RpcPeer {
  readonly identity: SessionIdentity;
  readonly groups = new Map<string, ConnectionGroup>();
  /** Accounting of the operations this side executes for its peers. */
  readonly metrics = new OperationMetrics();
  private readonly holders = new Set<SocketHolder>();
  private readonly controlTimer: NodeJS.Timeout | null;
  private readonly lingerMs: number;
  private closed = false;

  constructor(private readonly options: RpcPeerOptions) {
    this.identity = options.identity ?? createSessionIdentity();
    this.lingerMs = options.groupLingerMs ?? DEFAULT_GROUP_LINGER_MS;
    const interval = options.controlIntervalMs ?? DEFAULT_CONTROL_INTERVAL_MS;
    this.controlTimer = interval > 0 ? setInterval(() => this.periodicCheck(), interval) : null;
    this.controlTimer?.unref();
    options.registry?.onConfigurationChange((facadeKey, changed) => this.sendConfigurationChange(facadeKey, changed));
  }

  get logger(): Logger {
    return this.options.logger;
  }

  get registry(): ConnectorRegistry | null {
    return this.options.registry;
  }

  /** Runs the protocol on an open socket. A client-role peer sends its handshake right away. */
  attach(ws: WebSocket, info: SocketInfo): SocketHolder {
    const holder: SocketHolder = { ws, info, group: null };
    this.holders.add(holder);
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        if (!isBinary) {
          this.logger.debug({ remoteAddress: info.remoteAddress }, 'text message ignored');
          return;
        }
        this.onFrame(holder, toBytes(data));
      } catch (err) {
        // Never let one frame take the process down.
        this.logger.error({ err: errText(err), remoteAddress: info.remoteAddress }, 'failed to process a message');
      }
    });
    ws.on('close', () => this.detach(holder));
    ws.on('error', (err: Error) => this.logger.debug({ err: err.message, remoteAddress: info.remoteAddress }, 'socket error'));
    if (this.options.role === 'client' && ws.readyState === ws.OPEN) {
      this.sendOn(holder, create(pb.RemoteMessageSchema, { request: { handshakeMessage: this.handshakeMessage() } }));
    }
    return holder;
  }

  private detach(holder: SocketHolder): void {
    if (!this.holders.delete(holder)) return;
    const group = holder.group;
    if (group) {
      group.removeSocket(holder, this.lingerMs, () => this.forgetGroup(group, new ConnectionBrokenException('Session expired: no connection left')));
      this.logger.debug({ session: group.peerSessionId, sockets: group.socketCount }, 'socket left session');
    }
  }

  private forgetGroup(group: ConnectionGroup, reason: Error): void {
    if (this.groups.get(group.peerSessionId) === group) this.groups.delete(group.peerSessionId);
    group.close(reason);
    this.options.onGroupClosed?.(group);
    this.logger.info({ session: group.peerSessionId }, 'session closed');
  }

  private handshakeMessage(): pb.HandshakeMessage {
    return create(pb.HandshakeMessageSchema, {
      sessionId: this.identity.sessionId,
      serverType: pb.HandshakeMessage_ServerType.JAVA,
      publicKey: this.identity.publicKey,
    });
  }

  private sendOn(holder: SocketHolder, message: pb.RemoteMessage): void {
    if (holder.ws.readyState !== holder.ws.OPEN) return;
    holder.ws.send(pb.toBinary(pb.RemoteMessageSchema, message), { binary: true }, (err) => {
      if (err) this.logger.debug({ err: err.message }, 'send failed');
    });
  }

  private errorOn(holder: SocketHolder, id: bigint, error: unknown): void {
    this.sendOn(holder, create(pb.RemoteMessageSchema, { messageId: id, response: { error: exceptionToProto(error) } }));
  }

  // ---- inbound ----------------------------------------------------------------------------------------------------

  private onFrame(holder: SocketHolder, bytes: Uint8Array): void {
    let message: pb.RemoteMessage;
    try {
      message = pb.decodeRemoteMessage(bytes);
    } catch (err) {
      const { messageId, isRequest } = salvageHeader(bytes);
      this.logger.warn({ err: errText(err), remoteAddress: holder.info.remoteAddress, messageId: messageId.toString() }, 'malformed message');
      // Answer only what is recognisably a request of the peer: an error under a response id would be misrouted.
      if (isRequest && messageId !== 0n) this.errorOn(holder, messageId, new ConnectorException(`Malformed message: ${errText(err)}`));
      return;
    }
    const id = message.messageId;
    const { request, response } = message;

    // Errors are routed even before the handshake, as Java does.
    if (response?.error && holder.group) {
      holder.group.routeResponse(id, response);
      return;
    }
    if (request?.handshakeMessage) {
      this.onHandshakeRequest(holder, id, request.handshakeMessage);
      return;
    }
    if (response?.handshakeMessage) {
      this.onHandshakeResponse(holder, response.handshakeMessage);
      return;
    }
    const group = holder.group;
    if (!group) {
      if (request) this.errorOn(holder, id, new ConnectorException('Connection received request before handshake'));
      else if (response && !response.error) this.errorOn(holder, id, new ConnectorException('Connection received response before handshake'));
      return;
    }
    if (request) {
      if (request.operationRequest) processOperationRequest(this, group, id, request.operationRequest);
      else if (request.cancelOpRequest) group.receiveCancel(id);
      else if (request.controlRequest) this.onControlRequest(holder, group, id, request.controlRequest);
      else this.errorOn(holder, id, new ConnectorException('Unknown Request message'));
      return;
    }
    if (response) {
      if (response.operationResponse || response.controlResponse) group.routeResponse(id, response);
      else this.errorOn(holder, id, new ConnectorException('Unknown Request message'));
      return;
    }
    this.errorOn(holder, id, new ConnectorException('Unknown RemoteMessage'));
  }

  private onHandshakeRequest(holder: SocketHolder, id: bigint, hs: pb.HandshakeMessage): void {
    if (this.options.role !== 'server') {
      this.logger.debug({}, 'handshake request ignored by a client');
      return;
    }
    this.sendOn(holder, create(pb.RemoteMessageSchema, { messageId: id, response: { handshakeMessage: this.handshakeMessage() } }));
    if (holder.group) return; // a repeated handshake on a registered socket changes nothing
    this.join(holder, hs.sessionId);
  }

  private onHandshakeResponse(holder: SocketHolder, hs: pb.HandshakeMessage): void {
    if (this.options.role !== 'client' || holder.group) {
      this.logger.debug({}, 'handshake response ignored');
      return;
    }
    this.join(holder, hs.sessionId);
  }

  private join(holder: SocketHolder, peerSessionId: string): void {
    let group = this.groups.get(peerSessionId);
    const isNew = !group;
    if (!group) {
      group = new ConnectionGroup(peerSessionId, this.logger);
      this.groups.set(peerSessionId, group);
    }
    group.addSocket(holder);
    this.logger.info(
      { session: peerSessionId, remoteAddress: holder.info.remoteAddress, principal: holder.info.principal, sockets: group.socketCount },
      isNew ? 'session started' : 'socket joined session',
    );
    this.options.onHandshake?.(holder, group);
    // The first socket of a new session asks the peer for its connectors, retrying once on failure.
    if (isNew) this.requestConnectorInfo(group, 1);
  }

  private onControlRequest(holder: SocketHolder, group: ConnectionGroup, id: bigint, req: pb.ControlRequest): void {
    group.noteControlRequest(req.localRequestId, req.remoteRequestId);
    const controlResponse = create(pb.ControlResponseSchema, {});
    if (req.infoLevel.includes(pb.ControlRequest_InfoLevel.CONNECTOR_INFO)) {
      try {
        controlResponse.connectorInfos = this.localConnectorInfoBytes();
      } catch (err) {
        this.logger.error({ err: errText(err) }, 'cannot serialize connector infos');
        this.errorOn(holder, id, err);
        return;
      }
    }
    this.sendOn(holder, create(pb.RemoteMessageSchema, { messageId: id, response: { controlResponse } }));
  }

  /** Legacy List<ConnectorInfo>, without the category key (Java's toRemote() does not copy it). */
  private localConnectorInfoBytes(): Uint8Array {
    const infos = (this.registry?.connectorInfos() ?? []).map(
      (i) => new ConnectorInfo(i.connectorKey, i.connectorDisplayNameKey, i.messages, i.defaultApiConfiguration, null),
    );
    return toLegacy(infos);
  }

  // ---- control requests this side sends -------------------------------------------------------------------------

  /** Sends a ControlRequest with complete id lists; asks for connector infos while none were received. */
  sendControlRequest(group: ConnectionGroup, retries = 0): void {
    const askInfo = group.peerConnectorInfos === null;
    const id = group.submit(
      (id) =>
        create(pb.RemoteMessageSchema, {
          messageId: id,
          request: {
            controlRequest: {
              infoLevel: askInfo ? [pb.ControlRequest_InfoLevel.CONNECTOR_INFO] : [],
              localRequestId: [...group.localRequests.keys()],
              remoteRequestId: [...group.remoteRequests.keys()],
            },
          },
        }),
      {
        inconsistency: 0,
        onResponse: (response, id) => {
          group.completeRemote(id);
          group.pendingControlIds.delete(id);
          if (response.error) {
            this.logger.warn({ session: group.peerSessionId, err: response.error.message }, 'control request failed');
            if (retries > 0) this.sendControlRequest(group, retries - 1);
            return;
          }
          const bytes = response.controlResponse?.connectorInfos;
          if (bytes && bytes.length > 0) {
            try {
              group.setPeerConnectorInfos(decodeConnectorInfos(bytes));
            } catch (err) {
              this.logger.warn({ session: group.peerSessionId, err: errText(err) }, 'cannot read the peer\'s connector infos');
            }
          } else if (askInfo) {
            group.setPeerConnectorInfos([]);
          }
        },
        fail: (err) => {
          if (retries > 0 && !group.closed && group.openSockets().length > 0) this.sendControlRequest(group, retries - 1);
          else this.logger.debug({ session: group.peerSessionId, err: err.message }, 'control request not answered');
        },
      },
    );
    if (group.remoteRequests.has(id)) group.pendingControlIds.add(id);
  }

  private requestConnectorInfo(group: ConnectionGroup, retries: number): void {
    this.sendControlRequest(group, retries);
  }

  private periodicCheck(): void {
    for (const group of this.groups.values()) {
      try {
        group.terminateInconsistent();
        // A ControlRequest still unanswered a whole period after it was sent will not be answered: forget it, so a
        // peer that never answers costs nothing over a long session.
        for (const stale of group.staleControlIds) group.completeRemote(stale);
        group.staleControlIds = new Set([...group.pendingControlIds].filter((id) => group.remoteRequests.has(id)));
        group.pendingControlIds.clear();
        if (group.openSockets().length > 0) this.sendControlRequest(group);
      } catch (err) {
        this.logger.warn({ session: group.peerSessionId, err: errText(err) }, 'control check failed');
      }
    }
  }

  // ---- configuration change events ------------------------------------------------------------------------------

  /** Forwards a connector's configuration change to every session that uses the facade (messageId 0, no key). */
  private sendConfigurationChange(facadeKey: string, changed: readonly ConfigurationProperty[]): void {
    let payload: Uint8Array;
    try {
      payload = toLegacy([...changed]);
    } catch (err) {
      this.logger.warn({ err: errText(err) }, 'cannot serialize a configuration change');
      return;
    }
    const message = create(pb.RemoteMessageSchema, {
      request: {
        operationRequest: {
          connectorFacadeKey: new TextEncoder().encode(facadeKey),
          configurationChangeEvent: { configurationPropertyChange: payload },
        },
      },
    });
    for (const group of this.groups.values()) {
      if (group.facadeKeys.has(facadeKey)) group.send(message);
    }
  }

  /** A ConfigurationChangeEvent from the peer; errors are ignored, as Java does. */
  receiveConfigurationChange(group: ConnectionGroup, facadeKeyBytes: Uint8Array, event: pb.ConfigurationChangeEvent): void {
    try {
      const value = fromLegacy(event.configurationPropertyChange);
      const list = Array.isArray(value) ? value.filter((p): p is ConfigurationProperty => p instanceof ConfigurationProperty) : [];
      this.options.onConfigurationChange?.(group, new TextDecoder().decode(facadeKeyBytes), list);
    } catch (err) {
      this.logger.debug({ err: errText(err) }, 'configuration change event ignored');
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------------------------

  inFlightOperations(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.localRequests.size;
    return n;
  }

  /** Operation counters plus the current in-flight and session gauges. */
  metricsSnapshot(): EngineMetrics {
    return { ...this.metrics.snapshot(), inFlightOperations: this.inFlightOperations(), sessions: this.groups.size };
  }

  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlightOperations() > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, deadline - Date.now()))));
    }
    for (const g of this.groups.values()) {
      for (const l of g.localRequests.values()) l.abort.abort(new ConnectorException('Server is shutting down'));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.controlTimer) clearInterval(this.controlTimer);
    for (const g of [...this.groups.values()]) this.forgetGroup(g, new ConnectionBrokenException('Connection closed'));
    this.holders.clear();
  }
}

/** Reads a legacy List<ConnectorInfo>. */
export function decodeConnectorInfos(bytes: Uint8Array): ConnectorInfo[] {
  const value = fromLegacy(bytes);
  if (value === null) return [];
  if (!Array.isArray(value)) throw new ConnectorException('Connector infos are not a list');
  return value.filter((i): i is ConnectorInfo => i instanceof ConnectorInfo);
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
