/**
 * Errors are values: one `TlsError` class with a stable `code`, the alert that was sent or
 * received (if any), an explanation for a person, and the cause.
 *
 * Design: states and parsers `throw` a TlsError; the connection catches it once, queues the
 * fatal alert named by `alert` (direction 'sent') and closes. An alert received from the peer
 * becomes a TlsError with direction 'received'. Nothing else escapes the public API.
 * Alert numbers: RFC 8446 §6 (and RFC 5246 §7.2 for the TLS 1.2-only ones).
 */

/** RFC 8446 §6 AlertDescription, plus the TLS 1.2 ones that can still be met on the wire. */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed: 21,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  no_certificate: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  certificate_unobtainable: 111,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  bad_certificate_hash_value: 114,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;
export type AlertName = keyof typeof AlertDescription;

const ALERT_NAMES: Map<number, AlertName> = new Map(
  Object.entries(AlertDescription).map(([k, v]) => [v, k as AlertName]),
);

/** The name of an alert number, or `alert(0xNN)` for one we do not know. */
export function alertName(code: number): string {
  return ALERT_NAMES.get(code) ?? `alert(0x${code.toString(16).padStart(2, '0')})`;
}

/**
 * Stable error codes. Named after what happened (mostly: what the peer did). The CLI prints
 * them as `error: CODE: explanation`; scripts may match on them.
 */
export type TlsErrorCode =
  // configuration and use
  | 'BAD_CONFIG'
  | 'BAD_PEM'
  | 'TIMEOUT'
  | 'SOCKET_ERROR'
  | 'CONNECTION_CLOSED'
  /** The transport ended after the handshake without close_notify (RFC 8446 §6.1), with `requireCloseNotify`. */
  | 'TRUNCATED'
  | 'CLOSED'
  | 'INTERNAL'
  // the peer's bytes
  | 'DECODE_ERROR'
  | 'UNEXPECTED_MESSAGE'
  | 'RECORD_OVERFLOW'
  | 'BAD_RECORD_MAC'
  | 'ILLEGAL_PARAMETER'
  | 'MISSING_EXTENSION'
  | 'UNSUPPORTED_EXTENSION'
  | 'PROTOCOL_VERSION'
  | 'DOWNGRADE_DETECTED'
  | 'HANDSHAKE_FAILURE'
  | 'INSUFFICIENT_SECURITY'
  | 'DECRYPT_ERROR'
  | 'BAD_FINISHED'
  | 'BAD_SIGNATURE'
  | 'BAD_CERTIFICATE'
  | 'UNSUPPORTED_CERTIFICATE'
  | 'CERT_VERIFY_FAILED'
  | 'CLIENT_CERT_REQUIRED'
  | 'NO_RENEGOTIATION'
  | 'TOO_MANY_MESSAGES'
  | 'PEER_ALERT';

export type AlertDirection = 'sent' | 'received';

export interface TlsErrorOptions {
  /** The alert to send (for local errors) or that was received (for `PEER_ALERT`). */
  alert?: AlertName | number;
  direction?: AlertDirection;
  cause?: unknown;
  /** Extra structured detail (certificate flags, the field that failed to decode...). */
  detail?: Record<string, unknown>;
}

/** The one error type of puretls. */
export class TlsError extends Error {
  override readonly name = 'TlsError';
  readonly code: TlsErrorCode;
  /** The alert number sent (direction 'sent') or received (direction 'received'), if any. */
  readonly alert: number | undefined;
  readonly direction: AlertDirection | undefined;
  readonly explanation: string;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: TlsErrorCode, explanation: string, opts: TlsErrorOptions = {}) {
    super(`${code}: ${explanation}`, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
    this.explanation = explanation;
    const a = opts.alert;
    this.alert = a === undefined ? undefined : typeof a === 'number' ? a : AlertDescription[a];
    this.direction = opts.direction ?? (this.alert !== undefined ? 'sent' : undefined);
    this.detail = opts.detail;
  }

  /** The alert's name, e.g. `illegal_parameter`. */
  get alertName(): string | undefined {
    return this.alert === undefined ? undefined : alertName(this.alert);
  }
}

/** The alert to send by default for each code (states may name a more precise one). */
export const ALERT_FOR: Partial<Record<TlsErrorCode, AlertName>> = {
  DECODE_ERROR: 'decode_error',
  UNEXPECTED_MESSAGE: 'unexpected_message',
  RECORD_OVERFLOW: 'record_overflow',
  BAD_RECORD_MAC: 'bad_record_mac',
  ILLEGAL_PARAMETER: 'illegal_parameter',
  MISSING_EXTENSION: 'missing_extension',
  UNSUPPORTED_EXTENSION: 'unsupported_extension',
  PROTOCOL_VERSION: 'protocol_version',
  DOWNGRADE_DETECTED: 'illegal_parameter',
  HANDSHAKE_FAILURE: 'handshake_failure',
  INSUFFICIENT_SECURITY: 'insufficient_security',
  DECRYPT_ERROR: 'decrypt_error',
  BAD_FINISHED: 'decrypt_error',
  BAD_SIGNATURE: 'decrypt_error',
  BAD_CERTIFICATE: 'bad_certificate',
  UNSUPPORTED_CERTIFICATE: 'unsupported_certificate',
  CERT_VERIFY_FAILED: 'bad_certificate',
  TOO_MANY_MESSAGES: 'unexpected_message',
  INTERNAL: 'internal_error',
};

/** Build a TlsError whose alert is the default one for its code. */
export function tlsError(code: TlsErrorCode, explanation: string, opts: TlsErrorOptions = {}): TlsError {
  return new TlsError(code, explanation, { alert: ALERT_FOR[code], ...opts });
}

/** A decode_error naming the field that could not be read. */
export function decodeError(what: string): TlsError {
  return new TlsError('DECODE_ERROR', `malformed ${what}`, { alert: 'decode_error' });
}

/** A configuration error: raised before any byte is sent. */
export function badConfig(explanation: string): TlsError {
  return new TlsError('BAD_CONFIG', explanation);
}

/** Wrap anything thrown into a TlsError (an INTERNAL one if it was not ours). */
export function asTlsError(e: unknown): TlsError {
  if (e instanceof TlsError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new TlsError('INTERNAL', `internal error: ${msg}`, { alert: 'internal_error', cause: e });
}
