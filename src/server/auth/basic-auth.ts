/**
 * HTTP Basic authentication of the WebSocket upgrade, checked as the Java connector server does: the
 * credentials are ISO-8859-1, split at the first ':', both parts trimmed; the user name must be non-blank but is
 * otherwise ignored; the password's key hash must equal connectorserver.key.
 */
import { verifyKeyHash } from './key-hash.ts';

export const BASIC_REALM = 'openicf.forgerock.org';

export type AuthOutcome =
  | { ok: true; principal: string }
  /** 401: no usable credentials. */
  | { ok: false; status: 401; reason: string }
  /** 403: credentials present but the key does not match. */
  | { ok: false; status: 403; reason: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function parseBasicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  if (!header) return undefined;
  const tokens = header.trim().split(/\s+/);
  if (tokens.length < 2 || tokens[0]!.toLowerCase() !== 'basic') return undefined;
  const encoded = tokens[1]!;
  if (!BASE64.test(encoded) || encoded.length % 4 === 1) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon).trim(), password: decoded.slice(colon + 1).trim() };
}

export function authenticateUpgrade(header: string | undefined, keyHash: string): AuthOutcome {
  const credentials = parseBasicCredentials(header);
  if (!credentials) return { ok: false, status: 401, reason: header ? 'unparsable Authorization header' : 'no credentials' };
  if (credentials.user === '') return { ok: false, status: 401, reason: 'blank principal' };
  if (!verifyKeyHash(credentials.password, keyHash)) return { ok: false, status: 403, reason: 'wrong key' };
  return { ok: true, principal: credentials.user };
}
