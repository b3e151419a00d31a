/** Big-endian byte buffers: a growable writer (DataOutputStream) and a bounded cursor (DataInputStream). */
import { LegacyFormatError } from '../errors.ts';
import { decodeUtf8, javaWellFormed } from './utf8.ts';

export class ByteWriter {
  private buf: Buffer;
  private view: DataView;
  pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let cap = Math.max(this.buf.length * 2, 64);
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  i32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  i64(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v);
    this.pos += 8;
  }

  f64(v: number): void {
    this.ensure(8);
    // DataOutputStream.writeDouble uses doubleToLongBits: every NaN becomes the canonical one.
    if (Number.isNaN(v)) this.view.setUint32(this.pos, 0x7ff80000), this.view.setUint32(this.pos + 4, 0);
    else this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** int32 length + bytes. */
  lengthPrefixed(bytes: Uint8Array): void {
    this.i32(bytes.length);
    this.raw(bytes);
  }

  /** int32 byte length + standard UTF-8. */
  str(s: string): void {
    // Short ASCII strings (names, most values) are copied directly.
    const len = s.length;
    if (len <= 64) {
      this.ensure(4 + len);
      const b = this.buf;
      let p = this.pos + 4;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
      if (i === len) {
        this.view.setInt32(this.pos, len);
        this.pos = p;
        return;
      }
    }
    const text = javaWellFormed(s);
    const n = Buffer.byteLength(text, 'utf8');
    this.ensure(4 + n);
    this.view.setInt32(this.pos, n);
    this.buf.write(text, this.pos + 4, n, 'utf8');
    this.pos += 4 + n;
  }

  /** Reserves an int32 to be patched later (lengths of nested payloads). */
  reserveLength(): number {
    this.ensure(4);
    const at = this.pos;
    this.pos += 4;
    return at;
  }

  patchLength(at: number): void {
    this.view.setInt32(at, this.pos - at - 4);
  }

  /** Discards everything written after `pos` (used to undo a failed write). */
  truncate(pos: number): void {
    this.pos = pos;
  }

  /** Bytes the writer can hold before it grows. */
  get capacity(): number {
    return this.buf.length;
  }

  /** Starts over, keeping the buffer. */
  reset(): void {
    this.pos = 0;
  }

  /** Copies what was written into `target` at `offset`; returns the number of bytes copied. */
  copyTo(target: Uint8Array, offset: number): number {
    return this.buf.copy(target, offset, 0, this.pos);
  }

  /** What was written, as a new array of its own. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.pos);
    this.copyTo(out, 0);
    return out;
  }
}

/** Thrown (internally) by a streaming cursor that ran out of buffered bytes: wait for more input. */
export class NeedMoreData extends Error {
  constructor(
    /** Buffer position the read needed to reach: nothing can complete before the buffer ends there. */
    readonly neededEnd: number,
  ) {
    super('more data needed');
  }
}

/**
 * A read cursor over [pos, end) of a byte array. The `what` arguments only name the value in the error of a
 * truncated read: they are combined into a message on failure only, never on the hot path.
 */
export class Cursor {
  private viewCache: DataView | undefined;

  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
    /** True for the top of an incremental stream: running out means "wait for more", not "malformed". */
    readonly streaming = false,
    /** The record type whose field this cursor reads, named in errors ("Type.field" or "Type content"). */
    private readonly owner?: string,
    private readonly anonymousField = false,
  ) {}

  /** A cursor over one field payload of a record of type `owner`. */
  static field(bytes: Uint8Array, start: number, end: number, owner: string, anonymous: boolean): Cursor {
    return new Cursor(bytes, start, end, false, owner, anonymous);
  }

  /** Only longs and doubles need a DataView; most cursors never create one. */
  private get view(): DataView {
    return (this.viewCache ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  static of(bytes: Uint8Array): Cursor {
    return new Cursor(bytes, 0, bytes.length);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string, suffix = ''): void {
    if (this.end - this.pos < n) this.shortOf(n, what, suffix);
  }

  private shortOf(n: number, what: string, suffix: string): never {
    if (this.streaming) throw new NeedMoreData(this.pos + n);
    const owner = this.owner === undefined ? '' : `${this.owner}${this.anonymousField ? ' ' : '.'}`;
    throw new LegacyFormatError('TRUNCATED', `truncated data: ${owner}${what}${suffix} needs ${n} bytes, ${this.end - this.pos} left at offset ${this.pos}`);
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  i8(what = 'byte'): number {
    this.need(1, what);
    return (this.bytes[this.pos++]! << 24) >> 24;
  }

  i32(what = 'int', suffix = ''): number {
    this.need(4, what, suffix);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  i64(what = 'long'): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  f64(what = 'double'): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  /** An int32 length, checked against the bytes that are left. */
  length(what: string): number {
    const n = this.i32(what, ' length');
    if (n < 0) throw new LegacyFormatError('BAD_LENGTH', `negative ${what} length ${n} at offset ${this.pos - 4}`);
    this.need(n, what);
    return n;
  }

  /** int32 length + bytes, returned as a view (no copy). */
  lengthPrefixed(what: string): Uint8Array {
    const n = this.length(what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  str(what = 'string'): string {
    const n = this.length(what);
    const s = decodeUtf8(this.bytes, this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}
