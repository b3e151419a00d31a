/** Shared helpers for the legacy serializer tests: vector loading and raw-tree comparison. */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { LegacyNode } from '../../src/wire/legacy/index.ts';
import { conformancePath } from '../support/conformance.ts';

export const VECTORS = conformancePath('binary');
export const TRANSCRIPTS = conformancePath('transcripts');

/** JSON.parse that keeps integers beyond 2^53 exact (as decimal strings). */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text.replace(/(?<=[:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '"$1"'));
}

export function readJson(path: string): unknown {
  return parseJsonExact(readFileSync(path, 'utf8'));
}

export function readJsonLines(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => parseJsonExact(l));
}

export interface VectorIndexEntry {
  name: string;
  description: string;
  error: string | null;
  roundTripBytesIdentical?: boolean;
}

export function vectorIndex(): VectorIndexEntry[] {
  assert.ok(existsSync(VECTORS), `vector directory ${VECTORS} is missing`);
  return readJson(join(VECTORS, '_index.json')) as VectorIndexEntry[];
}

export function vectorBin(name: string): Uint8Array | undefined {
  const p = join(VECTORS, `${name}.bin`);
  return existsSync(p) ? new Uint8Array(readFileSync(p)) : undefined;
}

export function vectorJson(name: string): Record<string, unknown> {
  return readJson(join(VECTORS, `${name}.json`)) as Record<string, unknown>;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Types whose anonymous fields follow Java hash order (a Java decode + re-encode may reorder them). */
const HASH_ORDERED = new Set(['Set', 'Map', 'AttributeInfo']);

/** The vector's node without the informational "javaClass" keys, longs normalised to decimal strings. */
function normalize(node: Json, unordered: boolean, kind?: string): Json {
  if (kind === 'long') return String(node);
  if (Array.isArray(node)) return node.map((n) => normalize(n, unordered));
  if (node !== null && typeof node === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'javaClass') continue;
      out[k] = k === 'value' && typeof node.kind === 'string' ? normalize(v, unordered, node.kind) : normalize(v, unordered);
    }
    if (unordered && typeof out.type === 'string' && HASH_ORDERED.has(out.type) && Array.isArray(out.fields)) {
      const named = out.fields.filter((f) => (f as { field: Json }).field !== null);
      const anon = out.fields
        .filter((f) => (f as { field: Json }).field === null)
        .map((f) => JSON.stringify(f))
        .sort()
        .map((t) => JSON.parse(t) as Json);
      out.fields = [...named, ...anon];
    }
    return out;
  }
  return node;
}

/**
 * Asserts a decoded raw tree equals a vector's "value". With unorderedSets, the elements of Sets, Maps and
 * AttributeInfo flags may come in any order (for structures recorded after a Java decode).
 */
export function assertTreeEquals(actual: LegacyNode, expected: unknown, message?: string, unorderedSets = false): void {
  assert.deepStrictEqual(normalize(actual as unknown as Json, unorderedSets), normalize(expected as Json, unorderedSets), message);
}

export function hexOf(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
