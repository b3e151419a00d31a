/** Why a PKCS#12 store could not be read. */
export type Pkcs12ErrorCode =
  /** Not DER/BER, or not shaped like a PKCS#12 PFX. */
  | 'malformed'
  /** The integrity MAC does not verify with the store password (or the store password cannot decrypt a bag). */
  | 'bad-store-password'
  /** A private key bag does not decrypt with the key password. */
  | 'bad-key-password'
  /** A well-formed store using an algorithm this reader does not implement. */
  | 'unsupported';

/** A PKCS#12 store could not be read. Messages never contain passwords or key material. */
export class Pkcs12Error extends Error {
  readonly code: Pkcs12ErrorCode;
  constructor(code: Pkcs12ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Pkcs12Error';
    this.code = code;
  }
}
