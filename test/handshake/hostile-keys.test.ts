/**
 * Issue 8, finding High, in the handshake: an RSA key outside the bounds (crypto/rsa-bounds.ts)
 * is never used, in every verify mode: not for a TLS 1.3 CertificateVerify, not for a TLS 1.2
 * ServerKeyExchange, not to encrypt the premaster secret of the RSA key exchange. With
 * `verify: 'none'` the chain is not validated, but the leaf's key still is parsed and bounded.
 * Before the bounds, each of these ran one modular exponentiation with the server's 8192-bit
 * exponent (seconds of CPU) before failing or going on.
 */
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/connection.js';
import { TlsError } from '../../src/errors.js';
import { encodeHandshake } from '../../src/handshake/codec/handshake.js';
import { ExtensionType, HandshakeType } from '../../src/handshake/codec/types.js';
import { ext } from '../../src/handshake/extensions/index.js';
import { encodeCertificate12 } from '../../src/handshake/messages/certificate.js';
import { decodeClientHello, encodeServerHello } from '../../src/handshake/messages/hello.js';
import { cnName, craftCertificate, fakeSignature, leafExtensions, oddOfBits, rsaSpki } from '../helpers/der-build.js';
import { expectRefused, FakeServer13 } from '../helpers/fake-server13.js';

/** A leaf for localhost whose RSA key has an 8192-bit modulus and an 8192-bit exponent. */
function hugeExponentLeaf(): Uint8Array {
  const n = oddOfBits(8192);
  return craftCertificate({ subject: cnName('localhost'), issuer: cnName('Evil CA'), spki: rsaSpki(n, n - 2n), extensions: leafExtensions('localhost', Uint8Array.of(9)), signature: fakeSignature(2048) });
}

describe('an RSA key outside the bounds is never used in the handshake', () => {
  for (const verify of ['none', 'optional', 'required'] as const) {
    it(`TLS 1.3 CertificateVerify (rsa_pss_rsae_sha256) with verify: '${verify}': unsupported_certificate before any verification`, () => {
      const s = new FakeServer13({ client: { verify } });
      const leaf = hugeExponentLeaf();
      const thrown = s.handshake({
        certificate: (c) => (c.entries = [{ data: leaf, extensions: [] }]),
        certificateVerify: (cv) => {
          cv.scheme = 0x0804;
          cv.signature = fakeSignature(8192);
        },
      });
      const err = expectRefused(s, thrown, 'UNSUPPORTED_CERTIFICATE', 'unsupported_certificate');
      expect(err.explanation).toMatch(/exponent of 8192 bits/);
    });
  }

  it("TLS 1.2 RSA key exchange with verify: 'none': refused before the premaster secret is encrypted", () => {
    const conn = new ClientConnection({ host: 'localhost', verify: 'none', maxVersion: '1.2', ciphers: ['TLS_RSA_WITH_AES_128_GCM_SHA256'] });
    const out = conn.takeOutput()!;
    const ch = decodeClientHello(out.subarray(5 + 4));
    const sh = encodeHandshake(
      HandshakeType.server_hello,
      encodeServerHello({ legacyVersion: 0x0303, random: new Uint8Array(32).fill(7), sessionId: ch.sessionId, cipherSuite: 0x009c, compression: 0, extensions: [ext(ExtensionType.renegotiation_info, Uint8Array.of(0))] }),
    );
    const cert = encodeHandshake(HandshakeType.certificate, encodeCertificate12({ certificates: [hugeExponentLeaf()] }));
    const done = encodeHandshake(HandshakeType.server_hello_done, new Uint8Array(0));
    const body = Buffer.concat([sh, cert, done]);
    const record = Buffer.concat([Buffer.from([22, 3, 3, body.length >> 8, body.length & 0xff]), body]);
    let thrown: unknown;
    try {
      conn.feed(record);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TlsError);
    expect((thrown as TlsError).code).toBe('UNSUPPORTED_CERTIFICATE');
    // Nothing but the alert went out: no ClientKeyExchange was made with that key.
    const sent = conn.takeOutput()!;
    expect(sent[0]).toBe(21);
  });
});
