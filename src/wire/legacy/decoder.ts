/**
 * Stream decoder (Java's BinaryObjectDecoder). Each record's fields are collected first (named ones by name,
 * anonymous ones in order), then the type's handler pulls what it needs. Also produces the raw-tree view.
 */
import { JavaArray, JavaCharacter, JavaClass, JavaDouble, JavaFloat } from '../../model/index.ts';
import { LegacyFormatError } from '../errors.ts';
import {
  ENCODING_VERSION,
  FIELD_TYPE_ANONYMOUS,
  FIELD_TYPE_END_OBJECT,
  FIELD_TYPE_NAMED,
  MAX_ARRAY_DIMENSIONS,
  MAX_DEPTH,
  OBJECT_MAGIC,
  OBJECT_TYPE_ARRAY,
  OBJECT_TYPE_CLASS,
  OBJECT_TYPE_NULL,
} from './constants.ts';
import type { FieldKind, FieldReader } from './handler.ts';
import { Cursor, NeedMoreData } from './io.ts';
import { handlerByName, isRegisteredType } from './registry.ts';
import { doubleToTree, hex, longToTree, typeRef, type LegacyField, type LegacyFieldValue, type LegacyNode } from './tree.ts';

interface ClassDesc {
  readonly name: string;
  readonly dims: number;
}

interface RawRecord {
  readonly cls: ClassDesc | null;
  readonly named: Map<string, Uint8Array>;
  readonly anon: Uint8Array[];
  /** Fields in wire order (tree mode only). */
  readonly order: Array<readonly [string | null, Uint8Array]> | null;
}

type Mode = 'typed' | 'tree';

const PRIMITIVES = new Set(['boolean', 'char', 'int', 'long', 'float', 'double', 'byte']);

export class StreamDecoder {
  private readonly pool = new Map<number, string>();
  private headerRead = false;

  /**
   * Reads one top-level object (header on the first call, then a pool section and a record). With a streaming
   * cursor, running out of bytes throws NeedMoreData and leaves the decoder's state unchanged.
   */
  readTopLevel(cur: Cursor, mode: 'typed'): unknown;
  readTopLevel(cur: Cursor, mode: 'tree'): LegacyNode;
  readTopLevel(cur: Cursor, mode: Mode): unknown {
    if (!this.headerRead) {
      const magic = cur.i32('stream magic');
      if (magic !== OBJECT_MAGIC) throw new LegacyFormatError('BAD_MAGIC', `bad stream magic 0x${(magic >>> 0).toString(16)} (expected 0xfafb)`);
      const version = cur.i32('stream version');
      if (version !== ENCODING_VERSION) throw new LegacyFormatError('BAD_VERSION', `unsupported stream version ${version} (expected 2)`);
    }
    const count = cur.i32('constant pool size');
    if (count < 0) throw new LegacyFormatError('BAD_LENGTH', `negative constant pool size ${count}`);
    const previous: Array<readonly [number, string | undefined]> = [];
    try {
      for (let i = 0; i < count; i++) {
        const name = cur.str('constant');
        const code = cur.i32('constant code');
        previous.push([code, this.pool.get(code)]);
        this.pool.set(code, name);
      }
      const raw = this.parseRecord(cur, 0, mode);
      const value = mode === 'typed' ? this.decodeTyped(raw, 0) : this.decodeTree(raw, 0);
      this.headerRead = true;
      return value;
    } catch (err) {
      if (err instanceof NeedMoreData) {
        // Undo the pool section so the same bytes can be read again once more have arrived.
        for (let i = previous.length - 1; i >= 0; i--) {
          const [code, old] = previous[i]!;
          if (old === undefined) this.pool.delete(code);
          else this.pool.set(code, old);
        }
        throw err;
      }
      throw asLegacyError(err);
    }
  }

