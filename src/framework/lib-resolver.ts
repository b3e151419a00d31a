/**
 * Module resolution for bundles:
 * - `openicf-rcs/spi` (and `openicf-rcs`) always resolve to this server's own modules, even when a bundle carries a
 *   copy of the package (for its types): connectors must share the server's model classes, or instanceof checks
 *   between their objects and the framework's would fail;
 * - shared modules in libDir are importable with a bare specifier (`import x from 'mylib'` → libDir/mylib), like a
 *   NODE_PATH fallback for ES modules.
 *
 * Approach: a node:module resolve hook (module.register). The hook first lets the normal chain resolve the
 * specifier (so a bundle's own node_modules, and tsx's TypeScript resolution, win); only when that fails with
 * ERR_MODULE_NOT_FOUND, the specifier is bare, and the importing module lives under bundleDir or libDir, it
 * looks in libDir for `<name>` as a file (with .js/.mjs/.cjs/.ts/.mts appended if needed) or a directory (its
 * package.json "exports"/"main", else index.*), then in libDir/node_modules. The hook source is a data: URL so
 * the hooks thread needs no loader of its own; one hook is registered per (bundleDir, libDir) pair.
 */
import { register } from 'node:module';
import { realpathSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';

const HOOK_SOURCE = String.raw`
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

let scopes = [];
let libDir = '';
let selfModules = {};

export function initialize(data) {
  libDir = data.libDir;
  selfModules = data.selfModules;
  scopes = data.scopes.map((d) => pathToFileURL(d).href.replace(/\/?$/, '/'));
}

function isFile(p) { try { return statSync(p).isFile(); } catch { return false; } }
function isDir(p) { try { return statSync(p).isDirectory(); } catch { return false; } }
const EXTS = ['.js', '.mjs', '.cjs', '.ts', '.mts'];

function fileWithExt(p) {
  if (isFile(p)) return p;
  for (const e of EXTS) if (isFile(p + e)) return p + e;
  return undefined;
}

function exportsTarget(exp) {
  if (typeof exp === 'string') return exp;
  if (exp && typeof exp === 'object') {
    if ('.' in exp) return exportsTarget(exp['.']);
    for (const k of ['import', 'node', 'default']) if (k in exp) return exportsTarget(exp[k]);
  }
  return undefined;
}

function dirEntry(dir) {
  const pj = join(dir, 'package.json');
  if (isFile(pj)) {
    try {
      const pkg = JSON.parse(readFileSync(pj, 'utf8'));
      const target = exportsTarget(pkg.exports) ?? (typeof pkg.main === 'string' ? pkg.main : undefined);
      if (target) {
        const f = fileWithExt(join(dir, target)) ?? (isDir(join(dir, target)) ? dirEntry(join(dir, target)) : undefined);
        if (f) return f;
      }
    } catch {}
  }
  for (const name of ['index.js', 'index.mjs', 'index.ts', 'index.mts', 'index.cjs']) {
    if (isFile(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function isBare(s) {
  return !(s.startsWith('.') || s.startsWith('/') || s.startsWith('#') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s));
}

export async function resolve(specifier, context, nextResolve) {
  const parentURL = context.parentURL ?? '';
  const self = selfModules[specifier];
  if (self && scopes.some((s) => parentURL.startsWith(s))) return nextResolve(self, context);
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (!err || err.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier) || !libDir) throw err;
    const parent = context.parentURL ?? '';
    if (!scopes.some((s) => parent.startsWith(s))) throw err;
    const base = join(libDir, specifier);
    const found = fileWithExt(base) ?? (isDir(base) ? dirEntry(base) : undefined);
    // Resolved again through the chain so later hooks (tsx for .ts files) see an ordinary file URL.
    if (found) return nextResolve(pathToFileURL(found).href, context);
    try {
      return await nextResolve(specifier, { ...context, parentURL: pathToFileURL(join(libDir, '__lib__.js')).href });
    } catch {
      throw err;
    }
  }
}
`;

const registered = new Set<string>();

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolvePath(p);
  }
}

/** This package's public entry points, as bundles import them. */
const SELF_MODULES: Record<string, string> = {
  'openicf-rcs/spi': new URL('../spi/index.ts', import.meta.url).href,
  'openicf-rcs': new URL('../index.ts', import.meta.url).href,
};

/**
 * Registers the resolver for modules under bundleDir (and libDir itself): this package's entry points, then the
 * libDir fallback when a libDir is given. Idempotent per pair.
 */
export function registerLibResolver(libDir: string | undefined, bundleDir?: string): void {
  const lib = libDir ? real(libDir) : '';
  const scopes = [...(lib ? [lib] : []), ...(bundleDir ? [real(bundleDir)] : [])];
  if (scopes.length === 0) return;
  const id = JSON.stringify(scopes);
  if (registered.has(id)) return;
  registered.add(id);
  register(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`, {
    data: { libDir: lib, scopes, selfModules: SELF_MODULES },
  });
}
