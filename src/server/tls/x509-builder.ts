/**
 * Builds the X.509 structures `rcs keys` needs (self-signed certificates and PKCS#10 requests) with asn1js and
 * signs them with node:crypto. Distinguished names use keytool's -dname syntax ("CN=host, OU=unit, O=org, C=US").
 */
import { createHash, createPublicKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import * as asn1js from 'asn1js';

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

/** DER Name: RDNs in reverse of the written order, as keytool encodes them. */
export function encodeName(attributes: readonly NameAttribute[]): asn1js.Sequence {
  const rdns = [...attributes].reverse().map((attribute) => {
    const value =
      attribute.type === OID_COUNTRY
        ? new asn1js.PrintableString({ value: attribute.value.toUpperCase() })
        : attribute.type === OID_EMAIL || attribute.type === OID_DC
          ? new asn1js.IA5String({ value: attribute.value })
          : new asn1js.Utf8String({ value: attribute.value });
    return new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: attribute.type }), value] })] });
  });
  return new asn1js.Sequence({ value: rdns });
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

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  const [head, tail = ''] = address.includes('::') ? address.split('::') : [address, undefined];
  const parseGroups = (s: string | undefined): number[] => {
    if (!s) return [];
    const groups: number[] = [];
    for (const g of s.split(':')) {
      if (g.includes('.')) {
        const v4 = g.split('.').map(Number);
        groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const first = parseGroups(head);
  const last = address.includes('::') ? parseGroups(tail) : [];
  const groups = [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

function encodeGeneralName(name: SubjectAltName): asn1js.Primitive {
  const tag = { dns: 2, email: 1, uri: 6, ip: 7 }[name.type];
  const bytes = name.type === 'ip' ? ipBytes(name.value) : Buffer.from(name.value, 'ascii');
  return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: tag }, valueHex: bytes });
}

export interface Extension {
  oid: string;
  critical?: boolean;
  /** DER of the extension value (the content of extnValue). */
  value: Uint8Array;
}

export function subjectAltNameExtension(names: readonly SubjectAltName[]): Extension {
  return { oid: '2.5.29.17', value: new Uint8Array(new asn1js.Sequence({ value: names.map(encodeGeneralName) }).toBER(false)) };
}

function encodeExtensions(extensions: readonly Extension[]): asn1js.Sequence {
  return new asn1js.Sequence({
    value: extensions.map((e) => {
      const items: asn1js.AsnType[] = [new asn1js.ObjectIdentifier({ value: e.oid })];
      if (e.critical) items.push(new asn1js.Boolean({ value: true }));
      items.push(new asn1js.OctetString({ valueHex: e.value }));
      return new asn1js.Sequence({ value: items });
    }),
  });
}

function fromDer(der: Uint8Array): asn1js.AsnType {
  const parsed = asn1js.fromBER(new Uint8Array(der));
  if (parsed.offset === -1) throw new CertificateInputError('invalid DER');
  return parsed.result;
}

/** Signature algorithm for a key: SHA-256 (or the curve's matching hash) with RSA or ECDSA. */
function signatureAlgorithm(key: KeyObject): { oid: string; hash: string; rsa: boolean } {
  if (key.asymmetricKeyType === 'rsa') return { oid: '1.2.840.113549.1.1.11', hash: 'sha256', rsa: true };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'secp384r1') return { oid: '1.2.840.10045.4.3.3', hash: 'sha384', rsa: false };
    if (curve === 'secp521r1') return { oid: '1.2.840.10045.4.3.4', hash: 'sha512', rsa: false };
    return { oid: '1.2.840.10045.4.3.2', hash: 'sha256', rsa: false };
  }
  throw new CertificateInputError(`key type ${key.asymmetricKeyType ?? 'unknown'} is not supported (RSA or EC)`);
}

function algorithmIdentifier(alg: { oid: string; rsa: boolean }): asn1js.Sequence {
  const items: asn1js.AsnType[] = [new asn1js.ObjectIdentifier({ value: alg.oid })];
  if (alg.rsa) items.push(new asn1js.Null());
  return new asn1js.Sequence({ value: items });
}

function signed(tbs: asn1js.Sequence, privateKey: KeyObject): Buffer {
  const alg = signatureAlgorithm(privateKey);
  const tbsDer = Buffer.from(tbs.toBER(false));
  const signature = sign(alg.hash, tbsDer, privateKey);
  const whole = new asn1js.Sequence({ value: [tbs, algorithmIdentifier(alg), new asn1js.BitString({ valueHex: signature })] });
  return Buffer.from(whole.toBER(false));
}

