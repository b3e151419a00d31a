/**
 * The optional listener of the legacy (pre-WebSocket) OpenICF socket protocol: plain TCP, or TLS with the same
 * material as the WebSocket listener. Each accepted connection is served by a LegacySession; the number of
 * connections is bounded (300, as the Java server) and every connection is closed on shutdown.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { ConnectorRegistry } from '../framework/facade-types.ts';
import { LegacySession } from '../rpc/legacy-session.ts';
import { verifyKeyHash } from './auth/key-hash.ts';
import { AuthThrottle } from './auth/throttle.ts';
import { listenOn } from './listen.ts';
import type { ListenerTlsOptions } from './listener.ts';

export const LEGACY_MAX_CONNECTIONS = 300;

export interface LegacyListenerOptions {
  port: number;
  host?: string;
  /** connectorserver.key: base64 SHA-1 of the UTF-16BE shared secret. */
  keyHash: string;
  registry: ConnectorRegistry;
  logger: Logger;
  tls?: ListenerTlsOptions;
  /** Epoch ms reported to clients as SERVER_START_TIME (default: when the listener was created). */
  serverStartTime?: number;
  /** Simultaneous connections; more are refused (default 300). */
  maxConnections?: number;
  /** Seconds a connection may sit idle between requests before it is closed; 0 (default) = never. */
  idleTimeoutSeconds?: number;
  /** Streamed parts between pauses (default 200). */
  pauseInterval?: number;
  /** Wrong keys per client address within the window before every key from it is refused (default 10; 0 = off). */
  authFailureLimit?: number;
  /** The throttling window in seconds (default 60). */
  authFailureWindowSeconds?: number;
}

export class LegacyListener {
  readonly server: net.Server;
  private readonly sessions = new Set<LegacySession>();
  private readonly serverStartTime: number;
  /**
   * A legacy client may retry keys on one connection at wire speed; past the limit every key from that address is
   * refused until the window has passed, so the key cannot be guessed here faster than on the WebSocket listener.
   */
  private readonly throttle: AuthThrottle;

  constructor(private readonly options: LegacyListenerOptions) {
    this.serverStartTime = options.serverStartTime ?? Date.now();
    this.throttle = new AuthThrottle(options.authFailureLimit ?? 10, (options.authFailureWindowSeconds ?? 60) * 1000);
    const onConnection = (socket: net.Socket): void => this.accept(socket);
    this.server = options.tls
      ? tls.createServer({ ...options.tls, minVersion: options.tls.minVersion ?? 'TLSv1.2' }, onConnection)
      : net.createServer(onConnection);
    this.server.maxConnections = options.maxConnections ?? LEGACY_MAX_CONNECTIONS;
    this.server.on('drop', () => options.logger.warn({ max: this.server.maxConnections }, 'legacy connection refused: too many connections'));
    if (options.tls) {
      this.server.on('tlsClientError', (err: Error) => options.logger.info({ err: err.message }, 'legacy TLS handshake failed'));
    }
  }

  async listen(): Promise<number> {
    return listenOn(this.server, this.options.port, this.options.host);
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Stops accepting; open connections keep being served. */
  stopAccepting(): void {
    this.server.close();
  }

  /** Waits (at most `timeoutMs`) until no connection is in the middle of a request. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ([...this.sessions].some((s) => s.inRequest) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Closes every connection (aborting running operations) and the listener. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sessions) s.close();
    await Promise.race([
      Promise.all([closed, ...[...this.sessions].map((s) => s.done)]),
      new Promise((r) => setTimeout(r, 2000).unref()),
    ]);
  }

  private verifyKey(secret: string, keyHash: string, address: string): boolean {
    if (this.throttle.retryAfterMs(address) > 0) {
      this.options.logger.warn({ protocol: 'legacy', address }, 'authentication throttled');
      return false;
    }
    if (verifyKeyHash(secret, keyHash)) {
      this.throttle.recordSuccess(address);
      return true;
    }
    this.throttle.recordFailure(address);
    return false;
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const { logger, keyHash } = this.options;
    const session = new LegacySession(socket, {
      registry: this.options.registry,
      verifyKey: (secret) => this.verifyKey(secret, keyHash, socket.remoteAddress ?? 'unknown'),
      logger: logger.child({ protocol: 'legacy', remote: socket.remoteAddress }),
      serverStartTime: this.serverStartTime,
      ...(this.options.pauseInterval === undefined ? {} : { pauseInterval: this.options.pauseInterval }),
    });
    this.sessions.add(session);
    const idleMs = (this.options.idleTimeoutSeconds ?? 0) * 1000;
    if (idleMs > 0) {
      socket.setTimeout(idleMs, () => {
        // A long operation produces no traffic: only connections waiting for their next request are idle.
        if (!session.inRequest) session.close();
      });
    }
    void session.done.then((end) => {
      this.sessions.delete(session);
      logger.debug({ end }, 'legacy connection closed');
    });
  }
}
