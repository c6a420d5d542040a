/**
 * Hostile encrypted server flight (RFC 8446 §4.3.1 EncryptedExtensions, §4.3.2 CertificateRequest,
 * §4.4.2 Certificate, §4.4.3 CertificateVerify, §4.4.4 Finished) and skipped / extra / reordered
 * messages. The alert goes out under client_handshake_traffic_secret; the fake server decrypts it.
 */
import { describe, expect, it } from 'vitest';
import { encodeCertificateRequest13, encodeServerHello } from '../../src/handshake/messages/index.js';
import { ExtensionType, HandshakeType } from '../../src/handshake/codec/types.js';
import {
  encodeAlpnServer,
  encodeKeyShareServerHello,
  encodeSignatureAlgorithms,
  encodeSupportedVersionsServer,
  ext,
} from '../../src/handshake/extensions/index.js';
import {
  cat,
  credential,
  CT,
  expectRefused,
  FakeServer13,
  hsMsg,
  serverCertificateVerifyContent,
  signWith,
  type FlightMessage,
  type Hooks,
} from '../helpers/fake-server13.js';

function run(h: Hooks, opts: ConstructorParameters<typeof FakeServer13>[0] = {}) {
  const s = new FakeServer13(opts);
  return { s, thrown: s.handshake(h) };
}

/** Replace the named message of the flight by what `f` returns. */
const onMessage = (name: FlightMessage, f: (raw: Uint8Array, s: FakeServer13) => Uint8Array[]): Hooks['message'] =>
  (n, raw, s) => (n === name ? f(raw, s) : [raw]);

const certificateRequest = (context = new Uint8Array(0), exts = [ext(ExtensionType.signature_algorithms, encodeSignatureAlgorithms([0x0807, 0x0403]))]) =>
  hsMsg(HandshakeType.certificate_request, encodeCertificateRequest13({ context, extensions: exts }));

