/** The TypeScript IDM-side client of OpenICF connector servers. */
export { RcsClient, OPENICF_SUBPROTOCOL } from './rcs-client.ts';
export type { RcsClientOptions, RcsServerOptions, FacadeConfigurer } from './rcs-client.ts';
export { RemoteConnectorFacade } from './remote-facade.ts';
export type { ConfigurationChangeHandler } from './remote-facade.ts';
