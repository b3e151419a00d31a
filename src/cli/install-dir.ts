import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installation directory: RCS_HOME, else the package root (parent of bin/ and src/). */
export function installDir(): string {
  return process.env['RCS_HOME'] ? path.resolve(process.env['RCS_HOME']) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
}
