/**
 * The hybrid post-quantum groups (draft-ietf-tls-ecdhe-mlkem) through the sans-IO client and the
 * scripted fake server: what the ClientHello offers by default (and never with TLS 1.2 only), full
 * handshakes in each hybrid group, HelloRetryRequest into and out of them, and hostile server
 * shares: each refused at once with the alert the draft names.
 */
import { describe, expect, it } from 'vitest';
import { x25519 } from '@noble/curves/ed25519.js';
import { ClientConnection, isGroupSupported } from '../../src/index.js';
import { TlsError } from '../../src/errors.js';
import { groupByName } from '../../src/crypto/groups.js';
import { KEMS } from '../../src/crypto/mlkem.js';
import { ExtensionType } from '../../src/handshake/codec/types.js';
import { decodeClientHello } from '../../src/handshake/messages/hello.js';
import { decodeKeyShareClientHello, decodeSupportedGroups, encodeKeyShareServerHello } from '../../src/handshake/extensions/index.js';
import type { TraceEvent } from '../../src/types.js';
import { expectRefused, FakeServer13, setExt } from '../helpers/fake-server13.js';

const X25519MLKEM768 = 0x11ec;
const SECP256R1MLKEM768 = 0x11eb;
const SECP384R1MLKEM1024 = 0x11ed;
const X25519 = 0x001d;
const P384 = 0x0018;

/** The ClientHello of a fresh client with these options, decoded. */
function clientHelloOf(opts: ConstructorParameters<typeof ClientConnection>[0]) {
  const c = new ClientConnection({ host: 'localhost', verify: 'none', ...opts });
  const rec = c.takeOutput()!;
  expect(rec[0]).toBe(22); // one handshake record: 1.5 KB is far under 2^14
  const body = rec.subarray(5);
  expect(body.length).toBe((rec[3]! << 8) | rec[4]!);
  return { hello: decodeClientHello(body.subarray(4)), size: body.length };
}

