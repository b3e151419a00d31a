/** Object identifiers used by PKCS#12 stores (RFC 7292, RFC 8018) and the JDK's keystore extensions. */
export const OID = {
  // PKCS#7 content types
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  envelopedData: '1.2.840.113549.1.7.3',

  // PKCS#12 bag types
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  crlBag: '1.2.840.113549.1.12.10.1.4',
  secretBag: '1.2.840.113549.1.12.10.1.5',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',

  // Bag attributes
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  /** JDK: marks a certificate bag as a trustedCertEntry; value = set of extended key usage OIDs. */
  oracleTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',

  // PKCS#12 password-based encryption (RFC 7292 appendix C)
  pbeWithSHAAnd128BitRC4: '1.2.840.113549.1.12.1.1',
  pbeWithSHAAnd40BitRC4: '1.2.840.113549.1.12.1.2',
  pbeWithSHAAnd3KeyTripleDESCBC: '1.2.840.113549.1.12.1.3',
  pbeWithSHAAnd2KeyTripleDESCBC: '1.2.840.113549.1.12.1.4',
  pbeWithSHAAnd128BitRC2CBC: '1.2.840.113549.1.12.1.5',
  pbeWithSHAAnd40BitRC2CBC: '1.2.840.113549.1.12.1.6',

  // PKCS#5 v2 (RFC 8018)
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA224: '1.2.840.113549.2.8',
  hmacWithSHA256: '1.2.840.113549.2.9',
  hmacWithSHA384: '1.2.840.113549.2.10',
  hmacWithSHA512: '1.2.840.113549.2.11',
  aes128CBC: '2.16.840.1.101.3.4.1.2',
  aes192CBC: '2.16.840.1.101.3.4.1.22',
  aes256CBC: '2.16.840.1.101.3.4.1.42',
  desEde3CBC: '1.2.840.113549.3.7',
  rc2CBC: '1.2.840.113549.3.2',

  // Digests
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  sha512_224: '2.16.840.1.101.3.4.2.5',
  sha512_256: '2.16.840.1.101.3.4.2.6',
} as const;

/** node:crypto digest names for the digest OIDs a PKCS#12 MAC may use. */
export const DIGEST_BY_OID: Readonly<Record<string, string>> = {
  [OID.sha1]: 'sha1',
  [OID.sha224]: 'sha224',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
  [OID.sha512_224]: 'sha512-224',
  [OID.sha512_256]: 'sha512-256',
};

/** node:crypto digest names for the HMAC PRF OIDs of PBKDF2 / PBMAC1. */
export const HMAC_DIGEST_BY_OID: Readonly<Record<string, string>> = {
  [OID.hmacWithSHA1]: 'sha1',
  [OID.hmacWithSHA224]: 'sha224',
  [OID.hmacWithSHA256]: 'sha256',
  [OID.hmacWithSHA384]: 'sha384',
  [OID.hmacWithSHA512]: 'sha512',
};

/** Readable names for algorithm OIDs, for listings and error messages. */
export const ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  [OID.pbeWithSHAAnd128BitRC4]: 'PBEWithSHA1AndRC4_128',
  [OID.pbeWithSHAAnd40BitRC4]: 'PBEWithSHA1AndRC4_40',
  [OID.pbeWithSHAAnd3KeyTripleDESCBC]: 'PBEWithSHA1AndDESede',
  [OID.pbeWithSHAAnd2KeyTripleDESCBC]: 'PBEWithSHA1AndDESede(2-key)',
  [OID.pbeWithSHAAnd128BitRC2CBC]: 'PBEWithSHA1AndRC2_128',
  [OID.pbeWithSHAAnd40BitRC2CBC]: 'PBEWithSHA1AndRC2_40',
  [OID.pbes2]: 'PBES2',
  [OID.aes128CBC]: 'AES-128-CBC',
  [OID.aes192CBC]: 'AES-192-CBC',
  [OID.aes256CBC]: 'AES-256-CBC',
  [OID.desEde3CBC]: 'DES-EDE3-CBC',
  [OID.rc2CBC]: 'RC2-CBC',
  [OID.hmacWithSHA1]: 'HmacSHA1',
  [OID.hmacWithSHA224]: 'HmacSHA224',
  [OID.hmacWithSHA256]: 'HmacSHA256',
  [OID.hmacWithSHA384]: 'HmacSHA384',
  [OID.hmacWithSHA512]: 'HmacSHA512',
  [OID.sha1]: 'SHA-1',
  [OID.sha224]: 'SHA-224',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
  [OID.pbmac1]: 'PBMAC1',
};

export function algorithmName(oid: string): string {
  return ALGORITHM_NAMES[oid] ?? oid;
}
