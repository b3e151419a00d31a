/**
 * Builds the validated ServerConfig from conf/ConnectorServer.properties, the `-Dconnectorserver.*` entries of
 * OPENICF_OPTS and command-line overrides (each one overriding the previous). A bad value stops startup with a
 * ConfigError naming the property, where it came from and what is expected; secrets are never quoted.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { computeKeyHash, isKeyHash } from '../auth/key-hash.ts';
import { decodePropertiesBytes, parseProperties, PropertiesSyntaxError } from './java-properties.ts';
import { OpenIcfOptsError, parseOpenIcfOpts } from './openicf-opts.ts';
import type { KeyStoreSettings, ServerConfig, TlsSettings } from './types.ts';

/** A configuration that cannot be used; the message is meant for the operator and holds no secret. */
export class ConfigError extends Error {
  /** The property at fault, when there is one. */
  readonly property?: string;
  constructor(message: string, property?: string) {
    super(message);
    this.name = 'ConfigError';
    this.property = property;
  }
}

export interface LoadServerConfigOptions {
  /** Installation directory: relative paths resolve against it. */
  installDir: string;
  /** Properties file; default `<installDir>/conf/ConnectorServer.properties`. Relative = against the cwd. */
  propertiesFile?: string;
  /** Environment to read OPENICF_OPTS from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Command-line values, keyed `connectorserver.<name>` or just `<name>`; they override everything else. */
  overrides?: Record<string, string>;
}

const PREFIX = 'connectorserver.';

/** Properties of the Java connector server that this server uses (server mode). */
export const SERVER_MODE_PROPERTIES = [
  'port', 'ifaddress', 'usessl', 'key', 'password', 'pingPongInterval', 'bundleDir', 'libDir', 'loggerClass',
  'maxFacadeLifeTime', 'keyStoreFile', 'keyStoreType', 'keyStorePass', 'keyPass', 'trustStoreFile',
  'trustStoreType', 'trustStorePass',
].map((name) => PREFIX + name);

/** Properties of this server only. */
export const EXTENSION_PROPERTIES = [
  'keyStoreAlias', 'requireClientCertificate', 'maxMessageSize', 'idleTimeout', 'drainTimeout', 'authFailureLimit',
  'authFailureWindow', 'logLevel', 'legacyPort', 'metrics',
].map((name) => PREFIX + name);

/** Properties of the Java server's client mode (it dials out to IDM): accepted, ignored with one warning. */
export const CLIENT_MODE_PROPERTIES = [
  'url', 'principal', 'connectorServerName', 'connectionCount', 'webSocketConnections', 'maxWebSocketConnections',
  'connectionTtl', 'newConnectionsInterval', 'housekeepingInterval', 'groupCheckInterval', 'hostId', 'proxyHost',
  'proxyPort', 'proxyPrincipal', 'proxyPassword', 'tokenEndpoint', 'clientId', 'clientSecret', 'scope',
].map((name) => PREFIX + name);

/** Properties whose values are never repeated in a message. */
const SECRET_PROPERTIES = new Set(
  ['key', 'password', 'keyStorePass', 'keyPass', 'trustStorePass', 'proxyPassword', 'clientSecret'].map(
    (name) => PREFIX + name,
  ),
);

const KNOWN_PROPERTIES = new Set([...SERVER_MODE_PROPERTIES, ...EXTENSION_PROPERTIES, ...CLIENT_MODE_PROPERTIES]);

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Where the shipped configuration file sits in an installation. */
export function defaultPropertiesFile(installDir: string): string {
  return resolve(installDir, 'conf', 'ConnectorServer.properties');
}

/** A property value and a phrase saying where it came from ("in /x/conf/...", "in OPENICF_OPTS"...). */
interface Setting {
  value: string;
  origin: string;
}

/** Printable, bounded rendering of a (non-secret) value for a message. */
function show(value: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return printable.length > 80 ? printable.slice(0, 77) + '...' : printable;
}

function invalid(name: string, setting: Setting, expected: string): ConfigError {
  const what = SECRET_PROPERTIES.has(name) ? name : `${name}=${show(setting.value)}`;
  return new ConfigError(`${what} ${setting.origin}: expected ${expected}`, name);
}

/** Reads and checks the merged settings; `fileOrigin` names the file for messages about missing properties. */
class Settings {
  constructor(
    private readonly values: Map<string, Setting>,
    readonly fileOrigin: string,
  ) {}

  get(name: string): Setting | undefined {
    return this.values.get(name);
  }

