/**
 * Where `src/crypto`'s plain `CryptoError`s become TlsErrors: the protocol layer knows whose
 * value it handed to crypto (the peer's key share, the peer's certificate key, our options) and
 * so which code fits. A CryptoError's `reason` is kept as the TlsError's reason.
 */
import { CryptoError } from '../crypto/errors.js';
import { configError, internalError, peerError, type TlsError } from '../errors.js';

/** A CryptoError met while processing a value the peer sent. */
export function peerCryptoError(e: CryptoError): TlsError {
  const opts = { cause: e };
  switch (e.kind) {
    case 'invalid_public_value':
    case 'malformed_group':
    case 'unknown_name':
      return peerError('ILLEGAL_VALUE', e.reason, e.message, opts);
    case 'weak_group':
      return peerError('WEAK_PARAMETERS', e.reason, e.message, opts);
    case 'unusable_key':
    case 'malformed_key':
      return peerError('UNSUPPORTED_CERTIFICATE', e.reason, `the server certificate's key: ${e.message}`, opts);
    case 'bad_ciphertext':
      return peerError('RECORD_AUTH_FAILED', e.reason, e.message, opts);
    case 'misuse':
    case 'operation_failed':
      return internalError(e.reason, e.message, opts);
  }
}

/** Run `f` on a peer's value; a CryptoError becomes the peer's TlsError. */
export function withPeerValue<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CryptoError) throw peerCryptoError(e);
    throw e;
  }
}

/** Run `f` on our own options; a CryptoError becomes BAD_CONFIG (a misuse stays INTERNAL). */
export function withOptions<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CryptoError) {
      throw e.kind === 'misuse' || e.kind === 'operation_failed' ? internalError(e.reason, e.message, { cause: e }) : configError(e.reason, e.message, { cause: e });
    }
    throw e;
  }
}
