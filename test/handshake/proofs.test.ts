/**
 * The handshake's proofs at run time (their compile-time side: test/types/forbidden-shapes.typecheck.ts):
 * a certificate decision is a ChainVerified only when the chain verified; `verify: 'none'` and a
 * failed `optional` check give a ChainAccepted; and a proof cannot be built outside
 * handshake/verify.ts even by casting past the compiler.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { TlsError } from '../../src/errors.js';
import { ChainAccepted, ChainVerified, FinishedVerified, HandshakeVerified, SignatureVerified, verifyFinished, verifyServerCertificates } from '../../src/handshake/verify.js';
import { pemToDer } from '../../src/x509/pem.js';
import { testPki } from '../helpers/certs.js';
import { programMissing, skipFor } from '../helpers/env.js';

const skip = skipFor(programMissing('openssl'), 'proof tests (need the openssl CLI for the test PKI)');

function chainOf(pem: string): Uint8Array[] {
  return pemToDer(pem, 'chain');
}

describe.skipIf(skip)('certificate decisions', () => {
  it('a chain that verifies is a ChainVerified (status ok)', () => {
    const pki = testPki();
    const config = resolveConfig({ host: 'localhost', ca: pki.ca });
    const d = verifyServerCertificates(config, chainOf(pki.leaf('p256').chainPem), new Date());
    expect(d).toBeInstanceOf(ChainVerified);
    expect(d.status).toBe('ok');
  });

  it("verify: 'none' is a ChainAccepted (skipped), never a ChainVerified", () => {
    const pki = testPki();
    const config = resolveConfig({ host: 'localhost', verify: 'none' });
    const d = verifyServerCertificates(config, chainOf(pki.untrusted().chainPem), new Date());
    expect(d).toBeInstanceOf(ChainAccepted);
    expect(d).not.toBeInstanceOf(ChainVerified);
    expect(d.status).toBe('skipped');
  });

  it("a failed verify: 'optional' check is a ChainAccepted (failed) with its flags", () => {
    const pki = testPki();
    const config = resolveConfig({ host: 'localhost', ca: pki.ca, verify: 'optional' });
    const d = verifyServerCertificates(config, chainOf(pki.untrusted().chainPem), new Date());
    expect(d).toBeInstanceOf(ChainAccepted);
    expect(d.status).toBe('failed');
    expect(d.flags).toContain('NOT_TRUSTED');
  });

  it("the same chain under verify: 'required' is CERT_VERIFY_FAILED (unknown_ca)", () => {
    const pki = testPki();
    const config = resolveConfig({ host: 'localhost', ca: pki.ca });
    let err: unknown;
    try {
      verifyServerCertificates(config, chainOf(pki.untrusted().chainPem), new Date());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TlsError);
    expect([(err as TlsError).code, (err as TlsError).reason, (err as TlsError).alertName]).toEqual(['CERT_VERIFY_FAILED', 'not_trusted', 'unknown_ca']);
  });
});

describe('proofs are minted only in handshake/verify.ts', () => {
  it('verifyFinished mints a FinishedVerified for equal values and BAD_FINISHED otherwise', () => {
    expect(verifyFinished(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBeInstanceOf(FinishedVerified);
    let err: unknown;
    try {
      verifyFinished(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]));
    } catch (e) {
      err = e;
    }
    expect([(err as TlsError).code, (err as TlsError).reason, (err as TlsError).alertName]).toEqual(['BAD_FINISHED', 'finished_mismatch', 'decrypt_error']);
  });

  it('a proof built by casting past the compiler is refused at run time (INTERNAL proof_forged)', () => {
    for (const P of [FinishedVerified, SignatureVerified, ChainVerified, ChainAccepted, HandshakeVerified] as unknown as Array<new (...a: unknown[]) => unknown>) {
      let err: unknown;
      try {
        new P(Symbol('puretls.proof'), {});
      } catch (e) {
        err = e;
      }
      expect(err, P.name).toBeInstanceOf(TlsError);
      expect((err as TlsError).reason).toBe('proof_forged');
    }
  });
});