function time(date: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
  return whole.getUTCFullYear() < 2050 ? new asn1js.UTCTime({ valueDate: whole }) : new asn1js.GeneralizedTime({ valueDate: whole });
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function subjectKeyIdentifier(publicKey: KeyObject): Buffer {
  const spki = fromDer(publicKey.export({ type: 'spki', format: 'der' }));
  const bits = (spki as asn1js.Sequence).valueBlock.value[1] as asn1js.BitString;
  return createHash('sha1').update(bits.valueBlock.valueHexView).digest();
}

export interface SelfSignedOptions {
  privateKey: KeyObject;
  subject: readonly NameAttribute[];
  notBefore: Date;
  notAfter: Date;
  subjectAltNames?: readonly SubjectAltName[];
}

/** A v3 self-signed certificate with a subject key identifier (and SANs when given), as keytool -genkeypair makes. */
export function createSelfSignedCertificate(options: SelfSignedOptions): X509Certificate {
  const publicKey = createPublicKey(options.privateKey);
  const alg = signatureAlgorithm(options.privateKey);
  const serial = randomBytes(8);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  const name = encodeName(options.subject);
  const ski = subjectKeyIdentifier(publicKey);
  const extensions: Extension[] = [{ oid: '2.5.29.14', value: new Uint8Array(new asn1js.OctetString({ valueHex: ski }).toBER(false)) }];
  if (options.subjectAltNames && options.subjectAltNames.length > 0) extensions.push(subjectAltNameExtension(options.subjectAltNames));
  const tbs = new asn1js.Sequence({
    value: [
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Integer({ value: 2 })] }),
      new asn1js.Integer({ valueHex: serial }),
      algorithmIdentifier(alg),
      name,
      new asn1js.Sequence({ value: [time(options.notBefore), time(options.notAfter)] }),
      name,
      fromDer(publicKey.export({ type: 'spki', format: 'der' })),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 3 }, value: [encodeExtensions(extensions)] }),
    ],
  });
  return new X509Certificate(signed(tbs, options.privateKey));
}

/** Subject Name DER and the extensions of a certificate, to carry over into a certificate request. */
function subjectAndSan(certificate: X509Certificate): { subject: asn1js.AsnType; san?: Extension } {
  const cert = fromDer(certificate.raw) as asn1js.Sequence;
  const tbsItems = (cert.valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
  const offset = (tbsItems[0] as asn1js.BaseBlock).idBlock.tagClass === 3 ? 1 : 0;
  const subject = tbsItems[offset + 4];
  let san: Extension | undefined;
  for (const item of tbsItems.slice(offset + 6)) {
    const block = item as asn1js.Constructed;
    if (block.idBlock.tagClass !== 3 || block.idBlock.tagNumber !== 3) continue;
    for (const ext of (block.valueBlock.value[0] as asn1js.Sequence).valueBlock.value as asn1js.Sequence[]) {
      const parts = ext.valueBlock.value;
      if ((parts[0] as asn1js.ObjectIdentifier).valueBlock.toString() === '2.5.29.17') {
        san = { oid: '2.5.29.17', value: (parts[parts.length - 1] as asn1js.OctetString).valueBlock.valueHexView };
      }
    }
  }
  return san ? { subject, san } : { subject };
}

/**
 * PKCS#10 request for `privateKey`, with the subject (and subject alternative names) of `certificate`, or of
 * `subject` / `subjectAltNames` when given.
 */
export function createCertificationRequest(options: {
  privateKey: KeyObject;
  certificate: X509Certificate;
  subject?: readonly NameAttribute[];
  subjectAltNames?: readonly SubjectAltName[];
}): Buffer {
  const publicKey = createPublicKey(options.privateKey);
  const fromCert = subjectAndSan(options.certificate);
  const subject = options.subject ? encodeName(options.subject) : fromCert.subject;
  const san = options.subjectAltNames ? subjectAltNameExtension(options.subjectAltNames) : fromCert.san;
  const attributes: asn1js.AsnType[] = [];
  if (san) {
    // PKCS#9 extensionRequest carrying the subject alternative names.
    attributes.push(
      new asn1js.Sequence({
        value: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.9.14' }), new asn1js.Set({ value: [encodeExtensions([san])] })],
      }),
    );
  }
  const info = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      subject,
      fromDer(publicKey.export({ type: 'spki', format: 'der' })),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: attributes }),
    ],
  });
  return signed(info, options.privateKey);
}

/** PEM armour. */
export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** keytool-style display of a name: most specific attribute first, comma separated. */
export function displayName(nodeName: string): string {
  return nodeName.split('\n').reverse().join(', ');
}
