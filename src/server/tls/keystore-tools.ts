/**
 * The logic behind `rcs keys`: keytool-equivalent operations on PKCS#12 stores (generate, export, csr, import, list).
 * Everything written is in keytool's current PKCS#12 format, so keytool and openssl read it.
 */
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { writePkcs12File, type WritableKeyEntry, type WritableTrustedEntry } from './keystore-writer.ts';
import { buildVerifiedChain, isSelfIssued, issuerText, serialNumber, sha256Fingerprint, subjectAltNamesText, subjectText, validity } from './certificates.ts';
import { findKeyEntry, findTrustedEntry, Pkcs12Error, readPkcs12File, type Pkcs12Store } from './pkcs12.ts';
import { createCertificationRequest, createSelfSignedCertificate, parseDistinguishedName, parseSubjectAltNames, toPem } from './x509-builder.ts';

/** A `rcs keys` operation failed for a reason the user can fix; the message says which. */
export class KeystoreToolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeystoreToolError';
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function openStore(file: string, storePassword: string): Promise<Pkcs12Store> {
  try {
    return await readPkcs12File(file, storePassword);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KeystoreToolError(`keystore file ${file} does not exist`);
    if (code === 'EACCES') throw new KeystoreToolError(`keystore file ${file} cannot be read (permission denied)`);
    if (error instanceof Pkcs12Error) {
      if (error.code === 'bad-store-password') throw new KeystoreToolError(`keystore ${file} was tampered with, or the store password is incorrect`, { cause: error });
      throw new KeystoreToolError(error.message, { cause: error });
    }
    throw error;
  }
}

async function openStoreOrEmpty(file: string, storePassword: string): Promise<Pkcs12Store> {
  if (await exists(file)) return openStore(file, storePassword);
  return { keyEntries: [], trustedEntries: [], certificateBags: [], safeProtection: [] };
}

function writable(store: Pkcs12Store): { keyEntries: WritableKeyEntry[]; trustedEntries: WritableTrustedEntry[] } {
  return {
    keyEntries: store.keyEntries.map((e) => {
      const entry: WritableKeyEntry = { alias: e.alias, key: e.stored, chain: e.chain };
      if (e.localKeyId) entry.localKeyId = e.localKeyId;
      return entry;
    }),
    trustedEntries: store.trustedEntries.map((e) => ({ alias: e.alias, certificate: e.certificate })),
  };
}

function checkPassword(password: string, what: string): void {
  if (password.length < 6) throw new KeystoreToolError(`${what} must be at least 6 characters`);
}

function aliasTaken(store: Pkcs12Store, alias: string): boolean {
  return findKeyEntry(store, alias) !== undefined || findTrustedEntry(store, alias) !== undefined;
}

/** keytool stores PKCS#12 aliases in lower case. */
export function normalizeAlias(alias: string): string {
  const trimmed = alias.trim();
  if (trimmed === '') throw new KeystoreToolError('alias must not be empty');
  return trimmed.toLowerCase();
}

export interface GenerateOptions {
  keystore: string;
  storePassword: string;
  /** Defaults to the store password. */
  keyPassword?: string;
  alias: string;
  /** keytool -dname syntax, e.g. "CN=host, O=Acme, C=US". */
  dname: string;
  keyAlgorithm?: 'EC' | 'RSA';
  /** RSA modulus bits (default 2048) or EC curve size 256/384/521 (default 256). */
  keySize?: number;
  /** Days the certificate is valid (default 90, as keytool). */
  validityDays?: number;
  /** keytool SAN syntax: "dns:host,ip:127.0.0.1". */
  san?: string;
  /** Start of validity (default: now). */
  startDate?: Date;
}

export interface GenerateResult {
  alias: string;
  certificate: X509Certificate;
}

function generateKey(algorithm: 'EC' | 'RSA', keySize: number | undefined): KeyObject {
  if (algorithm === 'RSA') {
    const bits = keySize ?? 2048;
    if (!Number.isInteger(bits) || bits < 2048 || bits > 16384) throw new KeystoreToolError(`RSA key size ${bits} is not accepted (2048..16384)`);
    return generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
  }
  const curves: Record<number, string> = { 256: 'prime256v1', 384: 'secp384r1', 521: 'secp521r1' };
  const curve = curves[keySize ?? 256];
  if (!curve) throw new KeystoreToolError(`EC key size ${keySize} is not accepted (256, 384 or 521)`);
  return generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
}

