/**
 * Configuration of the CSV file connector: the same property names, types and defaults as the Java
 * CSVFileConnector (org.forgerock.openicf.csvfile.CSVFileConfiguration), so existing provisioner files work as
 * they are.
 */
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationException, type ConfigurationPropertyDefinition } from '../../src/spi/index.ts';
import type { TableLayout } from './csv-table.ts';

/** The configuration object the framework hands to init(): one key per property. */
export interface CsvFileConfiguration {
  csvFile?: { toString(): string } | string | null;
  headerUid?: string | null;
  headerPassword?: string | null;
  quoteCharacter?: string | null;
  fieldDelimiter?: string | null;
  newlineString?: string | null;
  syncFileRetentionCount?: number | null;
}

function prop(
  name: string,
  type: ConfigurationPropertyDefinition['type'],
  messageStem: string,
  dflt: unknown,
  required = false,
): ConfigurationPropertyDefinition {
  return {
    name,
    type,
    // Java leaves the order unset (-1) on every property.
    order: -1,
    required,
    confidential: false,
    ...(dflt === undefined ? {} : { default: dflt }),
    displayMessageKey: `${messageStem}.display`,
    helpMessageKey: `${messageStem}.help`,
    groupMessageKey: `${name}.group`,
  };
}

/** In the order the Java connector lists them. */
export const CSV_CONFIGURATION_PROPERTIES: readonly ConfigurationPropertyDefinition[] = [
  prop('headerPassword', 'String', 'csv_header_password', 'password'),
  prop('csvFile', 'File', 'csv_filepath', undefined, true),
  prop('newlineString', 'String', 'csv_lineend_character', '\n'),
  prop('headerUid', 'String', 'csv_header_uid', 'uid'),
  prop('quoteCharacter', 'String', 'csv_quote_character', '"'),
  prop('fieldDelimiter', 'String', 'csv_field_delimiter', ','),
  prop('syncFileRetentionCount', 'int', 'sync_file_retention_count', 3),
];

/** The configuration with defaults applied and checked. */
export interface ResolvedConfiguration {
  /** Absolute path of the CSV file. */
  readonly csvPath: string;
  readonly layout: TableLayout;
  readonly syncFileRetentionCount: number;
}

function text(value: unknown, fallback: string): string {
  return value === null || value === undefined ? fallback : String(value);
}

/** Checks the values that do not depend on the file system. */
export function resolveConfiguration(cfg: CsvFileConfiguration): ResolvedConfiguration {
  const file = cfg.csvFile === null || cfg.csvFile === undefined ? '' : String(cfg.csvFile);
  if (file.trim() === '') throw new ConfigurationException('CSV file path is not defined');
  const quote = text(cfg.quoteCharacter, '"');
  const delimiter = text(cfg.fieldDelimiter, ',');
  const newline = text(cfg.newlineString, '\n');
  const headerUid = text(cfg.headerUid, 'uid').trim();
  const headerPassword = text(cfg.headerPassword, 'password').trim();
  if (quote.length !== 1) throw new ConfigurationException('quoteCharacter must be exactly one character');
  if (delimiter.length !== 1) throw new ConfigurationException('fieldDelimiter must be exactly one character');
  if (quote === delimiter) throw new ConfigurationException('quoteCharacter and fieldDelimiter must differ');
  for (const c of [quote, delimiter]) {
    if (c === '\n' || c === '\r') throw new ConfigurationException('quoteCharacter and fieldDelimiter cannot be line breaks');
  }
  if (!/^[\r\n]+$/.test(newline)) {
    throw new ConfigurationException('newlineString must be a line break ("\\n", "\\r\\n" or "\\r")');
  }
  if (headerUid === '') throw new ConfigurationException('headerUid must not be empty');
  const retention = cfg.syncFileRetentionCount ?? 3;
  if (!Number.isInteger(retention)) throw new ConfigurationException('syncFileRetentionCount must be an integer');
  return {
    csvPath: resolve(file),
    layout: { quote, delimiter, newline, headerUid, headerPassword: headerPassword === '' ? null : headerPassword },
    syncFileRetentionCount: retention,
  };
}

/** The Java connector's validate(): the file must exist, be a regular file, readable and writable. */
export function validateConfiguration(cfg: CsvFileConfiguration): void {
  const { csvPath } = resolveConfiguration(cfg);
  const shown = String(cfg.csvFile);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(csvPath).isDirectory();
  } catch {
    throw new ConfigurationException(`File '${shown}' doesn't exist. A file containing a csv header must exist.`);
  }
  if (isDirectory) throw new ConfigurationException(`File path '${shown}' points to a directory.`);
  try {
    accessSync(csvPath, fsConstants.R_OK);
  } catch {
    throw new ConfigurationException(`File '${shown}' can't be read.`);
  }
  try {
    accessSync(csvPath, fsConstants.W_OK);
  } catch {
    throw new ConfigurationException(`Can't write to file '${csvPath}'.`);
  }
}
