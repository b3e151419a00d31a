/**
 * The HTTP(S) listener: authenticates WebSocket upgrades on /openicf and hands the sockets to the RPC engine;
 * answers plain GETs (health checks), keeps sockets alive with pings, closes idle ones, and drains on shutdown.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { RpcEngine } from '../rpc/engine-types.ts';
import { authenticateUpgrade, BASIC_REALM } from './auth/basic-auth.ts';
import { AuthThrottle } from './auth/throttle.ts';
import { listenOn } from './listen.ts';
import { METRICS_CONTENT_TYPE, METRICS_PATH } from './metrics.ts';

export const OPENICF_PATH = '/openicf';
export const OPENICF_SUBPROTOCOL = 'v1.openicf.forgerock.org';
export const SERVER_HEADER = 'OpenICF Connector Server';

/** TLS material for https.createServer (key/cert PEM, client CAs, client-certificate policy). */
export interface ListenerTlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  ca?: Array<string | Buffer>;
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

export interface ListenerOptions {
  port: number;
  host?: string;
  keyHash: string;
  engine: RpcEngine;
  logger: Logger;
  tls?: ListenerTlsOptions;
  pingPongIntervalSeconds: number;
  maxMessageSize: number;
  idleTimeoutSeconds: number;
  authFailureLimit: number;
  authFailureWindowSeconds: number;
  /** Extra readiness facts for GET /health. */
  healthInfo?: () => Record<string, unknown>;
  /** Body of GET /metrics (Prometheus text format); absent = /metrics answers 404. */
  metricsText?: () => string;
}

interface SocketState {
  alive: boolean;
  lastActivity: number;
}

export class Listener {
  readonly server: http.Server | https.Server;
  private readonly wss: WebSocketServer;
  private readonly throttle: AuthThrottle;
  private readonly sockets = new Map<WebSocket, SocketState>();
  private readonly authFailures = new Map<number, number>();
  private pingTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private draining = false;

