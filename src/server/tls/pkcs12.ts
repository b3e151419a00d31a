/**
 * PKCS#12 (RFC 7292) store reader: the files keytool (current and legacy formats) and openssl (default and
 * -legacy) write. Verifies the integrity MAC with the store password, decrypts certificate bags with the store
 * password, and keeps private key bags encrypted until asked with the key password.
 */
import { createHmac, createPrivateKey, pbkdf2Sync, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { algorithmIdentifier, children, encode, explicit, integer, isContextTag, octets, oid, parseDer, text, type Asn1 } from './der.ts';
import { buildChain } from './certificates.ts';
import { Pkcs12Error } from './errors.ts';
import { DIGEST_BY_OID, HMAC_DIGEST_BY_OID, OID, algorithmName } from './oids.ts';
import { PbeDecryptError, describePbe, parsePbkdf2Params, pbeDecrypt, pkcs12PasswordCandidates, type AlgorithmIdentifierValue } from './pbe.ts';
import { KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.ts';

export { Pkcs12Error } from './errors.ts';
export type { Pkcs12ErrorCode } from './errors.ts';

/** A decrypted private key. */
export interface DecryptedPrivateKey {
  key: KeyObject;
  /** Unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). */
  pem: string;
  /** Unencrypted PKCS#8 DER. */
  pkcs8: Buffer;
}

/** How a private key bag is stored, kept so a writer can copy it unchanged. */
export type StoredKey =
  | { kind: 'shrouded'; /** DER of the EncryptedPrivateKeyInfo. */ encryptedPrivateKeyInfo: Buffer; protection: string }
  | { kind: 'plain'; /** DER of the PrivateKeyInfo. */ pkcs8: Buffer; protection: 'none' };

/** A private key entry (keytool's PrivateKeyEntry). */
export interface Pkcs12KeyEntry {
  alias: string;
  localKeyId?: Buffer;
  /** Certificate chain, leaf first; empty if the store holds no certificate for this key. */
  chain: X509Certificate[];
  stored: StoredKey;
  /** Decrypts the key with the key password; throws Pkcs12Error('bad-key-password') if it does not fit. */
  decryptPrivateKey(keyPassword: string): DecryptedPrivateKey;
}

/** A trusted certificate entry (keytool's trustedCertEntry). */
export interface Pkcs12TrustedEntry {
  alias: string;
  certificate: X509Certificate;
  /** Extended key usages of the JDK trusted-key-usage attribute; empty when the store did not mark it. */
  trustedKeyUsage: string[];
}

/** One certificate bag as found in the file. */
export interface Pkcs12CertificateBag {
  certificate: X509Certificate;
  friendlyName?: string;
  localKeyId?: Buffer;
  /** Present when the bag carries the JDK trusted-key-usage attribute. */
  trustedKeyUsage?: string[];
}

export interface Pkcs12Store {
  keyEntries: Pkcs12KeyEntry[];
  trustedEntries: Pkcs12TrustedEntry[];
  /** Every certificate bag, in file order. */
  certificateBags: Pkcs12CertificateBag[];
  /** Integrity protection, e.g. "HmacPBESHA256 (10000 iterations)"; undefined when the file has no MAC. */
  mac?: string;
  /** Protection of each safe in the file, e.g. "PBES2 (PBKDF2-HmacSHA256, AES-256-CBC, 10000 iterations)" or "none". */
  safeProtection: string[];
}

interface RawKeyBag {
  stored: StoredKey;
  algorithm?: AlgorithmIdentifierValue;
  friendlyName?: string;
  localKeyId?: Buffer;
}

interface BagAttributes {
  friendlyName?: string;
  localKeyId?: Buffer;
  trustedKeyUsage?: string[];
}

function parseAttributes(node: Asn1 | undefined, what: string): BagAttributes {
  const result: BagAttributes = {};
  if (node === undefined) return result;
  for (const attribute of children(node, `${what} attributes`)) {
    const [typeNode, valuesNode] = children(attribute, `${what} attribute`, 2);
    const type = oid(typeNode, `${what} attribute type`);
    const values = children(valuesNode, `${what} attribute values`);
    if (values.length === 0) continue;
    if (type === OID.friendlyName) result.friendlyName = text(values[0], `${what} friendlyName`);
    else if (type === OID.localKeyId) result.localKeyId = octets(values[0], `${what} localKeyId`);
    else if (type === OID.oracleTrustedKeyUsage) result.trustedKeyUsage = values.map((v) => oid(v, `${what} trusted key usage`));
  }
  return result;
}

function verifyMac(macData: Asn1, authSafeContent: Buffer, password: string, what: string): string {
  const [digestInfo, saltNode, iterationsNode] = children(macData, `${what} MacData`, 2);
  const [algNode, digestNode] = children(digestInfo, `${what} MAC DigestInfo`, 2);
  const algorithm = algorithmIdentifier(algNode, `${what} MAC algorithm`);
  const expected = octets(digestNode, `${what} MAC value`);
  const salt = octets(saltNode, `${what} MAC salt`);
  const iterations = iterationsNode === undefined ? 1 : integer(iterationsNode, `${what} MAC iterations`);
  if (iterations < 1 || iterations > 2_000_000) throw new Pkcs12Error('unsupported', `${what}: MAC iteration count ${iterations} is out of range`);

  if (algorithm.oid === OID.pbmac1) {
    // RFC 9579: the MAC key comes from PBKDF2 and the HMAC algorithm is named in the parameters.
    const [kdfNode, schemeNode] = children(algorithm.params as Asn1, `${what} PBMAC1 parameters`, 2);
    const kdf = algorithmIdentifier(kdfNode, `${what} PBMAC1 key derivation`);
    if (kdf.oid !== OID.pbkdf2) throw new Pkcs12Error('unsupported', `${what}: PBMAC1 key derivation ${kdf.oid} is not supported`);
    const pbkdf2 = parsePbkdf2Params(kdf.params, `${what} PBMAC1`);
    const schemeOid = algorithmIdentifier(schemeNode, `${what} PBMAC1 scheme`).oid;
    const hmacDigest = HMAC_DIGEST_BY_OID[schemeOid];
    if (!hmacDigest) throw new Pkcs12Error('unsupported', `${what}: PBMAC1 scheme ${algorithmName(schemeOid)} is not supported`);
    if (pbkdf2.keyLength === undefined) throw new Pkcs12Error('malformed', `${what}: PBMAC1 PBKDF2 parameters lack the key length`);
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), pbkdf2.salt, pbkdf2.iterations, pbkdf2.keyLength, pbkdf2.digest);
    const actual = createHmac(hmacDigest, key).update(authSafeContent).digest();
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw badStorePassword(what);
    return `PBMAC1 ${algorithmName(schemeOid)} (${pbkdf2.iterations} iterations)`;
  }

  const digest = DIGEST_BY_OID[algorithm.oid];
  if (!digest) throw new Pkcs12Error('unsupported', `${what}: MAC digest ${algorithmName(algorithm.oid)} is not supported`);
  for (const pass of pkcs12PasswordCandidates(password)) {
    const probe = createHmac(digest, Buffer.alloc(1)).digest().length;
    const key = pkcs12Kdf(digest, pass, salt, iterations, KDF_PURPOSE.mac, probe);
    const actual = createHmac(digest, key).update(authSafeContent).digest();
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) {
      return `HmacPBE${algorithmName(algorithm.oid).replace('-', '')} (${iterations} iterations)`;
    }
  }
  throw badStorePassword(what);
}

