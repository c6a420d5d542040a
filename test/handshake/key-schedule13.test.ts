/**
 * The parts of the TLS 1.3 key schedule and transcript that RFC 8448 §3 does not exercise:
 * HKDF-Expand-Label's encoding (checked against the RFC 8448 "info" bytes), the HRR
 * message_hash (RFC 8446 §4.4.1), "traffic upd" (§7.2), the exporter (§7.5), SHA-384 lengths,
 * psk_ke without (EC)DHE, and the NSS key log format.
 */
import { describe, expect, test } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { concat, fromHex, toHex, utf8 } from '../../src/wire/bytes.js';
import { hash, hkdfExpand, hkdfExtract, hmac } from '../../src/crypto/hash.js';
import { encodeHandshake } from '../../src/handshake/codec/handshake.js';
import {
  EarlySecretPhase,
  deriveSecret,
  emptyHash,
  exportKeyingMaterial13,
  finishedVerifyData,
  hkdfExpandLabel,
  nextApplicationTrafficSecret,
  trafficKeys,
} from '../../src/handshake/key-schedule13.js';
import { Transcript } from '../../src/handshake/transcript.js';
import { formatKeyLogLine } from '../../src/handshake/keylog.js';

const secret = fromHex('b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38');

describe('HKDF-Expand-Label', () => {
  test('HkdfLabel is length u16, "tls13 "+label in a u8 vector, context in a u8 vector (RFC 8448 info bytes)', () => {
    // RFC 8448 §3 "key info (13 octets): 00 10 09 74 6c 73 31 33 20 6b 65 79 00"
    expect(toHex(hkdfExpandLabel('sha256', secret, 'key', new Uint8Array(0), 16))).toBe(
      toHex(hkdfExpand('sha256', secret, fromHex('001009746c73313320 6b657900'), 16)),
    );
    // RFC 8448 §3 "info (18 octets): 00 20 0e 74 6c 73 31 33 20 66 69 6e 69 73 68 65 64 00"
    expect(toHex(hkdfExpandLabel('sha256', secret, 'finished', new Uint8Array(0), 32))).toBe(
      toHex(hkdfExpand('sha256', secret, fromHex('00200e746c73313320 66696e697368656400'), 32)),
    );
  });
  test('Derive-Secret uses Hash.length and the transcript hash as context', () => {
    const th = hash('sha384', utf8('x'));
    const s = fromHex('11'.repeat(48));
    expect(deriveSecret('sha384', s, 'c hs traffic', th).length).toBe(48);
    expect(toHex(deriveSecret('sha384', s, 'c hs traffic', th))).toBe(toHex(hkdfExpandLabel('sha384', s, 'c hs traffic', th, 48)));
  });
  test('overlong labels are refused', () => {
    expect(() => hkdfExpandLabel('sha256', secret, 'x'.repeat(250), new Uint8Array(0), 32)).toThrow(RangeError);
  });
});

describe('phases', () => {
  test('SHA-384 suites: every secret is 48 bytes', () => {
    const e = new EarlySecretPhase('sha384');
    expect(e.secret.length).toBe(48);
    const hs = e.handshakeSecret(new Uint8Array(32).fill(3));
    const th = hash('sha384', utf8('ch+sh'));
    expect(hs.clientHandshakeTrafficSecret(th).length).toBe(48);
    const ms = hs.masterSecret();
    expect(ms.clientApplicationTrafficSecret(th).length).toBe(48);
    expect(trafficKeys('sha384', ms.serverApplicationTrafficSecret(th), 32, 12).key.length).toBe(32);
  });
  test('early secret from a PSK is HKDF-Extract(0, PSK); psk_ke uses zeros for (EC)DHE', () => {
    const psk = fromHex('42'.repeat(32));
    const e = new EarlySecretPhase('sha256', psk);
    expect(toHex(e.secret)).toBe(toHex(hkdfExtract('sha256', new Uint8Array(32), psk)));
    expect(toHex(e.handshakeSecret(null).secret)).toBe(toHex(e.handshakeSecret(new Uint8Array(32)).secret));
  });
  test('binder keys: "ext binder" and "res binder" over Hash("") differ', () => {
    const e = new EarlySecretPhase('sha256', fromHex('42'.repeat(32)));
    expect(toHex(e.binderKey('external'))).toBe(toHex(deriveSecret('sha256', e.secret, 'ext binder', emptyHash('sha256'))));
    expect(toHex(e.binderKey('external'))).not.toBe(toHex(e.binderKey('resumption')));
    const th = hash('sha256', utf8('ch'));
    expect(toHex(e.clientEarlyTrafficSecret(th))).toBe(toHex(deriveSecret('sha256', e.secret, 'c e traffic', th)));
  });
});

