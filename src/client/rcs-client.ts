/**
 * The IDM-side client of one or more connector servers (OpenICF's RemoteWSFrameworkConnectionInfo +
 * ConnectionManager + RemoteAsyncConnectorFacade). It runs the same session engine as the server, opens
 * `connections` WebSockets per server (2, like Java), reconnects lost ones, and spreads operations round-robin
 * over the healthy servers that host the connector (like IDM's server groups).
 */
import { isPropertyType, jsToWire, propertyTypeInfo } from '../framework/property-types.ts';
import { WebSocket } from 'ws';
import pino, { type Logger } from 'pino';
import {
  ConnectionFailedException,
  ConnectorException,
  ConfigurationException,
  InvalidCredentialException,
  Locale,
  type APIConfiguration,
  type ConfigurationProperty,
  type ConnectorInfo,
  type ConnectorKey,
} from '../model/index.ts';
import { decodeFacadeKey, encodeFacadeKey } from '../wire/legacy/index.ts';
import { RpcPeer, type ConnectionGroup, type SocketHolder } from '../rpc/index.ts';
import { RemoteConnectorFacade } from './remote-facade.ts';

/** The subprotocol the Java client offers. */
export const OPENICF_SUBPROTOCOL = 'v1.openicf.forgerock.org';

export interface RcsServerOptions {
  /** ws://host:port/openicf or wss://...; http(s) is rewritten to ws(s). */
  url: string;
  /** The shared secret (connectorserver.key's clear text). Defaults to the client's key. */
  key?: string;
  principal?: string;
  /** Trusted CA certificates (PEM). */
  ca?: string | string[];
  rejectUnauthorized?: boolean;
  /** Client certificate and key (PEM), for servers that ask for one. */
  clientCert?: string;
  clientKey?: string;
  /** Sockets kept open to this server (default 2). */
  connections?: number;
}

export interface RcsClientOptions extends Partial<RcsServerOptions> {
  /** Several servers: failover and round-robin. Without it, `url` is the one server. */
  servers?: RcsServerOptions[];
  logger?: Logger;
  /** Longest wait for the first handshake and connector list, in ms (default 30 s, like Java). */
  connectTimeoutMs?: number;
  /** Locale sent with operations that do not give one (default: the process locale). */
  locale?: Locale;
  /** Periodic ControlRequest interval in ms (default 4 min; 0 disables). */
  controlIntervalMs?: number;
  /** Largest message accepted, in bytes (default 64 MiB). */
  maxPayload?: number;
}

/** Configures a facade: edit the APIConfiguration in place, or return / give property values by name. */
export type FacadeConfigurer = ((configuration: APIConfiguration) => void | Record<string, unknown>) | Record<string, unknown>;

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

function normaliseUrl(url: string): string {
  return url.replace(/^http(s?):/i, 'ws$1:');
}

function processLocale(): Locale {
  try {
    return Locale.parse(Intl.DateTimeFormat().resolvedOptions().locale);
  } catch {
    return new Locale('en', 'US');
  }
}

/** The sockets to one server and the session they form. */
class ServerConnection {
  readonly url: string;
  group: ConnectionGroup | null = null;
  private readonly sockets = new Set<WebSocket>();
  private closing = false;
  private failures = 0;
  lastError: string | null = null;
  /** Set when the server refused our credentials (401/403); cleared by a successful handshake. */
  private authFailure: InvalidCredentialException | null = null;
  private readonly authWaiters: Array<(err: Error) => void> = [];
  private readonly handshakeWaiters: Array<() => void> = [];

  constructor(
    readonly options: RcsServerOptions,
    private readonly client: RcsClient,
    private readonly peer: RpcPeer,
    private readonly logger: Logger,
    private readonly maxPayload: number,
  ) {
    this.url = normaliseUrl(options.url);
  }

  get wanted(): number {
    return Math.max(1, this.options.connections ?? 2);
  }

  start(): void {
    for (let i = 0; i < this.wanted; i++) this.open();
  }

  /** Healthy = its session has an open socket. */
  healthy(): boolean {
    return this.group !== null && !this.group.closed && this.group.openSockets().length > 0;
  }

  whenHandshaken(): Promise<void> {
    if (this.healthy()) return Promise.resolve();
    if (this.authFailure) return Promise.reject(this.authFailure);
    return new Promise((resolve, reject) => {
      this.handshakeWaiters.push(resolve);
      this.authWaiters.push(reject);
    });
  }

  /** The server refused our credentials: waiting for a handshake is pointless, fail now. */
  private refused(status: number): void {
    this.authFailure = new InvalidCredentialException(
      `authentication failed: ${this.url} answered HTTP ${status} (check the key and the principal)`,
    );
    this.handshakeWaiters.length = 0;
    for (const reject of this.authWaiters.splice(0)) reject(this.authFailure);
  }

