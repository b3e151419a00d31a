export { startServer, startFromConfig, checkConfig, BUILTIN_BUNDLE_DIR, DEFAULT_MAX_MESSAGE_SIZE } from './start-server.ts';
export type { StartServerOptions, RunningServer } from './start-server.ts';
export { Listener, OPENICF_PATH, OPENICF_SUBPROTOCOL, SERVER_HEADER } from './listener.ts';
export { LegacyListener, LEGACY_MAX_CONNECTIONS } from './legacy-listener.ts';
export type { ListenerOptions, ListenerTlsOptions } from './listener.ts';
export { createLogger, silentLogger } from './logger.ts';
export { computeKeyHash, verifyKeyHash } from './auth/key-hash.ts';
export type { ServerConfig, TlsSettings } from './config/types.ts';
