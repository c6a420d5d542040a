/**
 * Hostile record layer (RFC 8446 §5.1-§5.4): sizes, content types, authentication, inner
 * plaintext, CCS rules, application data too early, handshake messages spanning a key change or
 * interleaved with other records, malformed alerts. Each refusal must come from the feed() call
 * that delivered the offending bytes — an oversized or unknown header is refused from the header
 * alone, without waiting for a body that may never come.
 */
import { describe, expect, it } from 'vitest';
import { HandshakeType } from '../../src/handshake/codec/types.js';
import { appRec, cat, CT, expectRefused, FakeServer13, hsRec, plain, type RecordSpec } from '../helpers/fake-server13.js';

const enc = (s: string) => new TextEncoder().encode(s);
const hdr = (type: number, len: number, version = 0x0303) => Uint8Array.of(type, version >> 8, version & 0xff, len >> 8, len & 0xff);

/** The ServerHello + CCS records, then `rest(flight)` in place of the encrypted flight. */
function afterHello(rest: (flight: RecordSpec[], s: FakeServer13) => RecordSpec[], opts = {}) {
  const s = new FakeServer13(opts);
  const thrown = s.handshake({ records: (r, srv) => [...r.slice(0, 2), ...rest(r.slice(2), srv)] });
  return { s, thrown };
}

function connected() {
  const s = new FakeServer13();
  s.completeHandshake();
  return s;
}

describe('record sizes (RFC 8446 §5.1, §5.2, §5.4): record_overflow', () => {
  it('refuses a plaintext record header announcing 2^14+1 bytes, from the header alone', () => {
    const s = new FakeServer13();
    expect(s.deliver(hdr(CT.handshake, 1 << 14))).toBeUndefined(); // 2^14 is allowed: it waits
    const s2 = new FakeServer13();
    expectRefused(s2, s2.deliver(hdr(CT.handshake, (1 << 14) + 1)), 'RECORD_OVERFLOW', 'record_overflow');
  });

  it('refuses a protected record header announcing more than 2^14+256 bytes, from the header alone', () => {
    const ok = afterHello(() => [{ type: 0, payload: new Uint8Array(0), key: 'plain', raw: hdr(CT.appData, (1 << 14) + 256) }]);
    expect(ok.thrown).toBeUndefined();
    const { s, thrown } = afterHello(() => [{ type: 0, payload: new Uint8Array(0), key: 'plain', raw: hdr(CT.appData, (1 << 14) + 257) }]);
    expectRefused(s, thrown, 'RECORD_OVERFLOW', 'record_overflow');
  });

  it('refuses a protected record whose content is over 2^14 bytes', () => {
    const { s, thrown } = afterHello((f) => [hsRec(new Uint8Array((1 << 14) + 1).fill(8)), ...f]);
    expectRefused(s, thrown, 'RECORD_OVERFLOW', 'record_overflow');
  });

  it('accepts padding up to a TLSInnerPlaintext of 2^14+1 bytes, and refuses one byte more', () => {
    const pad = (extra: number) => (f: RecordSpec[]) => [{ ...f[0]!, padding: (1 << 14) - f[0]!.payload.length + extra }, ...f.slice(1)];
    const ok = new FakeServer13();
    ok.completeHandshake({ records: (r) => [...r.slice(0, 2), ...pad(0)(r.slice(2))] });
    const { s, thrown } = afterHello(pad(1));
    expectRefused(s, thrown, 'RECORD_OVERFLOW', 'record_overflow');
  });

  it('accepts 2^14 bytes of application data in one record, and refuses 2^14+1', () => {
    const s = connected();
    expect(s.send(appRec(CT.appData, new Uint8Array(1 << 14).fill(0x61)))).toBeUndefined();
    expect(s.client.read()!.length).toBe(1 << 14);
    expectRefused(s, s.send(appRec(CT.appData, new Uint8Array((1 << 14) + 1))), 'RECORD_OVERFLOW', 'record_overflow');
  });

  it('refuses a handshake message larger than the client buffers, from its 4-byte header', () => {
    const s = new FakeServer13();
    expectRefused(s, s.send(plain(CT.handshake, Uint8Array.of(HandshakeType.server_hello, 0xff, 0xff, 0xff))), 'MALFORMED_MESSAGE', 'decode_error');
    const { s: s2, thrown } = afterHello(() => [hsRec(Uint8Array.of(HandshakeType.certificate, 0x10, 0, 0))]);
    expectRefused(s2, thrown, 'MALFORMED_MESSAGE', 'decode_error');
  });
});

