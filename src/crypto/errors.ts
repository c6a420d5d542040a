/**
 * The one error class of `src/crypto`: plain and typed, with no TLS meaning. The protocol layers
 * that call into crypto translate a `CryptoError` into the TlsError that fits what they were
 * doing (a bad key share is the peer's ILLEGAL_VALUE, an unknown name in the options is
 * BAD_CONFIG...). One left untranslated surfaces as INTERNAL.
 */
export type CryptoErrorKind =
  /** A public value from outside (key share, DH value, point) that is invalid for its group. */
  | 'invalid_public_value'
  /** Group parameters that are well-formed but too weak or unknown. */
  | 'weak_group'
  /** Group parameters that are not well-formed. */
  | 'malformed_group'
  /** A key that cannot be used for what was asked (wrong kind, too small). */
  | 'unusable_key'
  /** Key bytes (SubjectPublicKeyInfo, private key) that do not parse. */
  | 'malformed_key'
  /** A name or code point not in a registry (suite, scheme, group). */
  | 'unknown_name'
  /** Ciphertext whose shape is impossible (e.g. not whole blocks). */
  | 'bad_ciphertext'
  /** A caller broke an invariant of the API (wrong key or nonce length...). */
  | 'misuse'
  /** An operation failed for a reason that is not its input's (internal_error). */
  | 'operation_failed';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly kind: CryptoErrorKind,
    /** snake_case: the exact rule broken, kept as the TlsError's reason by translators. */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