/** keytool -genkeypair: a new key pair and self-signed certificate, added to (or creating) a PKCS#12 keystore. */
export async function generateKeyEntry(options: GenerateOptions): Promise<GenerateResult> {
  const alias = normalizeAlias(options.alias);
  if (!(await exists(options.keystore))) checkPassword(options.storePassword, 'store password');
  const keyPassword = options.keyPassword ?? options.storePassword;
  checkPassword(keyPassword, 'key password');
  const algorithm = (options.keyAlgorithm ?? 'EC').toUpperCase();
  if (algorithm !== 'EC' && algorithm !== 'RSA') throw new KeystoreToolError(`key algorithm ${options.keyAlgorithm} is not supported (EC or RSA)`);
  const validityDays = options.validityDays ?? 90;
  if (!Number.isInteger(validityDays) || validityDays < 1) throw new KeystoreToolError('validity must be a positive number of days');
  let subject;
  let subjectAltNames;
  try {
    subject = parseDistinguishedName(options.dname);
    subjectAltNames = options.san ? parseSubjectAltNames(options.san) : [];
  } catch (error) {
    throw new KeystoreToolError((error as Error).message);
  }

  const store = await openStoreOrEmpty(options.keystore, options.storePassword);
  if (aliasTaken(store, alias)) throw new KeystoreToolError(`key pair not generated: alias <${alias}> already exists in ${options.keystore}`);

  const privateKey = generateKey(algorithm, options.keySize);
  const notBefore = options.startDate ?? new Date();
  const notAfter = new Date(notBefore.getTime() + validityDays * 86_400_000);
  const certificate = await createSelfSignedCertificate({ privateKey, subject, notBefore, notAfter, subjectAltNames });
  const next = writable(store);
  next.keyEntries.push({
    alias,
    key: { kind: 'encrypt', pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }), password: keyPassword },
    chain: [certificate],
  });
  await writePkcs12File(options.keystore, next, options.storePassword);
  return { alias, certificate };
}

export interface StoreRef {
  keystore: string;
  storePassword: string;
  alias: string;
}

function certificateFor(store: Pkcs12Store, ref: StoreRef): X509Certificate {
  const key = findKeyEntry(store, ref.alias);
  if (key) {
    const leaf = key.chain[0];
    if (!leaf) throw new KeystoreToolError(`alias <${ref.alias}> in ${ref.keystore} has no certificate`);
    return leaf;
  }
  const trusted = findTrustedEntry(store, ref.alias);
  if (trusted) return trusted.certificate;
  throw new KeystoreToolError(`alias <${ref.alias}> does not exist in ${ref.keystore}`);
}

/** keytool -exportcert: the entry's certificate as PEM (default) or DER. */
export async function exportCertificate(options: StoreRef & { format?: 'pem' | 'der' }): Promise<Buffer> {
  const store = await openStore(options.keystore, options.storePassword);
  const certificate = certificateFor(store, options);
  return options.format === 'der' ? Buffer.from(certificate.raw) : Buffer.from(toPem('CERTIFICATE', certificate.raw), 'ascii');
}

function decryptEntryKey(store: Pkcs12Store, ref: StoreRef, keyPassword: string): { key: KeyObject; certificate: X509Certificate } {
  const entry = findKeyEntry(store, ref.alias);
  if (!entry) throw new KeystoreToolError(`alias <${ref.alias}> in ${ref.keystore} is not a private key entry`);
  const certificate = entry.chain[0];
  if (!certificate) throw new KeystoreToolError(`alias <${ref.alias}> in ${ref.keystore} has no certificate`);
  try {
    return { key: entry.decryptPrivateKey(keyPassword).key, certificate };
  } catch (error) {
    if (error instanceof Pkcs12Error && error.code === 'bad-key-password') {
      throw new KeystoreToolError(`cannot recover key <${ref.alias}> in ${ref.keystore}: the key password is incorrect`, { cause: error });
    }
    throw error;
  }
}

