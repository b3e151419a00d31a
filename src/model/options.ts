/** OperationOptions: a String-keyed map with typed accessors for the well-known options. */
import { JavaArray, JavaClass, JavaClasses } from './java-values.ts';
import { QualifiedUid, SortKey, type CountPolicy } from './objects.ts';
import { GuardedString } from './security.ts';

export const OptionNames = {
  SCOPE: 'SCOPE',
  CONTAINER: 'CONTAINER',
  RUN_AS_USER: 'RUN_AS_USER',
  RUN_WITH_PASSWORD: 'RUN_WITH_PASSWORD',
  ATTRS_TO_GET: 'ATTRS_TO_GET',
  PAGED_RESULTS_COOKIE: 'PAGED_RESULTS_COOKIE',
  TOTAL_PAGED_RESULTS_POLICY: 'TOTAL_PAGED_RESULTS_POLICY',
  PAGED_RESULTS_OFFSET: 'PAGED_RESULTS_OFFSET',
  PAGE_SIZE: 'PAGE_SIZE',
  SORT_KEYS: 'SORT_KEYS',
  FAIL_ON_ERROR: 'FAIL_ON_ERROR',
  REQUIRE_SERIAL: 'REQUIRE_SERIAL',
} as const;

export type SearchScope = 'object' | 'onelevel' | 'subtree';

const SORT_KEY_CLASS = JavaClass.of('SortKey');

export class OperationOptions {
  /** The raw option map, in insertion (wire) order. */
  readonly options: ReadonlyMap<string, unknown>;

  constructor(options: ReadonlyMap<string, unknown> | Iterable<readonly [string, unknown]> = new Map()) {
    this.options = new Map(options instanceof Map ? options : [...(options as Iterable<readonly [string, unknown]>)]);
  }

  static readonly EMPTY = new OperationOptions();

  get(name: string): unknown {
    return this.options.get(name);
  }

  get attributesToGet(): string[] | undefined {
    const v = this.options.get(OptionNames.ATTRS_TO_GET);
    if (v instanceof JavaArray) return v.items.map(String);
    if (Array.isArray(v)) return v.map(String);
    return undefined;
  }
  get pageSize(): number | undefined {
    const v = this.options.get(OptionNames.PAGE_SIZE);
    return typeof v === 'number' ? v : undefined;
  }
  get pagedResultsCookie(): string | undefined {
    const v = this.options.get(OptionNames.PAGED_RESULTS_COOKIE);
    return typeof v === 'string' ? v : undefined;
  }
  get pagedResultsOffset(): number | undefined {
    const v = this.options.get(OptionNames.PAGED_RESULTS_OFFSET);
    return typeof v === 'number' ? v : undefined;
  }
  get sortKeys(): SortKey[] | undefined {
    const v = this.options.get(OptionNames.SORT_KEYS);
    const items = v instanceof JavaArray ? v.items : Array.isArray(v) ? v : undefined;
    return items?.filter((k): k is SortKey => k instanceof SortKey);
  }
  get scope(): SearchScope | undefined {
    const v = this.options.get(OptionNames.SCOPE);
    return typeof v === 'string' ? (v as SearchScope) : undefined;
  }
  get container(): QualifiedUid | undefined {
    const v = this.options.get(OptionNames.CONTAINER);
    return v instanceof QualifiedUid ? v : undefined;
  }
  get runAsUser(): string | undefined {
    const v = this.options.get(OptionNames.RUN_AS_USER);
    return typeof v === 'string' ? v : undefined;
  }
  get runWithPassword(): GuardedString | undefined {
    const v = this.options.get(OptionNames.RUN_WITH_PASSWORD);
    return v instanceof GuardedString ? v : undefined;
  }
  get failOnError(): boolean | undefined {
    const v = this.options.get(OptionNames.FAIL_ON_ERROR);
    return typeof v === 'boolean' ? v : undefined;
  }
  get requireSerial(): boolean | undefined {
    const v = this.options.get(OptionNames.REQUIRE_SERIAL);
    return typeof v === 'boolean' ? v : undefined;
  }
  get totalPagedResultsPolicy(): CountPolicy | undefined {
    const v = this.options.get(OptionNames.TOTAL_PAGED_RESULTS_POLICY);
    return v == null ? undefined : (String(v) as CountPolicy);
  }
}

/** Builds OperationOptions with the Java wire types IDM expects (String[] and SortKey[] arrays, Integer). */
export class OperationOptionsBuilder {
  private readonly map = new Map<string, unknown>();

  set(name: string, value: unknown): this {
    this.map.set(name, value);
    return this;
  }
  attributesToGet(...names: string[]): this {
    return this.set(OptionNames.ATTRS_TO_GET, new JavaArray(JavaClasses.String, names));
  }
  pageSize(n: number): this {
    return this.set(OptionNames.PAGE_SIZE, n);
  }
  pagedResultsCookie(cookie: string): this {
    return this.set(OptionNames.PAGED_RESULTS_COOKIE, cookie);
  }
  pagedResultsOffset(n: number): this {
    return this.set(OptionNames.PAGED_RESULTS_OFFSET, n);
  }
  sortKeys(...keys: SortKey[]): this {
    return this.set(OptionNames.SORT_KEYS, new JavaArray(SORT_KEY_CLASS, keys));
  }
  scope(scope: SearchScope): this {
    return this.set(OptionNames.SCOPE, scope);
  }
  container(container: QualifiedUid): this {
    return this.set(OptionNames.CONTAINER, container);
  }
  runAsUser(user: string): this {
    return this.set(OptionNames.RUN_AS_USER, user);
  }
  runWithPassword(password: GuardedString): this {
    return this.set(OptionNames.RUN_WITH_PASSWORD, password);
  }
  build(): OperationOptions {
    return new OperationOptions(this.map);
  }
}
