/** Schema: object classes, attribute infos with flags, operation options, per-operation support. */
import { JavaClass } from './java-values.ts';
import type { ApiOperationName } from './api-configuration.ts';

export type AttributeInfoFlag =
  | 'REQUIRED'
  | 'MULTIVALUED'
  | 'NOT_CREATABLE'
  | 'NOT_UPDATEABLE'
  | 'NOT_READABLE'
  | 'NOT_RETURNED_BY_DEFAULT';

export const ATTRIBUTE_INFO_FLAGS: readonly AttributeInfoFlag[] = [
  'REQUIRED',
  'MULTIVALUED',
  'NOT_CREATABLE',
  'NOT_UPDATEABLE',
  'NOT_READABLE',
  'NOT_RETURNED_BY_DEFAULT',
];

export class AttributeInfo {
  /** Flags in the order they were given (the wire keeps that order). */
  readonly flags: readonly AttributeInfoFlag[];

  constructor(
    readonly name: string,
    readonly type: JavaClass = JavaClass.of('String'),
    flags: Iterable<AttributeInfoFlag> = [],
  ) {
    this.flags = Object.freeze([...new Set(flags)]);
  }

  has(flag: AttributeInfoFlag): boolean {
    return this.flags.includes(flag);
  }
  get required(): boolean {
    return this.has('REQUIRED');
  }
  get multiValued(): boolean {
    return this.has('MULTIVALUED');
  }
  get creatable(): boolean {
    return !this.has('NOT_CREATABLE');
  }
  get updateable(): boolean {
    return !this.has('NOT_UPDATEABLE');
  }
  get readable(): boolean {
    return !this.has('NOT_READABLE');
  }
  get returnedByDefault(): boolean {
    return !this.has('NOT_RETURNED_BY_DEFAULT');
  }
}

export class ObjectClassInfo {
  constructor(
    readonly type: string,
    readonly attributeInfos: readonly AttributeInfo[],
    readonly container: boolean = false,
  ) {}

  attribute(name: string): AttributeInfo | undefined {
    const up = name.toUpperCase();
    return this.attributeInfos.find((a) => a.name.toUpperCase() === up);
  }
}

export class OperationOptionInfo {
  constructor(
    readonly name: string,
    readonly type: JavaClass,
  ) {}
}

export class Schema {
  constructor(
    readonly objectClassInfos: readonly ObjectClassInfo[],
    readonly operationOptionInfos: readonly OperationOptionInfo[] = [],
    /** Object class type names supported per operation. */
    readonly objectClassesByOperation: ReadonlyMap<ApiOperationName, readonly string[]> = new Map(),
    /** Option names supported per operation. */
    readonly optionsByOperation: ReadonlyMap<ApiOperationName, readonly string[]> = new Map(),
  ) {}

  objectClassInfo(type: string): ObjectClassInfo | undefined {
    const up = type.toUpperCase();
    return this.objectClassInfos.find((o) => o.type.toUpperCase() === up);
  }
}
