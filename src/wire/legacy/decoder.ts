/**
 * Stream decoder (Java's BinaryObjectDecoder). A typed record's fields are scanned once into a field table shared
 * by the whole decode (positions only: no per-field byte views or maps), then the type's handler pulls what it
 * needs by name or index. Also produces the raw-tree view.
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
import type { FieldKind, FieldReader, TypeHandler } from './handler.ts';
import { Cursor, NeedMoreData } from './io.ts';
import { handlerByName, isRegisteredType } from './registry.ts';
import { doubleToTree, hex, longToTree, typeRef, type LegacyField, type LegacyFieldValue, type LegacyNode } from './tree.ts';

interface ClassDesc {
  readonly name: string;
  readonly dims: number;
}

/** A constant of the pool. It doubles as the descriptor of its non-array class, resolved once per declaration. */
interface PoolName extends ClassDesc {
  readonly dims: 0;
  readonly registered: boolean;
  readonly handler: TypeHandler | null;
}

/** A class descriptor read with the typed rules: registered names only, handler resolved. */
interface TypedClassDesc extends ClassDesc {
  readonly handler: TypeHandler | null;
}

/** A record read for the raw tree: its fields in wire order. */
interface TreeRecord {
  readonly cls: ClassDesc | null;
  readonly order: Array<readonly [string | null, Uint8Array]>;
}

/**
 * Field positions of the typed records being decoded. Records nest strictly (a handler decodes its nested objects
 * while it runs), so one stack serves a whole decode: a record's fields sit above its parent's, and are popped once
 * its handler returned. Named fields keep their name and [start, end) in `namedPos`; anonymous ones only their
 * [start, end) in `anonPos`, so that field #i is found without a scan.
 */
class FieldStack {
  readonly names: string[] = [];
  readonly namedPos: number[] = [];
  readonly anonPos: number[] = [];
  namedTop = 0;
  anonTop = 0;

  reset(): void {
    this.namedTop = 0;
    this.anonTop = 0;
  }
}

type Mode = 'typed' | 'tree';

const PRIMITIVES = new Set(['boolean', 'char', 'int', 'long', 'float', 'double', 'byte']);

function poolName(name: string): PoolName {
  const registered = isRegisteredType(name);
  return { name, dims: 0, registered, handler: registered ? handlerByName(name) : null };
}

