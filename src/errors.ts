/**
 * Errors are values: one `TlsError` class with a stable `code` naming what the peer (or the
 * configuration) did, a `reason` naming the exact rule that was broken, the alert that goes with
 * the code, an explanation for a person (in the library's terms: options, not CLI flags), and the
 * cause.
 *
 * Design (rustls' `PeerMisbehaved` + `From<…> for AlertDescription`): a site says *what happened*
 * (`code`, `reason`); the alert is never chosen at the site but derived from the code in the one
 * table `ALERT_FOR` below, so a code and its alert cannot drift apart. States and parsers
 * `throw`; the connection catches once, queues the fatal alert and closes. An alert received from
 * the peer becomes `PEER_ALERT` with direction 'received'. Nothing else escapes the public API.
 * Alert numbers: RFC 8446 §6 (and RFC 5246 §7.2 for the TLS 1.2-only ones).
 *
 * This module is a leaf: it imports nothing of the project (every layer imports it).
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
 * What the peer did. A program switches on these; `reason` says which rule exactly.
 */
export type PeerErrorCode =
  /** A message or record that does not parse (lengths, trailing bytes, bad encodings). */
  | 'MALFORMED_MESSAGE'
  /** A message or record that is not allowed at this point of the protocol. */
  | 'UNEXPECTED_MESSAGE'
  /** Too many records in a row that carry no progress (empty records, warnings, CCS). */
  | 'TOO_MANY_MESSAGES'
  /** A well-formed value the rules forbid, or one we did not offer (suite, group, scheme...). */
  | 'ILLEGAL_VALUE'
  /** An extension we did not offer, or one not allowed in that message. */
  | 'UNOFFERED_EXTENSION'
  /** A required extension is absent. */
  | 'MISSING_EXTENSION'
  /** A record larger than the negotiated limit. */
  | 'RECORD_OVERFLOW'
  /** A protected record failed authentication (wrong key, tampering or corruption). */
  | 'RECORD_AUTH_FAILED'
  /** The server chose a protocol version this configuration does not accept. */
  | 'UNSUPPORTED_VERSION'
  /** The server random carries a downgrade sentinel (RFC 8446 §4.1.3). */
  | 'DOWNGRADE_DETECTED'
  /** No parameters both sides accept (e.g. secure renegotiation not honoured). */
  | 'NEGOTIATION_FAILED'
  /** Parameters that are too weak to accept (small or unknown Diffie-Hellman groups). */
  | 'WEAK_PARAMETERS'
  /** The server's Finished does not match the transcript. */
  | 'BAD_FINISHED'
  /** The server's handshake signature does not verify. */
  | 'BAD_SIGNATURE'
  /** A certificate that cannot be parsed. */
  | 'BAD_CERTIFICATE'
  /** A certificate whose key or type cannot be used here. */
  | 'UNSUPPORTED_CERTIFICATE'
  /** The certificate chain failed verification (`reason` is the deciding flag, lower case). */
  | 'CERT_VERIFY_FAILED';

/**
 * Stable error codes, in three families: what the configuration or the program did, what the
 * transport did, and what the peer did (`PeerErrorCode`, plus `PEER_ALERT` when it says so).
 * The CLI prints them as `error: CODE: explanation`; scripts may match on them.
 */
export type TlsErrorCode =
  // configuration and use
  | 'BAD_CONFIG'
  | 'CLOSED'
  | 'INTERNAL'
  // the transport
  | 'TIMEOUT'
  | 'SOCKET_ERROR'
  | 'CONNECTION_CLOSED'
  /** The transport ended after the handshake without close_notify (RFC 8446 §6.1), with `requireCloseNotify`. */
  | 'TRUNCATED'
  // the peer
  | PeerErrorCode
  /** We answered a CertificateRequest with no certificate and the server gave up (its alert is carried, direction 'received'). */
  | 'CLIENT_CERT_REQUIRED'
  | 'PEER_ALERT';

/** Alerts chosen by `reason` for one code (the first matching entry; else `otherwise`). */
interface AlertByReason {
  readonly byReason: Readonly<Record<string, AlertName>>;
  /** null: no alert for the other reasons. */
  readonly otherwise: AlertName | null;
}

/**
 * THE table from code to the alert we send (RFC 8446 §6.2). `null`: no alert is sent (the
 * failure is local or the transport is gone; `PEER_ALERT` carries the alert received instead).
 * `CERT_VERIFY_FAILED` picks the most specific certificate alert by its reason (RFC 8446 §6.2,
 * RFC 5246 §7.2.2).
 */
