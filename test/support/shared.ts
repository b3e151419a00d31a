/**
 * The reference material beside the repository (../shared: golden vectors, transcripts, specs). CI lays it out the
 * same way; RCS_SHARED_DIR overrides the location.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env['RCS_SHARED_DIR'] ?? path.resolve(REPO_ROOT, '../shared');

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}
