/**
 * PKCS#12 writer in the format current keytool writes: certificate bags in a PBES2 (PBKDF2-HmacSHA256,
 * AES-256-CBC) encrypted safe, PBES2 shrouded key bags in a plain safe, and an HmacSHA256 integrity MAC.
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

const contextExplicit = (tagNumber: number, inner: asn1js.AsnType): asn1js.Constructed =>
  new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value: [inner] });

function attribute(type: string, values: asn1js.AsnType[]): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), new asn1js.Set({ value: values })] });
}

function friendlyName(alias: string): asn1js.Sequence {
  return attribute(OID.friendlyName, [new asn1js.BmpString({ value: alias })]);
}

function localKeyId(id: Buffer): asn1js.Sequence {
  return attribute(OID.localKeyId, [new asn1js.OctetString({ valueHex: id })]);
}

function safeBag(bagId: string, value: asn1js.AsnType, attributes: asn1js.Sequence[]): asn1js.Sequence {
  const items: asn1js.AsnType[] = [new asn1js.ObjectIdentifier({ value: bagId }), contextExplicit(0, value)];
  if (attributes.length > 0) items.push(new asn1js.Set({ value: attributes }));
  return new asn1js.Sequence({ value: items });
}

function certBag(certificate: X509Certificate, attributes: asn1js.Sequence[]): asn1js.Sequence {
  const value = new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: OID.x509Certificate }), contextExplicit(0, new asn1js.OctetString({ valueHex: certificate.raw }))],
  });
  return safeBag(OID.certBag, value, attributes);
}

function der(node: asn1js.AsnType): Buffer {
  return Buffer.from(node.toBER(false));
}

function parseDerNode(data: Buffer): asn1js.AsnType {
  const parsed = asn1js.fromBER(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (parsed.offset === -1) throw new Error('invalid DER in stored key');
  return parsed.result;
}

function keyBag(entry: WritableKeyEntry, id: Buffer, iterations: number): asn1js.Sequence {
  const attributes = [localKeyId(id), friendlyName(entry.alias)];
  const key = entry.key;
  if (key.kind === 'plain') return safeBag(OID.keyBag, parseDerNode(key.pkcs8), attributes);
  if (key.kind === 'shrouded') return safeBag(OID.pkcs8ShroudedKeyBag, parseDerNode(key.encryptedPrivateKeyInfo), attributes);
  const { algorithm, ciphertext } = pbes2Encrypt(key.password, key.pkcs8, { iterations });
  const encryptedPrivateKeyInfo = new asn1js.Sequence({ value: [algorithm.toSchema(), new asn1js.OctetString({ valueHex: ciphertext })] });
  return safeBag(OID.pkcs8ShroudedKeyBag, encryptedPrivateKeyInfo, attributes);
}

function contentInfo(type: string, content: asn1js.AsnType): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), contextExplicit(0, content)] });
}

/** Builds the DER bytes of a PKCS#12 store. The store password protects the certificates and the MAC. */
export function buildPkcs12(store: WritableStore, storePassword: string, options: WriteOptions = {}): Buffer {
  const iterations = options.iterations ?? DEFAULT_PBE_ITERATIONS;
  const baseTime = Date.now();
  const certBags: asn1js.Sequence[] = [];
  const keyBags: asn1js.Sequence[] = [];
  const written = new Set<string>();

  store.keyEntries.forEach((entry, index) => {
    // keytool's own style of local key id: "Time <milliseconds>".
    const id = entry.localKeyId ?? Buffer.from(`Time ${baseTime + index}`, 'latin1');
    keyBags.push(keyBag(entry, id, iterations));
    const [leaf, ...issuers] = entry.chain;
    if (leaf) certBags.push(certBag(leaf, [localKeyId(id), friendlyName(entry.alias)]));
    for (const issuer of issuers) {
      const fingerprint = issuer.fingerprint256;
      if (written.has(fingerprint)) continue;
      written.add(fingerprint);
      certBags.push(certBag(issuer, []));
    }
  });
  for (const entry of store.trustedEntries) {
    const trustedUsage = attribute(OID.oracleTrustedKeyUsage, [new asn1js.ObjectIdentifier({ value: OID.anyExtendedKeyUsage })]);
    certBags.push(certBag(entry.certificate, [friendlyName(entry.alias), trustedUsage]));
  }

  const safes: asn1js.Sequence[] = [];
  if (certBags.length > 0) {
    const { algorithm, ciphertext } = pbes2Encrypt(storePassword, der(new asn1js.Sequence({ value: certBags })), { iterations });
    const encryptedData = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 0 }),
        new asn1js.Sequence({
          value: [new asn1js.ObjectIdentifier({ value: OID.data }), algorithm.toSchema(), new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: ciphertext })],
        }),
      ],
    });
    safes.push(contentInfo(OID.encryptedData, encryptedData));
  }
  if (keyBags.length > 0) {
    safes.push(contentInfo(OID.data, new asn1js.OctetString({ valueHex: der(new asn1js.Sequence({ value: keyBags })) })));
  }
  const authSafeContent = der(new asn1js.Sequence({ value: safes }));

  const macSalt = randomBytes(20);
  const macKey = pkcs12Kdf('sha256', pkcs12PasswordBytes(storePassword), macSalt, iterations, KDF_PURPOSE.mac, 32);
  const mac = createHmac('sha256', macKey).update(authSafeContent).digest();
  const macData = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.sha256 }), new asn1js.Null()] }), new asn1js.OctetString({ valueHex: mac })],
      }),
      new asn1js.OctetString({ valueHex: macSalt }),
      new asn1js.Integer({ value: iterations }),
    ],
  });

  const pfx = new asn1js.Sequence({
    value: [new asn1js.Integer({ value: 3 }), contentInfo(OID.data, new asn1js.OctetString({ valueHex: authSafeContent })), macData],
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
