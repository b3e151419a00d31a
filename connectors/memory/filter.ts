/**
 * Native evaluation of every filter type, with the semantics of the OpenICF framework's own in-memory filter
 * (so that the framework's second pass keeps exactly what the connector returns): three-valued logic where a
 * missing attribute makes a comparison UNDEFINED (no match, and NOT of it is no match either);
 * - equals: the attribute's whole value list equals the filter's, in order;
 * - contains / startsWith / endsWith and the ordering filters: the attribute must have exactly one value;
 * - containsAllValues: every filter value is among the attribute's values;
 * - present: the object has the attribute.
 * With caseInsensitiveNames, string comparisons on __NAME__ ignore case. extendedMatch operators are listed in
 * EXTENDED_OPERATORS; an unknown operator is an IllegalArgumentException. (The framework's own filter cannot
 * evaluate extendedMatch: searches using it need the filtered results handler disabled.)
 */
import {
  AttributeNames,
  IllegalArgumentException,
  InvalidAttributeValueException,
  namesEqual,
  type Attribute,
  type ConnectorObject,
  type Filter,
} from '../../src/spi/index.ts';
import { compareValues, valuesEqual } from './values.ts';

export interface FilterOptions {
  caseInsensitiveNames: boolean;
}

/** extendedMatch operators (case-insensitive names). */
export const EXTENDED_OPERATORS = [
  'equalsIgnoreCase',
  'containsIgnoreCase',
  'startsWithIgnoreCase',
  'endsWithIgnoreCase',
  'anyValueEquals',
  'regex',
] as const;

/** Filter outcome; ordered so that AND keeps the lowest and OR the highest, as the framework does. */
const FALSE = 0;
const TRUE = 1;
const UNDEFINED = 2;
type Outcome = typeof FALSE | typeof TRUE | typeof UNDEFINED;

function of(b: boolean): Outcome {
  return b ? TRUE : FALSE;
}

/** The attribute's only value, or undefined when it is missing or has zero or several values. */
function singleValue(obj: ConnectorObject, name: string): unknown {
  const values = obj.attribute(name)?.values;
  return values && values.length === 1 ? values[0] : undefined;
}

function filterValue(a: Attribute): unknown {
  return a.values && a.values.length > 0 ? a.values[0] : undefined;
}

function ignoreCaseFor(name: string, o: FilterOptions): boolean {
  return o.caseInsensitiveNames && namesEqual(name, AttributeNames.NAME);
}

function stringMatch(obj: ConnectorObject, fa: Attribute, ignoreCase: boolean, test: (value: string, wanted: string) => boolean): Outcome {
  const v = singleValue(obj, fa.name);
  const w = filterValue(fa);
  if (typeof v !== 'string' || typeof w !== 'string') return UNDEFINED;
  return of(ignoreCase ? test(v.toUpperCase(), w.toUpperCase()) : test(v, w));
}

function ordered(obj: ConnectorObject, fa: Attribute, o: FilterOptions, accept: (c: number) => boolean): Outcome {
  const v = singleValue(obj, fa.name);
  const w = filterValue(fa);
  if (v === undefined || v === null || w === undefined || w === null) return UNDEFINED;
  return of(accept(compareValues(v, w, ignoreCaseFor(fa.name, o))));
}

function equalLists(a: readonly unknown[], b: readonly unknown[], ignoreCase: boolean): boolean {
  if (a.length !== b.length) return false;
  return a.every((v, i) => {
    const w = b[i];
    if (ignoreCase && typeof v === 'string' && typeof w === 'string') return v.toUpperCase() === w.toUpperCase();
    return valuesEqual(v, w);
  });
}

const regexCache = new Map<string, RegExp>();

