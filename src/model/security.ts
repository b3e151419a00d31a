/**
 * GuardedString / GuardedByteArray: secrets that must never be printed. The clear value is held only inside
 * the instance and handed out through `access`, as OpenICF's GuardedString does.
 */
import { inspect } from 'node:util';

const REDACTED = '***';

export class GuardedString {
  readonly #clear: string;

  constructor(clear: string) {
    this.#clear = clear;
  }

  /** Runs `fn` with the clear text. */
  access<T>(fn: (clear: string) => T): T {
    return fn(this.#clear);
  }

  /** Constant-time-ish equality of two guarded values (used by authenticate implementations). */
  equals(other: GuardedString): boolean {
    return other.access((o) => o === this.#clear);
  }

  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return 'GuardedString(***)';
  }
}

export class GuardedByteArray {
  readonly #clear: Uint8Array;

  constructor(clear: Uint8Array) {
    this.#clear = Uint8Array.from(clear);
  }

  access<T>(fn: (clear: Uint8Array) => T): T {
    return fn(Uint8Array.from(this.#clear));
  }

  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return 'GuardedByteArray(***)';
  }
}
