/**
 * The TLS 1.2 client against a scriptable server (test/handshake/client12-fake-server.ts), whose
 * cryptography is node:crypto's: the positive paths (every record protection, EMS on and off,
 * ETM on and off, tickets, CertificateRequest, HelloRequest) and each hostile server behaviour,
 * which must end in the right alert on the wire and a typed error.
 */
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/connection.js';
import { AlertDescription, TlsError, type TlsErrorCode } from '../../src/errors.js';
import { DOWNGRADE_TLS11, DOWNGRADE_TLS12, ExtensionType } from '../../src/handshake/codec/types.js';
import { ext } from '../../src/handshake/extensions/index.js';
import { toHex } from '../../src/wire/bytes.js';
import { CT, FAKE_SUITES, FakeServer12, parseRecords, type FakeOptions, type FakeSuiteCode } from './client12-fake-server.js';
import type { ClientOptions } from '../../src/types.js';

function fails(fn: () => void): TlsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TlsError) return e;
    throw e;
  }
  throw new Error('expected a TlsError');
}

/** The single alert the client sent in the clear (before its keys), as [level, description]. */
function plainAlert(conn: ClientConnection): number[] {
  const recs = parseRecords(conn.takeOutput()).filter((r) => r.type === CT.alert);
  expect(recs.length).toBe(1);
  return [...recs[0]!.body];
}

function expectFirstFlightFailure(client: Partial<ClientOptions>, opts: FakeOptions, code: TlsErrorCode, alert: keyof typeof AlertDescription) {
  const f = new FakeServer12({ maxVersion: '1.2', ...client }, opts);
  const err = fails(() => f.conn.feed(f.firstFlight()));
  expect(err.code).toBe(code);
  expect(err.alertName).toBe(alert);
  expect(err.direction).toBe('sent');
  expect(plainAlert(f.conn)).toEqual([2, AlertDescription[alert]]);
  expect(f.conn.status).toBe('failed');
  return err;
}

