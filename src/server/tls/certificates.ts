/**
 * Certificate inspection with @peculiar/x509: names, subject alternative names, validity, fingerprints and chain
 * building. Stores and TLS options carry node:crypto X509Certificate objects (Node's TLS wants PEM anyway); this
 * module looks inside them.
 */
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { x509 } from './x509-setup.ts';

const parsed = new WeakMap<NodeX509Certificate, x509.X509Certificate>();

/** The @peculiar/x509 view of a certificate (parsed once per certificate object). */
export function inspect(certificate: NodeX509Certificate): x509.X509Certificate {
  let view = parsed.get(certificate);
  if (!view) {
    view = new x509.X509Certificate(certificate.raw);
    parsed.set(certificate, view);
  }
  return view;
}

/** A node:crypto certificate for DER bytes (what the TLS options and the store types carry). */
export function toNodeCertificate(der: ArrayBuffer | Uint8Array): NodeX509Certificate {
  return new NodeX509Certificate(Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der));
}

function escapeValue(value: string): string {
  return value.replace(/([,+"\\<>;])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

/** keytool-style text of a name: most specific attribute first ("CN=host, O=Org, C=US"). */
export function nameText(name: x509.Name): string {
  return name
    .toJSON()
    .map((rdn) =>
      Object.entries(rdn)
        .flatMap(([type, values]) => values.map((value) => `${type}=${escapeValue(value)}`))
        .join('+'),
    )
    .reverse()
    .join(', ');
}

export function subjectText(certificate: NodeX509Certificate): string {
  return nameText(inspect(certificate).subjectName);
}

export function issuerText(certificate: NodeX509Certificate): string {
  return nameText(inspect(certificate).issuerName);
}

const SAN_LABELS: Readonly<Record<string, string>> = { dns: 'DNS', ip: 'IP Address', email: 'email', url: 'URI', dn: 'DirName', guid: 'GUID', upn: 'UPN', id: 'Registered ID' };

/** Subject alternative names as "DNS:host, IP Address:127.0.0.1"; undefined when the certificate has none. */
export function subjectAltNamesText(certificate: NodeX509Certificate): string | undefined {
  let extension: x509.SubjectAlternativeNameExtension | null;
  try {
    extension = inspect(certificate).getExtension(x509.SubjectAlternativeNameExtension);
  } catch {
    return undefined; // a name form @peculiar/x509 cannot render (otherName...): nothing to show
  }
  if (!extension) return undefined;
  return extension.names.items.map((item) => `${SAN_LABELS[item.type] ?? item.type}:${item.value}`).join(', ');
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export function validity(certificate: NodeX509Certificate): Validity {
  const view = inspect(certificate);
  return { notBefore: view.notBefore, notAfter: view.notAfter };
}

/** SHA-256 fingerprint as upper-case colon-separated hex (the form keytool and Node print). */
export async function sha256Fingerprint(certificate: NodeX509Certificate): Promise<string> {
  const digest = Buffer.from(await inspect(certificate).getThumbprint('SHA-256'));
  return [...digest].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** Lower-case hex serial number without leading zero padding beyond what the certificate holds. */
export function serialNumber(certificate: NodeX509Certificate): string {
  return inspect(certificate).serialNumber.toLowerCase();
}

function nameBytes(name: x509.Name): Buffer {
  return Buffer.from(name.toArrayBuffer());
}

function keyIdentifier(view: x509.X509Certificate, kind: 'subject' | 'authority'): string | undefined {
  try {
    if (kind === 'subject') return view.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    return view.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
  } catch {
    return undefined;
  }
}

/** Whether `issuer` names itself as the issuer of `certificate` (issuer name, and key identifiers when both carry one). */
export function namesIssuer(certificate: NodeX509Certificate, issuer: NodeX509Certificate): boolean {
  const child = inspect(certificate);
  const parent = inspect(issuer);
  if (!nameBytes(child.issuerName).equals(nameBytes(parent.subjectName))) return false;
  const authorityKeyId = keyIdentifier(child, 'authority');
  const subjectKeyId = keyIdentifier(parent, 'subject');
  return authorityKeyId === undefined || subjectKeyId === undefined || authorityKeyId === subjectKeyId;
}

/** Whether the certificate names itself as its issuer. */
export function isSelfIssued(certificate: NodeX509Certificate): boolean {
  return namesIssuer(certificate, certificate);
}

/**
 * Orders a chain leaf first by following issuer names and key identifiers among `pool` (no signature checks: the
 * store's own chains are read as written; see buildVerifiedChain for certificates from outside).
 */
export function buildChain(leaf: NodeX509Certificate, pool: readonly NodeX509Certificate[]): NodeX509Certificate[] {
  const chain = [leaf];
  let current = leaf;
  while (chain.length < 16 && !isSelfIssued(current)) {
    const issuer = pool.find((candidate) => !chain.some((c) => c.raw.equals(candidate.raw)) && namesIssuer(current, candidate));
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

/** Builds a chain leaf first with @peculiar/x509's chain builder, which checks every issuer's signature. */
export async function buildVerifiedChain(leaf: NodeX509Certificate, pool: readonly NodeX509Certificate[]): Promise<NodeX509Certificate[]> {
  const byDer = new Map<string, NodeX509Certificate>();
  for (const certificate of [leaf, ...pool]) byDer.set(certificate.raw.toString('hex'), certificate);
  const builder = new x509.X509ChainBuilder({ certificates: pool.map(inspect) });
  const chain = await builder.build(inspect(leaf));
  return Array.from(chain, (view) => byDer.get(Buffer.from(view.rawData).toString('hex')) ?? toNodeCertificate(view.rawData));
}
