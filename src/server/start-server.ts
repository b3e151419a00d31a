/**
 * Starting a server: in code (`startServer`, for CI and embedding) or from a validated configuration
 * (`startFromConfig`, for `rcs run`). Both wire the same pieces: connector registry → RPC engine → listener.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import type { ConnectorBundle } from '../spi/index.ts';
import type { ConnectorRegistry } from '../framework/facade-types.ts';
import { createConnectorRegistry } from '../framework/index.ts';
import { createRpcEngine } from '../rpc/index.ts';
import type { RpcEngine } from '../rpc/engine-types.ts';
import { computeKeyHash } from './auth/key-hash.ts';
import { Listener, OPENICF_PATH, type ListenerTlsOptions } from './listener.ts';
import { LegacyListener } from './legacy-listener.ts';
import { silentLogger } from './logger.ts';
import { renderMetrics } from './metrics.ts';
import type { ServerConfig } from './config/types.ts';

/** Directory of the connector bundles shipped with this package. */
export const BUILTIN_BUNDLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../connectors');

export interface StartServerOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Bind address (default 127.0.0.1 for embedded servers). */
  host?: string;
  /** Shared secret in clear text (default "changeit"). */
  key?: string;
  /** Or its hash, as in connectorserver.key. */
  keyHash?: string;
  /** Connector bundles given in code. */
  bundles?: readonly ConnectorBundle[];
  /** A directory of bundles to load; `true` loads the built-in connectors (memory, benchmark, csvfile...). */
  bundleDir?: string | boolean;
  libDir?: string;
  tls?: ListenerTlsOptions;
  /** Seconds between WebSocket pings (default 0 = off for embedded servers). */
  pingPongIntervalSeconds?: number;
  maxMessageSize?: number;
  idleTimeoutSeconds?: number;
  /** Seconds close() waits for in-flight operations (default 5). */
  drainTimeoutSeconds?: number;
  authFailureLimit?: number;
  authFailureWindowSeconds?: number;
  maxFacadeLifeTimeMinutes?: number;
  /** Periodic ControlRequest to peers in ms (default 4 minutes, 0 = off). */
  controlIntervalMs?: number;
  /**
   * Data for the built-in memory connector, by store name: a connector configured with `storeName` = that name
   * starts with the fixture's object classes and objects (format: connectors/memory/README.md). The memory bundle
   * is served automatically when fixtures are given.
   */
  fixtures?: Record<string, unknown>;
  /**
   * Also serve the legacy (pre-WebSocket) socket protocol on this port (0 picks a free one; unset = off).
   * It binds to `host` and uses `tls` like the WebSocket listener.
   */
  legacyPort?: number;
  /** Serve GET /metrics (Prometheus text format, no authentication); default true. */
  metrics?: boolean;
  logger?: Logger;
}