function compileRegex(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    try {
      re = new RegExp(source, 'u');
    } catch {
      throw new InvalidAttributeValueException('extendedMatch regex: invalid regular expression');
    }
    if (regexCache.size > 100) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

function extendedMatch(obj: ConnectorObject, operator: string, fa: Attribute): Outcome {
  const op = EXTENDED_OPERATORS.find((x) => x.toLowerCase() === operator.toLowerCase());
  if (op === undefined) throw new IllegalArgumentException(`Unsupported extendedMatch operator: ${operator}`);
  const attr = obj.attribute(fa.name);
  const values = attr?.values ?? [];
  switch (op) {
    case 'equalsIgnoreCase':
      return attr ? of(equalLists(values, fa.values ?? [], true)) : UNDEFINED;
    case 'containsIgnoreCase':
      return stringMatch(obj, fa, true, (v, w) => v.includes(w));
    case 'startsWithIgnoreCase':
      return stringMatch(obj, fa, true, (v, w) => v.startsWith(w));
    case 'endsWithIgnoreCase':
      return stringMatch(obj, fa, true, (v, w) => v.endsWith(w));
    case 'anyValueEquals':
      return attr ? of((fa.values ?? []).some((w) => values.some((v) => valuesEqual(v, w)))) : UNDEFINED;
    case 'regex': {
      const w = filterValue(fa);
      if (typeof w !== 'string') throw new InvalidAttributeValueException('extendedMatch regex needs one string value');
      const re = compileRegex(w);
      return attr ? of(values.some((v) => typeof v === 'string' && re.test(v))) : UNDEFINED;
    }
  }
}

function evaluate(filter: Filter, obj: ConnectorObject, o: FilterOptions): Outcome {
  switch (filter.kind) {
    case 'and': {
      let result: Outcome = TRUE;
      for (const f of filter.filters) {
        const r = evaluate(f, obj, o);
        if (r < result) result = r;
        if (result === FALSE) break;
      }
      return result;
    }
    case 'or': {
      let result: Outcome = FALSE;
      for (const f of filter.filters) {
        const r = evaluate(f, obj, o);
        if (r > result) result = r;
        if (result === TRUE) break;
      }
      return result;
    }
    case 'not': {
      const r = evaluate(filter.filter, obj, o);
      return r === UNDEFINED ? UNDEFINED : r === TRUE ? FALSE : TRUE;
    }
    case 'equals': {
      const a = obj.attribute(filter.name);
      if (!a) return UNDEFINED;
      return of(equalLists(a.values ?? [], filter.attribute.values ?? [], ignoreCaseFor(filter.name, o)));
    }
    case 'contains':
      return stringMatch(obj, filter.attribute, ignoreCaseFor(filter.name, o), (v, w) => v.includes(w));
    case 'startsWith':
      return stringMatch(obj, filter.attribute, ignoreCaseFor(filter.name, o), (v, w) => v.startsWith(w));
    case 'endsWith':
      return stringMatch(obj, filter.attribute, ignoreCaseFor(filter.name, o), (v, w) => v.endsWith(w));
    case 'greaterThan':
      return ordered(obj, filter.attribute, o, (c) => c > 0);
    case 'greaterThanOrEqual':
      return ordered(obj, filter.attribute, o, (c) => c >= 0);
    case 'lessThan':
      return ordered(obj, filter.attribute, o, (c) => c < 0);
    case 'lessThanOrEqual':
      return ordered(obj, filter.attribute, o, (c) => c <= 0);
    case 'containsAllValues': {
      const a = obj.attribute(filter.name);
      if (!a || !a.values) return UNDEFINED;
      const values = a.values;
      const ic = ignoreCaseFor(filter.name, o);
      return of((filter.attribute.values ?? []).every((w) => values.some((v) => equalLists([v], [w], ic))));
    }
    case 'present':
      return of(obj.attribute(filter.name) !== undefined);
    case 'extendedMatch':
      return extendedMatch(obj, filter.operator, filter.attribute);
    default: {
      const unknown: { kind?: unknown } = filter;
      throw new IllegalArgumentException(`Unsupported filter type: ${String(unknown.kind)}`);
    }
  }
}

/** Whether an object matches a filter (null matches everything; UNDEFINED is no match). */
export function matches(obj: ConnectorObject, filter: Filter | null, o: FilterOptions): boolean {
  return filter === null || evaluate(filter, obj, o) === TRUE;
}