export const ALERT_FOR: Readonly<Record<TlsErrorCode, AlertName | AlertByReason | null>> = {
  // A configured callback that fails mid-handshake (signer, selectIdentity): the handshake is
  // under way, so the server is told (internal_error); any other configuration error comes
  // before a byte is sent.
  BAD_CONFIG: { byReason: { signer_failed: 'internal_error', select_identity_failed: 'internal_error' }, otherwise: null },
  CLOSED: null,
  INTERNAL: 'internal_error',
  TIMEOUT: null,
  SOCKET_ERROR: null,
  CONNECTION_CLOSED: null,
  TRUNCATED: null,
  PEER_ALERT: null,
  CLIENT_CERT_REQUIRED: null,
  MALFORMED_MESSAGE: 'decode_error',
  UNEXPECTED_MESSAGE: 'unexpected_message',
  TOO_MANY_MESSAGES: 'unexpected_message',
  ILLEGAL_VALUE: 'illegal_parameter',
  UNOFFERED_EXTENSION: 'unsupported_extension',
  MISSING_EXTENSION: 'missing_extension',
  RECORD_OVERFLOW: 'record_overflow',
  RECORD_AUTH_FAILED: 'bad_record_mac',
  UNSUPPORTED_VERSION: 'protocol_version',
  DOWNGRADE_DETECTED: 'illegal_parameter',
  NEGOTIATION_FAILED: 'handshake_failure',
  WEAK_PARAMETERS: 'insufficient_security',
  BAD_FINISHED: 'decrypt_error',
  BAD_SIGNATURE: 'decrypt_error',
  BAD_CERTIFICATE: 'bad_certificate',
  UNSUPPORTED_CERTIFICATE: 'unsupported_certificate',
  CERT_VERIFY_FAILED: {
    byReason: {
      not_trusted: 'unknown_ca',
      expired: 'certificate_expired',
      future: 'certificate_expired',
      bad_algorithm: 'unsupported_certificate',
      bad_key: 'unsupported_certificate',
      name_mismatch: 'certificate_unknown',
      revoked: 'certificate_revoked',
      bad_status_response: 'bad_certificate_status_response',
    },
    otherwise: 'bad_certificate',
  },
};

/** The alert the table gives for a code and reason (undefined: none is sent). */
export function alertFor(code: TlsErrorCode, reason: string): AlertName | undefined {
  const a = ALERT_FOR[code];
  if (a === null) return undefined;
  if (typeof a === 'string') return a;
  const byReason = Object.hasOwn(a.byReason, reason) ? a.byReason[reason] : undefined;
  return byReason ?? a.otherwise ?? undefined;
}

export type AlertDirection = 'sent' | 'received';

export interface TlsErrorOptions {
  cause?: unknown;
  /** The alert the peer sent, when this error reports it (`PEER_ALERT`, or close_notify for `CONNECTION_CLOSED`). */
  receivedAlert?: number;
  /** Extra structured detail (certificate flags, the field that failed to decode...). */
  detail?: Record<string, unknown>;
}

/** The one error type of puretls. */
export class TlsError extends Error {
  override readonly name = 'TlsError';
  /** What happened, in a family a program can switch on. */
  readonly code: TlsErrorCode;
  /** The exact rule broken, snake_case (e.g. `server_hello_session_id_mismatch`). */
  readonly reason: string;
  /** The alert number sent (direction 'sent') or received (direction 'received'), if any. */
  readonly alert: number | undefined;
  readonly direction: AlertDirection | undefined;
  readonly explanation: string;
  readonly detail: Record<string, unknown> | undefined;

  /** The alert is derived from `code` (and `reason`) by `ALERT_FOR`; never chosen here. */
  constructor(code: TlsErrorCode, reason: string, explanation: string, opts: TlsErrorOptions = {}) {
    super(`${code}: ${explanation}`, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
    this.reason = reason;
    this.explanation = explanation;
    if (opts.receivedAlert !== undefined) {
      this.alert = opts.receivedAlert;
      this.direction = 'received';
    } else {
      const a = alertFor(code, reason);
      this.alert = a === undefined ? undefined : AlertDescription[a];
      this.direction = a === undefined ? undefined : 'sent';
    }
    this.detail = opts.detail;
  }

  /** The alert's name, e.g. `illegal_parameter`. */
  get alertName(): string | undefined {
    return this.alert === undefined ? undefined : alertName(this.alert);
  }
}

/** A fatal alert received from the peer: code `PEER_ALERT`, reason the alert's name. */
export function peerAlert(alert: number, explanation: string): TlsError {
  return new TlsError('PEER_ALERT', alertName(alert), explanation, { receivedAlert: alert });
}

/** The peer broke a rule: `peerError('ILLEGAL_VALUE', 'server_hello_session_id_mismatch', '...')`. */
export function peerError(code: PeerErrorCode, reason: string, explanation: string, opts: TlsErrorOptions = {}): TlsError {
  return new TlsError(code, reason, explanation, opts);
}

/** A message that does not parse: `reason` says which rule, `what` names the field. */
export function decodeError(reason: string, what: string, opts: TlsErrorOptions = {}): TlsError {
  return new TlsError('MALFORMED_MESSAGE', reason, `malformed ${what}`, opts);
}

/** A configuration error: raised before any byte is sent. */
export function configError(reason: string, explanation: string, opts: TlsErrorOptions = {}): TlsError {
  return new TlsError('BAD_CONFIG', reason, explanation, opts);
}

/** A broken invariant of our own (alert internal_error). */
export function internalError(reason: string, explanation: string, opts: TlsErrorOptions = {}): TlsError {
  return new TlsError('INTERNAL', reason, explanation, opts);
}

/** Wrap anything thrown into a TlsError (an INTERNAL one if it was not ours). */
export function asTlsError(e: unknown): TlsError {
  if (e instanceof TlsError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new TlsError('INTERNAL', 'uncaught_exception', `internal error: ${msg}`, { cause: e });
}
