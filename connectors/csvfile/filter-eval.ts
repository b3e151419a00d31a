/**
 * Evaluates search filters natively on CSV rows, with OpenICF's semantics for String values (case-sensitive,
 * Java's String ordering). A part that cannot be decided here (extended match, password) counts as unknown,
 * and unknown rows are passed on: the framework filters the results again.
 */
import type { Filter } from '../../src/spi/index.ts';

/** The values of an attribute of a row; undefined when absent; null when it cannot be judged here. */
export type ValueLookup = (attributeName: string) => readonly string[] | undefined | null;

type Tri = boolean | undefined;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function single(values: readonly unknown[] | null): unknown {
  return values && values.length === 1 ? values[0] : undefined;
}

function evaluate(f: Filter, get: ValueLookup): Tri {
  switch (f.kind) {
    case 'and': {
      let result: Tri = true;
      for (const c of f.filters) {
        const r = evaluate(c, get);
        if (r === false) return false;
        if (r === undefined) result = undefined;
      }
      return result;
    }
    case 'or': {
      let result: Tri = false;
      for (const c of f.filters) {
        const r = evaluate(c, get);
        if (r === true) return true;
        if (r === undefined) result = undefined;
      }
      return result;
    }
    case 'not': {
      const r = evaluate(f.filter, get);
      return r === undefined ? undefined : !r;
    }
    case 'present': {
      const v = get(f.name);
      return v === null ? undefined : v !== undefined;
    }
    case 'extendedMatch':
      return undefined;
    default:
      break;
  }
  const values = get(f.attribute.name);
  if (values === null) return undefined;
  const wanted = f.attribute.values;
  switch (f.kind) {
    case 'equals': {
      if (values === undefined || !wanted) return false;
      return wanted.length === values.length && wanted.every((w, k) => w === values[k]);
    }
    case 'containsAllValues':
      if (values === undefined || !wanted) return false;
      return wanted.every((w) => typeof w === 'string' && values.includes(w));
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      const w = single(wanted);
      if (values === undefined || typeof w !== 'string') return false;
      return values.some((v) =>
        f.kind === 'contains' ? v.includes(w) : f.kind === 'startsWith' ? v.startsWith(w) : v.endsWith(w),
      );
    }
    case 'greaterThan':
    case 'greaterThanOrEqual':
    case 'lessThan':
    case 'lessThanOrEqual': {
      const w = single(wanted);
      if (values === undefined || values.length === 0) return false;
      // Non-String operands are compared by Java as Comparables of their own type: leave them to the framework.
      if (typeof w !== 'string') return undefined;
      const c = compare(values[0]!, w);
      if (f.kind === 'greaterThan') return c > 0;
      if (f.kind === 'greaterThanOrEqual') return c >= 0;
      if (f.kind === 'lessThan') return c < 0;
      return c <= 0;
    }
  }
}

/** True when the row may match: it matches, or the filter cannot be decided natively. */
export function mayMatch(filter: Filter | null, get: ValueLookup): boolean {
  if (!filter) return true;
  return evaluate(filter, get) !== false;
}
