/**
 * The wire form of GuardedString / GuardedByteArray: AES-128-CBC with PKCS#5 padding under the fixed key and IV
 * every OpenICF installation shares (Java's default Encryptor). This is obfuscation, not confidentiality.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { LegacyFormatError } from '../errors.ts';

const KEY = Buffer.from('236587225978544364056abd34a23457', 'hex');
const IV = Buffer.from('5165222364056abe5165222364056abe', 'hex');

export function encryptBytes(clear: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-128-cbc', KEY, IV);
  return new Uint8Array(Buffer.concat([c.update(clear), c.final()]));
}

export function decryptBytes(cipherText: Uint8Array): Uint8Array {
  if (cipherText.length === 0 || cipherText.length % 16 !== 0) {
    throw new LegacyFormatError('BAD_CIPHERTEXT', `guarded value ciphertext of ${cipherText.length} bytes is not whole AES blocks`);
  }
  try {
    const d = createDecipheriv('aes-128-cbc', KEY, IV);
    return new Uint8Array(Buffer.concat([d.update(cipherText), d.final()]));
  } catch (err) {
    // The message says nothing about the contents: it may be a secret.
    throw new LegacyFormatError('BAD_CIPHERTEXT', 'guarded value does not decrypt (bad padding)', { cause: err });
  }
}

/** Java chars (UTF-16 code units) as big-endian byte pairs. */
export function charsToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    out[2 * i] = u >> 8;
    out[2 * i + 1] = u & 0xff;
  }
  return out;
}

/** Byte pairs back to chars; a trailing odd byte is dropped, as Java does. */
export function bytesToChars(b: Uint8Array): string {
  const n = b.length >> 1;
  const units = new Array<number>(n);
  for (let i = 0; i < n; i++) units[i] = (b[2 * i]! << 8) | b[2 * i + 1]!;
  let s = '';
  for (let i = 0; i < n; i += 4096) s += String.fromCharCode(...units.slice(i, i + 4096));
  return s;
}

export function encryptGuardedString(clear: string): Uint8Array {
  const plain = charsToBytes(clear);
  try {
    return encryptBytes(plain);
  } finally {
    plain.fill(0);
  }
}

export function decryptGuardedString(cipherText: Uint8Array): string {
  const plain = decryptBytes(cipherText);
  try {
    return bytesToChars(plain);
  } finally {
    plain.fill(0);
  }
}