function badStorePassword(what: string): Pkcs12Error {
  return new Pkcs12Error('bad-store-password', `${what}: integrity check failed: the store password is wrong (or the file was altered)`);
}

function parseContentInfo(node: Asn1, what: string): { type: string; content?: Asn1 } {
  const items = children(node, `${what} ContentInfo`, 1);
  const type = oid(items[0], `${what} content type`);
  if (items[1] === undefined) return { type };
  return { type, content: explicit(items[1], 0, `${what} content`) };
}

function decodeCertificate(der: Buffer, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (cause) {
    throw new Pkcs12Error('malformed', `${what}: certificate bag does not hold a valid X.509 certificate`, { cause });
  }
}

class Collector {
  readonly keys: RawKeyBag[] = [];
  readonly certs: Pkcs12CertificateBag[] = [];
  readonly protections: string[] = [];
  constructor(private readonly storePassword: string, private readonly what: string) {}

  safeContents(data: Buffer, depth = 0): void {
    if (depth > 4) throw new Pkcs12Error('malformed', `${this.what}: safe contents nested too deeply`);
    const bags = children(parseDer(data, `${this.what} SafeContents`), `${this.what} SafeContents`);
    for (const bag of bags) this.safeBag(bag, depth);
  }

  private safeBag(node: Asn1, depth: number): void {
    const what = this.what;
    const items = children(node, `${what} SafeBag`, 2);
    const bagId = oid(items[0], `${what} bag type`);
    const value = explicit(items[1], 0, `${what} bag value`);
    const attributes = parseAttributes(items[2], `${what} bag`);
    switch (bagId) {
      case OID.pkcs8ShroudedKeyBag: {
        const [algNode] = children(value, `${what} EncryptedPrivateKeyInfo`, 2);
        const algorithm = algorithmIdentifier(algNode, `${what} key encryption algorithm`);
        this.keys.push({
          stored: { kind: 'shrouded', encryptedPrivateKeyInfo: encode(value), protection: describePbe(algorithm) },
          algorithm,
          ...attributes,
        });
        break;
      }
      case OID.keyBag:
        this.keys.push({ stored: { kind: 'plain', pkcs8: encode(value), protection: 'none' }, ...attributes });
        break;
      case OID.certBag: {
        const [typeNode, certValue] = children(value, `${what} CertBag`, 2);
        const certType = oid(typeNode, `${what} certificate type`);
        if (certType !== OID.x509Certificate) break; // SDSI certificates: nothing a TLS stack can use
        const der = octets(explicit(certValue, 0, `${what} certificate value`), `${what} certificate value`);
        this.certs.push({ certificate: decodeCertificate(der, what), ...attributes });
        break;
      }
      case OID.safeContentsBag:
        for (const inner of children(value, `${what} nested SafeContents`)) this.safeBag(inner, depth + 1);
        break;
      default:
        // CRL and secret bags carry nothing the TLS setup uses.
        break;
    }
  }

