/** Public connector SPI: the only module connectors import. */
export * from './connector.ts';
export * from './helpers.ts';
export * from '../model/index.ts';
