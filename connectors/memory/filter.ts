/**
 * Filtering in the memory store: the framework's own matcher (the SPI's matchesFilter, so the framework's second
 * pass keeps exactly what the connector returns), with two rules of this connector on top:
 * - with caseInsensitiveNames, string comparisons on __NAME__ ignore case;
 * - extendedMatch operators (EXTENDED_OPERATORS, case-insensitive names) are evaluated; an unknown operator is an
 *   IllegalArgumentException. (The framework cannot evaluate extendedMatch: searches using it need the filtered
 *   results handler disabled.)
 */
import {
  AttributeNames,
  IllegalArgumentException,
  InvalidAttributeValueException,
  javaEquals,
  matchesFilter,
  namesEqual,
  type ConnectorObject,
  type ExtendedMatchFilter,
  type Filter,
} from '../../src/spi/index.ts';

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

/** The attribute's only string value, or undefined. */
function singleString(values: readonly unknown[] | undefined): string | undefined {
  return values && values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
}

function stringMatch(obj: ConnectorObject, f: ExtendedMatchFilter, test: (value: string, wanted: string) => boolean): boolean | undefined {
  const v = singleString(obj.attribute(f.name)?.values ?? undefined);
  const w = singleString(f.attribute.values ?? undefined);
  if (v === undefined || w === undefined) return undefined;
  return test(v.toUpperCase(), w.toUpperCase());
}

function extendedMatch(f: ExtendedMatchFilter, obj: ConnectorObject): boolean | undefined {
  const op = EXTENDED_OPERATORS.find((x) => x.toLowerCase() === f.operator.toLowerCase());
  if (op === undefined) throw new IllegalArgumentException(`Unsupported extendedMatch operator: ${f.operator}`);
  const attr = obj.attribute(f.name);
  const values = attr?.values ?? [];
  const wanted = f.attribute.values ?? [];
  switch (op) {
    case 'equalsIgnoreCase':
      return attr ? javaEquals(values, wanted, true) : undefined;
    case 'containsIgnoreCase':
      return stringMatch(obj, f, (v, w) => v.includes(w));
    case 'startsWithIgnoreCase':
      return stringMatch(obj, f, (v, w) => v.startsWith(w));
    case 'endsWithIgnoreCase':
      return stringMatch(obj, f, (v, w) => v.endsWith(w));
    case 'anyValueEquals':
      return attr ? wanted.some((w) => values.some((v) => javaEquals(v, w))) : undefined;
    case 'regex': {
      const source = wanted[0];
      if (typeof source !== 'string') throw new InvalidAttributeValueException('extendedMatch regex needs one string value');
      const re = compileRegex(source);
      return attr ? values.some((v) => typeof v === 'string' && re.test(v)) : undefined;
    }
  }
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

/** Whether an object matches a filter (null matches everything). */
export function matches(obj: ConnectorObject, filter: Filter | null, o: FilterOptions): boolean {
  return matchesFilter(filter, obj, {
    caseIgnore: (name) => o.caseInsensitiveNames && namesEqual(name, AttributeNames.NAME),
    extendedMatch,
  });
}