describe('EncryptedExtensions (RFC 8446 §4.3.1, §4.2)', () => {
  it('refuses extensions forbidden in EE (key_share, supported_versions, pre_shared_key, signature_algorithms): illegal_parameter', () => {
    for (const type of [ExtensionType.key_share, ExtensionType.supported_versions, ExtensionType.pre_shared_key, ExtensionType.signature_algorithms]) {
      const { s, thrown } = run({ encryptedExtensions: (e) => e.push(ext(type, Uint8Array.of(0, 0x1d))) });
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
      expect(s.client.stateName).toBe('ExpectEncryptedExtensions');
    }
  });

  it('refuses ALPN when none was offered: unsupported_extension', () => {
    const { s, thrown } = run({ encryptedExtensions: (e) => e.push(ext(ExtensionType.alpn, encodeAlpnServer('h2'))) });
    expectRefused(s, thrown, 'UNOFFERED_EXTENSION', 'unsupported_extension');
  });

  it('refuses an ALPN protocol that was not among those offered: illegal_parameter', () => {
    const { s, thrown } = run({}, { client: { alpn: ['h2'] }, alpn: 'http/1.1' });
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses an ALPN answer with two protocols (RFC 7301 §3.1: exactly one): decode_error', () => {
    const two = Uint8Array.of(0, 6, 2, 0x68, 0x32, 2, 0x68, 0x33);
    const { s, thrown } = run({ encryptedExtensions: (e) => e.push(ext(ExtensionType.alpn, two)) }, { client: { alpn: ['h2', 'h3'] } });
    expectRefused(s, thrown, 'MALFORMED_MESSAGE', 'decode_error');
  });

  it('refuses unknown extensions and server_name when no SNI was sent: unsupported_extension', () => {
    const a = run({ encryptedExtensions: (e) => e.push(ext(0x5a5a, new Uint8Array(0))) });
    expectRefused(a.s, a.thrown, 'UNOFFERED_EXTENSION', 'unsupported_extension');
    const b = run({ encryptedExtensions: (e) => e.push(ext(ExtensionType.server_name, new Uint8Array(0))) }, { client: { servername: false, verify: 'none' } });
    expectRefused(b.s, b.thrown, 'UNOFFERED_EXTENSION', 'unsupported_extension');
  });

  it('refuses a non-empty server_name acknowledgement (RFC 6066 §3), a duplicate, and trailing bytes: decode_error / illegal_parameter', () => {
    const a = run({ encryptedExtensions: (e) => e.push(ext(ExtensionType.server_name, Uint8Array.of(0))) });
    expectRefused(a.s, a.thrown, 'MALFORMED_MESSAGE', 'decode_error');
    const b = run({ encryptedExtensions: (e) => e.push(ext(ExtensionType.server_name, new Uint8Array(0)), ext(ExtensionType.server_name, new Uint8Array(0))) });
    expectRefused(b.s, b.thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    const c = run({ message: onMessage('encrypted_extensions', (raw) => [hsMsg(HandshakeType.encrypted_extensions, cat(raw.subarray(4), Uint8Array.of(0)))]) });
    expectRefused(c.s, c.thrown, 'MALFORMED_MESSAGE', 'decode_error');
  });
});

describe('skipped, extra and reordered messages (RFC 8446 §4: unexpected_message)', () => {
  it('refuses a CertificateVerify where the Certificate should be', () => {
    const { s, thrown } = run({ message: onMessage('certificate', () => []) });
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('refuses a Finished right after EncryptedExtensions (no Certificate, no CertificateVerify)', () => {
    const { s, thrown } = run({ message: (n, raw) => (n === 'certificate' || n === 'certificate_verify' ? [] : [raw]) });
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    expect(s.client.handshakeComplete).toBe(false);
  });

  it('refuses a Finished right after the Certificate (CertificateVerify skipped)', () => {
    const { s, thrown } = run({ message: onMessage('certificate_verify', () => []) });
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('refuses a Certificate where EncryptedExtensions should be', () => {
    const { s, thrown } = run({ message: onMessage('encrypted_extensions', () => []) });
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('refuses a second EncryptedExtensions', () => {
    const { s, thrown } = run({ message: onMessage('encrypted_extensions', (raw) => [raw, raw]) });
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });

  it('refuses a second Certificate and a second CertificateVerify', () => {
    for (const name of ['certificate', 'certificate_verify'] as const) {
      const { s, thrown } = run({ message: onMessage(name, (raw) => [raw, raw]) });
      expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
  });

  it('refuses a ServerHello again, encrypted, before and after EncryptedExtensions', () => {
    for (const where of ['before', 'after'] as const) {
      const { s, thrown } = run({
        message: onMessage('encrypted_extensions', (raw, srv) => {
          const sh = hsMsg(HandshakeType.server_hello, encodeServerHello({
            legacyVersion: 0x0303,
            random: new Uint8Array(32).fill(1),
            sessionId: srv.clientHello.sessionId,
            cipherSuite: 0x1301,
            compression: 0,
            extensions: [
              ext(ExtensionType.supported_versions, encodeSupportedVersionsServer(0x0304)),
              ext(ExtensionType.key_share, encodeKeyShareServerHello({ group: 0x1d, keyExchange: srv.serverShare!.publicKey })),
            ],
          }));
          return where === 'before' ? [sh, raw] : [raw, sh];
        }),
      });
      expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
  });

  it('refuses post-handshake messages inside the handshake (NewSessionTicket, KeyUpdate before Finished)', () => {
    for (const msg of [(s: FakeServer13) => s.newSessionTicket(), (s: FakeServer13) => s.keyUpdate(0)]) {
      const { s, thrown } = run({ message: onMessage('certificate_verify', (raw, srv) => [raw, msg(srv)]) });
      expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
  });

  it('refuses a ClientHello, a TLS 1.2 ServerHelloDone and an unknown message type in the flight', () => {
    for (const bad of [hsMsg(HandshakeType.client_hello, new Uint8Array(40)), hsMsg(HandshakeType.server_hello_done, new Uint8Array(0)), hsMsg(0x63, Uint8Array.of(1))]) {
      const { s, thrown } = run({ message: onMessage('certificate', (raw) => [bad, raw]) });
      expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    }
  });

  it('refuses Certificate and CertificateVerify swapped', () => {
    const { s, thrown } = run({ flight: (m) => [m[0]!, m[2]!, m[1]!, m[3]!] });
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });
});

describe('Certificate, CertificateRequest (RFC 8446 §4.4.2, §4.3.2)', () => {
  it('refuses an empty Certificate: decode_error (RFC 8446 §4.4.2.4)', () => {
    const { s, thrown } = run({ certificate: (c) => (c.entries = []) });
    expectRefused(s, thrown, 'MALFORMED_MESSAGE', 'decode_error');
  });

  it('refuses a non-empty certificate_request_context in the server Certificate: illegal_parameter', () => {
    const { s, thrown } = run({ certificate: (c) => (c.context = Uint8Array.of(7)) });
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses a CertificateEntry extension that was not requested (status_request, unknown): unsupported_extension', () => {
    for (const type of [ExtensionType.status_request, 0x4444]) {
      // revocation 'off': status_request is not offered.
      const { s, thrown } = run({ certificate: (c) => c.entries[0]!.extensions.push(ext(type, Uint8Array.of(1, 0, 0, 0))) }, { client: { revocation: 'off' } });
      expectRefused(s, thrown, 'UNOFFERED_EXTENSION', 'unsupported_extension');
    }
  });

  it('refuses a certificate that is not DER: bad_certificate', () => {
    const { s, thrown } = run({ certificate: (c) => (c.entries[0]!.data = Uint8Array.of(0x30, 0x03, 0x02, 0x01)) }, { client: { verify: 'none' } });
    expectRefused(s, thrown, 'BAD_CERTIFICATE', 'bad_certificate');
  });

  it('refuses a truncated Certificate message and an empty cert_data: decode_error', () => {
    const a = run({ message: onMessage('certificate', (raw) => [hsMsg(HandshakeType.certificate, raw.subarray(4, raw.length - 1))]) });
    expectRefused(a.s, a.thrown, 'MALFORMED_MESSAGE', 'decode_error');
    const b = run({ certificate: (c) => (c.entries[0]!.data = new Uint8Array(0)) });
    expectRefused(b.s, b.thrown, 'MALFORMED_MESSAGE', 'decode_error');
  });

  it('answers a CertificateRequest with an empty Certificate (positive control)', () => {
    const s = new FakeServer13();
    s.completeHandshake({ message: onMessage('certificate', (raw) => [certificateRequest(), raw]) });
    const sent = s.clientRecords.filter((r) => r.type === CT.handshake && r.encrypted).map((r) => r.plaintext[0]);
    expect(sent).toEqual([HandshakeType.certificate, HandshakeType.finished]);
  });

  it('refuses a handshake CertificateRequest with a non-empty context (illegal_parameter), without signature_algorithms (missing_extension), or with no extensions (decode_error)', () => {
    const a = run({ message: onMessage('certificate', (raw) => [certificateRequest(Uint8Array.of(1)), raw]) });
    expectRefused(a.s, a.thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    // An unknown extension is ignored (RFC 8446 §4.3.2), so only signature_algorithms is missing.
    const b = run({ message: onMessage('certificate', (raw) => [certificateRequest(new Uint8Array(0), [ext(0x7777, new Uint8Array(0))]), raw]) });
    expectRefused(b.s, b.thrown, 'MISSING_EXTENSION', 'missing_extension');
    // extensions<2..2^16-1>: an empty block is malformed.
    const c = run({ message: onMessage('certificate', (raw) => [certificateRequest(new Uint8Array(0), []), raw]) });
    expectRefused(c.s, c.thrown, 'MALFORMED_MESSAGE', 'decode_error');
  });

  it('refuses a second CertificateRequest', () => {
    const { s, thrown } = run({ message: onMessage('certificate', (raw) => [certificateRequest(), certificateRequest(), raw]) });
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
  });
});

describe('CertificateVerify (RFC 8446 §4.4.3)', () => {
  it('refuses a signature that does not verify: decrypt_error', () => {
    for (const [cred, i] of [['ed25519', 0], ['ed25519', 63], ['p256', 10]] as const) {
      const { s, thrown } = run({ certificateVerify: (cv) => (cv.signature[i]! ^= 0x80) }, { cred });
      expectRefused(s, thrown, 'BAD_SIGNATURE', 'decrypt_error');
    }
  });

  it('refuses a valid signature over the wrong content (client context string, stale transcript): decrypt_error', () => {
    const cred = credential('ed25519');
    const clientCtx = (th: Uint8Array) => {
      const c = serverCertificateVerifyContent(th);
      c.set(new TextEncoder().encode('TLS 1.3, client CertificateVerify'), 64);
      return c;
    };
    const a = run({ certificateVerify: (cv) => (cv.signature = signWith(cred, clientCtx(new Uint8Array(32)))) });
    expectRefused(a.s, a.thrown, 'BAD_SIGNATURE', 'decrypt_error');
    // Signed over the transcript without the Certificate (as if the server signed too early).
    let early: Uint8Array | undefined;
    const b = run({
      message: (n, raw, srv) => {
        if (n === 'encrypted_extensions') early = srv.transcript.clone().current();
        return [raw];
      },
      certificateVerify: (cv) => (cv.signature = signWith(cred, serverCertificateVerifyContent(early!))),
    });
    expectRefused(b.s, b.thrown, 'BAD_SIGNATURE', 'decrypt_error');
  });

  it('refuses a scheme that was not offered: illegal_parameter', () => {
    const { s, thrown } = run({}, { client: { sigalgs: ['ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256'] } });
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('refuses rsa_pkcs1_* and SHA-1 schemes in a TLS 1.3 CertificateVerify: illegal_parameter', () => {
    for (const scheme of [0x0401, 0x0501, 0x0601, 0x0201, 0x0203]) {
      const { s, thrown } = run({ certificateVerify: (cv) => (cv.scheme = scheme) });
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('refuses a scheme that does not fit the certificate key, and an unknown scheme: illegal_parameter', () => {
    for (const scheme of [0x0403, 0x0808, 0x0804, 0xfefe]) {
      const { s, thrown } = run({ certificateVerify: (cv) => (cv.scheme = scheme) });
      expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
    }
  });

  it('refuses a CertificateVerify with trailing bytes: decode_error', () => {
    const { s, thrown } = run({ message: onMessage('certificate_verify', (raw) => [hsMsg(HandshakeType.certificate_verify, cat(raw.subarray(4), Uint8Array.of(0)))]) });
    expectRefused(s, thrown, 'MALFORMED_MESSAGE', 'decode_error');
  });
});

describe('server Finished (RFC 8446 §4.4.4)', () => {
  it('refuses a Finished that does not match: decrypt_error', () => {
    for (const i of [4, 20, 35]) {
      const { s, thrown } = run({ message: onMessage('finished', (raw) => [raw.map((b, j) => (j === i ? b ^ 1 : b))]) });
      expectRefused(s, thrown, 'BAD_FINISHED', 'decrypt_error');
      expect(s.client.handshakeComplete).toBe(false);
    }
  });

  it('refuses the Finished of another (completed) connection, replayed: decrypt_error', () => {
    let replayed: Uint8Array | undefined;
    const other = new FakeServer13();
    other.completeHandshake({ message: (n, raw) => ((n === 'finished' ? (replayed = raw) : raw), [raw]) });
    const { s, thrown } = run({ message: onMessage('finished', () => [replayed!]) });
    expectRefused(s, thrown, 'BAD_FINISHED', 'decrypt_error');
  });

  it('refuses a Finished of the wrong length: decode_error', () => {
    for (const len of [0, 31, 33, 48]) {
      const { s, thrown } = run({ message: onMessage('finished', () => [hsMsg(HandshakeType.finished, new Uint8Array(len))]) });
      expectRefused(s, thrown, 'MALFORMED_MESSAGE', 'decode_error');
    }
  });

  it('sends no Finished of its own after refusing the server Finished', () => {
    const { s, thrown } = run({ message: onMessage('finished', (raw) => [raw.map((b, j) => (j === 10 ? b ^ 1 : b))]) });
    expectRefused(s, thrown, 'BAD_FINISHED', 'decrypt_error');
    expect(s.clientRecords.some((r) => r.type === CT.handshake && r.plaintext[0] === HandshakeType.finished)).toBe(false);
  });
});
