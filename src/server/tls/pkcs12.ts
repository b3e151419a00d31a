/**
 * PKCS#12 (RFC 7292) store reader: the files keytool (current and legacy formats) and openssl (default and
 * -legacy) write. Verifies the integrity MAC with the store password, decrypts certificate bags with the store
 * password, and keeps private key bags encrypted until asked with the key password.
 */
import { createHmac, createPrivateKey, pbkdf2Sync, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type * as asn1js from 'asn1js';
import { derBytes, octetBytes, oidValue, parseBer, parseWithPkijs, sequenceItems, textValue } from './asn1-values.ts';
import { buildChain } from './certificates.ts';
import { Pkcs12Error } from './errors.ts';
import { DIGEST_BY_OID, HMAC_DIGEST_BY_OID, OID, algorithmName } from './oids.ts';
import { PbeDecryptError, describePbe, parsePbkdf2, pbeDecrypt, pkcs12PasswordCandidates } from './pbe.ts';
import { KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.ts';
import { pkijs } from './pkijs-setup.ts';

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
  algorithm?: pkijs.AlgorithmIdentifier;
  encryptedData?: Buffer;
  friendlyName?: string;
  localKeyId?: Buffer;
}

interface BagAttributes {
  friendlyName?: string;
  localKeyId?: Buffer;
  trustedKeyUsage?: string[];
}

function parseAttributes(attributes: readonly pkijs.Attribute[] | undefined, what: string): BagAttributes {
  const result: BagAttributes = {};
  for (const attribute of attributes ?? []) {
    const values = attribute.values as asn1js.AsnType[];
    if (values.length === 0) continue;
    if (attribute.type === OID.friendlyName) result.friendlyName = textValue(values[0], `${what} friendlyName`);
    else if (attribute.type === OID.localKeyId) result.localKeyId = octetBytes(values[0], `${what} localKeyId`);
    else if (attribute.type === OID.oracleTrustedKeyUsage) result.trustedKeyUsage = values.map((v) => oidValue(v, `${what} trusted key usage`));
  }
  return result;
}

function badStorePassword(what: string): Pkcs12Error {
  return new Pkcs12Error('bad-store-password', `${what}: integrity check failed: the store password is wrong (or the file was altered)`);
}

function macMatches(actual: Buffer, expected: Buffer): boolean {
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Verifies the PFX MacData (parsed by pkijs) over the authSafe content with node:crypto; returns a description. */
function verifyMac(macData: pkijs.MacData, authSafeContent: Buffer, password: string, what: string): string {
  const algorithm = macData.mac.digestAlgorithm;
  const expected = octetBytes(macData.mac.digest, `${what} MAC value`);
  const salt = octetBytes(macData.macSalt, `${what} MAC salt`);
  const iterations = macData.iterations ?? 1;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > 2_000_000) throw new Pkcs12Error('unsupported', `${what}: MAC iteration count ${iterations} is out of range`);

  if (algorithm.algorithmId === OID.pbmac1) {
    // RFC 9579: PBMAC1-params ::= SEQUENCE { keyDerivationFunc, messageAuthScheme } (no pkijs class); the MAC key
    // comes from PBKDF2 and the HMAC algorithm is named in the parameters.
    const [kdfNode, schemeNode] = sequenceItems(algorithm.algorithmParams, `${what} PBMAC1 parameters`, 2);
    const kdf = parseWithPkijs(() => new pkijs.AlgorithmIdentifier({ schema: kdfNode }), `${what} PBMAC1 key derivation`);
    const scheme = parseWithPkijs(() => new pkijs.AlgorithmIdentifier({ schema: schemeNode }), `${what} PBMAC1 scheme`);
    const pbkdf2 = parsePbkdf2(kdf, `${what} PBMAC1`);
    const hmacDigest = HMAC_DIGEST_BY_OID[scheme.algorithmId];
    if (!hmacDigest) throw new Pkcs12Error('unsupported', `${what}: PBMAC1 scheme ${algorithmName(scheme.algorithmId)} is not supported`);
    if (pbkdf2.keyLength === undefined) throw new Pkcs12Error('malformed', `${what}: PBMAC1 PBKDF2 parameters lack the key length`);
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), pbkdf2.salt, pbkdf2.iterations, pbkdf2.keyLength, pbkdf2.digest);
    if (!macMatches(createHmac(hmacDigest, key).update(authSafeContent).digest(), expected)) throw badStorePassword(what);
    return `PBMAC1 ${algorithmName(scheme.algorithmId)} (${pbkdf2.iterations} iterations)`;
  }

  const digest = DIGEST_BY_OID[algorithm.algorithmId];
  if (!digest) throw new Pkcs12Error('unsupported', `${what}: MAC digest ${algorithmName(algorithm.algorithmId)} is not supported`);
  const keyLength = createHmac(digest, Buffer.alloc(1)).digest().length;
  for (const pass of pkcs12PasswordCandidates(password)) {
    const key = pkcs12Kdf(digest, pass, salt, iterations, KDF_PURPOSE.mac, keyLength);
    if (macMatches(createHmac(digest, key).update(authSafeContent).digest(), expected)) {
      return `HmacPBE${algorithmName(algorithm.algorithmId).replace('-', '')} (${iterations} iterations)`;
    }
  }
  throw badStorePassword(what);
}

/** The certificate type inside an unparsed CertBag SafeBag, so bags pkijs cannot parse (SDSI) can be skipped. */
function certBagType(node: asn1js.AsnType): string | undefined {
  try {
    const value = sequenceItems(node, 'SafeBag', 2)[1] as asn1js.Constructed;
    return oidValue(sequenceItems(value.valueBlock.value[0], 'CertBag', 1)[0], 'CertBag');
  } catch {
    return undefined;
  }
}