  /** The value, trimmed; undefined when unset or blank. */
  string(name: string): string | undefined {
    const value = this.values.get(name)?.value.trim();
    return value ? value : undefined;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const setting = this.values.get(name);
    if (!setting || setting.value.trim() === '') return fallback;
    const text = setting.value.trim();
    const value = /^\+?\d{1,15}$/.test(text) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) throw invalid(name, setting, `an integer ${min}..${max}`);
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const setting = this.values.get(name);
    if (!setting || setting.value.trim() === '') return fallback;
    const text = setting.value.trim().toLowerCase();
    if (text !== 'true' && text !== 'false') throw invalid(name, setting, 'true or false');
    return text === 'true';
  }

  /** A path resolved against the installation directory. */
  path(name: string, installDir: string, fallback?: string): { path: string; setting: Setting } | undefined {
    const value = this.string(name) ?? fallback;
    if (value === undefined) return undefined;
    const setting = this.values.get(name) ?? { value, origin: `(default) ${this.fileOrigin}` };
    return { path: resolve(installDir, value), setting };
  }
}

function readPropertiesFile(file: string): Map<string, string> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
    throw new ConfigError(`cannot read the properties file ${file}: ${reason}`);
  }
  try {
    return parseProperties(decodePropertiesBytes(bytes).text);
  } catch (err) {
    if (err instanceof PropertiesSyntaxError) throw new ConfigError(`${file} ${err.message}`);
    throw err;
  }
}

function overrideName(name: string): string {
  return name.startsWith(PREFIX) ? name : PREFIX + name;
}

function keyStore(
  settings: Settings,
  installDir: string,
  prefix: 'keyStore' | 'trustStore',
): KeyStoreSettings | undefined {
  const file = settings.path(PREFIX + prefix + 'File', installDir);
  if (!file) return undefined;
  if (!existsSync(file.path) || !statSync(file.path).isFile()) {
    throw invalid(PREFIX + prefix + 'File', file.setting, `an existing PKCS12 file (${file.path} not found)`);
  }
  const typeName = PREFIX + prefix + 'Type';
  const type = settings.string(typeName) ?? 'PKCS12';
  if (type.toUpperCase() !== 'PKCS12') {
    throw invalid(typeName, settings.get(typeName)!, 'PKCS12 (the only supported store type)');
  }
  return { file: file.path, type, password: settings.get(PREFIX + prefix + 'Pass')?.value ?? '' };
}

function tlsSettings(settings: Settings, installDir: string): TlsSettings {
  const keyStoreSettings = keyStore(settings, installDir, 'keyStore');
  if (!keyStoreSettings) {
    const usessl = settings.get(PREFIX + 'usessl')!;
    throw new ConfigError(
      `${PREFIX}usessl=true ${usessl.origin} needs ${PREFIX}keyStoreFile (a PKCS12 store with the server key)`,
      PREFIX + 'keyStoreFile',
    );
  }
  const trustStore = keyStore(settings, installDir, 'trustStore');
  const requireClientCertificate = settings.boolean(PREFIX + 'requireClientCertificate', false);
  if (requireClientCertificate && !trustStore) {
    const setting = settings.get(PREFIX + 'requireClientCertificate')!;
    throw new ConfigError(
      `${PREFIX}requireClientCertificate=true ${setting.origin} needs ${PREFIX}trustStoreFile (the CAs that sign client certificates)`,
      PREFIX + 'trustStoreFile',
    );
  }
  const keyPass = settings.get(PREFIX + 'keyPass')?.value;
  const tls: TlsSettings = {
    keyStore: keyStoreSettings,
    keyPassword: keyPass === undefined || keyPass === '' ? keyStoreSettings.password : keyPass,
    requireClientCertificate,
  };
  const alias = settings.string(PREFIX + 'keyStoreAlias');
  if (alias !== undefined) tls.keyAlias = alias;
  if (trustStore) tls.trustStore = trustStore;
  return tls;
}

function keyHash(settings: Settings, warnings: string[]): string {
  const key = settings.get(PREFIX + 'key');
  const password = settings.get(PREFIX + 'password');
  if (key && key.value.trim() !== '') {
    if (!isKeyHash(key.value.trim())) {
      throw invalid(PREFIX + 'key', key, '28 characters of base64, the hash written by "rcs setkey"');
    }
    if (password) warnings.push(`${PREFIX}password ${password.origin} is ignored: ${PREFIX}key is set`);
    return key.value.trim();
  }
  if (password && password.value !== '') return computeKeyHash(password.value);
  throw new ConfigError(
    `no shared key ${settings.fileOrigin}: set ${PREFIX}key (with "rcs setkey") or ${PREFIX}password`,
    PREFIX + 'key',
  );
}

function bindAddress(settings: Settings): string | undefined {
  const name = PREFIX + 'ifaddress';
  const value = settings.string(name);
  if (value === undefined) return undefined;
  const isHostName = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(value);
  if (isIP(value) === 0 && !isHostName) throw invalid(name, settings.get(name)!, 'an IP address or a host name');
  return value;
}

