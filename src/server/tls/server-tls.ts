/**
 * Turns the TLS settings of the connector server (PKCS#12 keystore, optional truststore, client-certificate policy)
 * into options for https.createServer / tls.createSecureContext, with errors that name the file and the property.
 */
import { createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { KeyStoreSettings, TlsSettings } from '../config/types.ts';
import { Pkcs12Error, findKeyEntry, parsePkcs12, type Pkcs12KeyEntry, type Pkcs12Store } from './pkcs12.ts';
import { subjectText, validity } from './certificates.ts';

/** The TLS configuration cannot be used; `property` names the configuration property to fix. */
export class TlsConfigError extends Error {
  readonly property: string;
  readonly file?: string;
  constructor(message: string, property: string, file?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TlsConfigError';
    this.property = property;
    if (file !== undefined) this.file = file;
  }
}

export interface ServerTlsOptions {
  /** PKCS#8 PEM of the server's private key. */
  key: string;
  /** PEM certificate chain, leaf first. */
  cert: string;
  /** PEM CA certificates trusted for client certificates (from the truststore). */
  ca?: string[];
  requestCert: boolean;
  rejectUnauthorized: boolean;
  minVersion: 'TLSv1.2';
  /** Problems worth logging that do not stop the server (expired or not yet valid certificates...). */
  warnings: string[];
  /** One line describing what will be served, without secrets. */
  summary: string;
}

/** Names of the configuration properties a store's settings came from, for messages. */
export interface StoreProperties {
  file: string;
  type: string;
  password: string;
}

const KEY_STORE_PROPERTIES: StoreProperties = {
  file: 'connectorserver.keyStoreFile',
  type: 'connectorserver.keyStoreType',
  password: 'connectorserver.keyStorePass',
};
const TRUST_STORE_PROPERTIES: StoreProperties = {
  file: 'connectorserver.trustStoreFile',
  type: 'connectorserver.trustStoreType',
  password: 'connectorserver.trustStorePass',
};
const KEY_PASS_PROPERTY = 'connectorserver.keyPass';
const KEY_ALIAS_PROPERTY = 'connectorserver.keyStoreAlias';
const REQUIRE_CLIENT_CERT_PROPERTY = 'connectorserver.requireClientCertificate';

const SUPPORTED_TYPES = new Set(['PKCS12', 'PKCS#12', 'P12', 'PFX']);

/** Recognizes the Java-only keystore formats by their magic numbers, to say what to do about them. */
function javaOnlyFormat(data: Buffer): string | undefined {
  if (data.length < 4) return undefined;
  const magic = data.readUInt32BE(0);
  if (magic === 0xfeedfeed) return 'JKS';
  if (magic === 0xcececece) return 'JCEKS';
  return undefined;
}

function conversionHint(file: string): string {
  return `convert it with: keytool -importkeystore -srckeystore ${file} -destkeystore ${file}.p12 -deststoretype PKCS12`;
}

/** Reads a PKCS#12 store, turning every failure into a TlsConfigError naming the file and the property. */
export async function readStore(settings: KeyStoreSettings, properties: StoreProperties, role: string): Promise<Pkcs12Store> {
  const { file } = settings;
  const type = settings.type.trim().toUpperCase();
  if (!SUPPORTED_TYPES.has(type)) {
    throw new TlsConfigError(
      `${properties.type}=${settings.type} is not supported for ${role} ${file}: only PKCS12 stores are supported; ${conversionHint(file)}`,
      properties.type,
      file,
    );
  }
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'I/O error'})`;
    throw new TlsConfigError(`${role} ${file} (${properties.file}) ${reason}`, properties.file, file, { cause: error });
  }
  if (data.length === 0) throw new TlsConfigError(`${role} ${file} (${properties.file}) is empty`, properties.file, file);
  const javaFormat = javaOnlyFormat(data);
  if (javaFormat) {
    throw new TlsConfigError(`${role} ${file} (${properties.file}) is a ${javaFormat} keystore; only PKCS12 stores are supported; ${conversionHint(file)}`, properties.file, file);
  }
  try {
    return parsePkcs12(data, settings.password, { name: file });
  } catch (error) {
    if (error instanceof Pkcs12Error) {
      if (error.code === 'bad-store-password') {
        throw new TlsConfigError(`${role} ${file}: the store password (${properties.password}) is wrong, or the file was altered`, properties.password, file, { cause: error });
      }
      if (error.code === 'malformed') {
        throw new TlsConfigError(`${role} ${file} (${properties.file}) is not a valid PKCS12 store: ${error.message}`, properties.file, file, { cause: error });
      }
      throw new TlsConfigError(`${role} ${file} (${properties.file}): ${error.message}`, properties.file, file, { cause: error });
    }
    throw error;
  }
}

function chooseKeyEntry(store: Pkcs12Store, tls: TlsSettings): Pkcs12KeyEntry {
  const file = tls.keyStore.file;
  const aliases = store.keyEntries.map((e) => e.alias);
  if (store.keyEntries.length === 0) {
    if (store.trustedEntries.length === 0) throw new TlsConfigError(`keystore ${file} (${KEY_STORE_PROPERTIES.file}) is empty: it holds no entries`, KEY_STORE_PROPERTIES.file, file);
    throw new TlsConfigError(
      `keystore ${file} (${KEY_STORE_PROPERTIES.file}) holds no private key entry, only trusted certificates (${store.trustedEntries.map((e) => e.alias).join(', ')}); it looks like a truststore`,
      KEY_STORE_PROPERTIES.file,
      file,
    );
  }
  if (tls.keyAlias !== undefined && tls.keyAlias !== '') {
    const entry = findKeyEntry(store, tls.keyAlias);
    if (!entry) throw new TlsConfigError(`${KEY_ALIAS_PROPERTY}=${tls.keyAlias}: no private key entry with that alias in ${file}; private key aliases: ${aliases.join(', ')}`, KEY_ALIAS_PROPERTY, file);
    return entry;
  }
  if (store.keyEntries.length > 1) {
    throw new TlsConfigError(`keystore ${file} holds ${aliases.length} private key entries (${aliases.join(', ')}); set ${KEY_ALIAS_PROPERTY} to choose one`, KEY_ALIAS_PROPERTY, file);
  }
  return store.keyEntries[0];
}

function validityWarning(certificate: X509Certificate, label: string, now: Date): string | undefined {
  const { notBefore, notAfter } = validity(certificate);
  const dates = `notBefore=${notBefore.toISOString()}, notAfter=${notAfter.toISOString()}`;
  if (now < notBefore) return `${label} ${subjectText(certificate)} is not yet valid (${dates})`;
  if (now > notAfter) return `${label} ${subjectText(certificate)} has expired (${dates})`;
  return undefined;
}

function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') return `RSA ${details?.modulusLength ?? '?'}`;
  if (key.asymmetricKeyType === 'ec') return `EC ${details?.namedCurve ?? '?'}`;
  return key.asymmetricKeyType ?? 'unknown key';
}

function spki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/**
 * Loads the server key, certificate chain and client-CA list. `log` receives progress lines (no secrets); warnings
 * are returned, not logged, so the caller decides how to report them.
 */
export async function loadServerTlsOptions(tls: TlsSettings, log?: (msg: string) => void): Promise<ServerTlsOptions> {
  const now = new Date();
  const warnings: string[] = [];
  const keyFile = tls.keyStore.file;
  log?.(`reading TLS keystore ${keyFile} (${tls.keyStore.type})`);
  const keyStore = await readStore(tls.keyStore, KEY_STORE_PROPERTIES, 'keystore');
  const entry = chooseKeyEntry(keyStore, tls);
  if (entry.chain.length === 0) {
    throw new TlsConfigError(`keystore ${keyFile}: private key entry '${entry.alias}' has no certificate`, KEY_STORE_PROPERTIES.file, keyFile);
  }
  let privateKey;
  try {
    privateKey = entry.decryptPrivateKey(tls.keyPassword);
  } catch (error) {
    if (error instanceof Pkcs12Error && error.code === 'bad-key-password') {
      throw new TlsConfigError(`keystore ${keyFile}: the key password (${KEY_PASS_PROPERTY}) does not decrypt private key entry '${entry.alias}'`, KEY_PASS_PROPERTY, keyFile, { cause: error });
    }
    if (error instanceof Pkcs12Error) throw new TlsConfigError(`keystore ${keyFile}: ${error.message}`, KEY_STORE_PROPERTIES.file, keyFile, { cause: error });
    throw error;
  }
  const leaf = entry.chain[0];
  if (!spki(createPublicKey(privateKey.key)).equals(spki(leaf.publicKey))) {
    throw new TlsConfigError(`keystore ${keyFile}: the certificate of entry '${entry.alias}' does not belong to its private key`, KEY_STORE_PROPERTIES.file, keyFile);
  }
  entry.chain.forEach((certificate, index) => {
    const warning = validityWarning(certificate, index === 0 ? `server certificate '${entry.alias}'` : `chain certificate #${index + 1} of '${entry.alias}'`, now);
    if (warning) warnings.push(warning);
  });
  log?.(`serving private key entry '${entry.alias}' from ${keyFile}`);

  let ca: string[] | undefined;
  let clientCas: X509Certificate[] = [];
  if (tls.trustStore) {
    log?.(`reading TLS truststore ${tls.trustStore.file} (${tls.trustStore.type})`);
    const trustStore = await readStore(tls.trustStore, TRUST_STORE_PROPERTIES, 'truststore');
    clientCas = trustStore.trustedEntries.map((e) => e.certificate);
    if (clientCas.length === 0) {
      throw new TlsConfigError(`truststore ${tls.trustStore.file} (${TRUST_STORE_PROPERTIES.file}) holds no trusted certificate`, TRUST_STORE_PROPERTIES.file, tls.trustStore.file);
    }
    trustStore.trustedEntries.forEach((e) => {
      const warning = validityWarning(e.certificate, `trusted certificate '${e.alias}' in ${tls.trustStore?.file}`, now);
      if (warning) warnings.push(warning);
    });
    ca = clientCas.map((c) => c.toString());
  } else if (tls.requireClientCertificate) {
    throw new TlsConfigError(
      `${REQUIRE_CLIENT_CERT_PROPERTY}=true needs ${TRUST_STORE_PROPERTIES.file}: the CA certificates that client certificates must chain to`,
      TRUST_STORE_PROPERTIES.file,
    );
  }

  const validUntil = validity(leaf).notAfter.toISOString();
  const clientPolicy = tls.requireClientCertificate ? `required, ${clientCas.length} trusted CA(s)` : 'not requested';
  const summary =
    `TLS (TLSv1.2, TLSv1.3) with '${entry.alias}' from ${keyFile}: ${subjectText(leaf)}, ${describeKey(privateKey.key)}, ` +
    `chain of ${entry.chain.length}, valid until ${validUntil}; client certificates ${clientPolicy}`;

  const options: ServerTlsOptions = {
    key: privateKey.pem,
    cert: entry.chain.map((c) => c.toString()).join(''),
    requestCert: tls.requireClientCertificate,
    rejectUnauthorized: tls.requireClientCertificate,
    minVersion: 'TLSv1.2',
    warnings,
    summary,
  };
  if (ca) options.ca = ca;
  return options;
}

/** Property / option names used in loadClientTrust's messages. */
export const CLIENT_TRUST_PROPERTIES: StoreProperties = { file: '--truststore', type: '--truststore-type', password: '--truststore-pass' };

/**
 * The CA certificates (PEM) of a truststore, for clients verifying the server (`rcs client --truststore`).
 * Throws TlsConfigError naming the file and the option.
 */
export async function loadClientTrust(file: string, type: string, password: string, properties: StoreProperties = CLIENT_TRUST_PROPERTIES): Promise<string[]> {
  const store = await readStore({ file, type, password }, properties, 'truststore');
  const certificates = store.trustedEntries.length > 0 ? store.trustedEntries.map((e) => e.certificate) : store.certificateBags.map((b) => b.certificate);
  if (certificates.length === 0) throw new TlsConfigError(`truststore ${file} (${properties.file}) holds no certificate`, properties.file, file);
  return certificates.map((c) => c.toString());
}

export { TRUST_STORE_PROPERTIES, KEY_STORE_PROPERTIES };
