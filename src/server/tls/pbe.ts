/**
 * Password-based encryption of PKCS#12 bags: PBES2 (PBKDF2 + AES/3DES/RC2, RFC 8018) and the legacy PKCS#12 PBE
 * schemes (RFC 7292 appendix C: SHA-1 + 3DES / RC2). Algorithm identifiers and PBES2/PBKDF2 parameters are pkijs
 * objects; the ciphers run synchronously in node:crypto (RC2 in rc2.ts, the PKCS#12 KDF in pkcs12-kdf.ts), which
 * pkijs's asynchronous engine cannot do for the legacy schemes at all.
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import { integerValue, octetBytes, parseWithPkijs, sequenceItems } from './asn1-values.ts';
import { Pkcs12Error } from './errors.ts';
import { ALGORITHM_NAMES, HMAC_DIGEST_BY_OID, OID, algorithmName } from './oids.ts';
import { KDF_PURPOSE, pkcs12Kdf, pkcs12PasswordBytes } from './pkcs12-kdf.ts';
import { pkijs } from './pkijs-setup.ts';
import { rc2CbcDecrypt, rc2CbcEncrypt } from './rc2.ts';

/** The ciphertext did not decrypt (bad padding): almost always a wrong password. */
export class PbeDecryptError extends Error {
  constructor(message = 'decryption failed') {
    super(message);
    this.name = 'PbeDecryptError';
  }
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
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_ITERATIONS) {
    throw new Pkcs12Error('unsupported', `${what}: iteration count ${n} is out of the accepted range 1..${MAX_ITERATIONS}`);
  }
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

/** RFC 7292 pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER } (pkijs has no class for it). */
function legacyParams(params: unknown, what: string): { salt: Buffer; iterations: number } {
  const [saltNode, iterationsNode] = sequenceItems(params as asn1js.AsnType, `${what} PBE parameters`, 2);
  return { salt: octetBytes(saltNode, `${what} PBE salt`), iterations: checkIterations(integerValue(iterationsNode, `${what} PBE iterations`), what) };
}

function decryptLegacy(scheme: LegacyScheme, params: unknown, password: string, data: Uint8Array, what: string): Buffer {
  const { salt, iterations } = legacyParams(params, what);
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
  /** node:crypto digest name of the HMAC PRF. */
  digest: string;
  prfOid: string;
}

/** PBKDF2 parameters (pkijs PBKDF2Params) of a key derivation AlgorithmIdentifier. */
export function parsePbkdf2(kdf: pkijs.AlgorithmIdentifier, what: string): Pbkdf2Params {
  if (kdf.algorithmId !== OID.pbkdf2) throw new Pkcs12Error('unsupported', `${what}: key derivation ${algorithmName(kdf.algorithmId)} is not supported (only PBKDF2)`);
  const params = parseWithPkijs(() => new pkijs.PBKDF2Params({ schema: kdf.algorithmParams }), `${what} PBKDF2 parameters`);
  if (!(params.salt instanceof asn1js.OctetString)) throw new Pkcs12Error('unsupported', `${what}: PBKDF2 salt sources other than an OCTET STRING are not supported`);
  const salt = octetBytes(params.salt, `${what} PBKDF2 salt`);
  const iterations = checkIterations(params.iterationCount, what);
  const prfOid = params.prf?.algorithmId ?? OID.hmacWithSHA1;
  const digest = HMAC_DIGEST_BY_OID[prfOid];
  if (!digest) throw new Pkcs12Error('unsupported', `${what}: PBKDF2 PRF ${algorithmName(prfOid)} is not supported`);
  const result: Pbkdf2Params = { salt, iterations, digest, prfOid };
  if (params.keyLength !== undefined) {
    if (!Number.isSafeInteger(params.keyLength) || params.keyLength < 1 || params.keyLength > 1024) throw new Pkcs12Error('malformed', `${what}: PBKDF2 key length ${params.keyLength} is out of range`);
    result.keyLength = params.keyLength;
  }
  return result;
}

function pbes2Params(params: unknown, what: string): pkijs.PBES2Params {
  return parseWithPkijs(() => new pkijs.PBES2Params({ schema: params }), `${what} PBES2 parameters`);
}

function decryptPbes2(params: unknown, password: string, data: Uint8Array, what: string): Buffer {
  const pbes2 = pbes2Params(params, what);
  const pbkdf2 = parsePbkdf2(pbes2.keyDerivationFunc, `${what} PBES2`);
  const scheme = pbes2.encryptionScheme;
  const pass = Buffer.from(password, 'utf8');
  if (scheme.algorithmId === OID.rc2CBC) {
    // RC2-CBC-Parameter ::= SEQUENCE { rc2ParameterVersion INTEGER OPTIONAL, iv OCTET STRING } (no pkijs class)
    const rc2Items = sequenceItems(scheme.algorithmParams, `${what} RC2-CBC parameters`, 1);
    let bits = 32;
    let ivNode = rc2Items[0];
    if (rc2Items[0] instanceof asn1js.Integer) {
      bits = rc2EffectiveBits(integerValue(rc2Items[0], `${what} RC2 version`));
      ivNode = rc2Items[1];
    }
    const iv = octetBytes(ivNode, `${what} RC2 IV`);
    const key = pbkdf2Sync(pass, pbkdf2.salt, pbkdf2.iterations, pbkdf2.keyLength ?? Math.ceil(bits / 8), pbkdf2.digest);
    return rc2Decrypt(key, bits, iv, data);
  }
  const cipher = PBES2_CIPHERS[scheme.algorithmId];
  if (!cipher) throw new Pkcs12Error('unsupported', `${what}: PBES2 cipher ${algorithmName(scheme.algorithmId)} is not supported`);
  const iv = octetBytes(scheme.algorithmParams, `${what} ${algorithmName(scheme.algorithmId)} IV`);
  const key = pbkdf2Sync(pass, pbkdf2.salt, pbkdf2.iterations, pbkdf2.keyLength ?? cipher.keyLength, pbkdf2.digest);
  if (key.length !== cipher.keyLength) throw new Pkcs12Error('malformed', `${what}: PBKDF2 key length does not match ${algorithmName(scheme.algorithmId)}`);
  return nodeDecrypt(cipher.cipher, key, iv, data);
}

