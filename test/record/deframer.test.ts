/**
 * RecordDeframer (RFC 8446 §5.1): records cut and joined anywhere by the transport, pushed as
 * subarrays at odd offsets; header checks (type, version, length limit) made as soon as the bytes
 * that carry them arrive.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TlsError } from '../../src/errors.js';
import { RecordDeframer, type RawRecord } from '../../src/record/deframer.js';

function record(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  const r = new Uint8Array(5 + body.length);
  r.set([type, version >> 8, version & 0xff, body.length >> 8, body.length & 0xff]);
  r.set(body, 5);
  return r;
}
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
};
/** A copy of `b` living at byte offset `off` of a larger buffer (noble's `unalign`). */
function unalign(b: Uint8Array, off: number): Uint8Array {
  const big = new Uint8Array(b.length + off + 3).fill(0xcc);
  big.set(b, off);
  return big.subarray(off, off + b.length);
}
/** Copy a record out (views are only valid until the next push). */
const snap = (r: RawRecord) => ({ type: r.type, version: r.version, header: [...r.header], fragment: [...r.fragment] });
function drain(d: RecordDeframer): ReturnType<typeof snap>[] {
  const out = [];
  for (let r = d.next(); r; r = d.next()) out.push(snap(r));
  return out;
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

const body = Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + 1) & 0xff);
const rec = record(22, body);

describe('RecordDeframer', () => {
  it('returns one record whatever byte it is split at', () => {
    for (let i = 0; i <= rec.length; i++) {
      const d = new RecordDeframer();
      d.push(rec.subarray(0, i));
      if (i < rec.length) expect(d.next()).toBeNull();
      d.push(rec.subarray(i));
      const out = drain(d);
      expect(out).toEqual([{ type: 22, version: 0x0303, header: [...rec.subarray(0, 5)], fragment: [...body] }]);
      expect(d.buffered).toBe(0);
    }
  });

  it('reads records pushed as subarrays at byte offsets 0..7', () => {
    for (let off = 0; off < 8; off++) {
      const d = new RecordDeframer();
      d.push(unalign(concat([rec, record(23, Uint8Array.of(1, 2, 3))]), off));
      const out = drain(d);
      expect(out.map((r) => r.fragment.length)).toEqual([300, 3]);
      expect(out[0]!.fragment).toEqual([...body]);
    }
  });

  it('keeps both records of one push intact (views into one buffer)', () => {
    const d = new RecordDeframer();
    d.push(concat([record(22, Uint8Array.of(1, 1)), record(21, Uint8Array.of(2, 2))]));
    const a = d.next()!;
    const b = d.next()!;
    expect([...a.fragment, ...b.fragment]).toEqual([1, 1, 2, 2]);
    expect(d.next()).toBeNull();
  });

  it('any stream of records cut anywhere yields the same records (property)', () => {
    const recordArb = fc.record({
      type: fc.constantFrom(20, 21, 22, 23),
      version: fc.constantFrom(0x0301, 0x0303),
      body: fc.uint8Array({ maxLength: 600 }),
    });
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(700), { maxLength: 20 }), fc.nat(7), (recs, cuts, off) => {
        const wire = concat(recs.map((r) => record(r.type, r.body, r.version)));
        const d = new RecordDeframer();
        const got: ReturnType<typeof snap>[] = [];
        let pos = 0;
        for (const c of [...cuts, wire.length]) {
          const end = Math.min(wire.length, pos + c);
          d.push(unalign(wire.subarray(pos, end), off));
          pos = end;
          got.push(...drain(d));
        }
        expect(got.map((r) => [r.type, r.version, r.fragment])).toEqual(recs.map((r) => [r.type, r.version, [...r.body]]));
        expect(d.buffered).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('reads 2,000 records pushed one byte at a time (12,000 pushes) quickly', () => {
    const wire = concat(Array.from({ length: 2000 }, (_, i) => record(23, Uint8Array.of(i & 0xff))));
    const d = new RecordDeframer();
    let n = 0;
    const t0 = performance.now();
    for (let i = 0; i < wire.length; i++) {
      d.push(wire.subarray(i, i + 1));
      for (let r = d.next(); r; r = d.next()) {
        expect(r.fragment[0]).toBe(n & 0xff);
        n++;
      }
    }
    expect(n).toBe(2000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('ignores empty pushes', () => {
    const d = new RecordDeframer();
    d.push(new Uint8Array(0));
    expect(d.buffered).toBe(0);
    expect(d.next()).toBeNull();
  });

  it('refuses a length over maxFragment from the header alone, and accepts exactly maxFragment', () => {
    const d = new RecordDeframer();
    d.maxFragment = 1 << 14;
    d.push(Uint8Array.of(23, 3, 3, 0x40, 0x00));
    expect(d.next()).toBeNull(); // 2^14: waits for the body
    const d2 = new RecordDeframer();
    d2.maxFragment = 1 << 14;
    d2.push(Uint8Array.of(23, 3, 3, 0x40, 0x01));
    expectTlsError(() => d2.next(), 'RECORD_OVERFLOW', 'record_overflow');
    const d3 = new RecordDeframer(); // default limit: 2^14 + 2048
    d3.push(Uint8Array.of(23, 3, 3, 0x48, 0x01));
    expectTlsError(() => d3.next(), 'RECORD_OVERFLOW', 'record_overflow');
  });

  it('refuses an unknown content type as soon as its byte arrives', () => {
    for (const type of [0, 19, 24, 0x80, 0xff]) {
      const d = new RecordDeframer();
      d.push(Uint8Array.of(type));
      expectTlsError(() => d.next(), 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
    // ...also when it is the second record of a push.
    const d = new RecordDeframer();
    d.push(concat([record(22, Uint8Array.of(1)), Uint8Array.of(0x63, 3)]));
    expect(d.next()!.type).toBe(22);
    expectTlsError(() => d.next(), 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('refuses a header whose version is not 3.x (not TLS at all: an HTTP reply, SSLv2)', () => {
    for (const head of [[0x16, 0x02, 0x00], [0x16, 0x04, 0x03], [0x17, 0x00, 0x00]]) {
      const d = new RecordDeframer();
      d.push(Uint8Array.of(...head, 0, 1, 0));
      expectTlsError(() => d.next(), 'MALFORMED_MESSAGE', 'decode_error');
    }
  });

  it('counts buffered bytes of a partial record', () => {
    const d = new RecordDeframer();
    d.push(rec.subarray(0, 100));
    expect(d.next()).toBeNull();
    expect(d.buffered).toBe(100);
    d.push(rec.subarray(100));
    expect(d.next()).not.toBeNull();
    expect(d.buffered).toBe(0);
  });
});
