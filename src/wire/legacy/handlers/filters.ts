/** Filter AST (Java's FilterHandlers). Composite filters are binary on the wire. */
import {
  AndFilter,
  Attribute,
  ContainsAllValuesFilter,
  ContainsFilter,
  EndsWithFilter,
  EqualsFilter,
  ExtendedMatchFilter,
  GreaterThanFilter,
  GreaterThanOrEqualFilter,
  LessThanFilter,
  LessThanOrEqualFilter,
  NotFilter,
  OrFilter,
  PresenceFilter,
  StartsWithFilter,
} from '../../../model/index.ts';
import type { Filter } from '../../../model/index.ts';
import { defineHandler, type FieldReader, type TypeHandler } from '../handler.ts';
import { build, expectInstance, wrongField } from './util.ts';

const FILTER_CLASSES = [
  AndFilter,
  OrFilter,
  NotFilter,
  EqualsFilter,
  ContainsFilter,
  StartsWithFilter,
  EndsWithFilter,
  GreaterThanFilter,
  GreaterThanOrEqualFilter,
  LessThanFilter,
  LessThanOrEqualFilter,
  ContainsAllValuesFilter,
  PresenceFilter,
  ExtendedMatchFilter,
];

export function isFilter(v: unknown): v is Filter {
  return FILTER_CLASSES.some((c) => v instanceof c);
}

function filterAt(i: FieldReader, n: number, nullable: boolean): Filter | null {
  const v = i.anonObject(n);
  if (v === null && nullable) return null;
  if (!isFilter(v)) throw wrongField(i.typeName, `#${n}`, 'a Filter');
  return v;
}

/**
 * n operands go out as left = first, right = the rest as the same composite (≥2 left), the last one (1 left) or
 * null. (Java writes the rest of an OR as an AndFilter; that is a Java bug and is not reproduced.)
 */
function composite(name: 'AndFilter' | 'OrFilter', make: (filters: Filter[]) => AndFilter | OrFilter): TypeHandler {
  return defineHandler(
    name,
    {},
    'object',
    (o, v) => {
      const filters = (v as AndFilter | OrFilter).filters;
      o.anonObject(filters[0]);
      if (filters.length === 1) o.anonObject(null);
      else if (filters.length === 2) o.anonObject(filters[1]);
      else o.anonObject(make(filters.slice(1)));
    },
    (i) => {
      const left = filterAt(i, 0, false)!;
      const right = filterAt(i, 1, true);
      return build(i.typeName, () => make(right === null ? [left] : [left, right]));
    },
  );
}

function attributeFilter(name: string, make: (a: Attribute) => Filter): TypeHandler {
  return defineHandler(
    name,
    { attribute: 'object' },
    null,
    (o, v) => o.object('attribute', (v as { attribute: Attribute }).attribute),
    (i) => {
      const a = expectInstance(i.object('attribute', null), Attribute, i.typeName, 'attribute', false)!;
      return build(i.typeName, () => make(a));
    },
  );
}

export const FILTER_HANDLERS: readonly TypeHandler[] = [
  composite('AndFilter', (f) => new AndFilter(f)),
  attributeFilter('ContainsFilter', (a) => new ContainsFilter(a)),
  attributeFilter('EndsWithFilter', (a) => new EndsWithFilter(a)),
  attributeFilter('EqualsFilter', (a) => new EqualsFilter(a)),
  defineHandler(
    'ExtendedMatchFilter',
    { operator: 'string', attribute: 'object' },
    null,
    (o, v) => {
      const f = v as ExtendedMatchFilter;
      o.string('operator', f.operator);
      o.object('attribute', f.attribute);
    },
    (i) => {
      const operator = i.string('operator', null);
      const a = expectInstance(i.object('attribute', null), Attribute, i.typeName, 'attribute', false)!;
      return build(i.typeName, () => new ExtendedMatchFilter(operator as string, a));
    },
  ),
  attributeFilter('GreaterThanFilter', (a) => new GreaterThanFilter(a)),
  attributeFilter('GreaterThanOrEqualFilter', (a) => new GreaterThanOrEqualFilter(a)),
  attributeFilter('LessThanFilter', (a) => new LessThanFilter(a)),
  attributeFilter('LessThanOrEqualFilter', (a) => new LessThanOrEqualFilter(a)),
  defineHandler(
    'NotFilter',
    {},
    'object',
    (o, v) => o.anonObject((v as NotFilter).filter),
    (i) => new NotFilter(filterAt(i, 0, false)!),
  ),
  composite('OrFilter', (f) => new OrFilter(f)),
  defineHandler(
    'PresenceFilter',
    { name: 'string' },
    null,
    (o, v) => o.string('name', (v as PresenceFilter).name),
    (i) => {
      const name = i.string('name', null);
      return build(i.typeName, () => new PresenceFilter(name as string));
    },
  ),
  attributeFilter('StartsWithFilter', (a) => new StartsWithFilter(a)),
  attributeFilter('ContainsAllValuesFilter', (a) => new ContainsAllValuesFilter(a)),
];
