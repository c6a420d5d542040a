/**
 * Tls13Protection (RFC 8446 §5.2-§5.4): the per-record nonce, TLSInnerPlaintext with its content
 * type and zero padding, the size limits, and authentication. Sealed records are checked against
 * @noble/ciphers directly (nonce = iv XOR padded sequence number, AAD = the record header), so the
 * protection is not only checked against itself.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { createAead } from '../../src/crypto/aead.js';
import { TlsError } from '../../src/errors.js';
import { Tls13Protection, xorNonce } from '../../src/record/protection.js';

const key16 = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const key32 = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
const iv = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const pair = (padTo = 0) => [new Tls13Protection(createAead('aes-128-gcm', key16), iv, padTo), new Tls13Protection(createAead('aes-128-gcm', key16), iv)] as const;

function nonceFor(seq: bigint): Uint8Array {
  // RFC 8446 §5.3: the 64-bit sequence number, big-endian, left-padded to iv_length, XOR iv.
  const n = iv.slice();
  for (let i = 0; i < 8; i++) n[11 - i]! ^= Number((seq >> BigInt(8 * i)) & 0xffn);
  return n;
}
function expectTlsError(f: () => unknown, code: string, alert: string) {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TlsError);
  expect({ code: (caught as TlsError).code, alert: (caught as TlsError).alertName }).toEqual({ code, alert });
}
const split = (rec: Uint8Array) => [rec.subarray(0, 5), rec[0]!, rec.subarray(5)] as const;
/** Seal a hand-made inner plaintext under sequence number `seq` with noble. */
function sealInner(inner: Uint8Array, seq = 0n): Uint8Array {
  const len = inner.length + 16;
  const hdr = Uint8Array.of(23, 3, 3, len >> 8, len & 0xff);
  const ct = gcm(key16, nonceFor(seq), hdr).encrypt(inner);
  const out = new Uint8Array(5 + ct.length);
  out.set(hdr);
  out.set(ct, 5);
  return out;
}

describe('xorNonce (RFC 8446 §5.3)', () => {
  it('XORs the left-padded big-endian sequence number into the IV', () => {
    for (const seq of [0n, 1n, 0xffn, 0x100n, 1n << 32n, (1n << 64n) - 2n]) {
      expect([...xorNonce(iv, seq, new Uint8Array(12))]).toEqual([...nonceFor(seq)]);
    }
  });
});

