/**
 * Stream encoder (Java's BinaryObjectEncoder): one constant pool per stream, a pool section before each
 * top-level object listing only the names that object introduced, and length-prefixed fields.
 */
import { JavaArray, JavaCharacter, JavaClass, JavaDouble, JavaFloat, JavaByte } from '../../model/index.ts';
import { LegacyFormatError } from '../errors.ts';
import {
  ENCODING_VERSION,
  FIELD_TYPE_ANONYMOUS,
  FIELD_TYPE_END_OBJECT,
  FIELD_TYPE_NAMED,
  MAX_DEPTH,
  OBJECT_MAGIC,
  OBJECT_TYPE_ARRAY,
  OBJECT_TYPE_CLASS,
  OBJECT_TYPE_NULL,
} from './constants.ts';
import type { FieldWriter, TypeHandler } from './handler.ts';
import { ByteWriter } from './io.ts';
import { handlerForValue, isRegisteredType } from './registry.ts';

const PRIMITIVE_BOXES: Readonly<Record<string, string>> = {
  boolean: 'Boolean',
  char: 'Character',
  int: 'Integer',
  long: 'Long',
  float: 'Float',
  double: 'Double',
  byte: 'Byte',
};

function describe(v: unknown): string {
  if (typeof v === 'object' && v !== null) return v.constructor?.name ?? 'object';
  return typeof v;
}

/** byte[] is its own serial type: (byte, n dims) is written as (ByteArray, n-1 dims). */
function normalizeClass(c: JavaClass): { name: string; dims: number } {
  if (c.name === 'byte' && c.dimensions > 0) return { name: 'ByteArray', dims: c.dimensions - 1 };
  return { name: c.name, dims: c.dimensions };
}

/** Scratch buffers of one top-level encode: the record, then the pool section that goes before it. */
interface Scratch {
  readonly body: ByteWriter;
  readonly head: ByteWriter;
}

/** A scratch buffer that grew past this is not kept for the next object. */
const MAX_KEPT_SCRATCH = 1024 * 1024;

/**
 * Encoding is synchronous, so one pair of scratch buffers serves every encoder in turn and an object is copied
 * once, into its exact-size result. An encode that starts while another is running (a handler serializing a
 * value of its own) takes fresh buffers.
 */
let spareScratch: Scratch | null = null;

function takeScratch(): Scratch {
  const s = spareScratch ?? { body: new ByteWriter(8192), head: new ByteWriter(256) };
  spareScratch = null;
  s.body.reset();
  s.head.reset();
  return s;
}

function returnScratch(s: Scratch): void {
  if (s.body.capacity <= MAX_KEPT_SCRATCH && s.head.capacity <= MAX_KEPT_SCRATCH) spareScratch = s;
}

export class StreamEncoder implements FieldWriter {
  private readonly codes = new Map<string, number>();
  private newNames: string[] = [];
  private headerWritten = false;
  private out = new ByteWriter(0);
  private depth = 0;

  /** Encodes one top-level object: the header the first time, then its pool section and its record. */
  encodeTopLevel(value: unknown): Uint8Array {
    const scratch = takeScratch();
    try {
      return this.encodeWith(scratch, value);
    } finally {
      returnScratch(scratch);
    }
  }