/** Load and validate the server configuration (synchronous: it runs once, before the server starts). */
export function loadServerConfig(opts: LoadServerConfigOptions): ServerConfig {
  const installDir = resolve(opts.installDir);
  const explicitFile = opts.propertiesFile !== undefined;
  const file = explicitFile ? resolve(opts.propertiesFile!) : defaultPropertiesFile(installDir);
  const fileExists = existsSync(file);
  const warnings: string[] = [];

  // Merge the three layers, remembering where each value came from.
  const merged = new Map<string, Setting>();
  const fromFile = explicitFile || fileExists ? readPropertiesFile(file) : new Map<string, string>();
  const fileOrigin = explicitFile || fileExists ? `in ${file}` : `(no ${file})`;
  for (const [name, value] of fromFile) merged.set(name, { value, origin: fileOrigin });
  let fromEnv: Map<string, string>;
  try {
    fromEnv = parseOpenIcfOpts((opts.env ?? process.env).OPENICF_OPTS);
  } catch (err) {
    if (err instanceof OpenIcfOptsError) throw new ConfigError(err.message);
    throw err;
  }
  for (const [name, value] of fromEnv) merged.set(name, { value, origin: 'in OPENICF_OPTS' });
  for (const [name, value] of Object.entries(opts.overrides ?? {})) {
    merged.set(overrideName(name), { value: String(value), origin: 'on the command line' });
  }

  const ignoredClientMode: string[] = [];
  for (const [name, setting] of merged) {
    if (CLIENT_MODE_PROPERTIES.includes(name)) ignoredClientMode.push(name);
    else if (!KNOWN_PROPERTIES.has(name)) warnings.push(`unknown property ${show(name)} ${setting.origin} is ignored`);
  }
  if (ignoredClientMode.length > 0) {
    warnings.push(`client-mode properties are ignored in server mode: ${ignoredClientMode.join(', ')}`);
  }

  const settings = new Settings(merged, fileOrigin);
  const port = settings.integer(PREFIX + 'port', 8759, 0, 65535);
  const ifaddress = bindAddress(settings);
  const useSsl = settings.boolean(PREFIX + 'usessl', false);
  const hash = keyHash(settings, warnings);

  const bundleDir = settings.path(PREFIX + 'bundleDir', installDir, 'connectors')!;
  if (!existsSync(bundleDir.path) || !statSync(bundleDir.path).isDirectory()) {
    throw invalid(PREFIX + 'bundleDir', bundleDir.setting, `an existing directory (${bundleDir.path} not found)`);
  }
  const libDir = settings.path(PREFIX + 'libDir', installDir, 'lib')!;

  let tls: TlsSettings | undefined;
  if (useSsl) {
    tls = tlsSettings(settings, installDir);
  } else {
    const tlsOnly = ['keyStoreFile', 'trustStoreFile', 'requireClientCertificate'].map((n) => PREFIX + n);
    const present = tlsOnly.filter((name) => settings.string(name) !== undefined);
    if (present.length > 0) warnings.push(`${present.join(', ')} ignored: ${PREFIX}usessl is not true`);
  }

  const logLevelSetting = settings.get(PREFIX + 'logLevel');
  const logLevel = (settings.string(PREFIX + 'logLevel') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) throw invalid(PREFIX + 'logLevel', logLevelSetting!, LOG_LEVELS.join(', '));

  const config: ServerConfig = {
    installDir,
    port,
    useSsl,
    keyHash: hash,
    bundleDir: bundleDir.path,
    libDir: libDir.path,
    pingPongIntervalSeconds: settings.integer(PREFIX + 'pingPongInterval', 60, 0, 86_400),
    maxMessageSize: settings.integer(PREFIX + 'maxMessageSize', 16 * 1024 * 1024, 1024, 2 ** 31 - 1),
    idleTimeoutSeconds: settings.integer(PREFIX + 'idleTimeout', 900, 0, 86_400 * 7),
    drainTimeoutSeconds: settings.integer(PREFIX + 'drainTimeout', 30, 0, 3_600),
    maxFacadeLifeTimeMinutes: settings.integer(PREFIX + 'maxFacadeLifeTime', 120, 1, 525_600),
    authFailureLimit: settings.integer(PREFIX + 'authFailureLimit', 10, 1, 1_000_000),
    authFailureWindowSeconds: settings.integer(PREFIX + 'authFailureWindow', 60, 1, 86_400),
    logLevel,
    warnings,
  };
  if (explicitFile || fileExists) config.propertiesFile = file;
  if (ifaddress !== undefined) config.ifaddress = ifaddress;
  if (tls) config.tls = tls;
  if (settings.string(PREFIX + 'legacyPort') !== undefined) {
    config.legacyPort = settings.integer(PREFIX + 'legacyPort', 0, 0, 65535);
  }
  // Set only when configured, so the default (served) leaves the configuration as it was.
  if (settings.string(PREFIX + 'metrics') !== undefined) config.metrics = settings.boolean(PREFIX + 'metrics', true);
  const loggerClass = settings.string(PREFIX + 'loggerClass');
  if (loggerClass !== undefined) config.loggerClass = loggerClass;
  return config;
}