/**
 * Decrypts `data` protected with the password-based algorithm `algorithm`.
 * Throws PbeDecryptError when the password is wrong, Pkcs12Error('unsupported'|'malformed') otherwise.
 */
export function pbeDecrypt(algorithm: pkijs.AlgorithmIdentifier, password: string, data: Uint8Array, what: string): Buffer {
  const oid = algorithm.algorithmId;
  const legacy = LEGACY_SCHEMES[oid];
  if (legacy) return decryptLegacy(legacy, algorithm.algorithmParams, password, data, what);
  if (oid === OID.pbes2) return decryptPbes2(algorithm.algorithmParams, password, data, what);
  if (oid === OID.pbeWithSHAAnd128BitRC4 || oid === OID.pbeWithSHAAnd40BitRC4) {
    throw new Pkcs12Error('unsupported', `${what}: ${algorithmName(oid)} is not supported; re-export the store with AES (e.g. keytool -importkeystore or openssl pkcs12 -export)`);
  }
  throw new Pkcs12Error('unsupported', `${what}: encryption algorithm ${algorithmName(oid)} is not supported`);
}

/** A readable description of a PBE algorithm identifier, e.g. "PBES2 (PBKDF2-HmacSHA256, AES-256-CBC, 10000 iterations)". */
export function describePbe(algorithm: pkijs.AlgorithmIdentifier): string {
  const oid = algorithm.algorithmId;
  try {
    if (LEGACY_SCHEMES[oid]) return `${algorithmName(oid)} (${legacyParams(algorithm.algorithmParams, 'PBE').iterations} iterations)`;
    if (oid === OID.pbes2) {
      const pbes2 = pbes2Params(algorithm.algorithmParams, 'PBES2');
      const pbkdf2 = parsePbkdf2(pbes2.keyDerivationFunc, 'PBES2');
      return `PBES2 (PBKDF2-${ALGORITHM_NAMES[pbkdf2.prfOid] ?? pbkdf2.prfOid}, ${algorithmName(pbes2.encryptionScheme.algorithmId)}, ${pbkdf2.iterations} iterations)`;
    }
  } catch {
    // fall through to the bare name
  }
  return algorithmName(oid);
}

export interface Pbes2Options {
  iterations?: number;
}

/** keytool's current defaults: PBKDF2 with HmacSHA256, 10000 iterations, 20-byte salt, AES-256-CBC. */
export const DEFAULT_PBE_ITERATIONS = 10_000;

/** PBES2 encryption (PBKDF2-HmacSHA256 + AES-256-CBC); returns the AlgorithmIdentifier and the ciphertext. */
export function pbes2Encrypt(password: string, plaintext: Uint8Array, options: Pbes2Options = {}): { algorithm: pkijs.AlgorithmIdentifier; ciphertext: Buffer } {
  const iterations = options.iterations ?? DEFAULT_PBE_ITERATIONS;
  const salt = randomBytes(20);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const pbkdf2 = new pkijs.PBKDF2Params({
    salt: new asn1js.OctetString({ valueHex: salt }),
    iterationCount: iterations,
    keyLength: 32,
    prf: new pkijs.AlgorithmIdentifier({ algorithmId: OID.hmacWithSHA256, algorithmParams: new asn1js.Null() }),
  });
  const pbes2 = new pkijs.PBES2Params({
    keyDerivationFunc: new pkijs.AlgorithmIdentifier({ algorithmId: OID.pbkdf2, algorithmParams: pbkdf2.toSchema() }),
    encryptionScheme: new pkijs.AlgorithmIdentifier({ algorithmId: OID.aes256CBC, algorithmParams: new asn1js.OctetString({ valueHex: iv }) }),
  });
  return { algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.pbes2, algorithmParams: pbes2.toSchema() }), ciphertext };
}

/** Legacy PKCS#12 PBE encryption (SHA-1 KDF + 3DES or RC2); used only to build interoperability fixtures. */
export function legacyPbeEncrypt(algorithmOid: string, password: string, plaintext: Uint8Array, iterations = 2048): { algorithm: pkijs.AlgorithmIdentifier; ciphertext: Buffer } {
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
  const params = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: salt }), new asn1js.Integer({ value: iterations })] });
  return { algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: algorithmOid, algorithmParams: params }), ciphertext };
}
