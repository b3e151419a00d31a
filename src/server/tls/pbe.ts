/**
 * Password-based encryption of PKCS#12 bags: PBES2 (PBKDF2 + AES/3DES/RC2, RFC 8018) and the legacy PKCS#12 PBE
 * schemes (RFC 7292 appendix C: SHA-1 + 3DES / RC2). node:crypto does PBKDF2, AES and 3DES; RC2 is in rc2.ts.
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import { algorithmIdentifier, children, integer, isInteger, octets, type Asn1 } from './der.ts';
import { Pkcs12Error } from './errors.ts';
import { ALGORITHM_NAMES, HMAC_DIGEST_BY_OID, OID, algorithmName } from './oids.ts';
import { KDF_PURPOSE, pkcs12Kdf, pkcs12PasswordBytes } from './pkcs12-kdf.ts';
import { rc2CbcDecrypt, rc2CbcEncrypt } from './rc2.ts';

/** The ciphertext did not decrypt (bad padding): almost always a wrong password. */
export class PbeDecryptError extends Error {
  constructor(message = 'decryption failed') {
    super(message);
    this.name = 'PbeDecryptError';
  }
}

export interface AlgorithmIdentifierValue {
  oid: string;
  params?: Asn1;
}

/** Cap on iteration counts, so a hostile file cannot make the reader spin for hours. */
const MAX_ITERATIONS = 2_000_000;

interface LegacyScheme {
  cipher: 'des-ede3-cbc' | 'des-ede-cbc' | 'rc2';
  keyLength: number;
  ivLength: number;
  rc2EffectiveBits?: number;
}

