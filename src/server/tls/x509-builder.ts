/**
 * Builds the X.509 structures `rcs keys` needs (self-signed certificates and PKCS#10 requests) with
 * @peculiar/x509 over Node's WebCrypto. Distinguished names use keytool's -dname syntax ("CN=host, OU=unit, O=org, C=US").
 */
import { createPublicKey, randomBytes, webcrypto, type KeyObject, type X509Certificate } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type SigningAlgorithm = webcrypto.RsaHashedImportParams | webcrypto.EcdsaParams;
import { isIP } from 'node:net';
import { inspect, toNodeCertificate } from './certificates.ts';
import { x509 } from './x509-setup.ts';

/** Invalid -dname or --san input. */
export class CertificateInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateInputError';
  }
}

const ATTRIBUTE_TYPES: Readonly<Record<string, string>> = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  SERIALNUMBER: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  S: '2.5.4.8',
  STREET: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  T: '2.5.4.12',
  TITLE: '2.5.4.12',
  GIVENNAME: '2.5.4.42',
  INITIALS: '2.5.4.43',
  GENERATION: '2.5.4.44',
  DNQ: '2.5.4.46',
  DNQUALIFIER: '2.5.4.46',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
  EMAILADDRESS: '1.2.840.113549.1.9.1',
  E: '1.2.840.113549.1.9.1',
};

const OID_EMAIL = '1.2.840.113549.1.9.1';
const OID_DC = '0.9.2342.19200300.100.1.25';
const OID_COUNTRY = '2.5.4.6';

export interface NameAttribute {
  type: string;
  value: string;
}

/** Parses "CN=a, O=b\, Inc, C=US" into attributes in the order written (most specific first). */
export function parseDistinguishedName(dname: string): NameAttribute[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < dname.length; i++) {
    const ch = dname[i];
    if (ch === '\\' && i + 1 < dname.length) {
      current += dname[++i];
    } else if (ch === '"') {
      quoted = !quoted;
    } else if ((ch === ',' || ch === ';') && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quoted) throw new CertificateInputError(`distinguished name "${dname}": unbalanced quotes`);
  parts.push(current);
  const attributes: NameAttribute[] = [];
  for (const part of parts) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new CertificateInputError(`distinguished name "${dname}": "${trimmed}" is not TYPE=value`);
    const key = trimmed.slice(0, eq).trim();
    const value = trimmed.slice(eq + 1).trim();
    const type = /^\d+(\.\d+)+$/.test(key) ? key : ATTRIBUTE_TYPES[key.toUpperCase()];
    if (!type) throw new CertificateInputError(`distinguished name "${dname}": unknown attribute type ${key}`);
    if (value === '') continue; // keytool accepts empty components and leaves them out
    if (type === OID_COUNTRY && !/^[A-Za-z]{2}$/.test(value)) throw new CertificateInputError(`distinguished name "${dname}": C must be a two-letter country code`);
    attributes.push({ type, value });
  }
  if (attributes.length === 0) throw new CertificateInputError(`distinguished name "${dname}" is empty`);
  return attributes;
}

export type SubjectAltName = { type: 'dns' | 'email' | 'uri'; value: string } | { type: 'ip'; value: string };

/** Parses keytool's SAN syntax: "dns:host,ip:127.0.0.1,email:a@b,uri:https://x". */
export function parseSubjectAltNames(spec: string): SubjectAltName[] {
  const names: SubjectAltName[] = [];
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const colon = item.indexOf(':');
    if (colon <= 0) throw new CertificateInputError(`subject alternative name "${item}" is not type:value (dns:, ip:, email:, uri:)`);
    const type = item.slice(0, colon).toLowerCase();
    const value = item.slice(colon + 1).trim();
    if (value === '') throw new CertificateInputError(`subject alternative name "${item}" has no value`);
    if (type === 'dns' || type === 'email' || type === 'uri') names.push({ type, value });
    else if (type === 'ip') {
      if (isIP(value) === 0) throw new CertificateInputError(`subject alternative name "${item}": not an IP address`);
      names.push({ type: 'ip', value });
    } else throw new CertificateInputError(`subject alternative name "${item}": unknown type ${type} (use dns, ip, email or uri)`);
  }
  return names;
}


/** A Name in DER order (the reverse of the written order, as keytool encodes it), with keytool's string types. */
export function encodeName(attributes: readonly NameAttribute[]): x509.Name {
  const rdns: x509.JsonNameParams = [...attributes].reverse().map((attribute) => {
    const value: x509.JsonAttributeObject =
      attribute.type === OID_COUNTRY
        ? { printableString: attribute.value.toUpperCase() }
        : attribute.type === OID_EMAIL || attribute.type === OID_DC
          ? { ia5String: attribute.value }
          : { utf8String: attribute.value };
    return { [attribute.type]: [value] };
  });
  return new x509.Name(rdns);
}