/** keytool -certreq: a PEM PKCS#10 request for the entry's key, with its certificate's subject and SANs. */
export async function createCsr(options: StoreRef & { keyPassword?: string; dname?: string; san?: string }): Promise<string> {
  const store = await openStore(options.keystore, options.storePassword);
  const { key, certificate } = decryptEntryKey(store, options, options.keyPassword ?? options.storePassword);
  try {
    const request = await createCertificationRequest({
      privateKey: key,
      certificate,
      ...(options.dname ? { subject: parseDistinguishedName(options.dname) } : {}),
      ...(options.san ? { subjectAltNames: parseSubjectAltNames(options.san) } : {}),
    });
    return toPem('CERTIFICATE REQUEST', request);
  } catch (error) {
    if (error instanceof KeystoreToolError) throw error;
    throw new KeystoreToolError((error as Error).message);
  }
}

/** Certificates from PEM (one or more "BEGIN CERTIFICATE" blocks) or a single DER certificate. */
export function parseCertificates(data: Buffer, source: string): X509Certificate[] {
  const text = data.toString('latin1');
  if (text.includes('-----BEGIN')) {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) {
      if (text.includes('BEGIN PKCS7')) throw new KeystoreToolError(`${source}: PKCS#7 replies are not supported; give the certificates as PEM`);
      throw new KeystoreToolError(`${source}: no PEM certificate found`);
    }
    return blocks.map((block, i) => {
      try {
        return new X509Certificate(block);
      } catch {
        throw new KeystoreToolError(`${source}: certificate #${i + 1} is not a valid X.509 certificate`);
      }
    });
  }
  try {
    return [new X509Certificate(data)];
  } catch {
    throw new KeystoreToolError(`${source}: not an X.509 certificate (PEM or DER)`);
  }
}

function sameKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }));
}

export interface ImportOptions extends StoreRef {
  /** File holding the certificate(s), PEM or DER. */
  file: string;
  /** Also use Node's bundled root CAs to complete a reply's chain (keytool: cacerts). */
  trustCACerts?: boolean;
}

export type ImportResult =
  | { kind: 'reply'; alias: string; chain: X509Certificate[] }
  | { kind: 'trusted'; alias: string; certificate: X509Certificate; created: boolean };

/**
 * keytool -importcert: a CA reply installed under the alias of a key entry (the chain is completed from the reply,
 * the store's trusted certificates and, with trustCACerts, Node's root CAs), or else a new trusted certificate entry
 * (the store is created if missing).
 */
export async function importCertificate(options: ImportOptions): Promise<ImportResult> {
  const alias = normalizeAlias(options.alias);
  let data: Buffer;
  try {
    data = await readFile(options.file);
  } catch (error) {
    throw new KeystoreToolError(`cannot read certificate file ${options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const certificates = parseCertificates(data, options.file);
  const created = !(await exists(options.keystore));
  const store = await openStoreOrEmpty(options.keystore, options.storePassword);
  const next = writable(store);
  const keyEntry = findKeyEntry(store, alias);

  if (keyEntry) {
    const current = keyEntry.chain[0];
    if (!current) throw new KeystoreToolError(`alias <${alias}> has no certificate to match the reply against`);
    const leaf = certificates.find((c) => sameKey(c.publicKey, current.publicKey));
    if (!leaf) throw new KeystoreToolError(`public keys in reply and keystore don't match (alias <${alias}>)`);
    if (certificates.length === 1 && leaf.raw.equals(current.raw)) throw new KeystoreToolError('certificate reply and certificate in keystore are identical');
    const pool = [...certificates, ...store.trustedEntries.map((e) => e.certificate)];
    if (options.trustCACerts) pool.push(...rootCertificates.map((pem) => new X509Certificate(pem)));
    // Only issuers whose signature verifies join the chain, so the chain ends at a root or where trust is missing.
    const chain = await buildVerifiedChain(leaf, pool);
    const top = chain[chain.length - 1];
    if (!isSelfIssued(top)) {
      throw new KeystoreToolError(`failed to establish chain from reply: issuer ${issuerText(top)} is neither in the reply nor a trusted certificate of the keystore (or its signature does not verify)`);
    }
    const target = next.keyEntries.find((e) => e.alias.toLowerCase() === keyEntry.alias.toLowerCase());
    if (target) target.chain = chain;
    await writePkcs12File(options.keystore, next, options.storePassword);
    return { kind: 'reply', alias: keyEntry.alias, chain };
  }

  if (findTrustedEntry(store, alias)) throw new KeystoreToolError(`certificate not imported, alias <${alias}> already exists in ${options.keystore}`);
  if (created) checkPassword(options.storePassword, 'store password');
  const certificate = certificates[0];
  next.trustedEntries.push({ alias, certificate });
  await writePkcs12File(options.keystore, next, options.storePassword);
  return { kind: 'trusted', alias, certificate, created };
}

export interface CertificateDetails {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  sha256Fingerprint: string;
  publicKey: string;
  subjectAltNames?: string;
}

export interface ListedEntry {
  alias: string;
  type: 'PrivateKeyEntry' | 'trustedCertEntry';
  /** Leaf first (one certificate for trusted entries). */
  certificates: CertificateDetails[];
}

export interface KeystoreListing {
  file: string;
  integrity: string;
  entries: ListedEntry[];
}

function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') return `RSA ${details?.modulusLength ?? '?'}-bit`;
  if (key.asymmetricKeyType === 'ec') return `EC ${details?.namedCurve ?? '?'}`;
  return key.asymmetricKeyType ?? 'unknown';
}

