/**
 * Signing safety: a faulty RSA-CRT computation never produces a released signature (the fault is
 * injected by corrupting a CRT exponent, as a glitch or bit flip would), and whatever a signer
 * callback returns is checked against the certificate's key before it could be sent.
 */
import { describe, expect, it } from 'vitest';
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { clientPki } from '../helpers/client-certs.js';
import { parseRsaPrivateKey, rsaSignPkcs1, rsaSignPss } from '../../src/crypto/rsa.js';
import { bytesToBigInt, modPow } from '../../src/crypto/bigint.js';
import { identityFromOptions } from '../../src/identity/load.js';
import { schemeByName } from '../../src/crypto/sigschemes.js';
import { secureRandom } from '../../src/crypto/random.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { programMissing, skipFor } from '../helpers/env.js';

const skip = skipFor(programMissing('openssl'), 'signing tests (need the openssl CLI)');
const MSG = new TextEncoder().encode('handshake transcript stand-in');

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

describe.skipIf(skip)('RSA-CRT fault check', () => {
  it('a corrupted CRT exponent (an injected fault) is caught: the signature is never returned', () => {
    const c = clientPki().cred('rsa2048');
    const key = parseRsaPrivateKey(c.keyDer);
    const faulty = { ...key, dp: key.dp ^ 0x10n };
    for (const sign of [() => rsaSignPkcs1(faulty, 'sha256', MSG), () => rsaSignPss(faulty, { hash: 'sha256', mgfHash: 'sha256', saltLength: 32 }, MSG)]) {
      let err: unknown;
      try {
        sign();
      } catch (e) {
        err = e;
      }
      // crypto throws its own CryptoError; the connection reports an untranslated one as INTERNAL.
      expect(err).toBeInstanceOf(CryptoError);
      expect((err as CryptoError).reason).toBe('rsa_self_check');
      expect((err as CryptoError).message).toMatch(/self-check failed/);
    }
    // The healthy key signs, and node:crypto makes the same PKCS#1 v1.5 signature (deterministic).
    const good = rsaSignPkcs1(key, 'sha256', MSG);
    expect(Buffer.from(good).equals(nodeSign('sha256', MSG, createPrivateKey(c.keyPem)))).toBe(true);
  });

  it('why it matters: the faulty signature the check withholds would reveal a prime factor (Bellcore attack)', () => {
    const key = parseRsaPrivateKey(clientPki().cred('rsa2048').keyDer);
    const m = bytesToBigInt(MSG) % key.n;
    // The CRT as rsa.ts computes it, with the fault in dp and no check.
    const m1 = modPow(m % key.p, key.dp ^ 0x10n, key.p);
    const m2 = modPow(m % key.q, key.dq, key.q);
    let h = ((m1 - m2) * key.qinv) % key.p;
    if (h < 0n) h += key.p;
    const s = m2 + key.q * h;
    let diff = (modPow(s, key.e, key.n) - m) % key.n;
    if (diff < 0n) diff += key.n;
    expect(gcd(diff, key.n)).toBe(key.q);
  });
});

describe.skipIf(skip)('signer callbacks', () => {
  const scheme = schemeByName('ecdsa_secp256r1_sha256')!;

  it('an r || s signature (WebCrypto, secure elements) is converted to DER and checked', async () => {
    const c = clientPki().cred('p256');
    const pk = createPrivateKey(c.keyPem);
    const id = identityFromOptions({
      cert: c.certPem,
      signer: {
        schemes: ['ecdsa_secp256r1_sha256'],
        sign: (req) => {
          expect(req.scheme).toBe('ecdsa_secp256r1_sha256');
          expect(req.hash).toBe('sha256');
          expect(req.digest).toHaveLength(32);
          return Promise.resolve(new Uint8Array(nodeSign('sha256', req.message, { key: pk, dsaEncoding: 'ieee-p1363' })));
        },
      },
    })!;
    expect(id.usesSigner).toBe(true);
    expect(id.signableSchemes('1.3').map((s) => s.name)).toEqual(['ecdsa_secp256r1_sha256']);
    const raw = await id.sign(scheme, MSG, '1.3', secureRandom);
    expect(raw).toHaveLength(64);
    const der = id.finishSignature(scheme, MSG, '1.3', raw);
    expect(der[0]).toBe(0x30);
  });

  it('a signer holding another key, or returning junk, is BAD_CONFIG naming the signer; nothing is sent', async () => {
    const pki = clientPki();
    const c = pki.cred('p256');
    const other = createPrivateKey(pki.otherKeyPem('p256'));
    const id = identityFromOptions({ cert: c.certPem, signer: { sign: (req) => new Uint8Array(nodeSign('sha256', req.message, other)) } })!;
    const sig = (await id.sign(scheme, MSG, '1.3', secureRandom)) as Uint8Array;
    expect(() => id.finishSignature(scheme, MSG, '1.3', sig)).toThrow(/`signer`: the ecdsa_secp256r1_sha256 signature does not verify with the certificate's public key \(EC P-256\): the signer uses another key/);
    expect(() => id.finishSignature(scheme, MSG, '1.3', 'nope')).toThrow(/sign\(\) returned string/);
    expect(() => id.finishSignature(scheme, MSG, '1.3', new Uint8Array(10))).toThrow(/neither DER nor r \|\| s/);
  });

  it('signer.schemes must fit the certificate key', () => {
    const c = clientPki().cred('p256');
    expect(() => identityFromOptions({ cert: c.certPem, signer: { schemes: ['ed25519'], sign: () => new Uint8Array() } })).toThrow(/ed25519 cannot be made with the certificate's EC P-256 key/);
    expect(() => identityFromOptions({ cert: c.certPem, signer: {} as never })).toThrow(/sign\(request\) method/);
  });
});
