/**
 * Connector bundle discovery and loading. A bundle is an ES module exporting a ConnectorBundle as `default` or
 * `bundle`: either a sub-directory of bundleDir (entry from package.json "exports"/"main", else index.ts/.js/.mjs)
 * or a single .js/.mjs/.ts module directly in bundleDir. TypeScript bundles load because the process runs with tsx.
 * A broken bundle is logged with its path and the reason and skipped; the others still load.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isApiOperationName } from '../model/index.ts';
import type { ConnectorBundle } from '../spi/index.ts';
import type { FrameworkLogger } from './facade-types.ts';
import { isPropertyType, jsToWire, PropertyTypeMismatch, propertyTypeInfo } from './property-types.ts';
import { registerLibResolver } from './lib-resolver.ts';

/** A bundle and where it came from (a file path, or a label for bundles given in code). */
export interface LoadedBundle {
  readonly bundle: ConnectorBundle;
  readonly source: string;
}

/** A bundle whose manifest is unusable. */
export class BundleManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleManifestError';
  }
}

const MODULE_EXTENSIONS = ['.js', '.mjs', '.ts', '.mts'];

function isModuleFile(name: string): boolean {
  if (name.endsWith('.d.ts') || name.endsWith('.d.mts')) return false;
  return MODULE_EXTENSIONS.some((e) => name.endsWith(e));
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

function exportsTarget(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (exp && typeof exp === 'object') {
    const o = exp as Record<string, unknown>;
    if ('.' in o) return exportsTarget(o['.']);
    for (const k of ['import', 'node', 'default']) if (k in o) return exportsTarget(o[k]);
  }
  return undefined;
}

/** The entry module of a bundle directory, or undefined when the directory is not a bundle. */
export async function bundleDirectoryEntry(dir: string): Promise<string | undefined> {
  const pj = join(dir, 'package.json');
  if (await isFile(pj)) {
    let pkg: Record<string, unknown>;
    try {
      pkg = JSON.parse(await readFile(pj, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new BundleManifestError(`package.json is not valid JSON: ${(e as Error).message}`);
    }
    const target = exportsTarget(pkg.exports) ?? (typeof pkg.main === 'string' ? pkg.main : undefined);
    if (target) {
      const p = join(dir, target);
      if (await isFile(p)) return p;
      throw new BundleManifestError(`package.json entry ${target} does not exist`);
    }
  }
  for (const name of ['index.ts', 'index.js', 'index.mjs', 'index.mts']) {
    if (await isFile(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Lists the bundle entry modules in bundleDir (sorted by name); unusable directories are reported. */
export async function discoverBundleEntries(
  bundleDir: string,
  onError: (path: string, reason: string) => void,
): Promise<string[]> {
  const dir = resolvePath(bundleDir);
  const names = (await readdir(dir)).sort();
  const entries: string[] = [];
  for (const name of names) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const p = join(dir, name);
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      onError(p, (e as Error).message);
      continue;
    }
    if (st.isDirectory()) {
      try {
        const entry = await bundleDirectoryEntry(p);
        if (entry) entries.push(entry);
        else onError(p, 'directory has no package.json entry and no index.ts/index.js/index.mjs');
      } catch (e) {
        onError(p, (e as Error).message);
      }
    } else if (st.isFile() && isModuleFile(name)) {
      entries.push(p);
    }
  }
  return entries;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Checks a module's bundle export and returns it typed; throws BundleManifestError with the reason. */
export function validateBundle(value: unknown): ConnectorBundle {
  if (!value || typeof value !== 'object') throw new BundleManifestError(`bundle export is ${describe(value)}, expected an object`);
  const b = value as Record<string, unknown>;
  if (typeof b.bundleName !== 'string' || b.bundleName.trim() === '') {
    throw new BundleManifestError('bundleName is missing or not a non-empty string');
  }
  if (typeof b.bundleVersion !== 'string' || b.bundleVersion.trim() === '') {
    throw new BundleManifestError('bundleVersion is missing or not a non-empty string');
  }
  if (!Array.isArray(b.connectors)) throw new BundleManifestError('connectors is missing or not an array');
  const seen = new Set<string>();
  b.connectors.forEach((c: unknown, i: number) => {
    if (!c || typeof c !== 'object') throw new BundleManifestError(`connectors[${i}] is ${describe(c)}, expected an object`);
    const d = c as Record<string, unknown>;
    const where = typeof d.name === 'string' ? `connector ${d.name}` : `connectors[${i}]`;
    if (typeof d.name !== 'string' || d.name.trim() === '') throw new BundleManifestError(`${where}: name is missing`);
    if (seen.has(d.name)) throw new BundleManifestError(`${where}: declared twice in the bundle`);
    seen.add(d.name);
    if (typeof d.displayNameKey !== 'string' || d.displayNameKey === '') {
      throw new BundleManifestError(`${where}: displayNameKey is missing`);
    }
    if (d.categoryKey !== undefined && typeof d.categoryKey !== 'string') {
      throw new BundleManifestError(`${where}: categoryKey must be a string`);
    }
    if (typeof d.create !== 'function') throw new BundleManifestError(`${where}: create() is missing`);
    if (d.validate !== undefined && typeof d.validate !== 'function') {
      throw new BundleManifestError(`${where}: validate must be a function`);
    }
    if (d.messages !== undefined) validateMessages(where, d.messages);
    if (!Array.isArray(d.configuration)) throw new BundleManifestError(`${where}: configuration is not an array`);
    const props = new Set<string>();
    d.configuration.forEach((p: unknown, j: number) => {
      if (!p || typeof p !== 'object') throw new BundleManifestError(`${where}: configuration[${j}] is not an object`);
      const prop = p as Record<string, unknown>;
      if (typeof prop.name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(prop.name)) {
        throw new BundleManifestError(`${where}: configuration[${j}] has no valid name`);
      }
      if (props.has(prop.name)) throw new BundleManifestError(`${where}: property ${prop.name} declared twice`);
      props.add(prop.name);
      if (!isPropertyType(prop.type)) {
        throw new BundleManifestError(`${where}: property ${prop.name} has unsupported type ${JSON.stringify(prop.type)}`);
      }
      if (prop.order !== undefined && !(typeof prop.order === 'number' && Number.isInteger(prop.order))) {
        throw new BundleManifestError(`${where}: property ${prop.name} order must be an integer`);
      }
      for (const k of ['displayMessageKey', 'helpMessageKey', 'groupMessageKey'] as const) {
        if (prop[k] !== undefined && typeof prop[k] !== 'string') {
          throw new BundleManifestError(`${where}: property ${prop.name} ${k} must be a string`);
        }
      }
      if (prop.operations !== undefined) {
        if (!Array.isArray(prop.operations) || !prop.operations.every((o) => typeof o === 'string' && isApiOperationName(o))) {
          throw new BundleManifestError(`${where}: property ${prop.name} operations must be API operation names`);
        }
      }
      try {
        jsToWire(propertyTypeInfo(prop.type), prop.default);
      } catch (e) {
        if (e instanceof PropertyTypeMismatch) {
          throw new BundleManifestError(`${where}: property ${prop.name} default does not fit type ${prop.type} (got ${e.actual})`);
        }
        throw e;
      }
    });
  });
  return value as ConnectorBundle;
}

function validateMessages(where: string, messages: unknown): void {
  if (!messages || typeof messages !== 'object') throw new BundleManifestError(`${where}: messages must be an object`);
  for (const [locale, catalog] of Object.entries(messages)) {
    if (!catalog || typeof catalog !== 'object') throw new BundleManifestError(`${where}: messages[${locale}] must be an object`);
    for (const [k, v] of Object.entries(catalog)) {
      if (typeof v !== 'string') throw new BundleManifestError(`${where}: message ${locale}/${k} must be a string`);
    }
  }
}

function bundleExportOf(mod: Record<string, unknown>): unknown {
  if (mod.default !== undefined) return mod.default;
  if (mod.bundle !== undefined) return mod.bundle;
  throw new BundleManifestError('module exports neither `default` nor `bundle`');
}

function errorReason(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/**
 * Loads every bundle of bundleDir (registering the libDir resolver first) and the in-code bundles. Broken
 * bundles are logged and skipped.
 */
export async function loadBundles(
  options: { bundleDir?: string; libDir?: string; bundles?: readonly ConnectorBundle[] },
  logger: FrameworkLogger,
): Promise<LoadedBundle[]> {
  const loaded: LoadedBundle[] = [];
  const report = (path: string, reason: string): void => {
    logger.error({ path, reason }, 'Connector bundle skipped: it could not be loaded');
  };
  if (options.libDir || options.bundleDir) registerLibResolver(options.libDir, options.bundleDir);
  if (options.bundleDir) {
    const entries = await discoverBundleEntries(options.bundleDir, report);
    for (const entry of entries) {
      try {
        const mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
        loaded.push({ bundle: validateBundle(bundleExportOf(mod)), source: entry });
      } catch (e) {
        report(entry, errorReason(e));
      }
    }
  }
  (options.bundles ?? []).forEach((b, i) => {
    const source = `<in-code bundle #${i}${b && typeof b === 'object' && typeof b.bundleName === 'string' ? ` ${b.bundleName}` : ''}>`;
    try {
      loaded.push({ bundle: validateBundle(b), source });
    } catch (e) {
      report(source, errorReason(e));
    }
  });
  return loaded;
}