describe('Tls13Protection', () => {
  it('seals a record noble can open with the RFC nonce and the header as AAD, and opens its own', () => {
    const [w, r] = pair();
    const msgs = ['first', 'second', 'third'].map((s) => new TextEncoder().encode(s));
    msgs.forEach((m, i) => {
      const rec = w.seal(22, m);
      expect([...rec.subarray(0, 5)]).toEqual([23, 3, 3, 0, m.length + 1 + 16]);
      const inner = gcm(key16, nonceFor(BigInt(i)), rec.subarray(0, 5)).decrypt(rec.subarray(5));
      expect([...inner]).toEqual([...m, 22]);
      const [h, t, f] = split(rec);
      const opened = r.open(h, t, f);
      expect(opened.type).toBe(22);
      expect([...opened.plaintext]).toEqual([...m]);
    });
    expect(w.sequenceNumber).toBe(3n);
  });

  it('works with ChaCha20-Poly1305 too', () => {
    const w = new Tls13Protection(createAead('chacha20-poly1305', key32), iv);
    const rec = w.seal(23, Uint8Array.of(9, 9));
    expect([...chacha20poly1305(key32, nonceFor(0n), rec.subarray(0, 5)).decrypt(rec.subarray(5))]).toEqual([9, 9, 23]);
  });

  it('opens header and fragment given as subarrays at odd offsets', () => {
    for (let off = 0; off < 8; off++) {
      const [w, r] = pair();
      const rec = w.seal(23, Uint8Array.of(1, 2, 3, 4, 5));
      const big = new Uint8Array(rec.length + off + 5).fill(0xee);
      big.set(rec, off);
      const view = big.subarray(off, off + rec.length);
      const opened = r.open(view.subarray(0, 5), 23, view.subarray(5));
      expect([...opened.plaintext]).toEqual([1, 2, 3, 4, 5]);
    }
  });

  it('removes the padding but keeps zero bytes that belong to the content', () => {
    const r = pair()[1];
    const inner = Uint8Array.of(0x61, 0, 0, 23, 0, 0, 0, 0, 0, 0, 0);
    const [h, t, f] = split(sealInner(inner));
    const opened = r.open(h, t, f);
    expect(opened.type).toBe(23);
    expect([...opened.plaintext]).toEqual([0x61, 0, 0]);
  });

  it('pads to padTo and the reader strips it; the record is inner plaintext + padding + tag (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 16, 64, 512, 4096), fc.uint8Array({ maxLength: 3000 }), fc.constantFrom(21, 22, 23), (padTo, m, type) => {
        const [w, r] = pair(padTo);
        const rec = w.seal(type, m);
        // RFC 8446 §5.2: content || type || zeros to the next multiple of padTo, then a 16-byte tag.
        const inner = m.length + 1;
        const padding = padTo > 0 && inner % padTo !== 0 ? padTo - (inner % padTo) : 0;
        expect(rec.length - 5).toBe(inner + padding + 16);
        if (padTo > 0) expect((rec.length - 5 - 16) % padTo).toBe(0);
        const [h, t, f] = split(rec);
        const opened = r.open(h, t, f);
        expect(opened.type).toBe(type);
        expect([...opened.plaintext]).toEqual([...m]);
      }),
      { numRuns: 100 },
    );
  });

  it('never pads beyond a TLSInnerPlaintext of 2^14 + 1 bytes', () => {
    const [w, r] = pair(4096);
    const rec = w.seal(23, new Uint8Array((1 << 14) - 3));
    expect(rec.length - 5 - 16).toBeLessThanOrEqual((1 << 14) + 1);
    const [h, t, f] = split(rec);
    expect(r.open(h, t, f).plaintext.length).toBe((1 << 14) - 3);
  });

  it('refuses every flipped byte of the header and the ciphertext: bad_record_mac', () => {
    const rec = pair()[0].seal(22, new Uint8Array(40).fill(3));
    for (let i = 1; i < rec.length; i++) {
      const bad = rec.slice();
      bad[i]! ^= 0x01;
      const r = pair()[1];
      expectTlsError(() => r.open(bad.subarray(0, 5), 23, bad.subarray(5)), 'RECORD_AUTH_FAILED', 'bad_record_mac');
    }
  });

  it('refuses records out of order, replayed, or under another key: bad_record_mac', () => {
    const [w, r] = pair();
    const a = w.seal(23, Uint8Array.of(1));
    const b = w.seal(23, Uint8Array.of(2));
    expectTlsError(() => r.open(...split(b)), 'RECORD_AUTH_FAILED', 'bad_record_mac');
    const [, r2] = pair();
    r2.open(...split(a));
    expectTlsError(() => r2.open(...split(a)), 'RECORD_AUTH_FAILED', 'bad_record_mac');
    const other = new Tls13Protection(createAead('aes-128-gcm', key16.map((x) => x ^ 1)), iv);
    expectTlsError(() => other.open(...split(a)), 'RECORD_AUTH_FAILED', 'bad_record_mac');
  });

  it('refuses a ciphertext shorter than the tag: bad_record_mac', () => {
    for (const n of [0, 1, 15]) {
      const r = pair()[1];
      expectTlsError(() => r.open(Uint8Array.of(23, 3, 3, 0, n), 23, new Uint8Array(n)), 'RECORD_AUTH_FAILED', 'bad_record_mac');
    }
  });

  it('refuses an outer type other than application_data: unexpected_message', () => {
    const rec = pair()[0].seal(22, Uint8Array.of(1));
    for (const type of [20, 21, 22]) {
      expectTlsError(() => pair()[1].open(rec.subarray(0, 5), type, rec.subarray(5)), 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
  });

  it('refuses an inner plaintext of zeros only, or empty: unexpected_message', () => {
    for (const inner of [new Uint8Array(0), new Uint8Array(1), new Uint8Array(300)]) {
      const r = pair()[1];
      expectTlsError(() => r.open(...split(sealInner(inner))), 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
  });

  it('accepts 2^14 bytes of content and padding up to 2^14 + 1; refuses more: record_overflow', () => {
    const ok = [new Uint8Array((1 << 14) + 1), new Uint8Array((1 << 14) + 1)];
    ok[0]![1 << 14] = 23; // 2^14 content + type
    ok[1]![0] = 23; // empty content + type + 2^14 zeros of padding
    for (const inner of ok) expect(() => pair()[1].open(...split(sealInner(inner)))).not.toThrow();
    const over = [new Uint8Array((1 << 14) + 2), new Uint8Array((1 << 14) + 2)];
    over[0]![(1 << 14) + 1] = 23; // 2^14 + 1 content + type
    over[1]![0] = 23; // type + 2^14 + 1 zeros of padding
    for (const inner of over) expectTlsError(() => pair()[1].open(...split(sealInner(inner))), 'RECORD_OVERFLOW', 'record_overflow');
  });

  it('refuses a fragment over 2^14 + 256 bytes before trying to decrypt it: record_overflow', () => {
    const n = (1 << 14) + 257;
    expectTlsError(() => pair()[1].open(Uint8Array.of(23, 3, 3, n >> 8, n & 0xff), 23, new Uint8Array(n)), 'RECORD_OVERFLOW', 'record_overflow');
  });
});