export function subjectAltNameExtension(names: readonly SubjectAltName[]): x509.SubjectAlternativeNameExtension {
  return new x509.SubjectAlternativeNameExtension(names.map((name) => ({ type: name.type === 'uri' ? 'url' : name.type, value: name.value })));
}

interface SigningKeys {
  keys: CryptoKeyPair;
  signingAlgorithm: SigningAlgorithm;
}

const WEBCRYPTO_CURVES: Readonly<Record<string, { namedCurve: string; hash: string }>> = {
  prime256v1: { namedCurve: 'P-256', hash: 'SHA-256' },
  secp384r1: { namedCurve: 'P-384', hash: 'SHA-384' },
  secp521r1: { namedCurve: 'P-521', hash: 'SHA-512' },
};

/** WebCrypto keys for a node:crypto private key, and the signature algorithm to use: SHA-256 (or the curve's hash). */
async function signingKeys(privateKey: KeyObject): Promise<SigningKeys> {
  let importAlgorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
  let signingAlgorithm: SigningAlgorithm;
  if (privateKey.asymmetricKeyType === 'rsa') {
    importAlgorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    signingAlgorithm = importAlgorithm;
  } else if (privateKey.asymmetricKeyType === 'ec') {
    const curve = WEBCRYPTO_CURVES[privateKey.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) throw new CertificateInputError(`EC curve ${privateKey.asymmetricKeyDetails?.namedCurve ?? 'unknown'} is not supported (P-256, P-384, P-521)`);
    importAlgorithm = { name: 'ECDSA', namedCurve: curve.namedCurve };
    signingAlgorithm = { name: 'ECDSA', hash: curve.hash };
  } else {
    throw new CertificateInputError(`key type ${privateKey.asymmetricKeyType ?? 'unknown'} is not supported (RSA or EC)`);
  }
  const subtle = webcrypto.subtle;
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const keys: CryptoKeyPair = {
    privateKey: await subtle.importKey('pkcs8', pkcs8, importAlgorithm, false, ['sign']),
    publicKey: await subtle.importKey('spki', spki, importAlgorithm, true, ['verify']),
  };
  return { keys, signingAlgorithm };
}

export interface SelfSignedOptions {
  privateKey: KeyObject;
  subject: readonly NameAttribute[];
  notBefore: Date;
  notAfter: Date;
  subjectAltNames?: readonly SubjectAltName[];
}

/** A positive 64-bit serial number, as hex. */
function randomSerial(): string {
  const serial = randomBytes(8);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  return serial.toString('hex');
}

/** Whole seconds: certificate times have no fractions, and the validity period should be exactly what was asked. */
function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** A v3 self-signed certificate with a subject key identifier (and SANs when given), as keytool -genkeypair makes. */
export async function createSelfSignedCertificate(options: SelfSignedOptions): Promise<X509Certificate> {
  const { keys, signingAlgorithm } = await signingKeys(options.privateKey);
  const extensions: x509.Extension[] = [await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)];
  if (options.subjectAltNames && options.subjectAltNames.length > 0) extensions.push(subjectAltNameExtension(options.subjectAltNames));
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: encodeName(options.subject),
    notBefore: wholeSeconds(options.notBefore),
    notAfter: wholeSeconds(options.notAfter),
    signingAlgorithm,
    keys,
    extensions,
  });
  return toNodeCertificate(certificate.rawData);
}

/**
 * PKCS#10 request (DER) for `privateKey`, with the subject (and subject alternative names) of `certificate`, or of
 * `subject` / `subjectAltNames` when given.
 */
export async function createCertificationRequest(options: {
  privateKey: KeyObject;
  certificate: X509Certificate;
  subject?: readonly NameAttribute[];
  subjectAltNames?: readonly SubjectAltName[];
}): Promise<Buffer> {
  const { keys, signingAlgorithm } = await signingKeys(options.privateKey);
  const current = inspect(options.certificate);
  const name = options.subject ? encodeName(options.subject) : current.subjectName;
  const san = options.subjectAltNames ? subjectAltNameExtension(options.subjectAltNames) : current.getExtension(x509.SubjectAlternativeNameExtension);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm,
    ...(san ? { extensions: [san] } : {}),
  });
  return Buffer.from(request.rawData);
}

/** PEM armour. */
export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
