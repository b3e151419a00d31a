/**
 * The connector facade key: Base64 (standard alphabet, padded, no line breaks) of the serialized
 * APIConfiguration. The server also uses the key text as a cache key, so encoding is canonical: operation
 * sets and the timeout map are written in name order, whatever order the configuration holds them in.
 */
import { APIConfiguration, ConfigurationProperties, ConfigurationProperty } from '../../model/index.ts';
import { LegacyFormatError } from '../errors.ts';
import { deserializeBinaryObject, serializeBinaryObject } from './stream.ts';

const BASE64 = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function byName<T>(a: readonly [string, T] | string, b: readonly [string, T] | string): number {
  const x = typeof a === 'string' ? a : a[0];
  const y = typeof b === 'string' ? b : b[0];
  return x < y ? -1 : x > y ? 1 : 0;
}

function canonical(cfg: APIConfiguration): APIConfiguration {
  const properties = cfg.configurationProperties.properties.map(
    (p) => new ConfigurationProperty({ ...p, operations: p.operations === null ? null : [...p.operations].sort(byName) }),
  );
  return new APIConfiguration({
    producerBufferSize: cfg.producerBufferSize,
    connectorPoolingSupported: cfg.connectorPoolingSupported,
    connectorPoolConfiguration: cfg.connectorPoolConfiguration,
    resultsHandlerConfiguration: cfg.resultsHandlerConfiguration,
    configurationProperties: new ConfigurationProperties(properties),
    timeoutMap: new Map([...cfg.timeoutMap].sort(byName)),
    supportedOperations: [...cfg.supportedOperations].sort(byName),
  });
}

/** Base64 of the serialized configuration; the same configuration always gives the same string. */
export function encodeFacadeKey(cfg: APIConfiguration): string {
  if (!(cfg instanceof APIConfiguration)) throw new LegacyFormatError('UNSUPPORTED_VALUE', 'a facade key encodes an APIConfiguration');
  return Buffer.from(serializeBinaryObject(canonical(cfg))).toString('base64');
}

/** Strict Base64 as Java's decoder: length a multiple of 4, standard alphabet, no whitespace. */
export function decodeStrictBase64(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new LegacyFormatError('BAD_BASE64', `not strict Base64 (${typeof text === 'string' ? `${text.length} characters` : typeof text})`);
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function decodeFacadeKey(key: string): APIConfiguration {
  const bytes = decodeStrictBase64(key);
  if (bytes.length === 0) throw new LegacyFormatError('TRUNCATED', 'empty facade key');
  const cfg = deserializeBinaryObject(bytes);
  if (!(cfg instanceof APIConfiguration)) {
    throw new LegacyFormatError('INVALID_VALUE', `facade key holds ${cfg === null ? 'null' : (cfg as object).constructor?.name ?? typeof cfg}, not an APIConfiguration`);
  }
  return cfg;
}