  private lookup(code: number): string {
    const name = this.pool.get(code);
    if (name === undefined) throw new LegacyFormatError('UNDECLARED_CODE', `Undeclared code: ${code}`);
    return name;
  }

  private readClassDesc(cur: Cursor, mode: Mode): ClassDesc | null {
    let dims = 0;
    for (;;) {
      const b = cur.u8('class descriptor');
      if (b === OBJECT_TYPE_NULL) {
        if (dims > 0) throw new LegacyFormatError('BAD_DESCRIPTOR', 'array of a null component type');
        return null;
      }
      if (b === OBJECT_TYPE_CLASS) break;
      if (b !== OBJECT_TYPE_ARRAY) throw new LegacyFormatError('BAD_DESCRIPTOR', `Bad type value: ${b}`);
      if (++dims > MAX_ARRAY_DIMENSIONS) throw new LegacyFormatError('TOO_DEEP', `array class with more than ${MAX_ARRAY_DIMENSIONS} dimensions`);
    }
    const name = this.lookup(cur.i32('type code'));
    if (mode === 'tree') return { name, dims };
    if (!isRegisteredType(name)) throw new LegacyFormatError('UNKNOWN_TYPE', `No deserializer for type: ${name}`);
    // byte[] is the ByteArray type whichever way it is written.
    if (name === 'byte' && dims > 0) return { name: 'ByteArray', dims: dims - 1 };
    return { name, dims };
  }

  /** Reads a class descriptor (typed rules: registered names only). */
  readClass(cur: Cursor): ClassDesc | null {
    return this.readClassDesc(cur, 'typed');
  }

  private parseRecord(cur: Cursor, depth: number, mode: Mode): RawRecord {
    if (depth > MAX_DEPTH) throw new LegacyFormatError('TOO_DEEP', `objects nest deeper than ${MAX_DEPTH}`);
    const cls = this.readClassDesc(cur, mode);
    const named = new Map<string, Uint8Array>();
    const anon: Uint8Array[] = [];
    const order: Array<readonly [string | null, Uint8Array]> | null = mode === 'tree' ? [] : null;
    for (;;) {
      const tag = cur.u8('field tag');
      if (tag === FIELD_TYPE_END_OBJECT) break;
      if (tag === FIELD_TYPE_ANONYMOUS) {
        const payload = cur.lengthPrefixed('field');
        anon.push(payload);
        order?.push([null, payload]);
      } else if (tag === FIELD_TYPE_NAMED) {
        const name = this.lookup(cur.i32('field name code'));
        const payload = cur.lengthPrefixed('field');
        named.set(name, payload);
        order?.push([name, payload]);
      } else {
        throw new LegacyFormatError('BAD_FIELD_TAG', `Unknown type: ${tag}`);
      }
    }
    return { cls, named, anon, order };
  }

  /** Decodes a nested object record held in a field payload. */
  decodeNested(payload: Uint8Array, depth: number): unknown {
    return this.decodeTyped(this.parseRecord(Cursor.of(payload), depth, 'typed'), depth);
  }

  private decodeTyped(raw: RawRecord, depth: number): unknown {
    const cls = raw.cls;
    if (cls === null) return null;
    if (cls.dims > 0) return this.decodeArray(cls, raw, depth);
    const handler = handlerByName(cls.name);
    if (!handler) throw new LegacyFormatError('UNKNOWN_TYPE', `No deserializer for type: ${cls.name}`);
    return handler.read(new RecordReader(this, raw, depth, cls.name));
  }

  private decodeArray(cls: ClassDesc, raw: RawRecord, depth: number): JavaArray {
    let component = JavaClass.of(cls.name);
    for (let i = 1; i < cls.dims; i++) component = JavaClass.arrayOf(component);
    const primitive = cls.dims === 1 && PRIMITIVES.has(cls.name) ? cls.name : null;
    const items = raw.anon.map((p, i) => {
      const v = this.decodeNested(p, depth + 1);
      return primitive ? unbox(primitive, v, i) : v;
    });
    return new JavaArray(component, items);
  }