const LEGACY_SCHEMES: Readonly<Record<string, LegacyScheme>> = {
  [OID.pbeWithSHAAnd3KeyTripleDESCBC]: { cipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
  [OID.pbeWithSHAAnd2KeyTripleDESCBC]: { cipher: 'des-ede-cbc', keyLength: 16, ivLength: 8 },
  [OID.pbeWithSHAAnd128BitRC2CBC]: { cipher: 'rc2', keyLength: 16, ivLength: 8, rc2EffectiveBits: 128 },
  [OID.pbeWithSHAAnd40BitRC2CBC]: { cipher: 'rc2', keyLength: 5, ivLength: 8, rc2EffectiveBits: 40 },
};

const PBES2_CIPHERS: Readonly<Record<string, { cipher: string; keyLength: number }>> = {
  [OID.aes128CBC]: { cipher: 'aes-128-cbc', keyLength: 16 },
  [OID.aes192CBC]: { cipher: 'aes-192-cbc', keyLength: 24 },
  [OID.aes256CBC]: { cipher: 'aes-256-cbc', keyLength: 32 },
  [OID.desEde3CBC]: { cipher: 'des-ede3-cbc', keyLength: 24 },
};

function checkIterations(n: number, what: string): number {
  if (n < 1 || n > MAX_ITERATIONS) throw new Pkcs12Error('unsupported', `${what}: iteration count ${n} is out of the accepted range 1..${MAX_ITERATIONS}`);
  return n;
}

function nodeDecrypt(cipher: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  try {
    const decipher = createDecipheriv(cipher, key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new PbeDecryptError();
  }
}

function rc2Decrypt(key: Uint8Array, bits: number, iv: Uint8Array, data: Uint8Array): Buffer {
  try {
    return rc2CbcDecrypt(key, bits, iv, data);
  } catch {
    throw new PbeDecryptError();
  }
}

/** Password encodings to try for the PKCS#12 KDF: an empty password is written either way by different tools. */
export function pkcs12PasswordCandidates(password: string): Buffer[] {
  return password === '' ? [pkcs12PasswordBytes(''), Buffer.alloc(0)] : [pkcs12PasswordBytes(password)];
}

function decryptLegacy(scheme: LegacyScheme, params: Asn1 | undefined, password: string, data: Uint8Array, what: string): Buffer {
  const items = children(params as Asn1, `${what} PBE parameters`, 2);
  const salt = octets(items[0], `${what} PBE salt`);
  const iterations = checkIterations(integer(items[1], `${what} PBE iterations`), what);
  let lastError: unknown;
  for (const pass of pkcs12PasswordCandidates(password)) {
    const key = pkcs12Kdf('sha1', pass, salt, iterations, KDF_PURPOSE.key, scheme.keyLength);
    const iv = pkcs12Kdf('sha1', pass, salt, iterations, KDF_PURPOSE.iv, scheme.ivLength);
    try {
      return scheme.cipher === 'rc2' ? rc2Decrypt(key, scheme.rc2EffectiveBits ?? 128, iv, data) : nodeDecrypt(scheme.cipher, key, iv, data);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** RFC 8018 B.2.3: RC2 "version" numbers for the common effective key sizes. */
function rc2EffectiveBits(version: number): number {
  if (version === 160) return 40;
  if (version === 120) return 64;
  if (version === 58) return 128;
  if (version >= 256) return version;
  throw new Pkcs12Error('unsupported', `RC2-CBC parameter version ${version} is not supported`);
}

export interface Pbkdf2Params {
  salt: Buffer;
  iterations: number;
  keyLength?: number;
  digest: string;
  prfOid: string;
}

export function parsePbkdf2Params(node: Asn1 | undefined, what: string): Pbkdf2Params {
  const items = children(node as Asn1, `${what} PBKDF2 parameters`, 2);
  const salt = octets(items[0], `${what} PBKDF2 salt`);
  const iterations = checkIterations(integer(items[1], `${what} PBKDF2 iterations`), what);
  let index = 2;
  let keyLength: number | undefined;
  if (isInteger(items[index])) keyLength = integer(items[index++], `${what} PBKDF2 key length`);
  let prfOid: string = OID.hmacWithSHA1;
  if (items[index] !== undefined) prfOid = algorithmIdentifier(items[index], `${what} PBKDF2 PRF`).oid;
  const digest = HMAC_DIGEST_BY_OID[prfOid];
  if (!digest) throw new Pkcs12Error('unsupported', `${what}: PBKDF2 PRF ${algorithmName(prfOid)} is not supported`);
  return keyLength === undefined ? { salt, iterations, digest, prfOid } : { salt, iterations, keyLength, digest, prfOid };
}

function decryptPbes2(params: Asn1 | undefined, password: string, data: Uint8Array, what: string): Buffer {
  const items = children(params as Asn1, `${what} PBES2 parameters`, 2);
  const kdf = algorithmIdentifier(items[0], `${what} PBES2 key derivation`);
  if (kdf.oid !== OID.pbkdf2) throw new Pkcs12Error('unsupported', `${what}: PBES2 key derivation ${kdf.oid} is not supported (only PBKDF2)`);
  const pbkdf2 = parsePbkdf2Params(kdf.params, what);
  const scheme = algorithmIdentifier(items[1], `${what} PBES2 encryption scheme`);
  const pass = Buffer.from(password, 'utf8');
  if (scheme.oid === OID.rc2CBC) {
    const rc2Items = children(scheme.params as Asn1, `${what} RC2-CBC parameters`, 1);
    let bits = 32;
    let ivNode = rc2Items[0];
    if (isInteger(rc2Items[0])) {
      bits = rc2EffectiveBits(integer(rc2Items[0], `${what} RC2 version`));
      ivNode = rc2Items[1];
    }
    const iv = octets(ivNode, `${what} RC2 IV`);
    const keyLength = pbkdf2.keyLength ?? Math.ceil(bits / 8);
    const key = pbkdf2Sync(pass, pbkdf2.salt, pbkdf2.iterations, keyLength, pbkdf2.digest);
    return rc2Decrypt(key, bits, iv, data);
  }
  const cipher = PBES2_CIPHERS[scheme.oid];
  if (!cipher) throw new Pkcs12Error('unsupported', `${what}: PBES2 cipher ${algorithmName(scheme.oid)} is not supported`);
  const iv = octets(scheme.params, `${what} ${algorithmName(scheme.oid)} IV`);
  const key = pbkdf2Sync(pass, pbkdf2.salt, pbkdf2.iterations, pbkdf2.keyLength ?? cipher.keyLength, pbkdf2.digest);
  if (key.length !== cipher.keyLength) throw new Pkcs12Error('malformed', `${what}: PBKDF2 key length does not match ${algorithmName(scheme.oid)}`);
  return nodeDecrypt(cipher.cipher, key, iv, data);
}

/**
 * Decrypts `data` protected with the password-based algorithm `algorithm`.
 * Throws PbeDecryptError when the password is wrong, Pkcs12Error('unsupported'|'malformed') otherwise.
 */
export function pbeDecrypt(algorithm: AlgorithmIdentifierValue, password: string, data: Uint8Array, what: string): Buffer {
  const legacy = LEGACY_SCHEMES[algorithm.oid];
  if (legacy) return decryptLegacy(legacy, algorithm.params, password, data, what);
  if (algorithm.oid === OID.pbes2) return decryptPbes2(algorithm.params, password, data, what);
  if (algorithm.oid === OID.pbeWithSHAAnd128BitRC4 || algorithm.oid === OID.pbeWithSHAAnd40BitRC4) {
    throw new Pkcs12Error('unsupported', `${what}: ${algorithmName(algorithm.oid)} is not supported; re-export the store with AES (e.g. keytool -importkeystore or openssl pkcs12 -export)`);
  }
  throw new Pkcs12Error('unsupported', `${what}: encryption algorithm ${algorithmName(algorithm.oid)} is not supported`);
}

/** A readable description of a PBE algorithm identifier, e.g. "PBES2 (PBKDF2-HmacSHA256, AES-256-CBC, 10000 iterations)". */
export function describePbe(algorithm: AlgorithmIdentifierValue): string {
  try {
    if (LEGACY_SCHEMES[algorithm.oid]) {
      const items = children(algorithm.params as Asn1, 'PBE parameters', 2);
      return `${algorithmName(algorithm.oid)} (${integer(items[1], 'iterations')} iterations)`;
    }
    if (algorithm.oid === OID.pbes2) {
      const items = children(algorithm.params as Asn1, 'PBES2 parameters', 2);
      const kdf = algorithmIdentifier(items[0], 'PBES2 kdf');
      const pbkdf2 = parsePbkdf2Params(kdf.params, 'PBES2');
      const scheme = algorithmIdentifier(items[1], 'PBES2 scheme');
      return `PBES2 (PBKDF2-${ALGORITHM_NAMES[pbkdf2.prfOid] ?? pbkdf2.prfOid}, ${algorithmName(scheme.oid)}, ${pbkdf2.iterations} iterations)`;
    }
  } catch {
    // fall through to the bare name
  }
  return algorithmName(algorithm.oid);
}

export interface Pbes2Options {
  iterations?: number;
}

/** keytool's current defaults: PBKDF2 with HmacSHA256, 10000 iterations, 20-byte salt, AES-256-CBC. */
export const DEFAULT_PBE_ITERATIONS = 10_000;

/** PBES2 encryption (PBKDF2-HmacSHA256 + AES-256-CBC); returns the AlgorithmIdentifier and the ciphertext. */
export function pbes2Encrypt(password: string, plaintext: Uint8Array, options: Pbes2Options = {}): { algorithm: asn1js.Sequence; ciphertext: Buffer } {
  const iterations = options.iterations ?? DEFAULT_PBE_ITERATIONS;
  const salt = randomBytes(20);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const algorithm = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID.pbes2 }),
      new asn1js.Sequence({
        value: [
          new asn1js.Sequence({
            value: [
              new asn1js.ObjectIdentifier({ value: OID.pbkdf2 }),
              new asn1js.Sequence({
                value: [
                  new asn1js.OctetString({ valueHex: salt }),
                  new asn1js.Integer({ value: iterations }),
                  new asn1js.Integer({ value: 32 }),
                  new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.hmacWithSHA256 }), new asn1js.Null()] }),
                ],
              }),
            ],
          }),
          new asn1js.Sequence({
            value: [new asn1js.ObjectIdentifier({ value: OID.aes256CBC }), new asn1js.OctetString({ valueHex: iv })],
          }),
        ],
      }),
    ],
  });
  return { algorithm, ciphertext };
}