  constructor(private readonly options: ListenerOptions) {
    this.throttle = new AuthThrottle(options.authFailureLimit, options.authFailureWindowSeconds * 1000);
    this.server = options.tls
      ? https.createServer({ ...options.tls, minVersion: options.tls.minVersion ?? 'TLSv1.2' })
      : http.createServer();
    this.server.on('request', (req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.server.on('clientError', (err, socket) => {
      this.options.logger.debug({ err: err.message }, 'client error');
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    if (options.tls) {
      this.server.on('tlsClientError', (err) => this.options.logger.info({ err: err.message }, 'TLS handshake failed'));
    }
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessageSize,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(OPENICF_SUBPROTOCOL) ? OPENICF_SUBPROTOCOL : false),
    });
  }

  async listen(): Promise<number> {
    const port = await listenOn(this.server, this.options.port, this.options.host);
    this.startTimers();
    return port;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Upgrades refused for authentication since the listener started, by HTTP status (401, 403, 429). */
  authFailureCounts(): ReadonlyMap<number, number> {
    return this.authFailures;
  }

  private countAuthFailure(status: number): void {
    this.authFailures.set(status, (this.authFailures.get(status) ?? 0) + 1);
  }

  /** Stops accepting connections and upgrades; existing sockets stay open. */
  stopAccepting(): void {
    this.draining = true;
    this.server.close();
  }

  /** Closes every socket (1001 going away) and the listener. */
  async close(): Promise<void> {
    this.draining = true;
    clearInterval(this.pingTimer);
    clearInterval(this.idleTimer);
    for (const ws of this.sockets.keys()) ws.close(1001, 'Server shutting down');
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Sockets that don't finish the close handshake promptly are cut.
    const cut = setTimeout(() => {
      for (const ws of this.sockets.keys()) ws.terminate();
    }, 2000);
    cut.unref();
    if ('closeAllConnections' in this.server) this.server.closeIdleConnections();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2500).unref())]);
    clearTimeout(cut);
    for (const ws of this.sockets.keys()) ws.terminate();
    this.server.closeAllConnections();
    this.wss.close();
  }

  private startTimers(): void {
    const pingMs = this.options.pingPongIntervalSeconds * 1000;
    if (pingMs > 0) {
      this.pingTimer = setInterval(() => this.pingAll(), pingMs);
      this.pingTimer.unref();
    }
    const idleMs = this.options.idleTimeoutSeconds * 1000;
    if (idleMs > 0) {
      this.idleTimer = setInterval(() => this.closeIdle(idleMs), Math.min(idleMs, 5000));
      this.idleTimer.unref();
    }
  }

  private pingAll(): void {
    for (const [ws, state] of this.sockets) {
      if (!state.alive) {
        this.options.logger.info('peer missed a pong: terminating its socket');
        ws.terminate();
        continue;
      }
      state.alive = false;
      ws.ping();
    }
  }

  private closeIdle(idleMs: number): void {
    const now = Date.now();
    for (const [ws, state] of this.sockets) {
      if (now - state.lastActivity >= idleMs) ws.close(1000, 'Idle timeout occurred');
    }
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.setHeader('Server', SERVER_HEADER);
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      const body = JSON.stringify({
        status: this.draining ? 'draining' : 'ok',
        connections: this.sockets.size,
        ...this.options.healthInfo?.(),
      });
      res.writeHead(this.draining ? 503 : 200, { 'Content-Type': 'application/json' });
      res.end(body);
      return;
    }
    if (req.method === 'GET' && path === METRICS_PATH && this.options.metricsText) {
      let body: string;
      try {
        body = this.options.metricsText();
      } catch (err) {
        this.options.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'metrics rendering failed');
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('Internal Server Error\n');
        return;
      }
      res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE, 'Cache-Control': 'no-store' });
      res.end(body);
      return;
    }
    if (path === OPENICF_PATH) {
      // A plain GET without upgrade: answered so that health checks grepping for the server name keep working.
      res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket', Connection: 'Upgrade' });
      res.end(`${SERVER_HEADER}: WebSocket endpoint, upgrade required\n`);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not Found\n');
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const address = req.socket.remoteAddress ?? 'unknown';
    const path = (req.url ?? '/').split('?')[0];
    if (path !== OPENICF_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    if (this.draining) return rejectUpgrade(socket, 503, 'Service Unavailable');
    const wait = this.throttle.retryAfterMs(address);
    if (wait > 0) {
      this.options.logger.warn({ address }, 'authentication throttled');
      this.countAuthFailure(429);
      return rejectUpgrade(socket, 429, 'Too Many Requests', { 'Retry-After': String(Math.ceil(wait / 1000)) });
    }
    const outcome = authenticateUpgrade(req.headers.authorization, this.options.keyHash);
    if (!outcome.ok) {
      this.throttle.recordFailure(address);
      this.options.logger.warn({ address, status: outcome.status, reason: outcome.reason }, 'authentication failed');
      this.countAuthFailure(outcome.status === 401 ? 401 : 403);
      if (outcome.status === 401) {
        return rejectUpgrade(socket, 401, 'Unauthorized', { 'WWW-Authenticate': `Basic realm="${BASIC_REALM}"` });
      }
      return rejectUpgrade(socket, 403, 'Forbidden');
    }
    this.throttle.recordSuccess(address);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.adopt(ws, address, outcome.principal));
  }

  private adopt(ws: WebSocket, address: string, principal: string): void {
    const state: SocketState = { alive: true, lastActivity: Date.now() };
    this.sockets.set(ws, state);
    ws.on('pong', () => {
      state.alive = true;
    });
    ws.on('message', () => {
      state.lastActivity = Date.now();
      state.alive = true;
    });
    ws.on('error', (err) => this.options.logger.info({ address, err: err.message }, 'socket error'));
    ws.on('close', (code) => {
      this.sockets.delete(ws);
      this.options.logger.debug({ address, code }, 'socket closed');
    });
    this.options.logger.info({ address, principal }, 'connection accepted');
    this.options.engine.attach(ws, { remoteAddress: address, principal });
  }
}

function rejectUpgrade(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
  const lines = [`HTTP/1.1 ${status} ${reason}`, `Server: ${SERVER_HEADER}`, 'Connection: close', 'Content-Length: 0'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  socket.end(lines.join('\r\n') + '\r\n\r\n');
}
