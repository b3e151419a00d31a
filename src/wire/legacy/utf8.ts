/**
 * UTF-8 as Java's "UTF8" charset does it: standard UTF-8 (not modified UTF-8); lone surrogates become '?' when
 * encoding. Decoding is strict: malformed input is an error rather than U+FFFD.
 */
import { LegacyFormatError } from '../errors.ts';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE_SOURCE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const HAS_LONE_SURROGATE = new RegExp(LONE_SURROGATE_SOURCE);
const LONE_SURROGATES = new RegExp(LONE_SURROGATE_SOURCE, 'g');

/** Replaces lone surrogates by '?', as Java's encoder does. */
export function javaWellFormed(s: string): string {
  return HAS_LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATES, '?') : s;
}

export function encodeUtf8(s: string): Uint8Array {
  return Buffer.from(javaWellFormed(s), 'utf8');
}

export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  // Very short ASCII strings (type and field names) skip the TextDecoder call. Longer ones do not: building them
  // a character at a time makes a new string per character, garbage that costs more than the call saves.
  if (end - start <= 12) {
    let s = '';
    let i = start;
    for (; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) break;
      s += String.fromCharCode(b);
    }
    if (i === end) return s;
  }
  try {
    return decoder.decode(bytes.subarray(start, end));
  } catch (err) {
    throw new LegacyFormatError('INVALID_UTF8', `invalid UTF-8 in a string of ${end - start} bytes`, { cause: err });
  }
}