  onHandshake(group: ConnectionGroup): void {
    this.group = group;
    this.failures = 0;
    this.lastError = null;
    this.authFailure = null;
    this.authWaiters.length = 0;
    for (const w of this.handshakeWaiters.splice(0)) w();
  }

  private open(): void {
    if (this.closing) return;
    const principal = this.options.principal ?? 'anonymous';
    const headers: Record<string, string> = {
      'User-Agent': 'OpenICF-Client-ts',
    };
    if (this.options.key !== undefined) {
      // Java encodes the Basic credentials as ISO-8859-1.
      headers.Authorization = 'Basic ' + Buffer.from(`${principal}:${this.options.key}`, 'latin1').toString('base64');
    }
    const ws = new WebSocket(this.url, [OPENICF_SUBPROTOCOL], {
      headers,
      ca: this.options.ca,
      cert: this.options.clientCert,
      key: this.options.clientKey,
      rejectUnauthorized: this.options.rejectUnauthorized ?? true,
      maxPayload: this.maxPayload,
      handshakeTimeout: 30_000,
    });
    this.sockets.add(ws);
    let opened = false;
    ws.on('open', () => {
      opened = true;
      const holder = this.peer.attach(ws, { remoteAddress: this.url, principal });
      this.client.registerHolder(holder, this);
    });
    let refusedWith: number | undefined;
    ws.on('unexpected-response', (_req, res) => {
      refusedWith = res.statusCode;
      this.lastError = `HTTP ${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trim();
      if (res.statusCode === 401 || res.statusCode === 403) this.refused(res.statusCode);
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => {
      // Terminating a refused upgrade raises an error too; keep the HTTP status as the reason.
      if (refusedWith === undefined) this.lastError = err.message;
    });
    ws.on('close', () => {
      this.sockets.delete(ws);
      if (!opened) this.failures++;
      if (this.closing) return;
      if (!opened) this.logger.debug({ url: this.url, err: this.lastError }, 'connection failed');
      else this.logger.info({ url: this.url }, 'connection to server lost');
      const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** Math.min(this.failures, 6));
      setTimeout(() => this.open(), delay).unref();
    });
  }

  close(): void {
    this.closing = true;
    for (const ws of this.sockets) {
      try {
        ws.close(1000, 'Shutdown');
      } catch {
        ws.terminate();
      }
    }
    for (const w of this.handshakeWaiters.splice(0)) w();
  }

  /** Resolves when every socket is gone (bounded). */
  async closed(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    for (const ws of this.sockets) ws.terminate();
  }
}

export class RcsClient {
  private readonly peer: RpcPeer;
  private readonly servers: ServerConnection[];
  private readonly holders = new WeakMap<WebSocket, ServerConnection>();
  private readonly facades = new Map<string, Set<RemoteConnectorFacade>>();
  private roundRobin = 0;
  readonly logger: Logger;
  readonly defaultLocale: Locale;
  private readonly connectTimeoutMs: number;

  private constructor(options: RcsClientOptions) {
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.defaultLocale = options.locale ?? processLocale();
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    const list: RcsServerOptions[] = options.servers?.length ? options.servers : options.url ? [options as RcsServerOptions] : [];
    if (list.length === 0) throw new ConnectorException('No connector server URL given');
    this.peer = new RpcPeer({
      role: 'client',
      logger: this.logger,
      registry: null,
      controlIntervalMs: options.controlIntervalMs,
      onHandshake: (holder, group) => this.holders.get(holder.ws)?.onHandshake(group),
      onConfigurationChange: (_group, facadeKey, changes) => this.configurationChanged(facadeKey, changes),
    });
    const shared = { key: options.key, principal: options.principal, ca: options.ca, rejectUnauthorized: options.rejectUnauthorized, clientCert: options.clientCert, clientKey: options.clientKey, connections: options.connections };
    this.servers = list.map(
      (s) => new ServerConnection({ ...stripUndefined(shared), ...stripUndefined(s) } as RcsServerOptions, this, this.peer, this.logger, options.maxPayload ?? 64 * 1024 * 1024),
    );
  }

  /** Connects to the servers; resolves once at least one completed its handshake and sent its connectors. */
  static async connect(options: RcsClientOptions): Promise<RcsClient> {
    const client = new RcsClient(options);
    for (const s of client.servers) s.start();
    try {
      await client.waitForAnyServer();
    } catch (err) {
      await client.close();
      throw err;
    }
    return client;
  }

  private async waitForAnyServer(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const reasons = this.servers.map((s) => `${s.url}: ${s.lastError ?? 'no handshake'}`).join('; ');
        reject(new ConnectionFailedException(`No connector server could be reached (${reasons})`));
      }, this.connectTimeoutMs);
    });
    try {
      await Promise.race([
        Promise.any(
          this.servers.map(async (s) => {
            await s.whenHandshaken();
            if (!s.group) throw new ConnectionFailedException('closed');
            await s.group.awaitPeerConnectorInfos();
          }),
        ).catch((err: unknown) => {
          // Every server refused us: report the first reason rather than an AggregateError.
          throw err instanceof AggregateError && err.errors.length > 0 ? err.errors[0] : err;
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** @internal */
  registerHolder(holder: SocketHolder, server: ServerConnection): void {
    this.holders.set(holder.ws, server);
  }

  /** The connectors of every reachable server (the first server's info wins for a key hosted by several). */
  async connectorInfos(): Promise<ConnectorInfo[]> {
    const seen = new Map<string, ConnectorInfo>();
    for (const s of this.servers) {
      if (!s.healthy() || !s.group) continue;
      for (const info of await s.group.awaitPeerConnectorInfos()) {
        const k = keyString(info.connectorKey);
        if (!seen.has(k)) seen.set(k, info);
      }
    }
    return [...seen.values()];
  }

  /** The connector info for a key, from any server that has reported it. */
  findConnectorInfo(key: ConnectorKey): ConnectorInfo | undefined {
    for (const s of this.servers) {
      const info = s.group?.peerConnectorInfos?.find((i) => i.connectorKey.equals(key));
      if (info) return info;
    }
    return undefined;
  }

  /**
   * A facade for a connector, configured from its default APIConfiguration. The facade key is encoded once and
   * sent unchanged with every request (servers cache connector instances by its exact text).
   */
  newFacade(connector: ConnectorKey | ConnectorInfo, configure?: FacadeConfigurer): RemoteConnectorFacade {
    const info = 'defaultApiConfiguration' in connector ? connector : this.findConnectorInfo(connector);
    if (!info) throw new ConnectorException(`Connector not found: ${connector.toString()}`);
    // A deep copy, so the info's default configuration stays untouched.
    const configuration = decodeFacadeKey(encodeFacadeKey(info.defaultApiConfiguration));
    let values: Record<string, unknown> | void = undefined;
    if (typeof configure === 'function') values = configure(configuration);
    else if (configure) values = configure;
    if (values) {
      for (const [name, value] of Object.entries(values)) {
        configuration.configurationProperties.setValue(name, toPropertyValue(configuration, name, value));
      }
    }
    const facadeKey = encodeFacadeKey(configuration);
    return new RemoteConnectorFacade(info, configuration, facadeKey, {
      pickGroup: (i) => this.pickGroup(i),
      defaultLocale: this.defaultLocale,
      watchConfigurationChanges: (facade, watch) => this.watchConfigurationChanges(facade, watch),
    });
  }

  /** Facades with configuration-change listeners, by facade key (the key such events carry). */
  private watchConfigurationChanges(facade: RemoteConnectorFacade, watch: boolean): void {
    let set = this.facades.get(facade.facadeKey);
    if (watch) {
      if (!set) this.facades.set(facade.facadeKey, (set = new Set()));
      set.add(facade);
    } else if (set) {
      set.delete(facade);
      if (set.size === 0) this.facades.delete(facade.facadeKey);
    }
  }

  /** The next healthy server that hosts the connector (round-robin). */
  private pickGroup(info: ConnectorInfo): ConnectionGroup {
    const n = this.servers.length;
    for (let i = 0; i < n; i++) {
      const s = this.servers[(this.roundRobin + i) % n]!;
      if (!s.healthy() || !s.group) continue;
      const infos = s.group.peerConnectorInfos;
      if (infos && !infos.some((x) => x.connectorKey.equals(info.connectorKey))) continue;
      this.roundRobin = (this.roundRobin + i + 1) % n;
      return s.group;
    }
    throw new ConnectionFailedException('No remote Connector Server is available at this moment');
  }

  private configurationChanged(facadeKey: string, changes: ConfigurationProperty[]): void {
    for (const f of this.facades.get(facadeKey) ?? []) f.notifyConfigurationChange(changes);
  }

  /** Number of servers whose session has an open socket. */
  healthyServerCount(): number {
    return this.servers.filter((s) => s.healthy()).length;
  }

  /** Closes every socket and fails what is still pending. */
  async close(): Promise<void> {
    for (const s of this.servers) s.close();
    await Promise.all(this.servers.map((s) => s.closed(2000)));
    await this.peer.close();
  }
}

function keyString(k: ConnectorKey): string {
  return `${k.bundleName}\u0000${k.bundleVersion}\u0000${k.connectorName}`;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Converts a plain JS value (string[], number, string for a GuardedString...) to the Java form the property's
 * declared type needs on the wire; values already in Java form pass through.
 */
function toPropertyValue(configuration: APIConfiguration, name: string, value: unknown): unknown {
  const property = configuration.configurationProperties.get(name);
  if (!property) throw new ConfigurationException(`Configuration property ${name} does not exist`);
  const typeName = property.type?.toString();
  if (!typeName || !isPropertyType(typeName)) return value;
  try {
    return jsToWire(propertyTypeInfo(typeName), value);
  } catch (err) {
    throw new ConfigurationException(`Configuration property ${name}: ${(err as Error).message}`);
  }
}