/** Legacy PKCS#12 PBE encryption (SHA-1 KDF + 3DES or RC2); used only to build interoperability fixtures. */
export function legacyPbeEncrypt(algorithmOid: string, password: string, plaintext: Uint8Array, iterations = 2048): { algorithm: asn1js.Sequence; ciphertext: Buffer } {
  const scheme = LEGACY_SCHEMES[algorithmOid];
  if (!scheme) throw new Pkcs12Error('unsupported', `legacy PBE ${algorithmName(algorithmOid)} is not supported`);
  const salt = randomBytes(8);
  const pass = pkcs12PasswordBytes(password);
  const key = pkcs12Kdf('sha1', pass, salt, iterations, KDF_PURPOSE.key, scheme.keyLength);
  const iv = pkcs12Kdf('sha1', pass, salt, iterations, KDF_PURPOSE.iv, scheme.ivLength);
  let ciphertext: Buffer;
  if (scheme.cipher === 'rc2') {
    ciphertext = rc2CbcEncrypt(key, scheme.rc2EffectiveBits ?? 128, iv, plaintext);
  } else {
    const cipher = createCipheriv(scheme.cipher, key, iv);
    ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  }
  const algorithm = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: algorithmOid }),
      new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: salt }), new asn1js.Integer({ value: iterations })] }),
    ],
  });
  return { algorithm, ciphertext };
}
