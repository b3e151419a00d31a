/**
 * PKCS#12 writer in the format current keytool writes: certificate bags in a PBES2 (PBKDF2-HmacSHA256,
 * AES-256-CBC) encrypted safe, PBES2 shrouded key bags in a plain safe, and an HmacSHA256 integrity MAC. The
 * structure is built from pkijs classes; encryption and the MAC run synchronously in node:crypto (pbe.ts,
 * pkcs12-kdf.ts) because this API is synchronous and pkijs's own PFX encryption and MAC are asynchronous WebCrypto.
 * Trusted certificates carry the JDK trusted-key-usage attribute so keytool lists them as trustedCertEntry.
 */
import { createHmac, randomBytes, type X509Certificate } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import * as asn1js from 'asn1js';
import { OID } from './oids.ts';
import { DEFAULT_PBE_ITERATIONS, pbes2Encrypt } from './pbe.ts';
import { KDF_PURPOSE, pkcs12Kdf, pkcs12PasswordBytes } from './pkcs12-kdf.ts';
import type { StoredKey } from './pkcs12.ts';
import { pkijs } from './pkijs-setup.ts';

/** A key to write: one read from a store (copied unchanged) or a new PKCS#8 key to encrypt with `password`. */
export type WritableKey = StoredKey | { kind: 'encrypt'; pkcs8: Buffer; password: string };

export interface WritableKeyEntry {
  alias: string;
  /** Links the key bag to its certificate; generated when absent. */
  localKeyId?: Buffer;
  key: WritableKey;
  /** Leaf first. */
  chain: readonly X509Certificate[];
}

export interface WritableTrustedEntry {
  alias: string;
  certificate: X509Certificate;
}

export interface WritableStore {
  keyEntries: readonly WritableKeyEntry[];
  trustedEntries: readonly WritableTrustedEntry[];
}

export interface WriteOptions {
  /** PBKDF2 and MAC iteration count; keytool uses 10000. */
  iterations?: number;
}

function attribute(type: string, values: asn1js.AsnType[]): pkijs.Attribute {
  return new pkijs.Attribute({ type, values });
}

function friendlyName(alias: string): pkijs.Attribute {
  return attribute(OID.friendlyName, [new asn1js.BmpString({ value: alias })]);
}

function localKeyId(id: Buffer): pkijs.Attribute {
  return attribute(OID.localKeyId, [new asn1js.OctetString({ valueHex: id })]);
}

function safeBag(bagId: string, bagValue: pkijs.BagType, attributes: pkijs.Attribute[]): pkijs.SafeBag {
  return new pkijs.SafeBag({ bagId, bagValue, ...(attributes.length > 0 ? { bagAttributes: attributes } : {}) });
}

function certBag(certificate: X509Certificate, attributes: pkijs.Attribute[]): pkijs.SafeBag {
  const value = new pkijs.CertBag({ certId: OID.x509Certificate, certValue: new asn1js.OctetString({ valueHex: certificate.raw }) });
  return safeBag(OID.certBag, value, attributes);
}

function der(value: { toSchema(): asn1js.AsnType }): Buffer {
  return Buffer.from(value.toSchema().toBER(false));
}

function keyBag(entry: WritableKeyEntry, id: Buffer, iterations: number): pkijs.SafeBag {
  const attributes = [localKeyId(id), friendlyName(entry.alias)];
  const key = entry.key;
  if (key.kind === 'plain') return safeBag(OID.keyBag, pkijs.PrivateKeyInfo.fromBER(key.pkcs8), attributes);
  if (key.kind === 'shrouded') return safeBag(OID.pkcs8ShroudedKeyBag, pkijs.PKCS8ShroudedKeyBag.fromBER(key.encryptedPrivateKeyInfo), attributes);
  const { algorithm, ciphertext } = pbes2Encrypt(key.password, key.pkcs8, { iterations });
  const shrouded = new pkijs.PKCS8ShroudedKeyBag({ encryptionAlgorithm: algorithm, encryptedData: new asn1js.OctetString({ valueHex: ciphertext }) });
  return safeBag(OID.pkcs8ShroudedKeyBag, shrouded, attributes);
}