export class StreamDecoder {
  private readonly pool = new Map<number, PoolName>();
  private headerRead = false;
  /** @internal Shared with the RecordReaders of the current decode. */
  readonly fields = new FieldStack();

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
    const previous: Array<readonly [number, PoolName | undefined]> = [];
    try {
      for (let i = 0; i < count; i++) {
        const name = cur.str('constant');
        const code = cur.i32('constant code');
        previous.push([code, this.pool.get(code)]);
        this.pool.set(code, poolName(name));
      }
      this.fields.reset();
      const value = mode === 'typed' ? this.readTyped(cur, 0) : this.decodeTree(this.parseTreeRecord(cur, 0), 0);
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

  private lookup(code: number): PoolName {
    const entry = this.pool.get(code);
    if (entry === undefined) throw new LegacyFormatError('UNDECLARED_CODE', `Undeclared code: ${code}`);
    return entry;
  }

  private readClassDesc(cur: Cursor, mode: 'typed'): TypedClassDesc | null;
  private readClassDesc(cur: Cursor, mode: Mode): ClassDesc | null;
  private readClassDesc(cur: Cursor, mode: Mode): TypedClassDesc | ClassDesc | null {
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
    const entry = this.lookup(cur.i32('type code'));
    if (mode === 'tree') return dims === 0 ? entry : { name: entry.name, dims };
    if (!entry.registered) throw new LegacyFormatError('UNKNOWN_TYPE', `No deserializer for type: ${entry.name}`);
    if (dims === 0) return entry;
    // byte[] is the ByteArray type whichever way it is written.
    if (entry.name === 'byte') return { name: 'ByteArray', dims: dims - 1, handler: handlerByName('ByteArray') };
    return { name: entry.name, dims, handler: null };
  }

  /** Reads a class descriptor (typed rules: registered names only). */
  readClass(cur: Cursor): ClassDesc | null {
    return this.readClassDesc(cur, 'typed');
  }

  /** Decodes a nested object record held in the field payload bytes[start, end). */
  decodeNested(bytes: Uint8Array, start: number, end: number, depth: number): unknown {
    return this.readTyped(new Cursor(bytes, start, end), depth);
  }

  /** Reads one record and decodes it with its type's handler. */
  private readTyped(cur: Cursor, depth: number): unknown {
    if (depth > MAX_DEPTH) throw new LegacyFormatError('TOO_DEEP', `objects nest deeper than ${MAX_DEPTH}`);
    const cls = this.readClassDesc(cur, 'typed');
    const fields = this.fields;
    const namedBase = fields.namedTop;
    const anonBase = fields.anonTop;
    this.scanFields(cur);
    try {
      if (cls === null) return null;
      const reader = new RecordReader(this, cur.bytes, namedBase, anonBase, depth, cls.name);
      if (cls.dims > 0) return this.decodeArray(cls, reader);
      const handler = cls.handler;
      if (!handler) throw new LegacyFormatError('UNKNOWN_TYPE', `No deserializer for type: ${cls.name}`);
      return handler.read(reader);
    } finally {
      fields.namedTop = namedBase;
      fields.anonTop = anonBase;
    }
  }

  /** Pushes the positions of a record's fields onto the field stack, up to and including its end tag. */
  private scanFields(cur: Cursor): void {
    const fields = this.fields;
    for (;;) {
      const tag = cur.u8('field tag');
      if (tag === FIELD_TYPE_END_OBJECT) return;
      if (tag === FIELD_TYPE_ANONYMOUS) {
        const n = cur.length('field');
        const at = 2 * fields.anonTop++;
        fields.anonPos[at] = cur.pos;
        fields.anonPos[at + 1] = cur.pos + n;
        cur.pos += n;
      } else if (tag === FIELD_TYPE_NAMED) {
        const name = this.lookup(cur.i32('field name code')).name;
        const n = cur.length('field');
        const i = fields.namedTop++;
        fields.names[i] = name;
        fields.namedPos[2 * i] = cur.pos;
        fields.namedPos[2 * i + 1] = cur.pos + n;
        cur.pos += n;
      } else {
        throw new LegacyFormatError('BAD_FIELD_TAG', `Unknown type: ${tag}`);
      }
    }
  }

  private decodeArray(cls: ClassDesc, reader: RecordReader): JavaArray {
    let component = JavaClass.of(cls.name);
    for (let i = 1; i < cls.dims; i++) component = JavaClass.arrayOf(component);
    const primitive = cls.dims === 1 && PRIMITIVES.has(cls.name) ? cls.name : null;
    const items = new Array<unknown>(reader.anonCount);
    for (let i = 0; i < items.length; i++) {
      const v = reader.anonObject(i);
      items[i] = primitive ? unbox(primitive, v, i) : v;
    }
    return new JavaArray(component, items);
  }

  /** Reads a record for the raw tree: every field in wire order. */
  private parseTreeRecord(cur: Cursor, depth: number): TreeRecord {
    if (depth > MAX_DEPTH) throw new LegacyFormatError('TOO_DEEP', `objects nest deeper than ${MAX_DEPTH}`);
    const cls = this.readClassDesc(cur, 'tree');
    const order: Array<readonly [string | null, Uint8Array]> = [];
    for (;;) {
      const tag = cur.u8('field tag');
      if (tag === FIELD_TYPE_END_OBJECT) break;
      if (tag === FIELD_TYPE_ANONYMOUS) {
        order.push([null, cur.lengthPrefixed('field')]);
      } else if (tag === FIELD_TYPE_NAMED) {
        const name = this.lookup(cur.i32('field name code')).name;
        order.push([name, cur.lengthPrefixed('field')]);
      } else {
        throw new LegacyFormatError('BAD_FIELD_TAG', `Unknown type: ${tag}`);
      }
    }
    return { cls, order };
  }

  // Raw tree.

  private decodeTree(raw: TreeRecord, depth: number): LegacyNode {
    const cls = raw.cls;
    if (cls === null) return { type: 'null' };
    const handler = cls.dims === 0 ? handlerByName(cls.name) : null;
    const fields: LegacyField[] = raw.order.map(([field, payload]) => {
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
        return this.decodeTree(this.parseTreeRecord(cur, depth + 1), depth + 1);
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
        const raw = this.parseTreeRecord(cur, depth + 1);
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

/** A typed record's fields, read in place from the decoder's field stack. */
class RecordReader implements FieldReader {
  private readonly fields: FieldStack;
  private readonly namedEnd: number;
  readonly anonCount: number;

  constructor(
    private readonly decoder: StreamDecoder,
    private readonly bytes: Uint8Array,
    private readonly namedBase: number,
    private readonly anonBase: number,
    private readonly depth: number,
    readonly typeName: string,
  ) {
    this.fields = decoder.fields;
    this.namedEnd = this.fields.namedTop;
    this.anonCount = this.fields.anonTop - anonBase;
  }

  /** Stack index of the named field, or -1. The last one wins when a name repeats, as with Java's map. */
  private indexOf(name: string): number {
    const names = this.fields.names;
    for (let i = this.namedEnd - 1; i >= this.namedBase; i--) if (names[i] === name) return i;
    return -1;
  }

  private cursor(name: string): Cursor | undefined {
    const i = this.indexOf(name);
    if (i < 0) return undefined;
    const pos = this.fields.namedPos;
    return Cursor.field(this.bytes, pos[2 * i]!, pos[2 * i + 1]!, this.typeName, false);
  }

  private anonCursor(i: number): Cursor {
    if (!(i >= 0 && i < this.anonCount)) throw new LegacyFormatError('MISSING_FIELD', `${this.typeName}: Anonymous content not found (#${i})`);
    const at = 2 * (this.anonBase + i);
    const pos = this.fields.anonPos;
    return Cursor.field(this.bytes, pos[at]!, pos[at + 1]!, this.typeName, true);
  }

  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }
  int(name: string, dflt: number): number {
    return this.cursor(name)?.i32(name) ?? dflt;
  }
  long(name: string, dflt: bigint): bigint {
    return this.cursor(name)?.i64(name) ?? dflt;
  }
  bool(name: string, dflt: boolean): boolean {
    const c = this.cursor(name);
    return c === undefined ? dflt : c.u8(name) !== 0;
  }
  double(name: string, dflt: number): number {
    return this.cursor(name)?.f64(name) ?? dflt;
  }
  string(name: string, dflt: string | null): string | null {
    const c = this.cursor(name);
    return c === undefined ? dflt : c.str(name);
  }
  classField(name: string, dflt: JavaClass | null): JavaClass | null {
    const c = this.cursor(name);
    return c === undefined ? dflt : this.readClass(c);
  }
  object(name: string, dflt: unknown = null): unknown {
    const i = this.indexOf(name);
    if (i < 0) return dflt;
    const pos = this.fields.namedPos;
    return this.decoder.decodeNested(this.bytes, pos[2 * i]!, pos[2 * i + 1]!, this.depth + 1);
  }

  anonInt(i = 0): number {
    return this.anonCursor(i).i32('content');
  }
  anonLong(i = 0): bigint {
    return this.anonCursor(i).i64('content');
  }
  anonBool(i = 0): boolean {
    return this.anonCursor(i).u8('content') !== 0;
  }
  anonByte(i = 0): number {
    return this.anonCursor(i).i8('content');
  }
  anonDouble(i = 0): number {
    return this.anonCursor(i).f64('content');
  }
  anonString(i = 0): string {
    return this.anonCursor(i).str('content');
  }
  anonBytes(i = 0): Uint8Array {
    return this.anonCursor(i).lengthPrefixed('content');
  }
  anonClass(i = 0): JavaClass | null {
    return this.readClass(this.anonCursor(i));
  }
  anonObject(i: number): unknown {
    const c = this.anonCursor(i);
    return this.decoder.decodeNested(this.bytes, c.pos, c.end, this.depth + 1);
  }

  private readClass(cur: Cursor): JavaClass | null {
    const desc = this.decoder.readClass(cur);
    if (desc === null) return null;
    let c = JavaClass.of(desc.name);
    for (let i = 0; i < desc.dims; i++) c = JavaClass.arrayOf(c);
    return c;
  }
}
