/**
 * Pull-style reading of one legacy object stream from a byte stream: bytes are buffered as they arrive and
 * decoded only when the session asks for the next object. The socket is paused while a lot of undecoded input
 * waits, so a client that pipelines without reading cannot make the server buffer without bound.
 */
import type { Duplex } from 'node:stream';
import { LegacyStreamReader } from '../../wire/legacy/index.ts';

/** Buffered undecoded bytes above which reading from the socket pauses until the session catches up. */
const HIGH_WATER_BYTES = 1024 * 1024;

export class ObjectInbox {
  private readonly reader: LegacyStreamReader;
  private ended = false;
  private streamError: Error | null = null;
  private waiter: (() => void) | null = null;

  constructor(
    private readonly stream: Duplex,
    maxObjectBytes?: number,
  ) {
    this.reader = new LegacyStreamReader(maxObjectBytes === undefined ? {} : { maxObjectBytes });
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('end', () => this.onEnd());
    stream.on('close', () => this.onEnd());
    stream.on('error', (err: Error) => {
      this.streamError ??= err;
      this.onEnd();
    });
  }

  /** True once the peer ended its side and every buffered byte was consumed. */
  get drained(): boolean {
    return this.ended && this.reader.bufferedBytes === 0;
  }

  /**
   * The next object, or null at a clean end of stream (no partial object pending). Rejects with the
   * LegacyFormatError of malformed input, or with an Error when the stream ends inside an object.
   */
  async next(): Promise<{ value: unknown } | null> {
    for (;;) {
      // Throws LegacyFormatError on malformed bytes (and on every later call).
      const item = this.reader.next();
      if (item) {
        if (this.stream.isPaused() && this.reader.bufferedBytes < HIGH_WATER_BYTES) this.stream.resume();
        return item;
      }
      if (this.ended) {
        if (this.reader.bufferedBytes === 0) return null;
        throw this.streamError ?? new Error(`stream ended inside an object (${this.reader.bufferedBytes} bytes pending)`);
      }
      // An incomplete object: its remaining bytes must come in, whatever is buffered.
      if (this.stream.isPaused()) this.stream.resume();
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  private onData(chunk: Buffer): void {
    try {
      this.reader.push(chunk);
    } catch {
      // The reader already failed: next() reports it.
    }
    if (this.waiter) this.wake();
    else if (this.reader.bufferedBytes >= HIGH_WATER_BYTES) this.stream.pause();
  }

  private onEnd(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
