/** Search support of the memory connector: sorting, paging (cookie or offset) and attribute selection. */
import {
  AttributeNames,
  ConnectorObject,
  IllegalArgumentException,
  SearchResult,
  namesEqual,
  type CountPolicy,
  type SortKey,
} from '../../src/spi/index.ts';
import type { ObjectClassDefinition } from './fixture.ts';
import { sortOrder } from './values.ts';

/** Sorts by the sort keys (first value of each attribute; objects without the attribute last), stably. */
export function sortObjects(objects: readonly ConnectorObject[], keys: readonly SortKey[], caseInsensitiveNames: boolean): ConnectorObject[] {
  if (keys.length === 0) return [...objects];
  const indexed = objects.map((o, i) => ({ o, i }));
  indexed.sort((x, y) => {
    for (const k of keys) {
      const a = x.o.attribute(k.field)?.values?.[0];
      const b = y.o.attribute(k.field)?.values?.[0];
      const aMissing = a === undefined || a === null;
      const bMissing = b === undefined || b === null;
      if (aMissing || bMissing) {
        if (aMissing !== bMissing) return aMissing ? 1 : -1;
        continue;
      }
      const c = sortOrder(a, b, caseInsensitiveNames && namesEqual(k.field, AttributeNames.NAME));
      if (c !== 0) return k.ascending ? c : -c;
    }
    return x.i - y.i;
  });
  return indexed.map((e) => e.o);
}

const COOKIE_PREFIX = 'memory-page:';

export function encodeCookie(position: number): string {
  return Buffer.from(COOKIE_PREFIX + position, 'utf8').toString('base64url');
}

export function decodeCookie(cookie: string): number {
  const text = Buffer.from(cookie, 'base64url').toString('utf8');
  const n = text.startsWith(COOKIE_PREFIX) ? Number(text.slice(COOKIE_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new IllegalArgumentException('Invalid paged results cookie');
  return n;
}

export interface PageRequest {
  pageSize?: number;
  cookie?: string;
  /** Zero-based index of the first result; ignored when a cookie is given. */
  offset?: number;
  policy?: CountPolicy;
}

export interface PageWindow {
  paged: boolean;
  start: number;
  end: number;
}

export function pageWindow(total: number, req: PageRequest): PageWindow {
  const size = req.pageSize ?? 0;
  if (!Number.isInteger(size) || size < 0) throw new IllegalArgumentException('PAGE_SIZE must be a non-negative integer');
  if (size === 0) return { paged: false, start: 0, end: total };
  let start = 0;
  if (req.cookie !== undefined && req.cookie !== '') start = decodeCookie(req.cookie);
  else if (req.offset !== undefined) {
    if (!Number.isInteger(req.offset) || req.offset < 0) throw new IllegalArgumentException('PAGED_RESULTS_OFFSET must be a non-negative integer');
    start = req.offset;
  }
  start = Math.min(start, total);
  return { paged: true, start, end: Math.min(total, start + size) };
}

/** The SearchResult after delivering results up to (not including) `next`. */
export function pageResult(total: number, window: PageWindow, next: number, policy: CountPolicy | undefined): SearchResult {
  if (!window.paged) return new SearchResult(null, 'NONE', -1, -1);
  const remaining = Math.max(0, total - next);
  const counted = policy === 'EXACT' || policy === 'ESTIMATE';
  return new SearchResult(remaining > 0 ? encodeCookie(next) : null, counted ? 'EXACT' : 'NONE', counted ? total : -1, remaining);
}

/**
 * The object as returned to the caller: __UID__ and __NAME__, then either the requested attributes or the
 * attributes returned by default.
 */
export function selectAttributes(obj: ConnectorObject, def: ObjectClassDefinition, attributesToGet: readonly string[] | undefined): ConnectorObject {
  const kept = obj.attributes.filter((a) => {
    if (a.is(AttributeNames.UID) || a.is(AttributeNames.NAME)) return true;
    if (attributesToGet) return attributesToGet.some((n) => a.is(n));
    const info = def.attributes.find((d) => namesEqual(d.name, a.name));
    return !info?.flags.includes('NOT_RETURNED_BY_DEFAULT');
  });
  return kept.length === obj.attributes.length ? obj : new ConnectorObject(obj.objectClass, kept);
}
