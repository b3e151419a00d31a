/**
 * Java value types that JavaScript cannot tell apart on its own. The legacy serializer and Java setters check
 * boxed types exactly, so a value keeps the Java type it was received with.
 *
 * Mapping: String = string, Boolean = boolean, Integer = number (int32), Long = bigint, List = Array,
 * byte[] = Uint8Array, Map = Map, Set = Set; everything else is one of the wrappers below.
 */

/** Serial type name of a Java class as the legacy serializer writes it ("String", "int", "CreateApiOp"...). */
export class JavaClass {
  private constructor(
    /** Registered serial type name; for arrays the innermost component's name. */
    readonly name: string,
    /** Array dimensions (0 = not an array). */
    readonly dimensions: number,
  ) {}

  private static readonly interned = new Map<string, JavaClass>();

  static of(name: string): JavaClass {
    return JavaClass.intern(name, 0);
  }

  static arrayOf(component: JavaClass): JavaClass {
    return JavaClass.intern(component.name, component.dimensions + 1);
  }

  private static intern(name: string, dimensions: number): JavaClass {
    const key = name + '[]'.repeat(dimensions);
    let c = JavaClass.interned.get(key);
    if (!c) {
      c = new JavaClass(name, dimensions);
      JavaClass.interned.set(key, c);
    }
    return c;
  }

  /** Parses "String", "String[]", "int[][]". */
  static parse(text: string): JavaClass {
    let dims = 0;
    let name = text.trim();
    while (name.endsWith('[]')) {
      dims++;
      name = name.slice(0, -2);
    }
    return JavaClass.intern(name, dims);
  }

  get isArray(): boolean {
    return this.dimensions > 0;
  }

  /** Component class of an array class. */
  get componentType(): JavaClass {
    if (this.dimensions === 0) throw new TypeError(`${this.name} is not an array class`);
    return JavaClass.intern(this.name, this.dimensions - 1);
  }

