/**
 * HandshakeJoiner: messages split across records at every byte position, many messages per
 * record, oversized messages (decode_error as soon as the header is seen), and hasPartial()
 * for the RFC 8446 §5.1 key-change check.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { TlsError } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/wire/bytes.js';
import { DEFAULT_MAX_HANDSHAKE_SIZE, HandshakeJoiner, encodeHandshake } from '../../src/handshake/codec/handshake.js';

const M1 = encodeHandshake(2, fromHex('0303' + 'ab'.repeat(40)));
const M2 = encodeHandshake(8, fromHex('0000'));
const M3 = encodeHandshake(14, new Uint8Array(0));
const STREAM = new Uint8Array([...M1, ...M2, ...M3]);

function drain(j: HandshakeJoiner): string[] {
  const out: string[] = [];
  for (let m = j.next(); m; m = j.next()) {
    expect(toHex(m.raw.subarray(4))).toBe(toHex(m.body));
    expect(m.raw[0]).toBe(m.type);
    out.push(toHex(m.raw));
  }
  return out;
}
const WANT = [M1, M2, M3].map(toHex);

describe('HandshakeJoiner', () => {
  test('split at every byte position (two fragments)', () => {
    for (let i = 0; i <= STREAM.length; i++) {
      const j = new HandshakeJoiner();
      const got: string[] = [];
      j.push(STREAM.subarray(0, i));
      got.push(...drain(j));
      j.push(STREAM.subarray(i));
      got.push(...drain(j));
      expect(got, `split at ${i}`).toEqual(WANT);
      expect(j.hasPartial()).toBe(false);
      expect(j.buffered).toBe(0);
    }
  });

  test('one byte at a time; hasPartial() is true exactly while a message is incomplete', () => {
    const j = new HandshakeJoiner();
    const got: string[] = [];
    const ends = new Set([M1.length, M1.length + M2.length, STREAM.length]);
    for (let i = 0; i < STREAM.length; i++) {
      j.push(STREAM.subarray(i, i + 1));
      got.push(...drain(j));
      expect(j.hasPartial(), `after byte ${i}`).toBe(!ends.has(i + 1));
    }
    expect(got).toEqual(WANT);
  });

  test('many messages in one fragment; unread whole messages also count as buffered', () => {
    const j = new HandshakeJoiner();
    j.push(STREAM);
    expect(j.hasPartial()).toBe(true); // nothing taken yet: a key change now would strand them
    expect(drain(j)).toEqual(WANT);
    expect(j.hasPartial()).toBe(false);
  });

  test('random fragmentation (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: STREAM.length }), { maxLength: 8 }), (cuts) => {
        const pts = [0, ...cuts.sort((a, b) => a - b), STREAM.length];
        const j = new HandshakeJoiner();
        const got: string[] = [];
        for (let k = 0; k + 1 < pts.length; k++) {
          // hand the joiner a view at an odd offset of a larger buffer
          const frag = STREAM.slice(pts[k], pts[k + 1]);
          const host = new Uint8Array(frag.length + 3);
          host.set(frag, 3);
          j.push(host.subarray(3));
          got.push(...drain(j));
        }
        expect(got).toEqual(WANT);
      }),
    );
  });

  test('returned messages are copies: later pushes do not change them', () => {
    const j = new HandshakeJoiner();
    j.push(M2);
    const m = j.next()!;
    j.push(M1);
    expect(toHex(m.raw)).toBe(toHex(M2));
  });

  test('a large message (over 64 KiB) split in 2^14 records', () => {
    const body = new Uint8Array(0x10000 + 100).map((_, i) => i & 0xff);
    const msg = encodeHandshake(11, body);
    const j = new HandshakeJoiner({ maxMessageSize: 0x20000 });
    for (let o = 0; o < msg.length; o += 16384) {
      expect(j.next()).toBeNull();
      j.push(msg.subarray(o, o + 16384));
    }
    const m = j.next()!;
    expect(m.type).toBe(11);
    expect(m.body.length).toBe(body.length);
    expect(toHex(m.body.subarray(0x10000))).toBe(toHex(body.subarray(0x10000)));
  });

  test('an oversized message is decode_error as soon as its header arrives', () => {
    const j = new HandshakeJoiner({ maxMessageSize: 1000 });
    j.push(fromHex('0b00'));
    let err: unknown;
    try {
      j.push(fromHex('03e9')); // length 1001
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).code).toBe('MALFORMED_MESSAGE');
    expect((err as TlsError).alertName).toBe('decode_error');
    expect((err as TlsError).detail?.reason).toBe('handshake message too large');
    // exactly the limit is fine
    const k = new HandshakeJoiner({ maxMessageSize: 1000 });
    k.push(encodeHandshake(11, new Uint8Array(1000)));
    expect(k.next()!.body.length).toBe(1000);
  });

  test('the default limit is 64 KiB + 1 KiB', () => {
    expect(DEFAULT_MAX_HANDSHAKE_SIZE).toBe(0x10000 + 1024);
    const j = new HandshakeJoiner();
    expect(() => j.push(fromHex('0b010401'))).toThrow(TlsError);
  });

  test('an oversized message behind a complete one is reported when it becomes the head', () => {
    const j = new HandshakeJoiner({ maxMessageSize: 10 });
    j.push(new Uint8Array([...M3, 0x0b, 0x00, 0x00, 0x0b]));
    expect(j.next()!.type).toBe(14);
    expect(() => j.next()).toThrow(TlsError);
  });

  test('empty fragments are ignored', () => {
    const j = new HandshakeJoiner();
    j.push(new Uint8Array(0));
    expect(j.hasPartial()).toBe(false);
    expect(j.next()).toBeNull();
  });
});
