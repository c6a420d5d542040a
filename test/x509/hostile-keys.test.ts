/**
 * Issue 8, finding High: RSA keys are bounded where they are parsed (crypto/rsa-bounds.ts), and
 * path building bounds its signature work (x509/verify.ts). The attack: a leaf plus two
 * same-named "issuers" whose keys have an 8192-bit modulus and an 8192-bit exponent. Before the
 * bounds, path building verified the leaf's signature with each candidate's key before any trust
 * decision (seconds of CPU per flight, no CA signature needed); now such a key is BAD_KEY and is
 * never used.
 */
import { describe, expect, it } from 'vitest';
import { parseSpki } from '../../src/crypto/spki.js';
import { MAX_RSA_MODULUS_BITS } from '../../src/crypto/rsa-bounds.js';
import { rsaVerifyPkcs1 } from '../../src/crypto/rsa.js';
import { rsaEncryptPkcs1 } from '../../src/crypto/rsa-encrypt.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { MAX_ISSUER_CANDIDATES, MAX_SIGNATURE_WORK, parseCertificate, verificationCost, verifyChain } from '../../src/x509/index.js';
import { caExtensions, cnName, craftCertificate, fakeSignature, leafExtensions, oddOfBits, rsaSpki } from '../helpers/der-build.js';

const NAME = { kind: 'dns' as const, value: 'example.com' };
const AKI = Uint8Array.of(1, 2, 3, 4);

function rsaKey(der: Uint8Array) {
  const k = parseSpki(der);
  if (k.kind !== 'rsa') throw new Error(`expected an RSA key, got ${k.kind}`);
  return k;
}

/** The attack of the issue: leaf + `count` issuers named like the leaf's issuer, with (n, e). */
function attack(count: number, nBits: number, e: (n: bigint) => bigint) {
  const leaf = craftCertificate({ subject: cnName('victim'), issuer: cnName('Evil CA'), spki: rsaSpki(oddOfBits(2048), 65537n), extensions: leafExtensions('example.com', AKI), signature: fakeSignature(nBits) });
  const issuers = Array.from({ length: count }, () => {
    const n = oddOfBits(nBits);
    return craftCertificate({ subject: cnName('Evil CA'), issuer: cnName('Evil CA'), spki: rsaSpki(n, e(n)), extensions: caExtensions(AKI), signature: fakeSignature(nBits) });
  });
  return { leaf, issuers };
}

describe('RSA public key bounds (parse time)', () => {
  it('accepts odd moduli up to 16384 bits and odd exponents 3 ≤ e < 2^32', () => {
    expect(MAX_RSA_MODULUS_BITS).toBe(16384);
    expect(rsaKey(rsaSpki(oddOfBits(16384), 65537n)).bits).toBe(16384);
    expect(rsaKey(rsaSpki(oddOfBits(2048), 3n)).e).toBe(3n);
    expect(rsaKey(rsaSpki(oddOfBits(2048), 0xffff_ffffn)).e).toBe(0xffff_ffffn);
  });

  it('refuses a modulus above 16384 bits, exponents ≥ 2^32, even, 1, or ≥ n', () => {
    const cases: Array<[bigint, bigint, RegExp]> = [
      [oddOfBits(16385), 65537n, /modulus of 16385 bits/],
      [oddOfBits(2048), (1n << 32n) + 1n, /exponent of 33 bits/],
      [oddOfBits(2048), oddOfBits(2047), /exponent of 2047 bits/],
      [oddOfBits(2048), 65536n, /not an odd number/],
      [oddOfBits(2048), 1n, /not an odd number/],
      [oddOfBits(2048) - 1n, 65537n, /modulus is not odd/],
      [65535n, 65537n, /not smaller than the modulus/],
    ];
    for (const [n, e, why] of cases) {
      let err: unknown;
      try {
        parseSpki(rsaSpki(n, e));
      } catch (x) {
        err = x;
      }
      // crypto's own error: a key out of bounds is unusable, a broken one malformed (x509 turns
      // either into an unsupported key, which the handshake refuses with unsupported_certificate).
      expect(err, why.source).toBeInstanceOf(CryptoError);
      expect(['unusable_key', 'malformed_key']).toContain((err as CryptoError).kind);
      expect((err as CryptoError).message).toMatch(why);
    }
  });

  it('never runs an RSA operation with a key outside the bounds, however it was made', () => {
    const n = oddOfBits(2048);
    const bigE = { n, e: oddOfBits(64) };
    expect(rsaVerifyPkcs1(bigE, 'sha256', new Uint8Array(1), fakeSignature(2048))).toBe(false);
    expect(() => rsaEncryptPkcs1(bigE, new Uint8Array(48))).toThrow(/outside the bounds/);
    expect(() => rsaEncryptPkcs1({ n: oddOfBits(16392), e: 65537n }, new Uint8Array(48))).toThrow(/outside the bounds/);
  });

  it('a certificate with such a key has an unusable key: BAD_KEY, and its signature checks fail', () => {
    const { leaf, issuers } = attack(1, 8192, (n) => n - 2n);
    expect(parseCertificate(issuers[0]!).publicKey.kind).toBe('unsupported');
    const r = verifyChain([leaf, issuers[0]!], { trustAnchors: [], name: NAME });
    expect(r.ok).toBe(false);
    expect(r.certificates[1]?.flags).toContain('BAD_KEY');
    expect(r.certificates[1]?.reasons.join(' ')).toMatch(/exponent of 8192 bits/);
  });
});

