/**
 * Filters as a typed AST (OpenICF filter semantics). And/Or hold their operands in order; on the wire they are
 * binary, so a decoded filter keeps the nesting it was written with.
 */
import { Attribute, AttributeNames } from './objects.ts';
import { IllegalArgumentException } from './exceptions.ts';

export type Filter =
  | AndFilter
  | OrFilter
  | NotFilter
  | EqualsFilter
  | ContainsFilter
  | StartsWithFilter
  | EndsWithFilter
  | GreaterThanFilter
  | GreaterThanOrEqualFilter
  | LessThanFilter
  | LessThanOrEqualFilter
  | ContainsAllValuesFilter
  | PresenceFilter
  | ExtendedMatchFilter;

export type FilterKind = Filter['kind'];

abstract class CompositeFilter {
  readonly filters: readonly Filter[];
  constructor(filters: readonly Filter[]) {
    if (filters.length === 0) throw new IllegalArgumentException('A composite filter needs at least one operand');
    this.filters = Object.freeze([...filters]);
  }
  get left(): Filter {
    return this.filters[0]!;
  }
}

export class AndFilter extends CompositeFilter {
  readonly kind = 'and' as const;
  static of(...filters: Filter[]): Filter {
    return filters.length === 1 ? filters[0]! : new AndFilter(filters);
  }
}

export class OrFilter extends CompositeFilter {
  readonly kind = 'or' as const;
  static of(...filters: Filter[]): Filter {
    return filters.length === 1 ? filters[0]! : new OrFilter(filters);
  }
}

export class NotFilter {
  readonly kind = 'not' as const;
  constructor(readonly filter: Filter) {}
}

abstract class AttributeFilter {
  constructor(readonly attribute: Attribute) {
    if (!attribute) throw new IllegalArgumentException('Attribute not be null!');
  }
  get name(): string {
    return this.attribute.name;
  }
}

/** Filters that compare against exactly one value and refuse __UID__ (Java's SingleValueAttributeFilter). */
abstract class SingleValueFilter extends AttributeFilter {
  constructor(attribute: Attribute, requireString = false) {
    super(attribute);
    if (!attribute.values || attribute.values.length !== 1) {
      throw new IllegalArgumentException('Must only be one value!');
    }
    if (requireString && typeof attribute.values[0] !== 'string') {
      throw new IllegalArgumentException('Value must be a string!');
    }
  }
  get value(): unknown {
    return this.attribute.values![0];
  }
}

export class EqualsFilter extends AttributeFilter {
  readonly kind = 'equals' as const;
}
export class ContainsAllValuesFilter extends AttributeFilter {
  readonly kind = 'containsAllValues' as const;
}
export class ContainsFilter extends SingleValueFilter {
  readonly kind = 'contains' as const;
  constructor(attribute: Attribute) {
    super(attribute, true);
  }
}
export class StartsWithFilter extends SingleValueFilter {
  readonly kind = 'startsWith' as const;
  constructor(attribute: Attribute) {
    super(attribute, true);
  }
}
export class EndsWithFilter extends SingleValueFilter {
  readonly kind = 'endsWith' as const;
  constructor(attribute: Attribute) {
    super(attribute, true);
  }
}
export class GreaterThanFilter extends SingleValueFilter {
  readonly kind = 'greaterThan' as const;
}
export class GreaterThanOrEqualFilter extends SingleValueFilter {
  readonly kind = 'greaterThanOrEqual' as const;
}
export class LessThanFilter extends SingleValueFilter {
  readonly kind = 'lessThan' as const;
}
export class LessThanOrEqualFilter extends SingleValueFilter {
  readonly kind = 'lessThanOrEqual' as const;
}

export class PresenceFilter {
  readonly kind = 'present' as const;
  constructor(readonly name: string) {
    if (typeof name !== 'string' || name.trim() === '') throw new IllegalArgumentException('Name must not be blank');
  }
}

export class ExtendedMatchFilter extends AttributeFilter {
  readonly kind = 'extendedMatch' as const;
  constructor(
    readonly operator: string,
    attribute: Attribute,
  ) {
    super(attribute);
    if (typeof operator !== 'string' || operator.trim() === '') {
      throw new IllegalArgumentException('Operator must not be blank');
    }
  }
}

/** Single-value filters reject __UID__ only where Java's builder does; exposed for callers that validate input. */
export function isUidAttribute(a: Attribute): boolean {
  return a.name === AttributeNames.UID;
}

/** Short builders, in the spirit of Java's FilterBuilder. */
export const F = {
  and: (...f: Filter[]): Filter => AndFilter.of(...f),
  or: (...f: Filter[]): Filter => OrFilter.of(...f),
  not: (f: Filter): Filter => new NotFilter(f),
  equals: (a: Attribute): Filter => new EqualsFilter(a),
  contains: (a: Attribute): Filter => new ContainsFilter(a),
  startsWith: (a: Attribute): Filter => new StartsWithFilter(a),
  endsWith: (a: Attribute): Filter => new EndsWithFilter(a),
  greaterThan: (a: Attribute): Filter => new GreaterThanFilter(a),
  greaterThanOrEqual: (a: Attribute): Filter => new GreaterThanOrEqualFilter(a),
  lessThan: (a: Attribute): Filter => new LessThanFilter(a),
  lessThanOrEqual: (a: Attribute): Filter => new LessThanOrEqualFilter(a),
  containsAllValues: (a: Attribute): Filter => new ContainsAllValuesFilter(a),
  present: (name: string): Filter => new PresenceFilter(name),
  extendedMatch: (operator: string, a: Attribute): Filter => new ExtendedMatchFilter(operator, a),
};

/** Visits a filter tree depth-first. */
export function walkFilter(f: Filter, visit: (f: Filter) => void): void {
  visit(f);
  if (f.kind === 'and' || f.kind === 'or') for (const c of f.filters) walkFilter(c, visit);
  else if (f.kind === 'not') walkFilter(f.filter, visit);
}
