/**
 * Package entry: the object model, the wire codecs (legacy serializer and protobuf), the embeddable server and
 * the client library. Connector authors import 'openicf-rcs/spi' instead.
 */
export * from './model/index.ts';
export * from './wire/index.ts';
export { startServer, startFromConfig, BUILTIN_BUNDLE_DIR } from './server/index.ts';
export type { StartServerOptions, RunningServer, ServerConfig } from './server/index.ts';
export { computeKeyHash, verifyKeyHash } from './server/index.ts';
export { loadServerConfig, ConfigError } from './server/config/load-config.ts';
export { RcsClient, RemoteConnectorFacade } from './client/index.ts';
export type { RcsClientOptions, RcsServerOptions } from './client/index.ts';
export { createConnectorRegistry } from './framework/index.ts';
export type { ConnectorFacade, ConnectorRegistry, CallOptions, UpdateMode } from './framework/index.ts';
export { defineBundle, defineConnector } from './spi/index.ts';
export type { ConnectorBundle, ConnectorDefinition, Connector } from './spi/index.ts';