  toString(): string {
    return this.name + '[]'.repeat(this.dimensions);
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Commonly used class constants. */
export const JavaClasses = {
  String: JavaClass.of('String'),
  StringArray: JavaClass.arrayOf(JavaClass.of('String')),
  int: JavaClass.of('int'),
  Integer: JavaClass.of('Integer'),
  long: JavaClass.of('long'),
  Long: JavaClass.of('Long'),
  boolean: JavaClass.of('boolean'),
  Boolean: JavaClass.of('Boolean'),
  double: JavaClass.of('double'),
  Double: JavaClass.of('Double'),
  float: JavaClass.of('float'),
  Float: JavaClass.of('Float'),
  char: JavaClass.of('char'),
  Character: JavaClass.of('Character'),
  byte: JavaClass.of('byte'),
  Byte: JavaClass.of('Byte'),
  ByteArray: JavaClass.of('ByteArray'),
  BigInteger: JavaClass.of('BigInteger'),
  BigDecimal: JavaClass.of('BigDecimal'),
  GuardedString: JavaClass.of('GuardedString'),
  GuardedByteArray: JavaClass.of('GuardedByteArray'),
  File: JavaClass.of('File'),
  URI: JavaClass.of('URI'),
  Map: JavaClass.of('Map'),
  Object: JavaClass.of('Object'),
  Class: JavaClass.of('Class'),
} as const;

abstract class NumberBox {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** java.lang.Double */
export class JavaDouble extends NumberBox {
  override toString(): string {
    return String(this.value);
  }
}

/** java.lang.Float (travels widened to a double; the value is rounded to float precision). */
export class JavaFloat extends NumberBox {
  constructor(value: number) {
    super(Math.fround(value));
  }
  override toString(): string {
    return String(this.value);
  }
}

/** java.lang.Byte, signed -128..127. */
export class JavaByte extends NumberBox {
  constructor(value: number) {
    if (!Number.isInteger(value) || value < -128 || value > 127) throw new RangeError(`not a Java byte: ${value}`);
    super(value);
  }
  override toString(): string {
    return String(this.value);
  }
}

/** java.lang.Character: exactly one UTF-16 code unit. */
export class JavaCharacter {
  constructor(readonly value: string) {
    if (value.length !== 1) throw new RangeError('a Java char is exactly one UTF-16 code unit');
  }
  toString(): string {
    return this.value;
  }
  toJSON(): string {
    return this.value;
  }
}

/** java.math.BigInteger */
export class JavaBigInteger {
  constructor(readonly value: bigint) {}
  toString(): string {
    return this.value.toString();
  }
  toJSON(): string {
    return this.value.toString();
  }
}

/** java.math.BigDecimal = unscaled × 10^-scale, precision kept exactly. */
export class JavaBigDecimal {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {
    if (!Number.isInteger(scale) || scale < -2147483648 || scale > 2147483647) throw new RangeError('bad scale');
  }

  /** Parses "123.45", "-1E+3", "0.000". */
  static parse(text: string): JavaBigDecimal {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new SyntaxError(`not a decimal number: ${text}`);
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    const exp = m[4] ? Number(m[4]) : 0;
    const digits = (intPart + frac).replace(/^0+(?=\d)/, '') || '0';
    const unscaled = BigInt((m[1] === '-' ? '-' : '') + digits);
    return new JavaBigDecimal(unscaled, frac.length - exp);
  }

  /** Plain-ish rendering like Java's toString for the common cases. */
  toString(): string {
    const neg = this.unscaled < 0n;
    let digits = (neg ? -this.unscaled : this.unscaled).toString();
    if (this.scale <= 0) {
      const adjusted = -this.scale;
      return (neg ? '-' : '') + (adjusted === 0 ? digits : `${digits}E+${adjusted}`);
    }
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const point = digits.length - this.scale;
    return (neg ? '-' : '') + digits.slice(0, point) + '.' + digits.slice(point);
  }

  toJSON(): string {
    return this.toString();
  }
}

/** java.net.URI */
export class JavaURI {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
  toJSON(): string {
    return this.value;
  }
}

/** java.io.File (its path). */
export class JavaFile {
  constructor(readonly path: string) {}
  toString(): string {
    return this.path;
  }
  toJSON(): string {
    return this.path;
  }
}

/** A Java array (String[], Object[], int[], SortKey[]...). Lists are plain JS arrays; arrays need their component. */
export class JavaArray<T = unknown> {
  constructor(
    readonly componentType: JavaClass,
    readonly items: readonly T[],
  ) {}
  get length(): number {
    return this.items.length;
  }
  toJSON(): readonly T[] {
    return this.items;
  }
}

/** java.util.Locale */
export class Locale {
  constructor(
    readonly language: string = '',
    readonly country: string = '',
    readonly variant: string = '',
  ) {}

  static parse(tag: string): Locale {
    const [language = '', country = '', variant = ''] = tag.split(/[-_]/);
    return new Locale(language.toLowerCase(), country.toUpperCase(), variant);
  }

  /** Java's Locale.toString form: en_US, fr, en_US_POSIX. */
  toString(): string {
    if (!this.country && !this.variant) return this.language;
    return [this.language, this.country, this.variant].filter((p, i) => p || i < 2).join('_').replace(/_+$/, '');
  }

  equals(other: Locale): boolean {
    return this.language === other.language && this.country === other.country && this.variant === other.variant;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** One of the Java enums the legacy serializer knows, seen as a free-standing value. */
export type JavaEnumType = 'AttributeInfoFlag' | 'CountPolicy' | 'SyncDeltaType';

export class JavaEnum {
  constructor(
    readonly enumType: JavaEnumType,
    readonly value: string,
  ) {}
  toString(): string {
    return this.value;
  }
  toJSON(): string {
    return this.value;
  }
}

/** A Map whose String keys compare case-insensitively (Java TreeMap with CASE_INSENSITIVE_ORDER). */
export class CaseInsensitiveMap<V = unknown> extends Map<string, V> {
  private readonly folded = new Map<string, string>();

  constructor(entries?: Iterable<readonly [string, V]>) {
    super();
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  override set(key: string, value: V): this {
    const f = key.toUpperCase();
    const existing = this.folded?.get(f);
    if (existing !== undefined && existing !== key) super.delete(existing);
    this.folded?.set(f, existing ?? key);
    return super.set(existing ?? key, value);
  }
  override get(key: string): V | undefined {
    const k = this.folded.get(key.toUpperCase());
    return k === undefined ? undefined : super.get(k);
  }
  override has(key: string): boolean {
    return this.folded.has(key.toUpperCase());
  }
  override delete(key: string): boolean {
    const f = key.toUpperCase();
    const k = this.folded.get(f);
    if (k === undefined) return false;
    this.folded.delete(f);
    return super.delete(k);
  }
  override clear(): void {
    this.folded.clear();
    super.clear();
  }
}

/** A Set of Strings compared case-insensitively (Java TreeSet with CASE_INSENSITIVE_ORDER). */
export class CaseInsensitiveSet extends Set<string> {
  private readonly folded = new Set<string>();

  constructor(values?: Iterable<string>) {
    super();
    if (values) for (const v of values) this.add(v);
  }

  override add(value: string): this {
    const f = value.toUpperCase();
    if (this.folded?.has(f)) return this;
    this.folded?.add(f);
    return super.add(value);
  }
  override has(value: string): boolean {
    return this.folded.has(value.toUpperCase());
  }
  override delete(value: string): boolean {
    const f = value.toUpperCase();
    if (!this.folded.has(f)) return false;
    this.folded.delete(f);
    for (const v of this) {
      if (v.toUpperCase() === f) return super.delete(v);
    }
    return false;
  }
  override clear(): void {
    this.folded.clear();
    super.clear();
  }
}