describe('what the ClientHello offers', () => {
  it('by default: X25519MLKEM768 first with a share, x25519 beside it, both from one X25519 key', () => {
    const { hello, size } = clientHelloOf({});
    const groups = decodeSupportedGroups(hello.extensions.get(ExtensionType.supported_groups)!);
    expect(groups.slice(0, 2)).toEqual([X25519MLKEM768, X25519]);
    expect(groups).toContain(SECP256R1MLKEM768);
    expect(groups).toContain(SECP384R1MLKEM1024);
    const shares = decodeKeyShareClientHello(hello.extensions.get(ExtensionType.key_share)!);
    expect(shares.map((s) => s.group)).toEqual([X25519MLKEM768, X25519]);
    // draft-ietf-tls-ecdhe-mlkem §3.1: encapsulation key (1184) || X25519 share (32)
    expect(shares[0]!.keyExchange.length).toBe(1216);
    expect(shares[0]!.keyExchange.subarray(1184)).toEqual(shares[1]!.keyExchange);
    expect(size).toBeGreaterThan(1400);
    expect(size).toBeLessThan(1700);
  });

  it('a fixed random source gives the same hybrid share, laid out as ek(seed) || X25519(key)', () => {
    let n = 0;
    const random = (len: number) => Uint8Array.from({ length: len }, () => n++ & 0xff);
    const { hello } = clientHelloOf({ random, groups: ['X25519MLKEM768'] });
    const share = decodeKeyShareClientHello(hello.extensions.get(ExtensionType.key_share)!)[0]!;
    // random(32) client random, random(32) session id, random(32) X25519 key, random(64) ML-KEM seed
    const bytes = (from: number, len: number) => Uint8Array.from({ length: len }, (_, i) => (from + i) & 0xff);
    const ek = KEMS['ML-KEM-768'].keygen(bytes(96, 64)).encapsulationKey;
    expect(share.keyExchange.subarray(0, 1184)).toEqual(ek);
    expect(share.keyExchange.subarray(1184)).toEqual(x25519.getPublicKey(bytes(64, 32)));
  });

  it('SecP256r1MLKEM768 puts the P-256 point first', () => {
    const { hello } = clientHelloOf({ groups: ['SecP256r1MLKEM768'] });
    const share = decodeKeyShareClientHello(hello.extensions.get(ExtensionType.key_share)!)[0]!;
    expect(share.group).toBe(SECP256R1MLKEM768);
    expect(share.keyExchange.length).toBe(1249);
    expect(share.keyExchange[0]).toBe(0x04);
  });

  it('never with TLS 1.2 only: no hybrid group in supported_groups; naming only hybrids is BAD_CONFIG', () => {
    const { hello } = clientHelloOf({ maxVersion: '1.2' });
    const groups = decodeSupportedGroups(hello.extensions.get(ExtensionType.supported_groups)!);
    expect(groups).not.toContain(X25519MLKEM768);
    expect(groups).not.toContain(SECP256R1MLKEM768);
    expect(groups[0]).toBe(X25519);
    expect(hello.extensions.has(ExtensionType.key_share)).toBe(false);
    const named = clientHelloOf({ maxVersion: '1.2', groups: 'X25519MLKEM768,x25519' }).hello;
    expect(decodeSupportedGroups(named.extensions.get(ExtensionType.supported_groups)!)).toEqual([X25519]);
    expect(() => new ClientConnection({ host: 'localhost', maxVersion: '1.2', groups: ['X25519MLKEM768'] })).toThrow(/BAD_CONFIG: groups: only TLS 1.3 groups/);
  });

  it('names: IANA names in any case, code points; isGroupSupported', () => {
    for (const n of ['X25519MLKEM768', 'x25519mlkem768', '0x11ec', 'SecP256r1MLKEM768', 'SecP384r1MLKEM1024']) expect(isGroupSupported(n)).toBe(true);
    expect(isGroupSupported(0x11ec)).toBe(true);
    expect(isGroupSupported('X25519Kyber768Draft00')).toBe(false);
    expect(isGroupSupported(0x6399)).toBe(false);
    expect(groupByName('secp256r1mlkem768')?.code).toBe(SECP256R1MLKEM768);
    const { hello } = clientHelloOf({ groups: ['secp384r1mlkem1024', 'x25519'], keyShareGroups: ['SECP384R1MLKEM1024'] });
    const shares = decodeKeyShareClientHello(hello.extensions.get(ExtensionType.key_share)!);
    expect(shares.map((s) => [s.group, s.keyExchange.length])).toEqual([[SECP384R1MLKEM1024, 1665]]);
    expect(shares[0]!.keyExchange[0]).toBe(0x04);
  });
});

describe('handshakes in the hybrid groups (fake server)', () => {
  it('X25519MLKEM768 from the first ClientHello: info, trace and the check name the group', () => {
    const events: TraceEvent[] = [];
    const s = new FakeServer13({ group: 'X25519MLKEM768', client: { onEvent: (e) => events.push(e) } });
    s.completeHandshake();
    expect(s.client.info).toMatchObject({ protocol: 'TLSv1.3', group: 'X25519MLKEM768', helloRetry: false });
    expect(events.some((e) => e.type === 'check' && e.what === 'server key share (X25519MLKEM768) is a valid public value' && e.ok)).toBe(true);
  });

  for (const [group, code] of [['SecP256r1MLKEM768', SECP256R1MLKEM768], ['SecP384r1MLKEM1024', SECP384R1MLKEM1024]] as const) {
    it(`HelloRetryRequest into ${group} from the default shares`, () => {
      const s = new FakeServer13({ cred: 'p256' });
      s.completeHandshake({ hrr: [{ group: code }] });
      expect(s.client.info).toMatchObject({ group, helloRetry: true });
      const shares = decodeKeyShareClientHello(s.clientHello.extensions.get(ExtensionType.key_share)!);
      expect(shares.map((x) => x.group)).toEqual([code]);
    });
  }

  it('HelloRetryRequest into X25519MLKEM768 from an x25519-only first ClientHello', () => {
    const s = new FakeServer13({ client: { keyShareGroups: ['x25519'] } });
    s.completeHandshake({ hrr: [{ group: X25519MLKEM768 }] });
    expect(s.client.info).toMatchObject({ group: 'X25519MLKEM768', helloRetry: true });
  });

  it('HelloRetryRequest out of the hybrid shares, to secp384r1', () => {
    const s = new FakeServer13();
    s.completeHandshake({ hrr: [{ group: P384 }] });
    expect(s.client.info).toMatchObject({ group: 'secp384r1', helloRetry: true });
  });

  it('x25519 chosen beside the hybrid share (the shared X25519 key still works alone)', () => {
    const s = new FakeServer13({ group: 'x25519' });
    s.completeHandshake();
    expect(s.client.info).toMatchObject({ group: 'x25519', helloRetry: false });
  });
});

