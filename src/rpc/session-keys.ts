/**
 * The handshake identity of an engine: one P-521 key pair per engine, sessionId = upper-case hex SHA-1 of the
 * public key's SPKI DER (as the Java framework computes it). The key is never used for encryption on the wire.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';

export interface SessionIdentity {
  /** X.509 SubjectPublicKeyInfo DER. */
  readonly publicKey: Uint8Array;
  /** 40 upper-case hex characters. */
  readonly sessionId: string;
}

export function createSessionIdentity(): SessionIdentity {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
  const der = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const sessionId = createHash('sha1').update(der).digest('hex').toUpperCase();
  return { publicKey: der, sessionId };
}