  contentInfo(node: Asn1): void {
    const what = this.what;
    const info = parseContentInfo(node, what);
    if (info.type === OID.data) {
      this.protections.push('none');
      this.safeContents(octets(info.content, `${what} data`));
    } else if (info.type === OID.encryptedData) {
      const [, encryptedContentInfo] = children(info.content as Asn1, `${what} EncryptedData`, 2);
      const eci = children(encryptedContentInfo, `${what} EncryptedContentInfo`, 2);
      const algorithm = algorithmIdentifier(eci[1], `${what} content encryption algorithm`);
      if (eci[2] === undefined || !isContextTag(eci[2], 0)) return; // detached content: nothing to read
      const ciphertext = octets(eci[2], `${what} encrypted content`);
      this.protections.push(describePbe(algorithm));
      let plain: Buffer;
      try {
        plain = pbeDecrypt(algorithm, this.storePassword, ciphertext, what);
      } catch (error) {
        if (error instanceof PbeDecryptError) {
          throw new Pkcs12Error('bad-store-password', `${what}: the certificate safe does not decrypt with the store password`);
        }
        throw error;
      }
      this.safeContents(plain);
    } else if (info.type === OID.envelopedData) {
      throw new Pkcs12Error('unsupported', `${what}: public-key protected (envelopedData) safes are not supported`);
    } else {
      throw new Pkcs12Error('unsupported', `${what}: safe content type ${info.type} is not supported`);
    }
  }
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.equals(b);
}

