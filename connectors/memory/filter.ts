/**
 * Native evaluation of every filter type, with the semantics of the OpenICF framework's own in-memory filter
 * (so that the framework's second pass keeps exactly what the connector returns):
 * - equals: the attribute's whole value list equals the filter's, in order;
 * - contains / startsWith / endsWith and the ordering filters: the attribute's first value;
 * - containsAllValues: every filter value is among the attribute's values;
 * - present: the object has the attribute.
 * With caseInsensitiveNames, string comparisons on __NAME__ ignore case. extendedMatch operators are listed in
 * EXTENDED_OPERATORS; an unknown operator is an IllegalArgumentException.
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

function firstValue(a: Attribute | undefined): unknown {
  return a?.values && a.values.length > 0 ? a.values[0] : undefined;
}

function filterValue(a: Attribute): unknown {
  return a.values && a.values.length > 0 ? a.values[0] : undefined;
}

function ignoreCaseFor(name: string, o: FilterOptions): boolean {
  return o.caseInsensitiveNames && namesEqual(name, AttributeNames.NAME);
}

function stringMatch(obj: ConnectorObject, fa: Attribute, ignoreCase: boolean, test: (value: string, wanted: string) => boolean): boolean {
  const v = firstValue(obj.attribute(fa.name));
  const w = filterValue(fa);
  if (typeof v !== 'string' || typeof w !== 'string') return false;
  return ignoreCase ? test(v.toUpperCase(), w.toUpperCase()) : test(v, w);
}

function ordered(obj: ConnectorObject, fa: Attribute, o: FilterOptions, accept: (c: number) => boolean): boolean {
  const v = firstValue(obj.attribute(fa.name));
  const w = filterValue(fa);
  if (v === undefined || v === null || w === undefined || w === null) return false;
  return accept(compareValues(v, w, ignoreCaseFor(fa.name, o)));
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

function extendedMatch(obj: ConnectorObject, operator: string, fa: Attribute): boolean {
  const op = EXTENDED_OPERATORS.find((x) => x.toLowerCase() === operator.toLowerCase());
  switch (op) {
    case 'equalsIgnoreCase': {
      const values = obj.attribute(fa.name)?.values ?? [];
      return equalLists(values, fa.values ?? [], true);
    }
    case 'containsIgnoreCase':
      return stringMatch(obj, fa, true, (v, w) => v.includes(w));
    case 'startsWithIgnoreCase':
      return stringMatch(obj, fa, true, (v, w) => v.startsWith(w));
    case 'endsWithIgnoreCase':
      return stringMatch(obj, fa, true, (v, w) => v.endsWith(w));
    case 'anyValueEquals': {
      const values = obj.attribute(fa.name)?.values ?? [];
      return (fa.values ?? []).some((w) => values.some((v) => valuesEqual(v, w)));
    }
    case 'regex': {
      const w = filterValue(fa);
      if (typeof w !== 'string') throw new InvalidAttributeValueException('extendedMatch regex needs one string value');
      const re = compileRegex(w);
      return (obj.attribute(fa.name)?.values ?? []).some((v) => typeof v === 'string' && re.test(v));
    }
    default:
      throw new IllegalArgumentException(`Unsupported extendedMatch operator: ${operator}`);
  }
}

/** Whether an object matches a filter (null matches everything). */
export function matches(obj: ConnectorObject, filter: Filter | null, o: FilterOptions): boolean {
  if (filter === null) return true;
  switch (filter.kind) {
    case 'and':
      return filter.filters.every((f) => matches(obj, f, o));
    case 'or':
      return filter.filters.some((f) => matches(obj, f, o));
    case 'not':
      return !matches(obj, filter.filter, o);
    case 'equals': {
      const a = obj.attribute(filter.name);
      if (!a) return false;
      return equalLists(a.values ?? [], filter.attribute.values ?? [], ignoreCaseFor(filter.name, o));
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
      if (!a) return false;
      const values = a.values ?? [];
      const ic = ignoreCaseFor(filter.name, o);
      return (filter.attribute.values ?? []).every((w) => values.some((v) => equalLists([v], [w], ic)));
    }
    case 'present':
      return obj.attribute(filter.name) !== undefined;
    case 'extendedMatch':
      return extendedMatch(obj, filter.operator, filter.attribute);
    default: {
      const unknown: { kind?: unknown } = filter;
      throw new IllegalArgumentException(`Unsupported filter type: ${String(unknown.kind)}`);
    }
  }
}