export interface RunningServer {
  readonly port: number;
  /** ws:// or wss:// URL of the OpenICF endpoint. */
  readonly url: string;
  readonly registry: ConnectorRegistry;
  readonly engine: RpcEngine;
  readonly listener: Listener;
  /** Port of the legacy socket protocol listener, when one was started. */
  readonly legacyPort?: number;
  readonly legacyListener?: LegacyListener;
  /** Stops accepting, lets in-flight operations finish (bounded by the drain timeout), then closes everything. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

interface MemoryBundleModule {
  default: ConnectorBundle;
  seedStore(storeName: string, fixture: unknown): void;
}

/**
 * The built-in memory bundle, imported by path at run time (the server does not depend on connector code); the
 * same module instance the bundle loader gets, so seeded stores are the ones its connectors see.
 */
async function loadMemoryBundle(): Promise<MemoryBundleModule> {
  const url = pathToFileURL(path.join(BUILTIN_BUNDLE_DIR, 'memory', 'index.ts')).href;
  return (await import(url)) as MemoryBundleModule;
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? silentLogger();
  const startTime = Date.now();
  const bundleDir = options.bundleDir === true ? BUILTIN_BUNDLE_DIR : options.bundleDir || undefined;
  const bundles = [...(options.bundles ?? [])];
  if (options.fixtures) {
    const memory = await loadMemoryBundle();
    for (const [storeName, fixture] of Object.entries(options.fixtures)) memory.seedStore(storeName, fixture);
    // Served from bundleDir already when that is the built-in directory.
    if (bundleDir !== BUILTIN_BUNDLE_DIR && !bundles.includes(memory.default)) bundles.push(memory.default);
  }
  const registry = await createConnectorRegistry({
    bundleDir,
    libDir: options.libDir,
    bundles,
    maxFacadeLifeTimeMinutes: options.maxFacadeLifeTimeMinutes,
    logger,
  });
  const engine = createRpcEngine({ registry, logger, controlIntervalMs: options.controlIntervalMs });
  const keyHash = options.keyHash ?? computeKeyHash(options.key ?? 'changeit');
  const listener: Listener = new Listener({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    keyHash,
    engine,
    logger,
    tls: options.tls,
    pingPongIntervalSeconds: options.pingPongIntervalSeconds ?? 0,
    maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    idleTimeoutSeconds: options.idleTimeoutSeconds ?? 0,
    authFailureLimit: options.authFailureLimit ?? 10,
    authFailureWindowSeconds: options.authFailureWindowSeconds ?? 60,
    healthInfo: () => ({ connectors: registry.connectorInfos().length, sessions: engine.sessionCount() }),
    ...(options.metrics === false
      ? {}
      : {
          metricsText: (): string =>
            renderMetrics({
              engineMetrics: engine.metrics ? () => engine.metrics!() : undefined,
              openConnections: () => listener.connectionCount,
              authFailures: () => listener.authFailureCounts(),
              connectorsLoaded: () => registry.connectorInfos().length,
              startTime,
            }),
        }),
  });
  let port: number | undefined;
  let legacyListener: LegacyListener | undefined;
  let legacyPort: number | undefined;
  try {
    port = await listener.listen();
    if (options.legacyPort !== undefined) {
      legacyListener = new LegacyListener({
        port: options.legacyPort,
        host: options.host ?? '127.0.0.1',
        keyHash,
        registry,
        logger,
        tls: options.tls,
        serverStartTime: startTime,
        idleTimeoutSeconds: options.idleTimeoutSeconds ?? 0,
        authFailureLimit: options.authFailureLimit ?? 10,
        authFailureWindowSeconds: options.authFailureWindowSeconds ?? 60,
      });
      legacyPort = await legacyListener.listen();
      logger.info({ port: legacyPort, tls: Boolean(options.tls) }, 'legacy socket protocol listening');
    }
  } catch (err) {
    await legacyListener?.close();
    if (port !== undefined) await listener.close();
    await engine.close();
    await registry.dispose();
    throw err;
  }
  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `${options.tls ? 'wss' : 'ws'}://${urlHost}:${port}${OPENICF_PATH}`;
  const drainMs = (options.drainTimeoutSeconds ?? 5) * 1000;
  let closing: Promise<void> | undefined;
  return {
    port,
    url,
    registry,
    engine,
    listener,
    ...(legacyListener ? { legacyListener, legacyPort } : {}),
    close: () =>
      (closing ??= (async () => {
        listener.stopAccepting();
        legacyListener?.stopAccepting();
        await Promise.all([engine.drain(drainMs), legacyListener?.drain(drainMs)]);
        await legacyListener?.close();
        await listener.close();
        await engine.close();
        await registry.dispose();
      })()),
  };
}

/** Starts the server described by a validated configuration (what `rcs run` does). */
export async function startFromConfig(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  let tls: ListenerTlsOptions | undefined;
  if (config.useSsl) {
    if (!config.tls) throw new Error('connectorserver.usessl=true needs connectorserver.keyStoreFile');
    // Loaded on demand: the PKCS#12 and X.509 libraries are the slowest part of a cold start.
    const { loadServerTlsOptions } = await import('./tls/server-tls.ts');
    const loaded = await loadServerTlsOptions(config.tls, (msg) => logger.info(msg));
    for (const w of loaded.warnings) logger.warn(w);
    logger.info(loaded.summary);
    tls = loaded;
  }
  return startServer({
    port: config.port,
    host: config.ifaddress ?? '0.0.0.0',
    keyHash: config.keyHash,
    bundleDir: config.bundleDir,
    libDir: config.libDir,
    tls,
    pingPongIntervalSeconds: config.pingPongIntervalSeconds,
    maxMessageSize: config.maxMessageSize,
    idleTimeoutSeconds: config.idleTimeoutSeconds,
    drainTimeoutSeconds: config.drainTimeoutSeconds,
    authFailureLimit: config.authFailureLimit,
    authFailureWindowSeconds: config.authFailureWindowSeconds,
    maxFacadeLifeTimeMinutes: config.maxFacadeLifeTimeMinutes,
    ...(config.legacyPort === undefined ? {} : { legacyPort: config.legacyPort }),
    metrics: config.metrics ?? true,
    logger,
  });
}

/**
 * What `rcs run --check` does: everything startup does short of listening (configuration, bundles, keystores), so
 * an operator can validate a change before restarting. Returns summary lines; throws what startup would throw.
 */
export async function checkConfig(config: ServerConfig, logger: Logger): Promise<string[]> {
  const lines = [
    `configuration: ${config.propertiesFile ?? '(defaults)'}`,
    `listen: ${config.useSsl ? 'wss' : 'ws'}://${config.ifaddress ?? '0.0.0.0'}:${config.port}/openicf` +
      (config.legacyPort !== undefined ? `, legacy protocol on port ${config.legacyPort}` : ''),
  ];
  if (config.useSsl) {
    if (!config.tls) throw new Error('connectorserver.usessl=true needs connectorserver.keyStoreFile');
    const { loadServerTlsOptions } = await import('./tls/server-tls.ts');
    const loaded = await loadServerTlsOptions(config.tls);
    lines.push(`tls: ${loaded.summary}`, ...loaded.warnings.map((w) => `warning: ${w}`));
  }
  const registry = await createConnectorRegistry({
    bundleDir: config.bundleDir,
    libDir: config.libDir,
    maxFacadeLifeTimeMinutes: config.maxFacadeLifeTimeMinutes,
    logger,
  });
  try {
    const infos = registry.connectorInfos();
    lines.push(`connectors (${infos.length}) from ${config.bundleDir}:`);
    for (const i of infos) lines.push(`  ${i.connectorKey.bundleName}:${i.connectorKey.bundleVersion}:${i.connectorKey.connectorName}`);
  } finally {
    await registry.dispose();
  }
  lines.push(...config.warnings.map((w) => `warning: ${w}`));
  return lines;
}