/** A safe encrypted with the store password (PBES2), as keytool protects certificate bags. */
function encryptedSafe(bags: pkijs.SafeBag[], storePassword: string, iterations: number): pkijs.ContentInfo {
  const { algorithm, ciphertext } = pbes2Encrypt(storePassword, der(new pkijs.SafeContents({ safeBags: bags })), { iterations });
  const encryptedData = new pkijs.EncryptedData({
    version: 0,
    encryptedContentInfo: new pkijs.EncryptedContentInfo({
      contentType: OID.data,
      contentEncryptionAlgorithm: algorithm,
      encryptedContent: new asn1js.OctetString({ valueHex: ciphertext }),
      disableSplit: true, // one primitive OCTET STRING: DER, as keytool writes
    }),
  });
  return new pkijs.ContentInfo({ contentType: OID.encryptedData, content: encryptedData.toSchema() });
}

/** A safe in the clear (its key bags are shrouded individually). */
function plainSafe(bags: pkijs.SafeBag[]): pkijs.ContentInfo {
  return new pkijs.ContentInfo({ contentType: OID.data, content: new asn1js.OctetString({ valueHex: der(new pkijs.SafeContents({ safeBags: bags })) }) });
}

/** HmacSHA256 integrity MAC with the PKCS#12 KDF (RFC 7292 appendix B), as keytool writes it. */
function macData(authSafeContent: Buffer, storePassword: string, iterations: number): pkijs.MacData {
  const salt = randomBytes(20);
  const key = pkcs12Kdf('sha256', pkcs12PasswordBytes(storePassword), salt, iterations, KDF_PURPOSE.mac, 32);
  const mac = createHmac('sha256', key).update(authSafeContent).digest();
  return new pkijs.MacData({
    mac: new pkijs.DigestInfo({
      digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
      digest: new asn1js.OctetString({ valueHex: mac }),
    }),
    macSalt: new asn1js.OctetString({ valueHex: salt }),
    iterations,
  });
}

/** Builds the DER bytes of a PKCS#12 store. The store password protects the certificates and the MAC. */
export function buildPkcs12(store: WritableStore, storePassword: string, options: WriteOptions = {}): Buffer {
  const iterations = options.iterations ?? DEFAULT_PBE_ITERATIONS;
  const baseTime = Date.now();
  const certBags: pkijs.SafeBag[] = [];
  const keyBags: pkijs.SafeBag[] = [];
  const written = new Set<string>();

  store.keyEntries.forEach((entry, index) => {
    // keytool's own style of local key id: "Time <milliseconds>".
    const id = entry.localKeyId ?? Buffer.from(`Time ${baseTime + index}`, 'latin1');
    keyBags.push(keyBag(entry, id, iterations));
    const [leaf, ...issuers] = entry.chain;
    if (leaf) certBags.push(certBag(leaf, [localKeyId(id), friendlyName(entry.alias)]));
    for (const issuer of issuers) {
      const key = issuer.raw.toString('base64');
      if (written.has(key)) continue;
      written.add(key);
      certBags.push(certBag(issuer, []));
    }
  });
  for (const entry of store.trustedEntries) {
    const trustedUsage = attribute(OID.oracleTrustedKeyUsage, [new asn1js.ObjectIdentifier({ value: OID.anyExtendedKeyUsage })]);
    certBags.push(certBag(entry.certificate, [friendlyName(entry.alias), trustedUsage]));
  }

  const safes: pkijs.ContentInfo[] = [];
  if (certBags.length > 0) safes.push(encryptedSafe(certBags, storePassword, iterations));
  if (keyBags.length > 0) safes.push(plainSafe(keyBags));
  const authSafeContent = der(new pkijs.AuthenticatedSafe({ safeContents: safes }));

  const pfx = new pkijs.PFX({
    version: 3,
    authSafe: new pkijs.ContentInfo({ contentType: OID.data, content: new asn1js.OctetString({ valueHex: authSafeContent }) }),
    macData: macData(authSafeContent, storePassword, iterations),
  });
  return der(pfx);
}

/** Writes a file atomically (temporary file + rename), readable by its owner only. */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Builds and writes a PKCS#12 store file. */
export async function writePkcs12File(file: string, store: WritableStore, storePassword: string, options: WriteOptions = {}): Promise<void> {
  await writeFileAtomic(file, buildPkcs12(store, storePassword, options));
}
