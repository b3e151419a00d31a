/**
 * The project's conformance data (test/conformance): golden vectors written by the Java serializer, real
 * sessions between the Java client and server, and byte layouts of the Java encoder. Tests read it from here only.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONFORMANCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../conformance');

export function conformancePath(...parts: string[]): string {
  return path.join(CONFORMANCE_DIR, ...parts);
}
