/** Public entry points: single-object blobs, multi-object streams, raw trees. */
import { LegacyFormatError } from '../errors.ts';
import { StreamDecoder } from './decoder.ts';
import { StreamEncoder } from './encoder.ts';
import { Cursor, NeedMoreData } from './io.ts';
import type { LegacyNode } from './tree.ts';

/**
 * One object as a complete stream (header, pool, record), exactly as Java's
 * SerializerUtil.serializeBinaryObject writes it. null gives the 14-byte null stream.
 */
export function serializeBinaryObject(value: unknown): Uint8Array {
  return new StreamEncoder().encodeTopLevel(value);
}

/** Reads the first object of a complete stream (trailing bytes are ignored, as Java does). */
export function deserializeBinaryObject(bytes: Uint8Array): unknown {
  checkBytes(bytes);
  return new StreamDecoder().readTopLevel(Cursor.of(bytes), 'typed');
}

/** MessagesUtil.serializeLegacy: null → empty bytes, anything else → a complete stream. */
export function serializeLegacy(value: unknown): Uint8Array {
  if (value === null || value === undefined) return new Uint8Array(0);
  return serializeBinaryObject(value);
}

/** MessagesUtil.deserializeLegacy: empty bytes → null. Throws LegacyFormatError on malformed input. */
export function deserializeLegacy(bytes: Uint8Array): unknown {
  checkBytes(bytes);
  if (bytes.length === 0) return null;
  return deserializeBinaryObject(bytes);
}

/** The raw structure of a single-object stream, field by field (unknown types are shown, not refused). */
export function decodeLegacyTree(bytes: Uint8Array): LegacyNode {
  checkBytes(bytes);
  return new StreamDecoder().readTopLevel(Cursor.of(bytes), 'tree');
}

function checkBytes(bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new LegacyFormatError('TRUNCATED', 'expected a Uint8Array of legacy stream bytes');
}

/**
 * Writer side of one stream direction of the legacy socket protocol: one constant pool shared by every
 * object written. The first write includes the stream header.
 */
export class LegacyStreamWriter {
  private readonly encoder = new StreamEncoder();

  /** The bytes for this object (pool section + record; the header too the first time). */
  write(value: unknown): Uint8Array {
    return this.encoder.encodeTopLevel(value);
  }
}

export interface LegacyStreamReaderOptions {
  /** Largest single object (in buffered bytes) accepted before the stream is declared malformed. Default 64 MiB. */
  maxObjectBytes?: number;
}

/**
 * Reader side of one stream direction: push bytes as they arrive, take objects as they complete.
 * After a LegacyFormatError the stream is unusable and every later call throws the same error.
 */
export class LegacyStreamReader {
  private readonly decoder = new StreamDecoder();
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  private end = 0;
  private failure: LegacyFormatError | null = null;
  private readonly maxObjectBytes: number;
  /**
   * Bytes (from `start`) an incomplete object is known to need. An object is re-parsed from its beginning, so
   * without this a large object arriving in many chunks would cost quadratic time.
   */
  private needed = 0;

  constructor(options: LegacyStreamReaderOptions = {}) {
    this.maxObjectBytes = options.maxObjectBytes ?? 64 * 1024 * 1024;
  }

  /** Bytes received but not yet consumed by a complete object. */
  get bufferedBytes(): number {
    return this.end - this.start;
  }

  push(bytes: Uint8Array): void {
    if (this.failure) throw this.failure;
    if (bytes.length === 0) return;
    if (this.end + bytes.length > this.buf.length) {
      const live = this.end - this.start;
      if (live + bytes.length <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array(Math.max(live + bytes.length, this.buf.length * 2, 4096));
        next.set(this.buf.subarray(this.start, this.end), 0);
        this.buf = next;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
  }

  /** The next complete object, or undefined when more bytes are needed. */
  next(): { value: unknown } | undefined {
    return this.read('typed');
  }

  /** Like next(), as a raw tree. */
  nextTree(): { value: LegacyNode } | undefined {
    return this.read('tree') as { value: LegacyNode } | undefined;
  }

  private read(mode: 'typed' | 'tree'): { value: unknown } | undefined {
    if (this.failure) throw this.failure;
    if (this.start === this.end || this.end - this.start < this.needed) return undefined;
    const cur = new Cursor(this.buf, this.start, this.end, true);
    try {
      const value = mode === 'typed' ? this.decoder.readTopLevel(cur, 'typed') : this.decoder.readTopLevel(cur, 'tree');
      this.start = cur.pos;
      if (this.start === this.end) this.start = this.end = 0;
      this.needed = 0;
      return { value };
    } catch (err) {
      if (err instanceof NeedMoreData) {
        this.needed = err.neededEnd - this.start;
        if (this.end - this.start > this.maxObjectBytes || this.needed > this.maxObjectBytes) {
          this.failure = new LegacyFormatError('BAD_LENGTH', `object larger than ${this.maxObjectBytes} bytes`);
          throw this.failure;
        }
        return undefined;
      }
      this.failure = err instanceof LegacyFormatError ? err : new LegacyFormatError('INVALID_VALUE', String(err), { cause: err });
      throw this.failure;
    }
  }
}