describe('TLS 1.2 handshake against a node:crypto server', () => {
  for (const code of Object.keys(FAKE_SUITES).map(Number) as FakeSuiteCode[]) {
    for (const etm of FAKE_SUITES[code].kind === 'cbc' ? [true, false] : [undefined]) {
      const suite = FAKE_SUITES[code];
      it(`${suite.name}${etm === undefined ? '' : etm ? ' + encrypt-then-MAC' : ' MAC-then-encrypt'}: handshake, key log, data both ways`, () => {
        const f = new FakeServer12({ ciphers: [suite.name] }, { suite: code, ...(etm !== undefined ? { etm } : {}) });
        f.handshake();
        const info = f.conn.info!;
        expect(info.protocol).toBe('TLSv1.2');
        expect(info.cipher).toBe(suite.name);
        expect(info.group).toBe('secp256r1');
        expect(info.signatureScheme).toBe('ecdsa_secp256r1_sha256');
        expect(info.extendedMasterSecret).toBe(true);
        expect(info.encryptThenMac).toBe(etm);
        // The key log carries the master secret the server computed (NSS format).
        expect(f.keyLog).toEqual([`CLIENT_RANDOM ${toHex(f.ch.random)} ${f.masterSecret.toString('hex')}`]);
        // Data both ways, several sizes (CBC padding lengths, a full 2^14 record).
        for (const n of [0, 1, 15, 16, 17, 1000, 16384]) {
          const data = new Uint8Array(n).map((_, i) => (i * 7 + n) & 0xff);
          f.conn.feed(f.write.seal(CT.appData, data));
          if (n > 0) expect(Buffer.from(f.conn.read()!).equals(Buffer.from(data))).toBe(true);
          f.conn.write(data.length ? data : Uint8Array.of(1));
          const got = f.clientRecords();
          expect(got.every((r) => r.type === CT.appData)).toBe(true);
          expect(Buffer.concat(got.map((r) => r.content)).equals(Buffer.from(data.length ? data : Uint8Array.of(1)))).toBe(true);
        }
      });
    }
  }

  it('server without extended_master_secret: the classic master secret, reported', () => {
    const f = new FakeServer12({}, { ems: false });
    f.handshake();
    expect(f.conn.info!.extendedMasterSecret).toBe(false);
  });

  it('server without renegotiation_info: handshake_failure by default (RFC 5746 §4.1), accepted with allowLegacyRenegotiation', () => {
    const err = expectFirstFlightFailure({}, { renegotiationInfo: null }, 'NEGOTIATION_FAILED', 'handshake_failure');
    expect(err.explanation).toMatch(/RFC 5746 §4\.1.*`allowLegacyRenegotiation`/);
    const f = new FakeServer12({ allowLegacyRenegotiation: true }, { renegotiationInfo: null });
    f.handshake();
    expect(f.conn.handshakeComplete).toBe(true);
  });

  it('NewSessionTicket before the server CCS: stored as a TLS 1.2 ticket', () => {
    const f = new FakeServer12({}, { ticket: Uint8Array.of(9, 8, 7, 6) });
    f.handshake();
    expect(f.conn.tickets.length).toBe(1);
    expect(f.conn.tickets[0]!.version).toBe('TLSv1.2');
    expect([...f.conn.tickets[0]!.ticket]).toEqual([9, 8, 7, 6]);
  });

  it('NewSessionTicket followed by a wrong server Finished: no ticket is kept (RFC 5077 §3.3 NST is unauthenticated until Finished)', () => {
    const events: string[] = [];
    const f = new FakeServer12({ onEvent: (e) => events.push(e.type) }, { ticket: Uint8Array.of(9, 8, 7, 6), tamperFinished: true });
    f.conn.feed(f.firstFlight());
    const second = f.secondFlight();
    const err = fails(() => f.conn.feed(second));
    expect(err.code).toBe('BAD_FINISHED');
    expect(f.conn.tickets).toEqual([]);
    expect(events).not.toContain('session-ticket');
  });

  it('CertificateRequest: an empty Certificate goes before ClientKeyExchange', () => {
    const f = new FakeServer12({}, { certificateRequest: true });
    f.conn.feed(f.firstFlight());
    const recs = parseRecords(f.conn.takeOutput());
    // Certificate (11) with an empty list (00 00 00), then ClientKeyExchange (16), CCS, Finished.
    expect([...recs[0]!.body]).toEqual([11, 0, 0, 3, 0, 0, 0]);
    expect(recs[1]!.body[0]).toBe(16);
    expect(recs.map((r) => r.type)).toEqual([CT.handshake, CT.handshake, CT.ccs, CT.handshake]);
  });

  it('HelloRequest after the handshake: a protected no_renegotiation warning, the connection lives on', () => {
    const f = new FakeServer12();
    f.handshake();
    f.conn.feed(f.write.seal(CT.handshake, Uint8Array.of(0, 0, 0, 0)));
    const recs = f.clientRecords();
    expect(recs).toEqual([{ type: CT.alert, content: Buffer.from([1, AlertDescription.no_renegotiation]) }]);
    expect(f.conn.status).toBe('connected');
    f.conn.feed(f.write.seal(CT.appData, Uint8Array.of(42)));
    expect([...f.conn.read()!]).toEqual([42]);
  });

  it('HelloRequest flood: bounded (unexpected_message after 32 in a row)', () => {
    const f = new FakeServer12();
    f.handshake();
    const err = fails(() => {
      for (let i = 0; i < 40; i++) f.conn.feed(f.write.seal(CT.handshake, Uint8Array.of(0, 0, 0, 0)));
    });
    expect(err.code).toBe('TOO_MANY_MESSAGES');
  });
});

