/** The PKCS#12 key derivation function (RFC 7292 appendix B.2) and its password encoding (appendix B.1). */
import { createHash } from 'node:crypto';

/** Purpose byte ("ID") of RFC 7292 B.3. */
export const KDF_PURPOSE = { key: 1, iv: 2, mac: 3 } as const;

/** Digest output size u and block size v, in bytes, for the digests the KDF is used with. */
const SIZES: Readonly<Record<string, { u: number; v: number }>> = {
  sha1: { u: 20, v: 64 },
  sha224: { u: 28, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
  'sha512-224': { u: 28, v: 128 },
  'sha512-256': { u: 32, v: 128 },
};

/** PKCS#12 passwords: BMPString (UTF-16 big-endian) with a two-byte NUL terminator. */
export function pkcs12PasswordBytes(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

function fillRepeated(source: Uint8Array, blockSize: number): Buffer {
  if (source.length === 0) return Buffer.alloc(0);
  const length = blockSize * Math.ceil(source.length / blockSize);
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = source[i % source.length];
  return out;
}

/** Derives `length` bytes for `purpose` from already-encoded password bytes. */
export function pkcs12Kdf(digest: string, passwordBytes: Uint8Array, salt: Uint8Array, iterations: number, purpose: number, length: number): Buffer {
  const sizes = SIZES[digest];
  if (!sizes) throw new RangeError(`PKCS#12 KDF: unsupported digest ${digest}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError('PKCS#12 KDF: iteration count must be >= 1');
  const { u, v } = sizes;
  const d = Buffer.alloc(v, purpose);
  const i = Buffer.concat([fillRepeated(salt, v), fillRepeated(passwordBytes, v)]);
  const blocks = Math.ceil(length / u);
  const out = Buffer.alloc(blocks * u);
  for (let n = 0; n < blocks; n++) {
    let a = createHash(digest).update(d).update(i).digest();
    for (let r = 1; r < iterations; r++) a = createHash(digest).update(a).digest();
    a.copy(out, n * u);
    if (n === blocks - 1) break;
    // I_j = (I_j + B + 1) mod 2^(8v), with B = A repeated to v bytes.
    const b = fillRepeated(a, v).subarray(0, v);
    for (let off = 0; off < i.length; off += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[off + k] + b[k] + carry;
        i[off + k] = sum & 0xff;
        carry = sum >>> 8;
      }
    }
  }
  return out.subarray(0, length);
}
