/**
 * Fuzzing (Go's TestFuzz, rustls' fuzz/message.rs): random bytes and mutated valid encodings go
 * into every decoder and into the HandshakeJoiner. A decoder may return or throw, but the only
 * thing allowed to escape is a TlsError.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { TlsError } from '../../src/errors.js';
import { HandshakeJoiner } from '../../src/handshake/codec/handshake.js';
import { ALL_DECODERS, EXTENSION_CASES, MESSAGE_CASES } from './codec-cases.js';

function onlyTlsError(fn: () => unknown, what: string): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TlsError)) throw new Error(`${what}: ${String(e)}`);
    expect(e.alert).toBeDefined();
  }
}

/** Byte-level mutations of a valid encoding: flip, set, insert, delete, truncate. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), v: fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), v: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(b: Uint8Array, ms: Mutation[]): Uint8Array {
  let a = Array.from(b);
  for (const m of ms) {
    const at = a.length === 0 ? 0 : m.at % (a.length + (m.kind === 'insert' ? 1 : 0));
    if (m.kind === 'flip' && a.length) a[at] = a[at]! ^ (1 << m.bit);
    else if (m.kind === 'set' && a.length) a[at] = m.v;
    else if (m.kind === 'insert') a.splice(at, 0, m.v);
    else if (m.kind === 'delete' && a.length) a.splice(at, 1);
    else if (m.kind === 'truncate') a = a.slice(0, at);
  }
  return Uint8Array.from(a);
}

describe('fuzz: random bytes into every decoder', () => {
  for (const [name, decode] of ALL_DECODERS) {
    test(name, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlyTlsError(() => decode(b), name)),
        { numRuns: 300 },
      );
    });
  }
});

describe('fuzz: mutated valid encodings', () => {
  for (const c of [...MESSAGE_CASES, ...EXTENSION_CASES]) {
    test(c.name, () => {
      fc.assert(
        fc.property(c.arb, fc.array(mutation, { minLength: 1, maxLength: 4 }), (m, ms) => {
          const b = mutate(c.encode(m), ms);
          onlyTlsError(() => {
            const d = c.decode(b);
            // whatever decodes must re-encode without throwing
            c.encode(d);
          }, c.name);
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('fuzz: the joiner', () => {
  test('random fragments: messages or TlsError, never anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), fc.integer({ min: 0, max: 64 }), (frags, max) => {
        const j = new HandshakeJoiner({ maxMessageSize: max });
        onlyTlsError(() => {
          for (const f of frags) {
            j.push(f);
            for (let m = j.next(); m; m = j.next()) expect(m.body.length).toBeLessThanOrEqual(max);
          }
        }, 'joiner');
      }),
      { numRuns: 500 },
    );
  });
});