describe('TLS 1.2 hostile servers: the right alert and a typed error', () => {
  it('tampered ServerKeyExchange signature → BAD_SIGNATURE, decrypt_error', () => {
    expectFirstFlightFailure({}, { tamperSignature: true }, 'BAD_SIGNATURE', 'decrypt_error');
  });
  it('ServerKeyExchange signed over other randoms (a replayed SKE) → BAD_SIGNATURE', () => {
    const f = new FakeServer12({ maxVersion: '1.2' });
    const flight = f.firstFlight();
    // Change the ServerHello random after the SKE was signed over it.
    flight[5 + 4 + 2 + 3]! ^= 0xff;
    const err = fails(() => f.conn.feed(flight));
    expect(err.code).toBe('BAD_SIGNATURE');
    expect(plainAlert(f.conn)).toEqual([2, AlertDescription.decrypt_error]);
  });
  it('ServerKeyExchange scheme not offered (ecdsa_sha1) → illegal_parameter', () => {
    const err = expectFirstFlightFailure({}, { skeScheme: 0x0203 }, 'ILLEGAL_VALUE', 'illegal_parameter');
    expect(err.message).toContain('did not offer');
  });
  it('ServerKeyExchange curve not offered (secp521r1 left out of groups) → illegal_parameter', () => {
    const err = expectFirstFlightFailure({ groups: ['x25519', 'secp256r1'] }, { skeGroup: 0x0019 }, 'ILLEGAL_VALUE', 'illegal_parameter');
    expect(err.message).toContain('did not offer');
  });
  it('cipher suite not offered → illegal_parameter', () => {
    expectFirstFlightFailure({ ciphers: ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'] }, { cipherSuiteOnWire: 0xc02b }, 'ILLEGAL_VALUE', 'illegal_parameter');
  });
  it('a TLS 1.3 suite in a 1.2 ServerHello → illegal_parameter', () => {
    expectFirstFlightFailure({}, { cipherSuiteOnWire: 0x1301 }, 'ILLEGAL_VALUE', 'illegal_parameter');
  });
  it('compression method 1 → illegal_parameter', () => {
    expectFirstFlightFailure({}, { compression: 1 }, 'ILLEGAL_VALUE', 'illegal_parameter');
  });
  it('non-empty renegotiation_info on an initial handshake → handshake_failure (RFC 5746 §3.4)', () => {
    expectFirstFlightFailure({}, { renegotiationInfo: new Uint8Array(12) }, 'NEGOTIATION_FAILED', 'handshake_failure');
  });
  it('an extension we did not offer (max_fragment_length) → unsupported_extension', () => {
    expectFirstFlightFailure({}, { extraExtensions: [ext(ExtensionType.max_fragment_length, Uint8Array.of(1))] }, 'UNOFFERED_EXTENSION', 'unsupported_extension');
  });
  it('a TLS 1.3-only extension (key_share) in a 1.2 ServerHello → illegal_parameter', () => {
    expectFirstFlightFailure({ maxVersion: '1.3' }, { extraExtensions: [ext(ExtensionType.key_share, new Uint8Array(36))] }, 'ILLEGAL_VALUE', 'illegal_parameter');
  });
  it('encrypt_then_mac with an AEAD suite → illegal_parameter (RFC 7366 §3)', () => {
    expectFirstFlightFailure({}, { etm: true }, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  for (const [name, sentinel] of [['TLS 1.2', DOWNGRADE_TLS12], ['TLS 1.1', DOWNGRADE_TLS11]] as const) {
    it(`forged downgrade sentinel (${name}) with 1.3 enabled → DOWNGRADE_DETECTED, illegal_parameter`, () => {
      const random = new Uint8Array(32).fill(0x5a);
      random.set(sentinel, 24);
      const f = new FakeServer12({}, { serverRandom: random });
      const err = fails(() => f.conn.feed(f.firstFlight()));
      expect(err.code).toBe('DOWNGRADE_DETECTED');
      expect(plainAlert(f.conn)).toEqual([2, AlertDescription.illegal_parameter]);
    });
  }
  it('the same sentinel with a 1.2-only client is not a downgrade (RFC 8446 §4.1.3 applies to 1.3 clients)', () => {
    const random = new Uint8Array(32).fill(0x5a);
    random.set(DOWNGRADE_TLS12, 24);
    const f = new FakeServer12({ maxVersion: '1.2' }, { serverRandom: random });
    f.handshake();
    expect(f.conn.info!.protocol).toBe('TLSv1.2');
  });

  it('wrong server Finished → BAD_FINISHED, decrypt_error (sent under the new keys)', () => {
    const f = new FakeServer12({}, { tamperFinished: true });
    f.conn.feed(f.firstFlight());
    const second = f.secondFlight();
    const err = fails(() => f.conn.feed(second));
    expect(err.code).toBe('BAD_FINISHED');
    expect(f.clientRecords()).toEqual([{ type: CT.alert, content: Buffer.from([2, AlertDescription.decrypt_error]) }]);
  });

  for (const code of [0xc009, 0xc024] as const) {
    for (const etm of [true, false]) {
      for (const fault of ['padding', 'mac'] as const) {
        it(`${FAKE_SUITES[code].name} ${etm ? 'ETM' : 'MtE'}: bad ${fault} → RECORD_AUTH_FAILED, bad_record_mac`, () => {
          const f = new FakeServer12({ ciphers: [FAKE_SUITES[code].name] }, { suite: code, etm });
          f.handshake();
          const err = fails(() => f.conn.feed(f.write.seal(CT.appData, new Uint8Array(100).fill(7), fault)));
          expect(err.code).toBe('RECORD_AUTH_FAILED');
          expect(f.clientRecords()).toEqual([{ type: CT.alert, content: Buffer.from([2, AlertDescription.bad_record_mac]) }]);
        });
      }
    }
  }
  it('AES-GCM: a flipped tag bit → RECORD_AUTH_FAILED', () => {
    const f = new FakeServer12();
    f.handshake();
    const err = fails(() => f.conn.feed(f.write.seal(CT.appData, Uint8Array.of(1, 2, 3), 'mac')));
    expect(err.code).toBe('RECORD_AUTH_FAILED');
  });
  it('a replayed record (sequence number) → RECORD_AUTH_FAILED', () => {
    const f = new FakeServer12();
    f.handshake();
    const rec = f.write.seal(CT.appData, Uint8Array.of(1, 2, 3));
    f.conn.feed(rec);
    expect(fails(() => f.conn.feed(rec)).code).toBe('RECORD_AUTH_FAILED');
  });

  it('ChangeCipherSpec before ServerHelloDone → unexpected_message', () => {
    const f = new FakeServer12({ maxVersion: '1.2' });
    const flight = f.firstFlight();
    // Only the ServerHello (the first message of the flight), then a CCS in ExpectCertificate.
    const shLen = 4 + flight.readUIntBE(6, 3);
    const sh = Buffer.concat([Buffer.from([22, 3, 3, shLen >> 8, shLen & 0xff]), flight.subarray(5, 5 + shLen)]);
    f.conn.feed(sh);
    expect(f.conn.stateName).toBe('ExpectCertificate');
    const err = fails(() => f.conn.feed(Buffer.from([20, 3, 3, 0, 1, 1])));
    expect(err.code).toBe('UNEXPECTED_MESSAGE');
    expect(plainAlert(f.conn)).toEqual([2, AlertDescription.unexpected_message]);
  });
  it('an unprotected Finished instead of ChangeCipherSpec → unexpected_message', () => {
    const f = new FakeServer12();
    f.conn.feed(f.firstFlight());
    f.secondFlight();
    const err = fails(() => f.conn.feed(Buffer.from([22, 3, 3, 0, 16, 20, 0, 0, 12, ...new Uint8Array(12)])));
    expect(err.code).toBe('UNEXPECTED_MESSAGE');
  });
});

describe('TLS 1.2 configuration errors are BAD_CONFIG before any byte', () => {
  it('unknown suite name', () => {
    const err = fails(() => new ClientConnection({ ciphers: ['TLS_ECDHE_ECDSA_WITH_NOPE'] }));
    expect(err.code).toBe('BAD_CONFIG');
  });
  it('only TLS 1.3 suites with maxVersion 1.2', () => {
    const err = fails(() => new ClientConnection({ maxVersion: '1.2', ciphers: ['TLS_AES_128_GCM_SHA256'] }));
    expect(err.code).toBe('BAD_CONFIG');
  });
  it('only TLS 1.2 suites with minVersion 1.3', () => {
    const err = fails(() => new ClientConnection({ minVersion: '1.3', ciphers: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' }));
    expect(err.code).toBe('BAD_CONFIG');
  });
  it('TLS 1.1 is never a version', () => {
    const err = fails(() => new ClientConnection({ minVersion: '1.1' as '1.2' }));
    expect(err.code).toBe('BAD_CONFIG');
  });
  it('suites by code point are accepted (0xc02b)', () => {
    const f = new FakeServer12({ ciphers: ['0xc02b'], maxVersion: '1.2' });
    f.handshake();
    expect(f.conn.info!.cipher).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
  });
});
