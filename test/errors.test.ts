/**
 * Errors named by cause: the alert comes from the code in ONE table (never chosen at a site),
 * every code has its entry, certificate failures pick the most specific alert by their reason,
 * received alerts keep their number, and the module is a leaf (it imports nothing of the project).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ALERT_FOR, AlertDescription, TlsError, alertFor, configError, decodeError, peerAlert, peerError, type TlsErrorCode } from '../src/errors.js';

const EXPECTED: Record<TlsErrorCode, string | undefined> = {
  BAD_CONFIG: undefined,
  CLOSED: undefined,
  INTERNAL: 'internal_error',
  TIMEOUT: undefined,
  SOCKET_ERROR: undefined,
  CONNECTION_CLOSED: undefined,
  TRUNCATED: undefined,
  PEER_ALERT: undefined,
  CLIENT_CERT_REQUIRED: undefined,
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
  CERT_VERIFY_FAILED: 'bad_certificate',
};

describe('TlsError', () => {
  it('derives the alert from the code through ALERT_FOR, for every code', () => {
    expect(Object.keys(ALERT_FOR).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [code, alert] of Object.entries(EXPECTED) as Array<[TlsErrorCode, string | undefined]>) {
      const e = new TlsError(code, 'some_rule', 'explanation');
      expect(e.alertName, code).toBe(alert);
      expect(e.direction, code).toBe(alert === undefined ? undefined : 'sent');
      expect(e.reason).toBe('some_rule');
      expect(e.message).toBe(`${code}: explanation`);
    }
  });

  it('certificate failures send the most specific alert for their deciding flag', () => {
    expect(alertFor('CERT_VERIFY_FAILED', 'not_trusted')).toBe('unknown_ca');
    expect(alertFor('CERT_VERIFY_FAILED', 'expired')).toBe('certificate_expired');
    expect(alertFor('CERT_VERIFY_FAILED', 'future')).toBe('certificate_expired');
    expect(alertFor('CERT_VERIFY_FAILED', 'bad_key')).toBe('unsupported_certificate');
    expect(alertFor('CERT_VERIFY_FAILED', 'name_mismatch')).toBe('certificate_unknown');
    expect(alertFor('CERT_VERIFY_FAILED', 'path_length')).toBe('bad_certificate');
    // a reason that happens to name an Object.prototype member is just another reason
    expect(alertFor('CERT_VERIFY_FAILED', 'constructor')).toBe('bad_certificate');
    expect(alertFor('BAD_CONFIG', 'toString')).toBeUndefined();
  });

  it('a configured callback failing mid-handshake tells the server (internal_error); other BAD_CONFIG send nothing', () => {
    expect(alertFor('BAD_CONFIG', 'signer_failed')).toBe('internal_error');
    expect(alertFor('BAD_CONFIG', 'select_identity_failed')).toBe('internal_error');
    expect(alertFor('BAD_CONFIG', 'bad_timeout')).toBeUndefined();
  });

  it('helpers: peerError, decodeError, configError, peerAlert', () => {
    const p = peerError('ILLEGAL_VALUE', 'server_hello_session_id_mismatch', 'x');
    expect([p.code, p.reason, p.alert]).toEqual(['ILLEGAL_VALUE', 'server_hello_session_id_mismatch', AlertDescription.illegal_parameter]);
    const d = decodeError('trailing_bytes', 'ServerHello: 1 trailing byte(s)');
    expect([d.code, d.reason, d.alertName, d.explanation]).toEqual(['MALFORMED_MESSAGE', 'trailing_bytes', 'decode_error', 'malformed ServerHello: 1 trailing byte(s)']);
    const c = configError('bad_timeout', 'timeout: ...');
    expect([c.code, c.alert, c.direction]).toEqual(['BAD_CONFIG', undefined, undefined]);
    const a = peerAlert(AlertDescription.handshake_failure, 'the server sent a fatal alert');
    expect([a.code, a.reason, a.alertName, a.direction]).toEqual(['PEER_ALERT', 'handshake_failure', 'handshake_failure', 'received']);
    const unknown = peerAlert(0xee, 'x');
    expect([unknown.reason, unknown.alert]).toEqual(['alert(0xee)', 0xee]);
  });

  it('no site outside errors.ts chooses an alert: TlsError options have no alert field', () => {
    const src = readFileSync(new URL('../src/errors.ts', import.meta.url), 'utf8');
    const opts = /export interface TlsErrorOptions \{([^}]*)\}/.exec(src)?.[1] ?? '';
    expect(opts).not.toMatch(/\balert\??:/);
  });
});
