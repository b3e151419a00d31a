/** Server logging: pino, pretty when attached to a terminal, with secret-bearing fields redacted. */
import { pino, type Logger, type LoggerOptions } from 'pino';

/** Field paths that may carry secrets; pino replaces their values before anything is written. */
export const REDACTED_PATHS = [
  'password',
  'key',
  'keyHash',
  'secret',
  'facadeKey',
  'authorization',
  '*.password',
  '*.key',
  '*.keyHash',
  '*.secret',
  '*.facadeKey',
  '*.authorization',
  'req.headers.authorization',
];

export interface LoggerSettings {
  level?: string;
  /** Human-readable output; defaults to true when stdout is a TTY. */
  pretty?: boolean;
  /** Write to this stream instead of stdout (tests). */
  destination?: NodeJS.WritableStream;
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    name: 'rcs',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  const pretty = settings.pretty ?? (settings.destination === undefined && process.stdout.isTTY === true);
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:standard' } } });
  }
  if (settings.destination) return pino(options, settings.destination as pino.DestinationStream);
  return pino(options);
}

/** A logger that writes nothing (embedded servers and tests that don't care). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