  // Raw tree.

  private decodeTree(raw: RawRecord, depth: number): LegacyNode {
    const cls = raw.cls;
    if (cls === null) return { type: 'null' };
    const handler = cls.dims === 0 ? handlerByName(cls.name) : null;
    const fields: LegacyField[] = raw.order!.map(([field, payload]) => {
      let kind: FieldKind | null;
      if (field === null) kind = cls.dims > 0 ? 'object' : handler?.anon ?? null;
      else kind = handler && Object.hasOwn(handler.named, field) ? handler.named[field]! : null;
      if (kind === null) return this.guessField(field, payload, depth);
      return { field, kind, value: this.treeValue(kind, payload, depth) };
    });
    return { type: typeRef(cls.name, cls.dims), fields };
  }

  private treeValue(kind: FieldKind, payload: Uint8Array, depth: number): LegacyFieldValue {
    const cur = Cursor.of(payload);
    switch (kind) {
      case 'int':
        return cur.i32();
      case 'long':
        return longToTree(cur.i64());
      case 'double':
        return doubleToTree(cur.f64());
      case 'boolean':
        return cur.u8('boolean') !== 0;
      case 'byte':
        return cur.i8();
      case 'bytes':
        return hex(cur.lengthPrefixed('bytes'));
      case 'string':
        return cur.str();
      case 'class': {
        const c = this.readClassDesc(cur, 'tree');
        return c === null ? null : typeRef(c.name, c.dims);
      }
      case 'object':
        return this.decodeTree(this.parseRecord(cur, depth + 1, 'tree'), depth + 1);
    }
  }

  /** A field of a type or name the registry does not describe: the kind is guessed from the payload's shape. */
  private guessField(field: string | null, payload: Uint8Array, depth: number): LegacyField {
    const n = payload.length;
    if (n === 1) return { field, kind: payload[0]! <= 1 ? 'boolean' : 'byte', value: payload[0]! <= 1 ? payload[0] === 1 : (payload[0]! << 24) >> 24 };
    const first = payload[0];
    if (first === OBJECT_TYPE_NULL || first === OBJECT_TYPE_CLASS || first === OBJECT_TYPE_ARRAY) {
      try {
        const cur = Cursor.of(payload);
        const raw = this.parseRecord(cur, depth + 1, 'tree');
        if (cur.remaining === 0) return { field, kind: 'object', value: this.decodeTree(raw, depth + 1) };
      } catch (err) {
        if (!(err instanceof LegacyFormatError)) throw err;
      }
    }
    if (n >= 4 && new DataView(payload.buffer, payload.byteOffset, n).getInt32(0) === n - 4) {
      try {
        return { field, kind: 'string', value: Cursor.of(payload).str() };
      } catch {
        return { field, kind: 'bytes', value: hex(payload.subarray(4)) };
      }
    }
    if (n === 4) return { field, kind: 'int', value: Cursor.of(payload).i32() };
    if (n === 8) return { field, kind: 'long', value: longToTree(Cursor.of(payload).i64()) };
    // Unrecognisable: the whole payload as hex.
    return { field, kind: 'bytes', value: hex(payload) };
  }
}

function unbox(primitive: string, v: unknown, index: number): unknown {
  switch (primitive) {
    case 'int':
      if (typeof v === 'number') return v;
      break;
    case 'long':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return BigInt(v);
      break;
    case 'double':
    case 'float':
      if (v instanceof JavaDouble || v instanceof JavaFloat) return primitive === 'float' ? Math.fround(v.value) : v.value;
      if (typeof v === 'number') return primitive === 'float' ? Math.fround(v) : v;
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    case 'char':
      if (v instanceof JavaCharacter) return v.value;
      break;
  }
  throw new LegacyFormatError('INVALID_VALUE', `element #${index} of a ${primitive}[] is not a ${primitive}`);
}

