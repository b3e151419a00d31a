/**
 * In-memory filter evaluation with the semantics of Java's FilteredResultsHandlerVisitor: three-valued logic
 * (TRUE, FALSE, UNDEFINED, where UNDEFINED counts as "no match") combined by enum ordinal FALSE < TRUE <
 * UNDEFINED: And keeps the lowest (so an UNDEFINED operand never lowers an AND), Or the highest (so UNDEFINED
 * dominates an OR unless a TRUE came first and stopped it), as Java does; a missing attribute makes a comparison
 * UNDEFINED; equals compares the whole value lists in order; contains/startsWith/endsWith need a single String
 * value; greater/less compare a single value with Comparable.compareTo (a non-comparable attribute value is an
 * IllegalArgumentException, mixed types a ClassCastException); ExtendedMatchFilter is UNDEFINED, as Java's
 * visitor has no case for it, unless the caller evaluates it (a connector with its own operators).
 */
import { IllegalArgumentException } from './exceptions.ts';
import { JavaCharacter } from './java-values.ts';
import { namesEqual, type Attribute, type ConnectorObject } from './objects.ts';
import type { ExtendedMatchFilter, Filter } from './filters.ts';
import { compareIgnoreCase, isComparable, javaCompare, javaEquals, javaTypeNameOf } from './java-compare.ts';

/** How to match: what Java's results handler configuration and a connector's own rules decide. */
export interface FilterMatchOptions {
  /** Compare strings ignoring case: for every attribute, or for the attributes this returns true for. */
  caseIgnore?: boolean | ((attributeName: string) => boolean);
  /**
   * Evaluates ExtendedMatchFilter (true/false, or undefined for "undefined"). Without it an extended match never
   * matches, as in Java's visitor.
   */
  extendedMatch?: (filter: ExtendedMatchFilter, object: ConnectorObject) => boolean | undefined;
}

const R = { FALSE: 0, TRUE: 1, UNDEFINED: 2 } as const;
type R = (typeof R)[keyof typeof R];

// Ordinal order FALSE < TRUE < UNDEFINED, as Java's enum: And keeps the lowest, Or the highest.
function of(b: boolean): R {
  return b ? R.TRUE : R.FALSE;
}

function attributeOf(obj: ConnectorObject, name: string): Attribute | undefined {
  for (const a of obj.attributes) if (namesEqual(a.name, name)) return a;
  return undefined;
}

function singleValue(obj: ConnectorObject, name: string): unknown {
  const a = attributeOf(obj, name);
  if (a && a.values && a.values.length === 1) return a.values[0] ?? null;
  return null;
}

function lower(s: string): string {
  return s.toLowerCase();
}

function stringMatch(
  obj: ConnectorObject,
  name: string,
  needle: unknown,
  caseIgnore: boolean,
  test: (value: string, needle: string) => boolean,
): R {
  const v = singleValue(obj, name);
  if (typeof v !== 'string' || typeof needle !== 'string') return R.UNDEFINED;
  return of(caseIgnore ? test(lower(v), lower(needle)) : test(v, needle));
}

function ordered(obj: ConnectorObject, name: string, filterValue: unknown, caseIgnore: boolean, accept: (c: number) => boolean): R {
  const v = singleValue(obj, name);
  if (v === null || v === undefined) return R.UNDEFINED;
  if (!isComparable(v)) {
    throw new IllegalArgumentException(`Attribute value ${name} must be comparable! Found${javaTypeNameOf(v)}`);
  }
  if (caseIgnore && typeof filterValue === 'string') {
    return typeof v === 'string' ? of(accept(compareIgnoreCase(v, filterValue))) : R.UNDEFINED;
  }
  if (caseIgnore && filterValue instanceof JavaCharacter) {
    if (!(v instanceof JavaCharacter)) return R.UNDEFINED;
    return of(accept(v.value.toLowerCase().charCodeAt(0) - filterValue.value.toLowerCase().charCodeAt(0)));
  }
  return of(accept(javaCompare(v, filterValue)));
}

function containsAll(obj: ConnectorObject, a: Attribute, caseIgnore: boolean): R {
  const attr = attributeOf(obj, a.name);
  if (!attr || !attr.values) return R.UNDEFINED;
  const wanted = a.values ?? [];
  if (wanted.length === 0) return R.TRUE;
  if (attr.values.length === 0) return R.FALSE;
  const have = attr.values;
  return of(wanted.every((w) => have.some((h) => javaEquals(h, w, caseIgnore))));
}

function evaluate(f: Filter, obj: ConnectorObject, o: FilterMatchOptions): R {
  const ci = (name: string): boolean => (typeof o.caseIgnore === 'function' ? o.caseIgnore(name) : o.caseIgnore === true);
  switch (f.kind) {
    case 'and': {
      let result: R = R.TRUE;
      for (const sub of f.filters) {
        const r = evaluate(sub, obj, o);
        if (r < result) result = r;
        if (result === R.FALSE) break;
      }
      return result;
    }
    case 'or': {
      let result: R = R.FALSE;
      for (const sub of f.filters) {
        const r = evaluate(sub, obj, o);
        if (r > result) result = r;
        if (result === R.TRUE) break;
      }
      return result;
    }
    case 'not': {
      const r = evaluate(f.filter, obj, o);
      return r === R.FALSE ? R.TRUE : r === R.TRUE ? R.FALSE : R.UNDEFINED;
    }
    case 'equals': {
      const attr = attributeOf(obj, f.name);
      if (!attr) return R.UNDEFINED;
      return of(javaEquals(attr.values, f.attribute.values, ci(f.name)));
    }
    case 'contains':
      return stringMatch(obj, f.name, f.value, ci(f.name), (v, n) => v.includes(n));
    case 'startsWith':
      return stringMatch(obj, f.name, f.value, ci(f.name), (v, n) => v.startsWith(n));
    case 'endsWith':
      return stringMatch(obj, f.name, f.value, ci(f.name), (v, n) => v.endsWith(n));
    case 'greaterThan':
      return ordered(obj, f.name, f.value, ci(f.name), (c) => c > 0);
    case 'greaterThanOrEqual':
      return ordered(obj, f.name, f.value, ci(f.name), (c) => c >= 0);
    case 'lessThan':
      return ordered(obj, f.name, f.value, ci(f.name), (c) => c < 0);
    case 'lessThanOrEqual':
      return ordered(obj, f.name, f.value, ci(f.name), (c) => c <= 0);
    case 'containsAllValues':
      return containsAll(obj, f.attribute, ci(f.name));
    case 'present':
      return of(attributeOf(obj, f.name) !== undefined);
    case 'extendedMatch': {
      const r = o.extendedMatch?.(f, obj);
      return r === undefined ? R.UNDEFINED : of(r);
    }
  }
}

/** Whether the object matches the filter (null matches everything); `options` = true ignores case everywhere. */
export function matchesFilter(filter: Filter | null, obj: ConnectorObject, options: boolean | FilterMatchOptions = false): boolean {
  if (!filter) return true;
  return evaluate(filter, obj, typeof options === 'boolean' ? { caseIgnore: options } : options) === R.TRUE;
}
