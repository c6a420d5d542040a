/**
 * Hostile server after the handshake (RFC 8446 §4.6: NewSessionTicket, KeyUpdate, no
 * post-handshake auth offered) and alerts from the server (RFC 8446 §6): a fatal alert received is
 * PEER_ALERT with direction 'received' and nothing is sent back; close_notify before the handshake
 * ends is CONNECTION_CLOSED.
 */
import { describe, expect, it } from 'vitest';
import { AlertDescription, TlsError, type TlsErrorCode } from '../../src/errors.js';
import { ExtensionType, HandshakeType } from '../../src/handshake/codec/types.js';
import { encodeCertificateRequest13 } from '../../src/handshake/messages/index.js';
import { encodeSignatureAlgorithms, ext } from '../../src/handshake/extensions/index.js';
import { appRec, cat, CT, expectRefused, FakeServer13, hsMsg, hsRec, plain, type RecordSpec } from '../helpers/fake-server13.js';

const enc = (s: string) => new TextEncoder().encode(s);

function connected() {
  const s = new FakeServer13();
  s.completeHandshake();
  return s;
}

/** The client stopped because of what it received: nothing goes back, and it stays stopped. */
function expectReceived(s: FakeServer13, thrown: unknown, code: TlsErrorCode, alert: number) {
  expect(thrown).toBeInstanceOf(TlsError);
  const err = thrown as TlsError;
  expect({ code: err.code, alert: err.alert, direction: err.direction }).toEqual({ code, alert, direction: 'received' });
  expect(s.client.error).toBe(err);
  expect(s.clientAlerts()).toEqual([]);
  expect(() => s.client.feed(Uint8Array.of(CT.appData, 3, 3, 0, 1, 0))).toThrow(err);
  expect(s.client.takeOutput()).toBeNull();
  return err;
}

