/**
 * Property tests for every message and extension codec (Go's TestMarshalUnmarshal, rustls' codec
 * tests): decode(encode(m)) = m, encode(decode(b)) = b, and every strict prefix of an encoding is
 * rejected with a TlsError MALFORMED_MESSAGE (never another exception).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { TlsError } from '../../src/errors.js';
import { type CodecCase, EXTENSION_CASES, MESSAGE_CASES } from './codec-cases.js';

function expectDecodeError(fn: () => unknown, what: string): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TlsError)) throw new Error(`${what}: threw a non-TlsError: ${String(e)}`);
    expect(e.code, `${what}: ${e.message}`).toBe('MALFORMED_MESSAGE');
    expect(e.alertName).toBe('decode_error');
    return;
  }
  throw new Error(`${what}: decoded without error`);
}

function roundTrip(c: CodecCase): void {
  describe(c.name, () => {
    const norm = c.norm ?? ((v: unknown) => v);
    test('decode(encode(m)) = m and encode(decode(b)) = b', () => {
      fc.assert(
        fc.property(c.arb, (m) => {
          const b = c.encode(m);
          const d = c.decode(b);
          expect(norm(d)).toEqual(norm(m));
          expect(c.encode(d)).toEqual(b);
        }),
        { numRuns: 150 },
      );
    });
    if (c.strictPrefixes !== false) {
      test('every strict prefix fails with decode_error', () => {
        fc.assert(
          fc.property(c.arb, (m) => {
            const b = c.encode(m);
            for (let i = 0; i < b.length; i++) expectDecodeError(() => c.decode(b.subarray(0, i)), `prefix ${i}/${b.length}`);
          }),
          { numRuns: 60 },
        );
      });
    }
    test('a trailing byte fails with decode_error (or is part of an opaque body)', () => {
      fc.assert(
        fc.property(c.arb, fc.integer({ min: 0, max: 255 }), (m, extra) => {
          const b = c.encode(m);
          const longer = new Uint8Array([...b, extra]);
          if (c.strictPrefixes === false) {
            try {
              c.decode(longer);
            } catch (e) {
              expect(e).toBeInstanceOf(TlsError);
            }
          } else {
            expectDecodeError(() => c.decode(longer), 'trailing byte');
          }
        }),
        { numRuns: 60 },
      );
    });
  });
}

describe('handshake messages', () => MESSAGE_CASES.forEach(roundTrip));
describe('extensions', () => EXTENSION_CASES.forEach(roundTrip));