describe('updates, Finished and exporter', () => {
  test('traffic upd (RFC 8446 §7.2)', () => {
    expect(toHex(nextApplicationTrafficSecret('sha256', secret))).toBe(toHex(hkdfExpandLabel('sha256', secret, 'traffic upd', new Uint8Array(0), 32)));
  });
  test('verify_data = HMAC(finished_key, transcript hash)', () => {
    const th = hash('sha256', utf8('m'));
    const fk = hkdfExpandLabel('sha256', secret, 'finished', new Uint8Array(0), 32);
    expect(toHex(finishedVerifyData('sha256', secret, th))).toBe(toHex(hmac('sha256', fk, th)));
  });
  test('TLS-Exporter (RFC 8446 §7.5)', () => {
    const ctx = utf8('context');
    const inner = hkdfExpandLabel('sha256', secret, 'EXPORTER-test', hash('sha256', new Uint8Array(0)), 32);
    const want = hkdfExpandLabel('sha256', inner, 'exporter', hash('sha256', ctx), 20);
    expect(toHex(exportKeyingMaterial13('sha256', secret, 'EXPORTER-test', ctx, 20))).toBe(toHex(want));
  });
});

describe('Transcript', () => {
  const CH1 = encodeHandshake(1, utf8('client hello one'));
  const HRR = encodeHandshake(2, utf8('hello retry request'));
  const CH2 = encodeHandshake(1, utf8('client hello two'));

  test('messages added before the hash is known are hashed once it is', () => {
    const t = new Transcript();
    t.add(CH1);
    t.setHash('sha384');
    t.add(HRR);
    expect(toHex(t.current())).toBe(toHex(hash('sha384', concat(CH1, HRR))));
    expect(toHex(t.messages())).toBe(toHex(concat(CH1, HRR)));
  });

  test('HelloRetryRequest: ClientHello1 becomes message_hash(254) 00 00 Hash.length Hash(CH1) (RFC 8446 §4.4.1)', () => {
    const t = new Transcript();
    t.add(CH1);
    t.setHash('sha256');
    t.replaceWithMessageHash();
    t.add(HRR);
    t.add(CH2);
    const synthetic = concat(fromHex('fe000020'), hash('sha256', CH1));
    expect(toHex(t.current())).toBe(toHex(hash('sha256', concat(synthetic, HRR, CH2))));
    expect(toHex(t.messages().subarray(0, 36))).toBe(toHex(synthetic));
  });

  test('clone() is independent', () => {
    const t = new Transcript('sha256');
    t.add(CH1);
    const c = t.clone();
    c.add(CH2);
    expect(toHex(t.current())).toBe(toHex(hash('sha256', CH1)));
    expect(toHex(c.current())).toBe(toHex(hash('sha256', concat(CH1, CH2))));
  });

  test('add() copies: the caller may reuse its buffer', () => {
    const buf = Uint8Array.from(CH1);
    const t = new Transcript('sha256');
    t.add(buf);
    buf.fill(0);
    expect(toHex(t.messages())).toBe(toHex(CH1));
  });

  test('reading the hash before it is known, or switching hash, is an internal error', () => {
    const t = new Transcript();
    expect(() => t.current()).toThrow(TlsError);
    t.setHash('sha256');
    t.setHash('sha256');
    expect(() => t.setHash('sha384')).toThrow(TlsError);
  });
});

describe('NSS key log', () => {
  test('LABEL <client_random hex> <secret hex>', () => {
    const cr = new Uint8Array(32).fill(0xab);
    expect(formatKeyLogLine('CLIENT_HANDSHAKE_TRAFFIC_SECRET', cr, fromHex('0102'))).toBe(
      `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${'ab'.repeat(32)} 0102`,
    );
    expect(formatKeyLogLine('CLIENT_RANDOM', cr, new Uint8Array(48)).split(' ')[2]).toBe('00'.repeat(48));
  });
  test('bad labels and randoms are refused', () => {
    expect(() => formatKeyLogLine('bad label', new Uint8Array(32), new Uint8Array(1))).toThrow(RangeError);
    expect(() => formatKeyLogLine('EXPORTER_SECRET', new Uint8Array(31), new Uint8Array(1))).toThrow(RangeError);
  });
});