describe('KeyUpdate (RFC 8446 §4.6.3)', () => {
  it('refuses request_update values other than 0 and 1: illegal_parameter', () => {
    for (const v of [2, 0x7f, 0xff]) {
      const s = connected();
      expectRefused(s, s.send(appRec(CT.handshake, hsMsg(HandshakeType.key_update, Uint8Array.of(v)))), 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('refuses a KeyUpdate body of 0 or 2 bytes: decode_error', () => {
    for (const body of [new Uint8Array(0), Uint8Array.of(0, 0)]) {
      const s = connected();
      expectRefused(s, s.send(appRec(CT.handshake, hsMsg(HandshakeType.key_update, body))), 'MALFORMED_MESSAGE', 'decode_error');
    }
  });

  it('refuses data still sent under the old key after a KeyUpdate: bad_record_mac', () => {
    const s = connected();
    // rotateAfter is not set: the server keeps its old key although it announced a new one.
    expectRefused(s, s.send([appRec(CT.handshake, s.keyUpdate(0)), appRec(CT.appData, enc('stale'))]), 'RECORD_AUTH_FAILED', 'bad_record_mac');
  });
});

describe('NewSessionTicket (RFC 8446 §4.6.1)', () => {
  it('refuses a lifetime over 7 days (604801 s, 2^32-1): illegal_parameter', () => {
    for (const lifetime of [604801, 0xffffffff]) {
      const s = connected();
      expectRefused(s, s.send(appRec(CT.handshake, s.newSessionTicket({ lifetime }))), 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('accepts exactly 7 days, ignores unknown extensions, and keeps no ticket of lifetime 0 (positive controls)', () => {
    const s = connected();
    expect(s.send(appRec(CT.handshake, cat(s.newSessionTicket({ lifetime: 604800 }), s.newSessionTicket({ extensions: [ext(0x7a7a, Uint8Array.of(1))] }))))).toBeUndefined();
    expect(s.send(appRec(CT.handshake, s.newSessionTicket({ lifetime: 0 })))).toBeUndefined();
    expect(s.client.tickets.map((t) => t.lifetime)).toEqual([604800, 7200]);
  });

  it('refuses an empty ticket, trailing bytes and duplicate extensions: decode_error / illegal_parameter', () => {
    const a = connected();
    expectRefused(a, a.send(appRec(CT.handshake, a.newSessionTicket({ ticket: new Uint8Array(0) }))), 'MALFORMED_MESSAGE', 'decode_error');
    const b = connected();
    const nst = b.newSessionTicket();
    expectRefused(b, b.send(appRec(CT.handshake, hsMsg(HandshakeType.new_session_ticket, cat(nst.subarray(4), Uint8Array.of(0))))), 'MALFORMED_MESSAGE', 'decode_error');
    const c = connected();
    const dup = c.newSessionTicket({ extensions: [ext(0x7a7a, new Uint8Array(0)), ext(0x7a7a, new Uint8Array(0))] });
    expectRefused(c, c.send(appRec(CT.handshake, dup)), 'ILLEGAL_VALUE', 'illegal_parameter');
  });
});

describe('other handshake messages after the handshake: unexpected_message', () => {
  it('refuses a CertificateRequest (post_handshake_auth was never offered)', () => {
    const s = connected();
    const cr = hsMsg(HandshakeType.certificate_request, encodeCertificateRequest13({ context: Uint8Array.of(1), extensions: [ext(ExtensionType.signature_algorithms, encodeSignatureAlgorithms([0x0807]))] }));
    expectRefused(s, s.send(appRec(CT.handshake, cr)), 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('refuses unknown types, HelloRequest, EndOfEarlyData and every handshake-flight message', () => {
    const types = [0x63, 0xfe, HandshakeType.hello_request, HandshakeType.end_of_early_data, HandshakeType.server_hello, HandshakeType.encrypted_extensions, HandshakeType.certificate, HandshakeType.certificate_verify, HandshakeType.finished, HandshakeType.client_hello];
    for (const type of types) {
      const s = connected();
      expectRefused(s, s.send(appRec(CT.handshake, hsMsg(type, new Uint8Array(type === HandshakeType.finished ? 32 : 0)))), 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
  });
});

describe('alerts from the server (RFC 8446 §6)', () => {
  it('maps a fatal alert before the ServerHello to PEER_ALERT (received) and sends nothing back', () => {
    const s = new FakeServer13();
    const err = expectReceived(s, s.send(plain(CT.alert, Uint8Array.of(2, AlertDescription.handshake_failure))), 'PEER_ALERT', AlertDescription.handshake_failure);
    expect(err.alertName).toBe('handshake_failure');
  });

  it('maps a fatal alert during the encrypted flight and after the handshake to PEER_ALERT', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({ records: (r) => [...r.slice(0, 3), hsRec(Uint8Array.of(2, AlertDescription.bad_certificate), { type: CT.alert }), ...r.slice(3)] });
    expectReceived(s, thrown, 'PEER_ALERT', AlertDescription.bad_certificate);
    const s2 = connected();
    expectReceived(s2, s2.send(appRec(CT.alert, Uint8Array.of(2, AlertDescription.internal_error))), 'PEER_ALERT', AlertDescription.internal_error);
  });

  it('treats a warning-level alert other than close_notify / user_canceled as fatal in TLS 1.3, unknown ones too', () => {
    for (const desc of [AlertDescription.unexpected_message, AlertDescription.bad_record_mac, 0xfe]) {
      const s = connected();
      expectReceived(s, s.send(appRec(CT.alert, Uint8Array.of(1, desc))), 'PEER_ALERT', desc);
    }
  });

  it('maps close_notify before the handshake completes to CONNECTION_CLOSED (plaintext and protected)', () => {
    const s = new FakeServer13();
    expectReceived(s, s.send(plain(CT.alert, Uint8Array.of(1, 0))), 'CONNECTION_CLOSED', AlertDescription.close_notify);
    const s2 = new FakeServer13();
    const thrown = s2.handshake({ records: (r) => [...r.slice(0, 3), hsRec(Uint8Array.of(1, 0), { type: CT.alert }), ...r.slice(3)] });
    expectReceived(s2, thrown, 'CONNECTION_CLOSED', AlertDescription.close_notify);
  });

  it('after the handshake, close_notify ends the stream cleanly: data before it is read, data after it is ignored', () => {
    const s = connected();
    expect(s.send([appRec(CT.appData, enc('last words')), appRec(CT.alert, Uint8Array.of(1, 0)), appRec(CT.appData, enc('ignored'))])).toBeUndefined();
    expect(s.client.peerClosed).toBe(true);
    expect(s.client.error).toBeUndefined();
    expect(new TextDecoder().decode(s.client.read()!)).toBe('last words');
    expect(s.deliver(new Uint8Array(50).fill(0xee))).toBeUndefined(); // garbage after close_notify: ignored
    expect(s.client.read()).toBeNull();
  });

  it('a fatal alert ends the connection even when valid data follows in the same feed', () => {
    const s = connected();
    const thrown = s.send([appRec(CT.alert, Uint8Array.of(2, AlertDescription.decode_error)), appRec(CT.appData, enc('after'))] as RecordSpec[]);
    expectReceived(s, thrown, 'PEER_ALERT', AlertDescription.decode_error);
    expect(s.client.read()).toBeNull();
  });
});
