/**
 * Fuzzing the sans-IO client with fast-check: random bytes, truncated flights, mutated flights
 * (on the wire and inside the encrypted messages) and random records injected at every stage of
 * the handshake and after it. Whatever comes in, the only thing that may escape feed() is a
 * TlsError that is not INTERNAL (INTERNAL is how the connection wraps a foreign exception), and
 * when the error is ours to report (direction 'sent') exactly one fatal alert record carrying it is
 * queued: plaintext, or a protected record of an alert's size that decrypts to it when the fake
 * server shares the client's keys. Every run is bounded in time.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TlsError } from '../../src/errors.js';
import { HandshakeType } from '../../src/handshake/codec/types.js';
import { cat, CT, FakeServer13, hsMsg, plain, type FlightMessage, type RecordSpec } from '../helpers/fake-server13.js';

const CLIENT = { verify: 'none' as const, keyShareGroups: ['x25519'] };
const RUN_LIMIT_MS = 3000;
const HS_TYPES = Object.values(HandshakeType);

function fresh() {
  return new FakeServer13({ client: CLIENT });
}

/** The rule every run must satisfy after `thrown = feed(...)`. `rawBefore` = client records before the feed. */
function checkOutcome(s: FakeServer13, thrown: unknown, rawBefore: number, t0: number): void {
  expect(performance.now() - t0).toBeLessThan(RUN_LIMIT_MS);
  if (thrown === undefined) {
    expect(s.client.error).toBeUndefined();
    return;
  }
  expect(thrown).toBeInstanceOf(TlsError);
  const e = thrown as TlsError;
  expect(e.code, e.message).not.toBe('INTERNAL');
  expect(s.client.error).toBe(e);
  const sent = s.clientRaw.slice(rawBefore);
  if (e.direction === 'sent') {
    expect(e.alert).toBeTypeOf('number');
    const last = sent.at(-1)!;
    expect(last, 'an alert record is queued').toBeDefined();
    if (last[0] === CT.alert) {
      expect([...last]).toEqual([CT.alert, 3, 3, 0, 2, 2, e.alert]);
    } else {
      // TLSCiphertext of an unpadded alert: 2 bytes + inner type + 16-byte tag.
      expect([last[0], last.length]).toEqual([CT.appData, 5 + 2 + 1 + 16]);
      const rec = s.clientRecords.at(-1)!;
      if (rec.type !== -1) expect([rec.type, ...rec.plaintext]).toEqual([CT.alert, 2, e.alert]);
    }
    expect(sent.filter((r) => r[0] === CT.alert || (r[0] === CT.appData && r.length === 24)).length).toBeGreaterThanOrEqual(1);
  } else {
    expect(e.direction).toBe('received');
    expect(sent.every((r) => r[0] !== CT.alert)).toBe(true);
  }
  // Failed for good: a further feed throws the same error and queues nothing.
  expect(() => s.client.feed(Uint8Array.of(CT.alert, 3, 3, 0, 2, 1, 0))).toThrow(e);
  expect(s.client.takeOutput()).toBeNull();
}

/** Feed in the given chunk sizes (cycled); returns what was thrown. */
function feedChunked(s: FakeServer13, bytes: Uint8Array, chunks: number[]): unknown {
  let off = 0;
  let i = 0;
  while (off < bytes.length) {
    const n = Math.max(1, chunks.length ? chunks[i++ % chunks.length]! : bytes.length);
    const t = s.deliver(bytes.subarray(off, off + n));
    if (t !== undefined) return t;
    off += n;
  }
  return undefined;
}

const chunksArb = fc.array(fc.integer({ min: 1, max: 600 }), { maxLength: 6 });

/** A record with any of the four types (or another byte), version 0x0303, and a correct length. */
const recordArb = fc
  .record({ type: fc.oneof(fc.constantFrom(20, 21, 22, 23), fc.integer({ min: 0, max: 255 })), body: fc.uint8Array({ maxLength: 300 }) })
  .map(({ type, body }) => cat(Uint8Array.of(type, 3, 3, body.length >> 8, body.length & 0xff), body));

/** A handshake message of a known (or random) type with a random body, sometimes lying about its length. */
const handshakeArb = fc
  .record({
    type: fc.oneof(fc.constantFrom(...HS_TYPES), fc.integer({ min: 0, max: 255 })),
    body: fc.uint8Array({ maxLength: 400 }),
    lie: fc.option(fc.integer({ min: 0, max: 0xffffff }), { freq: 4 }),
  })
  .map(({ type, body, lie }) => {
    const m = hsMsg(type, body);
    if (lie !== null) m.set([lie >> 16, (lie >> 8) & 0xff, lie & 0xff], 1);
    return m;
  });

/** A mutation of a byte string: flip, set, delete, insert, duplicate, truncate. */
const mutationArb = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ op: fc.constant('set' as const), at: fc.nat(), v: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
    fc.record({ op: fc.constant('dup' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 80 }) }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  ),
  { minLength: 1, maxLength: 4 },
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never;

