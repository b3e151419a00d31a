/**
 * Validated server configuration: what `conf/ConnectorServer.properties` (plus OPENICF_OPTS and CLI flags)
 * resolves to. Every path here is absolute (resolved against the installation directory).
 */
export interface KeyStoreSettings {
  /** Absolute path of the store file. */
  file: string;
  /** Store type as configured; only PKCS12 is supported. */
  type: string;
  /** Store password (never logged). */
  password: string;
}

export interface TlsSettings {
  keyStore: KeyStoreSettings;
  /** Password of the private key entry; defaults to the store password. Never logged. */
  keyPassword: string;
  /** Alias of the private key entry to serve; undefined = the single private-key entry. */
  keyAlias?: string;
  /** Trusted CAs for client certificates (keytool trustedCertEntry bags). */
  trustStore?: KeyStoreSettings;
  /** Require and verify client certificates (mutual TLS). */
  requireClientCertificate: boolean;
}

export interface ServerConfig {
  /** Directory the relative paths were resolved against. */
  installDir: string;
  /** The properties file that was read, if any. */
  propertiesFile?: string;
  port: number;
  /** Bind address; undefined = all interfaces. */
  ifaddress?: string;
  useSsl: boolean;
  tls?: TlsSettings;
  /** Base64 SHA-1 of the UTF-16BE shared secret. Never logged. */
  keyHash: string;
  bundleDir: string;
  libDir: string;
  /** Seconds between WebSocket pings; 0 disables them. */
  pingPongIntervalSeconds: number;
  /** Largest accepted WebSocket message, in bytes. */
  maxMessageSize: number;
  /** Seconds without any traffic after which a socket is closed; 0 disables. */
  idleTimeoutSeconds: number;
  /** Seconds SIGTERM waits for in-flight operations before closing sockets. */
  drainTimeoutSeconds: number;
  /** Minutes an unused connector facade (and its pool) is kept. */
  maxFacadeLifeTimeMinutes: number;
  /** Failed authentications from one address within the window before it is throttled. */
  authFailureLimit: number;
  /** Throttling window in seconds. */
  authFailureWindowSeconds: number;
  /** Port of the legacy (pre-WebSocket) socket protocol; undefined = not served, 0 = a free port. */
  legacyPort?: number;
  /** Serve GET /metrics (Prometheus text format, no authentication); undefined = true. */
  metrics?: boolean;
  /** pino level: trace, debug, info, warn, error, fatal, silent. */
  logLevel: string;
  /** The configured loggerClass (accepted for compatibility; logging always goes through pino). */
  loggerClass?: string;
  /** Warnings gathered while loading (unknown properties, ignored client-mode properties...). */
  warnings: string[];
}
