/**
 * Hostile ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4, §4.2, §4.2.1, §4.2.8):
 * each test makes one violation with the real codecs, feeds it to a fresh sans-IO client, and
 * checks that feed() throws at once with the code and alert RFC 8446 names, and that exactly that
 * fatal alert is on the wire (plaintext here: no handshake keys exist yet).
 */
import { describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { DOWNGRADE_TLS11, DOWNGRADE_TLS12, ExtensionType, HandshakeType } from '../../src/handshake/codec/types.js';
import {
  encodeAlpnServer,
  encodeKeyShareServerHello,
  encodeSupportedVersionsServer,
  ext,
} from '../../src/handshake/extensions/index.js';
import { cat, expectRefused, FakeServer13, hsMsg, setExt, type MutableHello } from '../helpers/fake-server13.js';

const X25519 = 0x001d;
const P256 = 0x0017;
const X25519MLKEM768 = 0x11ec;
const P384 = 0x0018;
const P521 = 0x0019;

/** Run a handshake whose ServerHello is changed by `mutate`. */
function withServerHello(mutate: (sh: MutableHello, s: FakeServer13) => void, opts: ConstructorParameters<typeof FakeServer13>[0] = {}) {
  const s = new FakeServer13(opts);
  const thrown = s.handshake({ serverHello: mutate });
  return { s, thrown };
}

const keyShare = (group: number, key: Uint8Array) => encodeKeyShareServerHello({ group, keyExchange: key });
const version = (v: number) => encodeSupportedVersionsServer(v);

describe('HelloRetryRequest (RFC 8446 §4.1.4)', () => {
  it('refuses a second HelloRetryRequest: unexpected_message', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({ hrr: [{ cookie: Uint8Array.of(1) }, { cookie: Uint8Array.of(2) }] });
    expect(s.clientHellos).toHaveLength(2);
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('refuses an HRR selecting a group that was not offered (secp521r1, and an unknown code): illegal_parameter', () => {
    for (const group of [P521, 0x7a7a]) {
      const s = new FakeServer13({ client: { groups: ['x25519', 'secp256r1', 'secp384r1'] } });
      expectRefused(s, s.handshake({ hrr: [{ group }] }), 'ILLEGAL_VALUE', 'illegal_parameter');
      expect(s.clientHellos).toHaveLength(1); // no second ClientHello went out
    }
  });

  it('refuses an HRR selecting a group the client already sent a share for: illegal_parameter', () => {
    for (const group of [X25519, X25519MLKEM768]) {
      const s = new FakeServer13();
      expectRefused(s, s.handshake({ hrr: [{ group }] }), 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('refuses an HRR that would not change the ClientHello (no key_share, no cookie): illegal_parameter', () => {
    const s = new FakeServer13();
    expectRefused(s, s.handshake({ hrr: [{}] }), 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses an HRR carrying an extension the client never sent: unsupported_extension', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({ hrr: [{ cookie: Uint8Array.of(1), mutate: (h) => h.extensions.push(ext(0x7777, new Uint8Array(0))) }] });
    expectRefused(s, thrown, 'UNOFFERED_EXTENSION', 'unsupported_extension');
  });

  it('refuses an HRR carrying an offered extension that HRR may not carry (ALPN, psk_key_exchange_modes): illegal_parameter', () => {
    // RFC 8446 §4.2: a recognised extension in a message it is not specified for → illegal_parameter.
    const cases: [number, Uint8Array][] = [
      [ExtensionType.alpn, encodeAlpnServer('h2')],
      [ExtensionType.psk_key_exchange_modes, Uint8Array.of(1, 1)],
    ];
    for (const [type, data] of cases) {
      const s = new FakeServer13({ client: { alpn: ['h2'] } });
      const thrown = s.handshake({ hrr: [{ cookie: Uint8Array.of(1), mutate: (h) => h.extensions.push(ext(type, data)) }] });
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('refuses an HRR that does not echo the session id: illegal_parameter', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({ hrr: [{ cookie: Uint8Array.of(1), mutate: (h) => (h.sessionId = new Uint8Array(32)) }] });
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses an HRR with a cipher suite that was not offered: illegal_parameter', () => {
    const s = new FakeServer13({ client: { ciphers: ['TLS_AES_128_GCM_SHA256'] } });
    expectRefused(s, s.handshake({ hrr: [{ cookie: Uint8Array.of(1), suite: 0x1302 }] }), 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses an HRR without supported_versions (a HRR is TLS 1.3 only): illegal_parameter', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({ hrr: [{ cookie: Uint8Array.of(1), mutate: (h) => setExt(h.extensions, ExtensionType.supported_versions, null) }] });
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses malformed HRR extensions (empty cookie, key_share with trailing bytes, duplicate cookie): decode_error / illegal_parameter', () => {
    const cases: [(h: MutableHello) => void, 'MALFORMED_MESSAGE' | 'ILLEGAL_VALUE'][] = [
      [(h) => setExt(h.extensions, ExtensionType.cookie, Uint8Array.of(0, 0)), 'MALFORMED_MESSAGE'], // cookie<1..2^16-1>
      [(h) => setExt(h.extensions, ExtensionType.key_share, Uint8Array.of(0, 0x18, 0)), 'MALFORMED_MESSAGE'],
      [(h) => h.extensions.push(ext(ExtensionType.cookie, Uint8Array.of(0, 1, 2))), 'ILLEGAL_VALUE'],
    ];
    for (const [mutate, code] of cases) {
      const s = new FakeServer13();
      const thrown = s.handshake({ hrr: [{ cookie: Uint8Array.of(1), mutate }] });
      expectRefused(s, thrown, code, code === 'MALFORMED_MESSAGE' ? 'decode_error' : 'illegal_parameter');
    }
  });

  it('refuses a ServerHello whose suite differs from the HRR one: illegal_parameter', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({ hrr: [{ cookie: Uint8Array.of(1), suite: 0x1301 }], serverHello: (sh) => (sh.cipherSuite = 0x1302) });
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses a ServerHello after HRR with a key share for the old group instead of the requested one: illegal_parameter', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({
      hrr: [{ group: P384 }],
      // The server answers with x25519, for which the second ClientHello no longer has a share.
      serverHello: (sh) => setExt(sh.extensions, ExtensionType.key_share, keyShare(X25519, new Uint8Array(32).fill(9))),
    });
    expect(s.clientHellos).toHaveLength(2);
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses a ServerHello after HRR that selects TLS 1.2: illegal_parameter', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({
      hrr: [{ cookie: Uint8Array.of(1) }],
      serverHello: (sh) => {
        sh.extensions = [];
        sh.cipherSuite = 0xc02f;
      },
    });
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });
});

describe('ServerHello (RFC 8446 §4.1.3)', () => {
  it('refuses legacy_version other than 0x0303 in a TLS 1.3 ServerHello: illegal_parameter', () => {
    for (const v of [0x0301, 0x0302, 0x0304]) {
      const { s, thrown } = withServerHello((sh) => (sh.legacyVersion = v));
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('refuses a session id that is not echoed (changed, emptied, or one where none was sent): illegal_parameter', () => {
    const cases: [Partial<ConstructorParameters<typeof FakeServer13>[0]>, (sh: MutableHello) => void][] = [
      [{}, (sh) => (sh.sessionId[0]! ^= 1)],
      [{}, (sh) => (sh.sessionId = new Uint8Array(0))],
      [{ client: { middleboxCompat: false } }, (sh) => (sh.sessionId = new Uint8Array(32).fill(1))],
    ];
    for (const [opts, mutate] of cases) {
      const { s, thrown } = withServerHello(mutate, opts);
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('refuses a cipher suite that was not offered: illegal_parameter', () => {
    const { s, thrown } = withServerHello((sh) => (sh.cipherSuite = 0x1302), { client: { ciphers: ['TLS_AES_128_GCM_SHA256'] } });
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses a TLS 1.2 suite, an unknown suite and a signalling value in a TLS 1.3 ServerHello: illegal_parameter', () => {
    for (const suite of [0xc02f, 0xc02b, 0x1305, 0x00ff, 0x0000]) {
      const { s, thrown } = withServerHello((sh) => (sh.cipherSuite = suite));
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('refuses a compression method other than 0: illegal_parameter', () => {
    const { s, thrown } = withServerHello((sh) => (sh.compression = 1));
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses supported_versions selecting 0x0305, 0x0302 or 0x0303 (RFC 8446 §4.2.1): illegal_parameter', () => {
    for (const v of [0x0305, 0x0302, 0x0303, 0x7f1c]) {
      const { s, thrown } = withServerHello((sh) => setExt(sh.extensions, ExtensionType.supported_versions, version(v)));
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('refuses TLS 1.3 selected by a server when the client offered only TLS 1.2: illegal_parameter', () => {
    const { s, thrown } = withServerHello(() => {}, { client: { maxVersion: '1.2' } });
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses a ServerHello without key_share: missing_extension', () => {
    const { s, thrown } = withServerHello((sh) => setExt(sh.extensions, ExtensionType.key_share, null));
    expectRefused(s, thrown, 'MISSING_EXTENSION', 'missing_extension');
  });

  it('refuses a key share for an offered group the client sent no share for (secp384r1): illegal_parameter', () => {
    const p384 = new Uint8Array(97);
    p384[0] = 4;
    const { s, thrown } = withServerHello((sh) => setExt(sh.extensions, ExtensionType.key_share, keyShare(P384, p384)), {
      client: { groups: ['x25519', 'secp256r1', 'secp384r1'], keyShareGroups: ['x25519', 'secp256r1'] },
    });
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses a key share for a group never offered: illegal_parameter', () => {
    const { s, thrown } = withServerHello((sh) => setExt(sh.extensions, ExtensionType.key_share, keyShare(0x0a0a, Uint8Array.of(1, 2, 3))));
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses invalid x25519 shares (all zeros, a low-order point, wrong lengths): illegal_parameter', () => {
    const lowOrder = new Uint8Array(32);
    lowOrder[0] = 1; // u = 1 is of order 4 (RFC 7748 §6.1 / §7)
    for (const key of [new Uint8Array(32), lowOrder, new Uint8Array(31).fill(9), new Uint8Array(33).fill(9)]) {
      const { s, thrown } = withServerHello((sh) => setExt(sh.extensions, ExtensionType.key_share, keyShare(X25519, key)));
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('refuses invalid P-256 shares (off the curve, compressed, infinity, wrong prefix): illegal_parameter', () => {
    const offCurve = new Uint8Array(65).fill(1);
    offCurve[0] = 4;
    const compressed = new Uint8Array(33).fill(1);
    compressed[0] = 2;
    const zeros = new Uint8Array(65);
    zeros[0] = 4;
    const hybrid = new Uint8Array(65).fill(1);
    hybrid[0] = 6;
    for (const key of [offCurve, compressed, zeros, hybrid, Uint8Array.of(0)]) {
      const { s, thrown } = withServerHello((sh) => setExt(sh.extensions, ExtensionType.key_share, keyShare(P256, key)), { group: 'secp256r1' });
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('refuses an offered extension that a ServerHello may not carry (server_name, ALPN, psk_key_exchange_modes, supported_groups): illegal_parameter', () => {
    // RFC 8446 §4.2: "If an implementation receives an extension which it recognizes and which is
    // not specified for the message in which it appears, it MUST abort the handshake with an
    // illegal_parameter alert." All four were in our ClientHello.
    const cases: [number, Uint8Array][] = [
      [ExtensionType.server_name, new Uint8Array(0)],
      [ExtensionType.alpn, encodeAlpnServer('h2')],
      [ExtensionType.psk_key_exchange_modes, Uint8Array.of(1, 1)],
      [ExtensionType.supported_groups, Uint8Array.of(0, 2, 0, 0x1d)],
    ];
    for (const [type, data] of cases) {
      const { s, thrown } = withServerHello((sh) => sh.extensions.push(ext(type, data)), { client: { alpn: ['h2'] } });
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('refuses an extension the client never sent (unknown type, early_data, status_request): unsupported_extension', () => {
    for (const type of [0xfafa, ExtensionType.early_data, ExtensionType.status_request]) {
      // revocation 'off': status_request is not offered.
      const { s, thrown } = withServerHello((sh) => sh.extensions.push(ext(type, new Uint8Array(0))), { client: { revocation: 'off' } });
      expectRefused(s, thrown, 'UNOFFERED_EXTENSION', 'unsupported_extension');
    }
  });

  it('refuses status_request (offered) in a TLS 1.3 ServerHello: illegal_parameter (RFC 8446 §4.2)', () => {
    const { s, thrown } = withServerHello((sh) => sh.extensions.push(ext(ExtensionType.status_request, new Uint8Array(0))));
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses a duplicated extension: illegal_parameter', () => {
    const { s, thrown } = withServerHello((sh) => sh.extensions.push(ext(ExtensionType.supported_versions, version(0x0304))));
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses a pre_shared_key the client did not offer: unsupported_extension', () => {
    const { s, thrown } = withServerHello((sh) => sh.extensions.push(ext(ExtensionType.pre_shared_key, Uint8Array.of(0, 0))));
    expectRefused(s, thrown, 'UNOFFERED_EXTENSION', 'unsupported_extension');
  });

  it('refuses trailing bytes after the extensions, truncation, and malformed extension bodies: decode_error', () => {
    const s1 = new FakeServer13();
    expectRefused(s1, s1.handshake({ serverHelloRaw: (raw) => hsMsg(HandshakeType.server_hello, cat(raw.subarray(4), Uint8Array.of(0))) }), 'MALFORMED_MESSAGE', 'decode_error');
    const s2 = new FakeServer13();
    expectRefused(s2, s2.handshake({ serverHelloRaw: (raw) => hsMsg(HandshakeType.server_hello, raw.subarray(4, raw.length - 3)) }), 'MALFORMED_MESSAGE', 'decode_error');
    for (const [type, data] of [
      [ExtensionType.key_share, new Uint8Array(0)],
      [ExtensionType.key_share, Uint8Array.of(0, 0x1d, 0, 0)], // key_exchange<1..2^16-1> empty
      [ExtensionType.supported_versions, Uint8Array.of(3, 4, 0)],
    ] as const) {
      const { s, thrown } = withServerHello((sh) => setExt(sh.extensions, type, data));
      expectRefused(s, thrown, 'MALFORMED_MESSAGE', 'decode_error');
    }
    // A 33-byte legacy_session_id_echo (opaque <0..32>): the codec will not encode it, so splice it in.
    const s3 = new FakeServer13();
    const thrown3 = s3.handshake({
      serverHelloRaw: (raw) => {
        const body = raw.subarray(4);
        const sidLen = body[34]!;
        return hsMsg(HandshakeType.server_hello, cat(body.subarray(0, 34), Uint8Array.of(33), new Uint8Array(33), body.subarray(35 + sidLen)));
      },
    });
    expectRefused(s3, thrown3, 'MALFORMED_MESSAGE', 'decode_error');
  });

  it('refuses a TLS 1.2 ServerHello carrying the downgrade sentinel when TLS 1.3 was offered: illegal_parameter', () => {
    for (const sentinel of [DOWNGRADE_TLS12, DOWNGRADE_TLS11]) {
      const { s, thrown } = withServerHello((sh) => {
        sh.extensions = [];
        sh.cipherSuite = 0xc02f;
        sh.random.set(sentinel, 24);
      });
      expectRefused(s, thrown, 'DOWNGRADE_DETECTED', 'illegal_parameter');
    }
  });

  it('refuses a TLS 1.1 (and 1.0, SSL 3.0) ServerHello: protocol_version', () => {
    for (const v of [0x0302, 0x0301, 0x0300]) {
      const { s, thrown } = withServerHello((sh) => {
        sh.extensions = [];
        sh.legacyVersion = v;
        sh.cipherSuite = 0xc013;
      });
      expectRefused(s, thrown, 'UNSUPPORTED_VERSION', 'protocol_version');
    }
  });

  it('refuses a TLS 1.2 ServerHello when only TLS 1.3 is enabled: protocol_version', () => {
    const { s, thrown } = withServerHello(
      (sh) => {
        sh.extensions = [];
        sh.cipherSuite = 0xc02f;
      },
      { client: { minVersion: '1.3' } },
    );
    expectRefused(s, thrown, 'UNSUPPORTED_VERSION', 'protocol_version');
  });

  it('refuses a ServerHello whose body is too short to be one, delivered one byte at a time: decode_error', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({ serverHelloRaw: () => hsMsg(HandshakeType.server_hello, Uint8Array.of(3, 3, 1, 2)), chunk: 1 });
    const err = expectRefused(s, thrown, 'MALFORMED_MESSAGE', 'decode_error');
    expect(err).toBeInstanceOf(TlsError);
  });
});
