/**
 * The shared-secret hash of the OpenICF connector server: base64 of SHA-1 over the UTF-16BE code units of the
 * secret. It is what `connectorserver.key` holds and what a client's key is checked against.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Base64 SHA-1 with `=` padding: 27 alphabet characters and one `=`. */
const KEY_HASH_PATTERN = /^[A-Za-z0-9+/]{27}=$/;

/** Hash a secret the way the Java connector server does (`changeit` → `lmA6bMfENJGlIDbfrVtklXFK32s=`). */
export function computeKeyHash(secret: string): string {
  // JS strings are UTF-16 code units, like Java's char[]: encode little-endian, then swap to big-endian.
  const utf16be = Buffer.from(secret, 'utf16le').swap16();
  return createHash('sha1').update(utf16be).digest('base64');
}

/** True when the string has the shape of a key hash (28 characters of padded base64). */
export function isKeyHash(value: string): boolean {
  return KEY_HASH_PATTERN.test(value);
}

/** Check a secret against a stored hash in constant time; a hash of another length never matches. */
export function verifyKeyHash(secret: string, hash: string): boolean {
  const actual = Buffer.from(computeKeyHash(secret), 'utf8');
  const expected = Buffer.from(hash, 'utf8');
  if (actual.length !== expected.length) {
    // Do the same amount of work as a real comparison so the length check does not stand out.
    timingSafeEqual(actual, actual);
    return false;
  }
  return timingSafeEqual(actual, expected);
}