function decryptKey(raw: RawKeyBag, keyPassword: string, what: string, alias: string): DecryptedPrivateKey {
  let pkcs8: Buffer;
  if (raw.stored.kind === 'plain') {
    pkcs8 = raw.stored.pkcs8;
  } else {
    const [, dataNode] = children(parseDer(raw.stored.encryptedPrivateKeyInfo, what), `${what} EncryptedPrivateKeyInfo`, 2);
    try {
      pkcs8 = pbeDecrypt(raw.algorithm as AlgorithmIdentifierValue, keyPassword, octets(dataNode, `${what} encrypted key`), `${what} key '${alias}'`);
    } catch (error) {
      if (error instanceof PbeDecryptError) throw new Pkcs12Error('bad-key-password', `${what}: the private key '${alias}' does not decrypt with the key password`);
      throw error;
    }
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    // Padding happened to be valid but the plaintext is garbage: a wrong password as well.
    if (raw.stored.kind === 'shrouded') throw new Pkcs12Error('bad-key-password', `${what}: the private key '${alias}' does not decrypt with the key password`);
    throw new Pkcs12Error('malformed', `${what}: the private key '${alias}' is not a valid PKCS#8 key`);
  }
  return { key, pkcs8, pem: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export interface ParseOptions {
  /** Names the store in messages (usually the file path). */
  name?: string;
}

/** Parses a PKCS#12 store held in memory. */
export function parsePkcs12(data: Uint8Array, storePassword: string, options: ParseOptions = {}): Pkcs12Store {
  const what = options.name ?? 'PKCS#12 store';
  if (data.length === 0) throw new Pkcs12Error('malformed', `${what}: the file is empty`);
  let items: Asn1[];
  try {
    items = children(parseDer(data, what), `${what} PFX`, 2);
  } catch (error) {
    throw new Pkcs12Error('malformed', `${what}: not a PKCS#12 file (${(error as Error).message.replace(`${what}: `, '')})`);
  }
  const version = integer(items[0], `${what} PFX version`);
  if (version !== 3) throw new Pkcs12Error('unsupported', `${what}: PFX version ${version} is not supported (expected 3)`);
  const authSafe = parseContentInfo(items[1], `${what} authSafe`);
  if (authSafe.type !== OID.data) throw new Pkcs12Error('unsupported', `${what}: public-key integrity mode (signedData) is not supported`);
  const authSafeContent = octets(authSafe.content, `${what} authSafe`);
  const mac = items[2] === undefined ? undefined : verifyMac(items[2], authSafeContent, storePassword, what);

  const collector = new Collector(storePassword, what);
  for (const info of children(parseDer(authSafeContent, `${what} AuthenticatedSafe`), `${what} AuthenticatedSafe`)) {
    collector.contentInfo(info);
  }

  const pool = collector.certs.map((c) => c.certificate);
  const usedAliases = new Set<string>();
  const keyEntries: Pkcs12KeyEntry[] = collector.keys.map((raw, index) => {
    const leafBag =
      collector.certs.find((c) => sameBytes(c.localKeyId, raw.localKeyId)) ??
      (raw.friendlyName === undefined ? undefined : collector.certs.find((c) => c.friendlyName === raw.friendlyName && c.trustedKeyUsage === undefined));
    const alias = uniqueAlias(raw.friendlyName ?? leafBag?.friendlyName ?? String(index + 1), usedAliases);
    const entry: Pkcs12KeyEntry = {
      alias,
      chain: leafBag ? buildChain(leafBag.certificate, pool) : [],
      stored: raw.stored,
      decryptPrivateKey: (keyPassword: string) => decryptKey(raw, keyPassword, what, alias),
    };
    if (raw.localKeyId) entry.localKeyId = raw.localKeyId;
    return entry;
  });

  // JDK stores mark trusted certificates explicitly; a certificate-only store made by other tools does not, and then
  // every certificate in it is what the user meant to trust.
  const marked = collector.certs.filter((c) => c.trustedKeyUsage !== undefined);
  const trustedBags = marked.length > 0 || keyEntries.length > 0 ? marked : collector.certs;
  const trustedEntries: Pkcs12TrustedEntry[] = trustedBags.map((bag, index) => ({
    alias: uniqueAlias(bag.friendlyName ?? `trusted-${index + 1}`, usedAliases),
    certificate: bag.certificate,
    trustedKeyUsage: bag.trustedKeyUsage ?? [],
  }));

  const store: Pkcs12Store = { keyEntries, trustedEntries, certificateBags: collector.certs, safeProtection: collector.protections };
  if (mac !== undefined) store.mac = mac;
  return store;
}

function uniqueAlias(wanted: string, used: Set<string>): string {
  let alias = wanted;
  for (let n = 2; used.has(alias.toLowerCase()); n++) alias = `${wanted}-${n}`;
  used.add(alias.toLowerCase());
  return alias;
}

/** Reads and parses a PKCS#12 file; messages name the file. File-system errors (ENOENT...) are passed through. */
export async function readPkcs12File(file: string, storePassword: string): Promise<Pkcs12Store> {
  const data = await readFile(file);
  return parsePkcs12(data, storePassword, { name: file });
}

/** Finds a key entry by alias, case-insensitively (keytool aliases are case-insensitive). */
export function findKeyEntry(store: Pkcs12Store, alias: string): Pkcs12KeyEntry | undefined {
  const lower = alias.toLowerCase();
  return store.keyEntries.find((e) => e.alias.toLowerCase() === lower);
}

/** Finds a trusted certificate entry by alias, case-insensitively. */
export function findTrustedEntry(store: Pkcs12Store, alias: string): Pkcs12TrustedEntry | undefined {
  const lower = alias.toLowerCase();
  return store.trustedEntries.find((e) => e.alias.toLowerCase() === lower);
}