/** The bag type OID of an unparsed SafeBag. */
function bagType(node: asn1js.AsnType, what: string): string {
  return oidValue(sequenceItems(node, `${what} SafeBag`, 2)[0], `${what} bag type`);
}

/** Bag types the TLS setup uses; the others (CRL, secret, unknown) are skipped unparsed. */
const USED_BAG_TYPES = new Set<string>([OID.keyBag, OID.pkcs8ShroudedKeyBag, OID.certBag, OID.safeContentsBag]);

class Collector {
  readonly keys: RawKeyBag[] = [];
  readonly certs: Pkcs12CertificateBag[] = [];
  readonly protections: string[] = [];
  constructor(private readonly storePassword: string, private readonly what: string) {}

  /** SafeContents bytes: each SafeBag is parsed with pkijs on its own, so unusable bag kinds can be skipped. */
  safeContents(data: Buffer): void {
    const what = this.what;
    const bags = sequenceItems(parseBer(data, `${what} SafeContents`), `${what} SafeContents`, 0);
    for (const node of bags) {
      const type = bagType(node, what);
      if (!USED_BAG_TYPES.has(type)) continue; // CRL and secret bags carry nothing the TLS setup uses
      if (type === OID.certBag && certBagType(node) !== OID.x509Certificate) continue; // SDSI certificates
      const description = type === OID.certBag ? `${what}: certificate bag (not a valid X.509 certificate?)` : `${what}: ${type === OID.safeContentsBag ? 'nested SafeContents' : 'private key'} bag`;
      this.safeBag(parseWithPkijs(() => new pkijs.SafeBag({ schema: node }), description), 0);
    }
  }

  private safeBag(bag: pkijs.SafeBag, depth: number): void {
    const what = this.what;
    if (depth > 4) throw new Pkcs12Error('malformed', `${what}: safe contents nested too deeply`);
    const attributes = parseAttributes(bag.bagAttributes, `${what} bag`);
    const value = bag.bagValue;
    if (value instanceof pkijs.PKCS8ShroudedKeyBag) {
      this.keys.push({
        stored: { kind: 'shrouded', encryptedPrivateKeyInfo: derBytes(value.toSchema()), protection: describePbe(value.encryptionAlgorithm) },
        algorithm: value.encryptionAlgorithm,
        encryptedData: octetBytes(value.encryptedData, `${what} encrypted key`),
        ...attributes,
      });
    } else if (value instanceof pkijs.PrivateKeyInfo) {
      this.keys.push({ stored: { kind: 'plain', pkcs8: derBytes(value.toSchema()), protection: 'none' }, ...attributes });
    } else if (value instanceof pkijs.CertBag) {
      if (value.certId !== OID.x509Certificate) return;
      const der = octetBytes(value.certValue as asn1js.OctetString, `${what} certificate value`);
      this.certs.push({ certificate: decodeCertificate(der, what), ...attributes });
    } else if (value instanceof pkijs.SafeContents) {
      for (const inner of value.safeBags) this.safeBag(inner, depth + 1);
    }
  }

  contentInfo(info: pkijs.ContentInfo): void {
    const what = this.what;
    if (info.contentType === OID.data) {
      this.protections.push('none');
      this.safeContents(octetBytes(info.content, `${what} data`));
    } else if (info.contentType === OID.encryptedData) {
      const encryptedData = parseWithPkijs(() => new pkijs.EncryptedData({ schema: info.content }), `${what}: EncryptedData`);
      const { contentEncryptionAlgorithm: algorithm, encryptedContent } = encryptedData.encryptedContentInfo;
      if (encryptedContent === undefined) return; // detached content: nothing to read
      const ciphertext = octetBytes(encryptedContent, `${what} encrypted content`);
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
    } else if (info.contentType === OID.envelopedData) {
      throw new Pkcs12Error('unsupported', `${what}: public-key protected (envelopedData) safes are not supported`);
    } else {
      throw new Pkcs12Error('unsupported', `${what}: safe content type ${info.contentType} is not supported`);
    }
  }
}

function decodeCertificate(der: Buffer, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (cause) {
    throw new Pkcs12Error('malformed', `${what}: certificate bag does not hold a valid X.509 certificate`, { cause });
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
    try {
      pkcs8 = pbeDecrypt(raw.algorithm as pkijs.AlgorithmIdentifier, keyPassword, raw.encryptedData ?? Buffer.alloc(0), `${what} key '${alias}'`);
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
  let pfx: pkijs.PFX;
  try {
    pfx = pkijs.PFX.fromBER(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } catch (error) {
    throw new Pkcs12Error('malformed', `${what}: not a PKCS#12 file (${(error as Error).message})`);
  }
  if (pfx.version !== 3) throw new Pkcs12Error('unsupported', `${what}: PFX version ${pfx.version} is not supported (expected 3)`);
  if (pfx.authSafe.contentType !== OID.data) throw new Pkcs12Error('unsupported', `${what}: public-key integrity mode (signedData) is not supported`);
  const authSafeContent = octetBytes(pfx.authSafe.content, `${what} authSafe`);
  const mac = pfx.macData === undefined ? undefined : verifyMac(pfx.macData, authSafeContent, storePassword, what);

  const authSafeNode = parseBer(authSafeContent, `${what} AuthenticatedSafe`);
  // A store whose entries were all deleted holds an empty AuthenticatedSafe, which pkijs's schema does not accept.
  const safes =
    sequenceItems(authSafeNode, `${what} AuthenticatedSafe`, 0).length === 0
      ? []
      : parseWithPkijs(() => new pkijs.AuthenticatedSafe({ schema: authSafeNode }), `${what}: AuthenticatedSafe`).safeContents;
  const collector = new Collector(storePassword, what);
  for (const info of safes) collector.contentInfo(info);

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