  private encodeWith(scratch: Scratch, value: unknown): Uint8Array {
    this.newNames = [];
    this.out = scratch.body;
    this.depth = 0;
    try {
      this.writeObject(value);
    } catch (err) {
      // Names interned by a failed object were never announced: forget them so the stream stays consistent.
      for (const name of this.newNames) this.codes.delete(name);
      this.newNames = [];
      if (err instanceof LegacyFormatError) throw err;
      if (err instanceof RangeError && /call stack/i.test(err.message)) {
        throw new LegacyFormatError('TOO_DEEP', 'value nests too deeply to encode', { cause: err });
      }
      throw new LegacyFormatError('UNSUPPORTED_VALUE', `cannot encode value: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const head = scratch.head;
    if (!this.headerWritten) {
      head.i32(OBJECT_MAGIC);
      head.i32(ENCODING_VERSION);
    }
    head.i32(this.newNames.length);
    for (const name of this.newNames) {
      head.str(name);
      head.i32(this.codes.get(name)!);
    }
    const result = new Uint8Array(head.pos + scratch.body.pos);
    scratch.body.copyTo(result, head.copyTo(result, 0));
    this.headerWritten = true;
    this.newNames = [];
    return result;
  }

  private intern(name: string): number {
    let code = this.codes.get(name);
    if (code === undefined) {
      code = this.codes.size;
      this.codes.set(name, code);
      this.newNames.push(name);
    }
    return code;
  }

  private writeClassDescriptor(c: JavaClass): void {
    const { name, dims } = normalizeClass(c);
    if (!isRegisteredType(name)) throw new LegacyFormatError('UNSUPPORTED_VALUE', `No serializer for class: ${name}`);
    if (dims > 255) throw new LegacyFormatError('UNSUPPORTED_VALUE', `array class with ${dims} dimensions`);
    for (let i = 0; i < dims; i++) this.out.u8(OBJECT_TYPE_ARRAY);
    this.out.u8(OBJECT_TYPE_CLASS);
    this.out.i32(this.intern(name));
  }

  private writeTypeName(name: string): void {
    this.out.u8(OBJECT_TYPE_CLASS);
    this.out.i32(this.intern(name));
  }

  /** Writes one object record (descriptor, fields, end). */
  writeObject(value: unknown): void {
    if (value === null || value === undefined) {
      this.out.u8(OBJECT_TYPE_NULL);
      this.out.u8(FIELD_TYPE_END_OBJECT);
      return;
    }
    if (++this.depth > MAX_DEPTH) throw new LegacyFormatError('TOO_DEEP', `value nests deeper than ${MAX_DEPTH} objects`);
    try {
      if (value instanceof JavaArray) {
        this.writeArray(value);
      } else {
        const handler = handlerForValue(value);
        if (!handler) throw new LegacyFormatError('UNSUPPORTED_VALUE', `No serializer for class: ${describe(value)}`);
        if (typeof value === 'bigint' && (value < -(2n ** 63n) || value >= 2n ** 63n)) {
          throw new LegacyFormatError('UNSUPPORTED_VALUE', 'bigint out of the Java long range (use JavaBigInteger)');
        }
        this.writeWithHandler(handler, value);
      }
    } finally {
      this.depth--;
    }
  }

  private writeWithHandler(handler: TypeHandler, value: unknown): void {
    this.writeTypeName(handler.name);
    handler.write(this, value);
    this.out.u8(FIELD_TYPE_END_OBJECT);
  }

  private writeArray(arr: JavaArray): void {
    const component = arr.componentType;
    if (component.name === 'byte' && component.dimensions === 0) {
      // Java's byte[] is the ByteArray type, not an array of Byte records.
      const bytes = Uint8Array.from(arr.items as readonly number[], (b) => Number(b) & 0xff);
      this.writeWithHandler(handlerForValue(bytes)!, bytes);
      return;
    }
    this.writeClassDescriptor(JavaClass.arrayOf(component));
    const box = component.dimensions === 0 ? PRIMITIVE_BOXES[component.name] : undefined;
    for (const item of arr.items) this.anonObject(box ? boxPrimitive(box, item) : item);
    this.out.u8(FIELD_TYPE_END_OBJECT);
  }

  wireClassOf(v: unknown): JavaClass | null {
    if (v === null || v === undefined) return null;
    if (v instanceof JavaArray) return JavaClass.arrayOf(v.componentType);
    const handler = handlerForValue(v);
    return handler ? JavaClass.of(handler.name) : null;
  }

  // Named fields: tag, interned name, length, payload.

  private named(name: string): number {
    this.out.u8(FIELD_TYPE_NAMED);
    this.out.i32(this.intern(name));
    return this.out.reserveLength();
  }

  private anon(): number {
    this.out.u8(FIELD_TYPE_ANONYMOUS);
    return this.out.reserveLength();
  }

  int(name: string, v: number): void {
    const at = this.named(name);
    this.out.i32(v);
    this.out.patchLength(at);
  }
  long(name: string, v: bigint): void {
    const at = this.named(name);
    this.out.i64(BigInt.asIntN(64, v));
    this.out.patchLength(at);
  }
  bool(name: string, v: boolean): void {
    const at = this.named(name);
    this.out.u8(v ? 1 : 0);
    this.out.patchLength(at);
  }
  double(name: string, v: number): void {
    const at = this.named(name);
    this.out.f64(v);
    this.out.patchLength(at);
  }
  string(name: string, v: string | null | undefined): void {
    if (v === null || v === undefined) return;
    const at = this.named(name);
    this.out.str(v);
    this.out.patchLength(at);
  }
  classField(name: string, c: JavaClass | null | undefined): void {
    if (c === null || c === undefined) return;
    const at = this.named(name);
    this.writeClassDescriptor(c);
    this.out.patchLength(at);
  }
  object(name: string, v: unknown): void {
    const at = this.named(name);
    this.writeObject(v);
    this.out.patchLength(at);
  }

  anonInt(v: number): void {
    const at = this.anon();
    this.out.i32(v);
    this.out.patchLength(at);
  }
  anonLong(v: bigint): void {
    const at = this.anon();
    this.out.i64(BigInt.asIntN(64, v));
    this.out.patchLength(at);
  }
  anonBool(v: boolean): void {
    const at = this.anon();
    this.out.u8(v ? 1 : 0);
    this.out.patchLength(at);
  }
  anonByte(v: number): void {
    const at = this.anon();
    this.out.u8(v);
    this.out.patchLength(at);
  }
  anonDouble(v: number): void {
    const at = this.anon();
    this.out.f64(v);
    this.out.patchLength(at);
  }
  anonString(v: string): void {
    const at = this.anon();
    this.out.str(v);
    this.out.patchLength(at);
  }
  anonBytes(v: Uint8Array): void {
    const at = this.anon();
    this.out.lengthPrefixed(v);
    this.out.patchLength(at);
  }
  anonClass(c: JavaClass | null): void {
    const at = this.anon();
    if (c === null) this.out.u8(OBJECT_TYPE_NULL);
    else this.writeClassDescriptor(c);
    this.out.patchLength(at);
  }
  anonObject(v: unknown): void {
    const at = this.anon();
    this.writeObject(v);
    this.out.patchLength(at);
  }
}

/** Boxes an element of a primitive array (int[] holds numbers, char[] one-unit strings...). */
function boxPrimitive(box: string, item: unknown): unknown {
  if (item === null || item === undefined) throw new LegacyFormatError('UNSUPPORTED_VALUE', `null element in a primitive array`);
  switch (box) {
    case 'Integer':
      if (typeof item === 'number' && isInt32(item)) return item + 0; // -0 would become a Double
      break;
    case 'Long':
      if (typeof item === 'bigint') return item;
      if (typeof item === 'number' && Number.isSafeInteger(item)) return BigInt(item);
      break;
    case 'Double':
      if (typeof item === 'number') return new JavaDouble(item);
      if (item instanceof JavaDouble) return item;
      break;
    case 'Float':
      if (typeof item === 'number') return new JavaFloat(item);
      if (item instanceof JavaFloat) return item;
      break;
    case 'Boolean':
      if (typeof item === 'boolean') return item;
      break;
    case 'Character':
      if (typeof item === 'string' && item.length === 1) return new JavaCharacter(item);
      if (item instanceof JavaCharacter) return item;
      break;
    case 'Byte':
      if (typeof item === 'number') return new JavaByte(item);
      if (item instanceof JavaByte) return item;
      break;
  }
  throw new LegacyFormatError('UNSUPPORTED_VALUE', `element of type ${describe(item)} in a primitive ${box} array`);
}

function isInt32(v: number): boolean {
  return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}
