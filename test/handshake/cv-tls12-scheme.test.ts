/**
 * Issue 8, "tests that would notice": a TLS 1.3 CertificateVerify made with a TLS 1.2-only
 * scheme (rsa_pkcs1_sha256, RFC 8446 §4.2.3: "not defined for use in signed TLS handshake
 * messages") by a key it fits, with a signature that verifies, is refused: only the version rule
 * refuses it, so the test fails if that rule is lost (an ed25519 leaf would be refused for not
 * fitting the key anyway).
 */
import { sign as nodeSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testPki } from '../helpers/certs.js';
import { expectRefused, FakeServer13, serverCertificateVerifyContent } from '../helpers/fake-server13.js';

function pemCerts(pem: string): Uint8Array[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
}

describe('TLS 1.3 CertificateVerify with a TLS 1.2-only scheme', () => {
  const rsa = testPki().leaf('rsa2048');
  const run = (scheme: number, pad: 'pkcs1' | 'pss') => {
    const s = new FakeServer13();
    const thrown = s.handshake({
      certificate: (c) => (c.entries = pemCerts(rsa.chainPem).map((data) => ({ data, extensions: [] }))),
      certificateVerify: (cv) => {
        cv.scheme = scheme;
        const content = serverCertificateVerifyContent(s.transcript.current());
        cv.signature = new Uint8Array(
          pad === 'pkcs1' ? nodeSign('sha256', content, rsa.keyPem) : nodeSign('sha256', content, { key: rsa.keyPem, padding: 6, saltLength: 32 }),
        );
      },
    });
    return { s, thrown };
  };

  it('rsa_pkcs1_sha256 with a valid signature by the RSA leaf: illegal_parameter', () => {
    const { s, thrown } = run(0x0401, 'pkcs1');
    expectRefused(s, thrown, 'ILLEGAL_VALUE', 'illegal_parameter');
  });

  it('positive control: the same key with rsa_pss_rsae_sha256 completes', () => {
    const { s, thrown } = run(0x0804, 'pss');
    expect(thrown).toBeUndefined();
    expect(s.client.handshakeComplete).toBe(true);
  });
});