export async function certificateDetails(certificate: X509Certificate): Promise<CertificateDetails> {
  const { notBefore, notAfter } = validity(certificate);
  const details: CertificateDetails = {
    subject: subjectText(certificate),
    issuer: issuerText(certificate),
    serialNumber: serialNumber(certificate),
    notBefore,
    notAfter,
    sha256Fingerprint: await sha256Fingerprint(certificate),
    publicKey: describeKey(certificate.publicKey),
  };
  const subjectAltNames = subjectAltNamesText(certificate);
  if (subjectAltNames) details.subjectAltNames = subjectAltNames;
  return details;
}

async function allDetails(certificates: readonly X509Certificate[]): Promise<CertificateDetails[]> {
  return Promise.all(certificates.map(certificateDetails));
}

/** keytool -list: the store's entries, sorted by alias. */
export async function listKeystore(options: { keystore: string; storePassword: string }): Promise<KeystoreListing> {
  const store = await openStore(options.keystore, options.storePassword);
  const entries: ListedEntry[] = [
    ...(await Promise.all(store.keyEntries.map(async (e) => ({ alias: e.alias, type: 'PrivateKeyEntry' as const, certificates: await allDetails(e.chain) })))),
    ...(await Promise.all(store.trustedEntries.map(async (e) => ({ alias: e.alias, type: 'trustedCertEntry' as const, certificates: await allDetails([e.certificate]) })))),
  ].sort((a, b) => a.alias.localeCompare(b.alias));
  return { file: options.keystore, integrity: store.mac ?? 'none (no MAC)', entries };
}

/** Text for `rcs keys list`, short or verbose (-v). */
export function formatListing(listing: KeystoreListing, verbose: boolean): string {
  const lines = [`Keystore: ${listing.file}`, 'Keystore type: PKCS12', `Integrity: ${listing.integrity}`, '', `Your keystore contains ${listing.entries.length} ${listing.entries.length === 1 ? 'entry' : 'entries'}`, ''];
  for (const entry of listing.entries) {
    const leaf = entry.certificates[0];
    if (!verbose) {
      lines.push(`${entry.alias}, ${entry.type}, ${leaf ? leaf.subject : '(no certificate)'}`);
      if (leaf) lines.push(`Certificate fingerprint (SHA-256): ${leaf.sha256Fingerprint}`);
      continue;
    }
    lines.push(`Alias name: ${entry.alias}`, `Entry type: ${entry.type}`);
    if (entry.type === 'PrivateKeyEntry') lines.push(`Certificate chain length: ${entry.certificates.length}`);
    entry.certificates.forEach((c, i) => {
      if (entry.type === 'PrivateKeyEntry') lines.push(`Certificate[${i + 1}]:`);
      lines.push(
        `Owner: ${c.subject}`,
        `Issuer: ${c.issuer}`,
        `Serial number: ${c.serialNumber}`,
        `Valid from: ${c.notBefore.toISOString()} until: ${c.notAfter.toISOString()}`,
        `SHA-256 fingerprint: ${c.sha256Fingerprint}`,
        `Public key: ${c.publicKey}`,
      );
      if (c.subjectAltNames) lines.push(`Subject alternative names: ${c.subjectAltNames}`);
      lines.push('');
    });
    lines.push('*******************************************', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