/** Anything a handler or model constructor threw, as a LegacyFormatError. */
export function asLegacyError(err: unknown): LegacyFormatError {
  if (err instanceof LegacyFormatError) return err;
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return new LegacyFormatError('TOO_DEEP', 'objects nest too deeply', { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new LegacyFormatError('INVALID_VALUE', `invalid value: ${message}`, { cause: err });
}

class RecordReader implements FieldReader {
  constructor(
    private readonly decoder: StreamDecoder,
    private readonly raw: RawRecord,
    private readonly depth: number,
    readonly typeName: string,
  ) {}

  private cursor(name: string): Cursor | undefined {
    const p = this.raw.named.get(name);
    return p === undefined ? undefined : Cursor.of(p);
  }

  private anonCursor(i: number): Cursor {
    const p = this.raw.anon[i];
    if (p === undefined) throw new LegacyFormatError('MISSING_FIELD', `${this.typeName}: Anonymous content not found (#${i})`);
    return Cursor.of(p);
  }

  has(name: string): boolean {
    return this.raw.named.has(name);
  }
  int(name: string, dflt: number): number {
    return this.cursor(name)?.i32(`${this.typeName}.${name}`) ?? dflt;
  }
  long(name: string, dflt: bigint): bigint {
    return this.cursor(name)?.i64(`${this.typeName}.${name}`) ?? dflt;
  }
  bool(name: string, dflt: boolean): boolean {
    const c = this.cursor(name);
    return c === undefined ? dflt : c.u8(`${this.typeName}.${name}`) !== 0;
  }
  double(name: string, dflt: number): number {
    return this.cursor(name)?.f64(`${this.typeName}.${name}`) ?? dflt;
  }
  string(name: string, dflt: string | null): string | null {
    const c = this.cursor(name);
    return c === undefined ? dflt : c.str(`${this.typeName}.${name}`);
  }
  classField(name: string, dflt: JavaClass | null): JavaClass | null {
    const c = this.cursor(name);
    return c === undefined ? dflt : this.readClass(c);
  }
  object(name: string, dflt: unknown = null): unknown {
    const p = this.raw.named.get(name);
    return p === undefined ? dflt : this.decoder.decodeNested(p, this.depth + 1);
  }

  get anonCount(): number {
    return this.raw.anon.length;
  }
  anonInt(i = 0): number {
    return this.anonCursor(i).i32(`${this.typeName} content`);
  }
  anonLong(i = 0): bigint {
    return this.anonCursor(i).i64(`${this.typeName} content`);
  }
  anonBool(i = 0): boolean {
    return this.anonCursor(i).u8(`${this.typeName} content`) !== 0;
  }
  anonByte(i = 0): number {
    return this.anonCursor(i).i8(`${this.typeName} content`);
  }
  anonDouble(i = 0): number {
    return this.anonCursor(i).f64(`${this.typeName} content`);
  }
  anonString(i = 0): string {
    return this.anonCursor(i).str(`${this.typeName} content`);
  }
  anonBytes(i = 0): Uint8Array {
    return this.anonCursor(i).lengthPrefixed(`${this.typeName} content`);
  }
  anonClass(i = 0): JavaClass | null {
    return this.readClass(this.anonCursor(i));
  }
  anonObject(i: number): unknown {
    const p = this.raw.anon[i];
    if (p === undefined) throw new LegacyFormatError('MISSING_FIELD', `${this.typeName}: Anonymous content not found (#${i})`);
    return this.decoder.decodeNested(p, this.depth + 1);
  }

  private readClass(cur: Cursor): JavaClass | null {
    const desc = this.decoder.readClass(cur);
    if (desc === null) return null;
    let c = JavaClass.of(desc.name);
    for (let i = 0; i < desc.dims; i++) c = JavaClass.arrayOf(c);
    return c;
  }
}