describe('content types (RFC 8446 §5): unexpected_message', () => {
  it('refuses an unknown content type from its first byte, before and after encryption starts', () => {
    const s = new FakeServer13();
    expectRefused(s, s.deliver(Uint8Array.of(0x63)), 'UNEXPECTED_MESSAGE', 'unexpected_message');
    for (const type of [0, 19, 24, 255]) {
      const { s: s2, thrown } = afterHello(() => [{ type, payload: new Uint8Array(0), key: 'plain', raw: hdr(type, 20) }]);
      expectRefused(s2, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
  });

  it('refuses an unknown inner content type in a protected record (during and after the handshake)', () => {
    for (const type of [0x18, 0x63, 0xff]) {
      // The whole valid flight follows: silently dropping the odd record would complete the handshake.
      const { s, thrown } = afterHello((f) => [{ ...f[0]!, type }, ...f]);
      expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
    const s = connected();
    expectRefused(s, s.send(appRec(0x63, enc('x'))), 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('refuses an all-zero inner plaintext (no content type), and an empty one', () => {
    for (const inner of [new Uint8Array(20), new Uint8Array(0)]) {
      const { s, thrown } = afterHello((f) => [{ ...f[0]!, inner }, ...f.slice(1)]);
      expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
  });

  it('refuses a plaintext handshake record once encryption has started', () => {
    const { s, thrown } = afterHello((f) => [plain(CT.handshake, f[0]!.payload), ...f.slice(1)]);
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('refuses application data before the handshake completes (plaintext before the ServerHello, protected before Finished)', () => {
    const s = new FakeServer13();
    expectRefused(s, s.send(plain(CT.appData, enc('early'))), 'UNEXPECTED_MESSAGE', 'unexpected_message');
    const { s: s2, thrown } = afterHello((f) => [f[0]!, { ...f[1]!, type: CT.appData, payload: enc('early') }, ...f.slice(1)]);
    expectRefused(s2, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });
});

describe('authentication (RFC 8446 §5.2): bad_record_mac', () => {
  it('refuses a flipped ciphertext byte, a flipped tag byte, and a changed header (the AAD)', () => {
    const cases: ((f: RecordSpec[]) => RecordSpec[])[] = [
      (f) => [{ ...f[0]!, flipByte: 7 }, ...f.slice(1)],
      (f) => [{ ...f[0]!, flipByte: 5 + f[0]!.payload.length + 1 + 15 }, ...f.slice(1)],
      (f) => [{ ...f[0]!, flipByte: 2 }, ...f.slice(1)], // legacy_record_version 0x0303 → 0x0302
      (f) => [...f.slice(0, 2), { ...f[2]!, flipByte: 40 }, ...f.slice(3)],
    ];
    for (const c of cases) {
      const { s, thrown } = afterHello(c);
      expectRefused(s, thrown, 'RECORD_AUTH_FAILED', 'bad_record_mac');
    }
  });

  it('refuses a record whose header length is one byte short or one byte long', () => {
    for (const delta of [-1, 1]) {
      const { s, thrown } = afterHello((f) => [{ ...f[0]!, length: f[0]!.payload.length + 1 + 16 + delta }, ...f.slice(1)]);
      expectRefused(s, thrown, 'RECORD_AUTH_FAILED', 'bad_record_mac');
    }
  });

  it('refuses a record sealed with the wrong key, and one shorter than the tag', () => {
    const a = afterHello((f) => [{ ...f[0]!, wrongKey: true }, ...f.slice(1)]);
    expectRefused(a.s, a.thrown, 'RECORD_AUTH_FAILED', 'bad_record_mac');
    for (const n of [0, 1, 15]) {
      const b = afterHello(() => [{ type: 0, payload: new Uint8Array(0), key: 'plain', raw: cat(hdr(CT.appData, n), new Uint8Array(n)) }]);
      expectRefused(b.s, b.thrown, 'RECORD_AUTH_FAILED', 'bad_record_mac');
    }
  });

  it('refuses a replayed record (its sequence number has passed)', () => {
    const s = new FakeServer13();
    let firstFlightRecord: Uint8Array | undefined;
    const thrown = s.handshake({
      records: (r, srv) => {
        // Seal the EE record now (sequence 0) and send it twice.
        firstFlightRecord = srv.seal([r[2]!]);
        const raw = { type: 0, payload: new Uint8Array(0), key: 'plain' as const, raw: firstFlightRecord };
        return [r[0]!, r[1]!, raw, raw];
      },
    });
    expectRefused(s, thrown, 'RECORD_AUTH_FAILED', 'bad_record_mac');
  });

  it('refuses records under the handshake key after the handshake', () => {
    const s = connected();
    expectRefused(s, s.send(hsRec(s.newSessionTicket())), 'RECORD_AUTH_FAILED', 'bad_record_mac');
  });
});

describe('ChangeCipherSpec (RFC 8446 §5, Appendix D.4)', () => {
  it('refuses a CCS whose value is not the single byte 1', () => {
    for (const payload of [Uint8Array.of(2), Uint8Array.of(0), Uint8Array.of(1, 1), new Uint8Array(0)]) {
      const s = new FakeServer13();
      const thrown = s.handshake({ records: (r) => [r[0]!, plain(CT.ccs, payload), ...r.slice(2)] });
      expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
  });

  it('refuses an encrypted CCS', () => {
    const { s, thrown } = afterHello((f) => [hsRec(Uint8Array.of(1), { type: CT.ccs }), ...f]);
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('accepts a plaintext CCS before the ServerHello and between flight records (positive control)', () => {
    const s = new FakeServer13();
    s.completeHandshake({ records: (r) => [plain(CT.ccs, Uint8Array.of(1)), r[0]!, ...r.slice(2, 4), plain(CT.ccs, Uint8Array.of(1)), ...r.slice(4)] });
  });

  it('refuses a CCS after the server Finished (same flight) and after the handshake', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({ records: (r) => [...r, plain(CT.ccs, Uint8Array.of(1))] });
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    const s2 = connected();
    expectRefused(s2, s2.send(plain(CT.ccs, Uint8Array.of(1))), 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });
});

describe('handshake records (RFC 8446 §5.1): key changes, interleaving, empty fragments', () => {
  it('refuses a ServerHello and EncryptedExtensions in one plaintext record (a message spanning the key change)', () => {
    for (const take of [Infinity, 2]) {
      const s = new FakeServer13();
      const thrown = s.handshake({ ccs: false, records: (r) => [plain(CT.handshake, cat(r[0]!.payload, r[1]!.payload.subarray(0, take))), ...r.slice(2)] });
      expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
  });

  it('refuses the server Finished and a NewSessionTicket in one record (the NST would span the key change)', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({ records: (r, srv) => [...r.slice(0, -1), hsRec(cat(r.at(-1)!.payload, srv.newSessionTicket()))] });
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('refuses a KeyUpdate followed by another message in the same record', () => {
    const s = connected();
    expectRefused(s, s.send(appRec(CT.handshake, cat(s.keyUpdate(0), s.newSessionTicket()))), 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('refuses an alert between two fragments of a handshake message (protected and plaintext)', () => {
    const split = (f: RecordSpec[]) => {
      const cert = f[1]!.payload;
      return [f[0]!, hsRec(cert.subarray(0, 100)), hsRec(Uint8Array.of(1, 90), { type: CT.alert }), hsRec(cert.subarray(100)), ...f.slice(2)];
    };
    const { s, thrown } = afterHello(split);
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    // Plaintext: the ServerHello in two records with a CCS between them.
    const s2 = new FakeServer13();
    const thrown2 = s2.handshake({ records: (r) => [plain(CT.handshake, r[0]!.payload.subarray(0, 10)), plain(CT.ccs, Uint8Array.of(1)), plain(CT.handshake, r[0]!.payload.subarray(10)), ...r.slice(2)] });
    expectRefused(s2, thrown2, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('refuses application data between two fragments of a post-handshake message', () => {
    const s = connected();
    const nst = s.newSessionTicket();
    expectRefused(s, s.send([appRec(CT.handshake, nst.subarray(0, 5)), appRec(CT.appData, enc('x')), appRec(CT.handshake, nst.subarray(5))]), 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('accepts a flight cut into 1-byte handshake records (positive control)', () => {
    const s = new FakeServer13();
    s.completeHandshake({
      records: (r) => [
        ...[...r[0]!.payload].map((b) => plain(CT.handshake, Uint8Array.of(b))),
        r[1]!,
        ...r.slice(2).flatMap((x) => [...x.payload].map((b) => hsRec(Uint8Array.of(b)))),
      ],
    });
  });

  it('refuses an empty handshake record (plaintext and protected)', () => {
    const s = new FakeServer13();
    expectRefused(s, s.send(plain(CT.handshake, new Uint8Array(0))), 'UNEXPECTED_MESSAGE', 'unexpected_message');
    const { s: s2, thrown } = afterHello((f) => [hsRec(new Uint8Array(0)), ...f]);
    expectRefused(s2, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });
});

describe('alert records (RFC 8446 §6): decode_error', () => {
  it('refuses alert records of 0, 1 and 3 bytes (plaintext and protected)', () => {
    for (const payload of [new Uint8Array(0), Uint8Array.of(2), Uint8Array.of(2, 40, 0)]) {
      const s = new FakeServer13();
      expectRefused(s, s.send(plain(CT.alert, payload)), 'MALFORMED_MESSAGE', 'decode_error');
      const { s: s2, thrown } = afterHello((f) => [hsRec(payload, { type: CT.alert }), ...f]);
      expectRefused(s2, thrown, 'MALFORMED_MESSAGE', 'decode_error');
    }
    const s3 = connected();
    expectRefused(s3, s3.send(appRec(CT.alert, Uint8Array.of(1, 0, 0))), 'MALFORMED_MESSAGE', 'decode_error');
  });
});

describe('split delivery never changes the verdict', () => {
  it('refuses a tampered flight the same way whether it arrives whole or byte by byte', () => {
    for (const chunk of [undefined, 1, 7]) {
      const s = new FakeServer13();
      const thrown = s.handshake({ chunk, records: (r) => [...r.slice(0, 3), { ...r[3]!, flipByte: 30 }, ...r.slice(4)] });
      expectRefused(s, thrown, 'RECORD_AUTH_FAILED', 'bad_record_mac');
      expect(s.client.stateName).toBe('ExpectCertificateOrCertReq');
    }
  });
});