describe('hostile hybrid server shares', () => {
  /** A handshake in `group` whose ServerHello key share is rewritten by `change`. */
  function withShare(group: string, change: (share: Uint8Array) => Uint8Array, client = {}) {
    const s = new FakeServer13({ group, cred: 'p256', client });
    const thrown = s.handshake({
      serverHello: (sh, srv) => {
        const g = groupByName(group)!;
        setExt(sh.extensions, ExtensionType.key_share, encodeKeyShareServerHello({ group: g.code, keyExchange: change(srv.serverShare!.publicKey.slice()) }));
      },
    });
    return { s, thrown };
  }

  it('a share of the wrong length (one short, one long, the client share length): illegal_parameter', () => {
    for (const change of [(b: Uint8Array) => b.subarray(0, 1119), (b: Uint8Array) => Uint8Array.of(...b, 0), () => new Uint8Array(1216).fill(1)]) {
      const { s, thrown } = withShare('X25519MLKEM768', change);
      expect((thrown as TlsError).explanation).toMatch(/X25519MLKEM768 key share has length \d+, expected 1120/);
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('an all-zero X25519 part, and a low-order one: illegal_parameter', () => {
    for (const point of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
      const { s, thrown } = withShare('X25519MLKEM768', (b) => (b.set(point, 1088), b));
      expect((thrown as TlsError).explanation).toMatch(/^X25519MLKEM768: x25519/);
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('SecP256r1MLKEM768 with a P-256 part off the curve or compressed: illegal_parameter', () => {
    const hrr = { keyShareGroups: ['SecP256r1MLKEM768'], groups: ['SecP256r1MLKEM768'] };
    for (const change of [(b: Uint8Array) => ((b[64]! ^= 1), b), (b: Uint8Array) => ((b[0] = 2), b)]) {
      const { s, thrown } = withShare('SecP256r1MLKEM768', change, hrr);
      expect((thrown as TlsError).explanation).toMatch(/^SecP256r1MLKEM768: secp256r1/);
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('an invalid ML-KEM ciphertext of the right length: implicit rejection, then bad_record_mac on the first protected record', () => {
    // FIPS 203 §6.3: decapsulation never fails for a well-sized ciphertext; it yields an unrelated
    // secret, so the client's handshake keys differ from the server's and EncryptedExtensions
    // cannot be opened. The alert goes out under the client's (now different) handshake key.
    for (const change of [(b: Uint8Array) => ((b[0]! ^= 1), b), (b: Uint8Array) => (b.fill(0xff, 0, 1088), b)]) {
      const { s, thrown } = withShare('X25519MLKEM768', change);
      expect(thrown).toBeInstanceOf(TlsError);
      const err = thrown as TlsError;
      expect({ code: err.code, alert: err.alertName, direction: err.direction }).toEqual({ code: 'RECORD_AUTH_FAILED', alert: 'bad_record_mac', direction: 'sent' });
      expect(s.client.handshakeComplete).toBe(false);
      const last = s.clientRecords.at(-1)!;
      expect(last).toMatchObject({ type: -1, encrypted: true }); // sealed under keys the server does not have
    }
  });

  it('a hybrid share for a group we sent no share for: illegal_parameter', () => {
    const s = new FakeServer13({ group: 'x25519', client: { keyShareGroups: ['x25519'] } });
    const thrown = s.handshake({
      serverHello: (sh) => setExt(sh.extensions, ExtensionType.key_share, encodeKeyShareServerHello({ group: X25519MLKEM768, keyExchange: new Uint8Array(1120).fill(9) })),
    });
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });
});