function mutate(b: Uint8Array, muts: Mutation): Uint8Array {
  let out: Uint8Array = b.slice();
  for (const m of muts) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    switch (m.op) {
      case 'flip':
        out[at]! ^= 1 << m.bit;
        break;
      case 'set':
        out[at] = m.v;
        break;
      case 'delete':
        out = cat(out.subarray(0, at), out.subarray(at + m.n));
        break;
      case 'insert':
        out = cat(out.subarray(0, at), m.bytes, out.subarray(at));
        break;
      case 'dup':
        out = cat(out.subarray(0, at + m.n), out.subarray(at));
        break;
      case 'truncate':
        out = out.subarray(0, at);
        break;
    }
  }
  return out;
}

describe('fuzz: bytes from a hostile server only ever end in a TlsError with its alert', () => {
  it('random bytes, fed in random pieces, to a client waiting for the ServerHello', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), chunksArb, (bytes, chunks) => {
        const s = fresh();
        const before = s.clientRaw.length;
        const t0 = performance.now();
        checkOutcome(s, feedChunked(s, bytes, chunks), before, t0);
      }),
      { numRuns: 200 },
    );
  });

  it('random well-framed records and random handshake messages to a client waiting for the ServerHello', () => {
    const streamArb = fc.array(fc.oneof(recordArb, handshakeArb.map((m) => cat(Uint8Array.of(CT.handshake, 3, 3, m.length >> 8, m.length & 0xff), m))), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(streamArb, chunksArb, (recs, chunks) => {
        const s = fresh();
        const before = s.clientRaw.length;
        const t0 = performance.now();
        checkOutcome(s, feedChunked(s, cat(...recs), chunks), before, t0);
      }),
      { numRuns: 300 },
    );
  });

  it('a valid flight cut anywhere never fails, and completes when the rest arrives', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), chunksArb, (frac, chunks) => {
        const s = fresh();
        let rest: Uint8Array = new Uint8Array(0);
        const t0 = performance.now();
        const thrown = s.handshake({
          wire: (b) => {
            const cut = Math.floor(frac * b.length);
            rest = b.slice(cut);
            return b.subarray(0, cut);
          },
          chunk: chunks[0],
        });
        expect(thrown).toBeUndefined();
        expect(s.client.handshakeComplete).toBe(rest.length === 0);
        expect(feedChunked(s, rest, chunks)).toBeUndefined();
        expect(s.client.handshakeComplete).toBe(true);
        expect(s.clientFinishedOk).toBe(true);
        expect(performance.now() - t0).toBeLessThan(RUN_LIMIT_MS);
      }),
      { numRuns: 40 },
    );
  });

  it('a valid flight mutated on the wire (flip, set, delete, insert, duplicate, truncate)', () => {
    fc.assert(
      fc.property(mutationArb, chunksArb, (muts, chunks) => {
        const s = fresh();
        const before = s.clientRaw.length;
        const t0 = performance.now();
        let mutated: Uint8Array = new Uint8Array(0);
        const first = s.handshake({ wire: (b) => (mutated = mutate(b, muts)).subarray(0, 0) });
        expect(first).toBeUndefined();
        checkOutcome(s, feedChunked(s, mutated, chunks), before, t0);
      }),
      { numRuns: 100 },
    );
  });

  it('a valid flight with one message mutated before encryption (the transcript follows the mutation)', () => {
    const which = fc.constantFrom<FlightMessage | 'server_hello'>('server_hello', 'encrypted_extensions', 'certificate', 'certificate_verify', 'finished');
    fc.assert(
      fc.property(which, mutationArb, fc.boolean(), (name, muts, keepHeader) => {
        const s = fresh();
        const t0 = performance.now();
        // keepHeader: mutate the body and re-frame it (a well-framed but wrong message).
        const change = (raw: Uint8Array) => (keepHeader ? hsMsg(raw[0]!, mutate(raw.subarray(4), muts)) : mutate(raw, muts));
        const thrown = s.handshake({
          ...(name === 'server_hello' ? { serverHelloRaw: change } : { message: (n: FlightMessage, raw: Uint8Array) => [n === name ? change(raw) : raw] }),
        });
        checkOutcome(s, thrown, 1, t0);
      }),
      { numRuns: 120 },
    );
  });

  it('a random body for exactly the message type each state expects (so its decoder and checks run)', () => {
    const stageArb = fc.constantFrom<FlightMessage | 'certificate_request' | 'new_session_ticket' | 'key_update'>(
      'encrypted_extensions', 'certificate', 'certificate_request', 'certificate_verify', 'finished', 'new_session_ticket', 'key_update',
    );
    const bodyArb = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 4 }), fc.constant(new Uint8Array(32)));
    fc.assert(
      fc.property(stageArb, bodyArb, (stage, body) => {
        const s = fresh();
        const t0 = performance.now();
        if (stage === 'new_session_ticket' || stage === 'key_update') {
          s.completeHandshake();
          const before = s.clientRaw.length;
          const type = stage === 'key_update' ? HandshakeType.key_update : HandshakeType.new_session_ticket;
          checkOutcome(s, s.send({ type: CT.handshake, payload: hsMsg(type, body), key: 'application' }), before, t0);
          return;
        }
        const thrown = s.handshake({
          message: (n, raw) => {
            if (stage === 'certificate_request') return n === 'certificate' ? [hsMsg(HandshakeType.certificate_request, body), raw] : [raw];
            return [n === stage ? hsMsg(raw[0]!, body) : raw];
          },
        });
        checkOutcome(s, thrown, 1, t0);
      }),
      { numRuns: 120 },
    );
  });

  it('ServerHello and HelloRetryRequest with fields drawn from plausible and random values', () => {
    const u16 = fc.integer({ min: 0, max: 0xffff });
    const fieldsArb = fc.record({
      hrr: fc.boolean(),
      legacyVersion: fc.oneof(fc.constantFrom(0x0303, 0x0302, 0x0304, 0x0301), u16),
      suite: fc.oneof(fc.constantFrom(0x1301, 0x1302, 0x1303, 0xc02f, 0x00ff), u16),
      compression: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })),
      echoSession: fc.boolean(),
      version: fc.option(fc.oneof(fc.constantFrom(0x0304, 0x0303, 0x0305), u16)),
      share: fc.option(fc.record({ group: fc.oneof(fc.constantFrom(0x001d, 0x0017, 0x0018), u16), key: fc.oneof(fc.constant('valid' as const), fc.uint8Array({ maxLength: 70 })) })),
      cookie: fc.option(fc.uint8Array({ maxLength: 10 })),
      extra: fc.array(fc.record({ type: fc.oneof(fc.constantFrom(0, 10, 13, 16, 41, 42, 43, 44, 45, 51), u16), data: fc.uint8Array({ maxLength: 8 }) }), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fieldsArb, (f) => {
        const s = fresh();
        const t0 = performance.now();
        const thrown = s.handshake({
          serverHello: (sh) => {
            const keyShare = sh.extensions.find((e) => e.type === 51)!;
            if (f.hrr) sh.random = new Uint8Array([0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c]);
            sh.legacyVersion = f.legacyVersion;
            sh.cipherSuite = f.suite;
            sh.compression = f.compression;
            if (!f.echoSession) sh.sessionId = new Uint8Array(32).fill(0x33);
            sh.extensions = [];
            if (f.version !== null) sh.extensions.push({ type: 43, data: Uint8Array.of(f.version >> 8, f.version & 0xff) });
            if (f.share !== null) {
              const key = f.share.key === 'valid' ? keyShare.data.subarray(4) : f.share.key;
              sh.extensions.push({ type: 51, data: f.hrr ? Uint8Array.of(f.share.group >> 8, f.share.group & 0xff) : cat(Uint8Array.of(f.share.group >> 8, f.share.group & 0xff, key.length >> 8, key.length & 0xff), key) });
            }
            if (f.cookie !== null) sh.extensions.push({ type: 44, data: cat(Uint8Array.of(0, f.cookie.length), f.cookie) });
            for (const e of f.extra) if (!sh.extensions.some((x) => x.type === e.type)) sh.extensions.push(e);
          },
        });
        checkOutcome(s, thrown, 1, t0);
      }),
      { numRuns: 200 },
    );
  });

  it('a random record injected at every stage of the handshake, and after it', () => {
    const injected = fc.record({
      type: fc.oneof(fc.constantFrom(20, 21, 22, 23), fc.integer({ min: 0, max: 255 })),
      payload: fc.oneof(fc.uint8Array({ maxLength: 200 }), handshakeArb),
      padding: fc.integer({ min: 0, max: 40 }),
      plainAnyway: fc.boolean(),
    });
    // Positions in [ServerHello, CCS, EE, Certificate, CertificateVerify, Finished]; 6 = after the handshake.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.array(injected, { minLength: 1, maxLength: 3 }), (stage, recs) => {
        const s = fresh();
        const t0 = performance.now();
        const spec = (r: (typeof recs)[number], key: RecordSpec['key']): RecordSpec =>
          r.plainAnyway || key === 'plain' ? plain(r.type, r.payload) : { type: r.type, payload: r.payload, key, padding: r.padding };
        if (stage === 6) {
          s.completeHandshake();
          const before = s.clientRaw.length;
          checkOutcome(s, s.send(recs.map((r) => spec(r, 'application'))), before, performance.now());
          return;
        }
        const thrown = s.handshake({ records: (all) => [...all.slice(0, stage), ...recs.map((r) => spec(r, stage === 0 ? 'plain' : 'handshake')), ...all.slice(stage)] });
        checkOutcome(s, thrown, 1, t0);
      }),
      { numRuns: 150 },
    );
  });
});