describe('path building bounds its work (issue 8 regression: the key-size stall)', () => {
  it('leaf + two same-named issuers with 8192-bit modulus and exponent: refused as BAD_KEY, not verified', () => {
    const { leaf, issuers } = attack(2, 8192, (n) => n - 2n);
    const r = verifyChain([leaf, ...issuers], { trustAnchors: [], name: NAME });
    expect(r.ok).toBe(false);
    expect(r.flags).toEqual(expect.arrayContaining(['BAD_KEY', 'NOT_TRUSTED']));
    // Both candidates are unusable, so neither was used to check the leaf's signature.
    for (const der of issuers) expect(parseCertificate(der).publicKey.kind).toBe('unsupported');
  });

  it('the same with legal 16384-bit keys (e = 2^32 − 1) and many candidates: the signature budget stops it', () => {
    expect(verificationCost(rsaKey(rsaSpki(oddOfBits(16384), 3n)))).toBe(4);
    expect(verificationCost(rsaKey(rsaSpki(oddOfBits(2048), 3n)))).toBe(1);
    const { leaf, issuers } = attack(MAX_ISSUER_CANDIDATES + 4, 16384, () => 0xffff_ffffn);
    const r = verifyChain([leaf, ...issuers], { trustAnchors: [], name: NAME });
    expect(r.ok).toBe(false);
    expect(r.flags).toContain('NOT_TRUSTED');
    // The budget (in units of one P-256 verification) allows at most this many 16384-bit checks.
    expect(Math.floor(MAX_SIGNATURE_WORK / 4)).toBeLessThanOrEqual(25);
    const top = r.certificates.at(-1)!;
    expect(top.reasons.join(' ')).toMatch(/work limit/);
  });

  it('a signature left unchecked by the budget is BAD_SIGNATURE, never accepted (verifyCallback clears flags)', () => {
    const { leaf, issuers } = attack(MAX_ISSUER_CANDIDATES, 16384, () => 0xffff_ffffn);
    // A callback that clears every flag makes the verifier check every signature of the path.
    const r = verifyChain([leaf, ...issuers], { trustAnchors: [], name: NAME, verifyCallback: () => [] });
    expect(r.ok).toBe(true); // the callback cleared what it saw...
    const seen: string[][] = [];
    verifyChain([leaf, ...issuers], { trustAnchors: [], name: NAME, verifyCallback: (c) => void seen.push(c.flags) });
    // ...but what it saw on the leaf includes BAD_SIGNATURE (a fake signature, or one left unchecked).
    expect(seen.at(-1)).toContain('BAD_SIGNATURE');
  });
});
