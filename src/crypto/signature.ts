/**
 * Signature verification (and signing, for client certificates) over every algorithm puretls
 * speaks: ECDSA on P-256/384/521 (FIPS 186-5, DER signatures as in RFC 8446 §4.2.3 and RFC 5480
 * §2.2 / RFC 3279 §2.2.3), Ed25519 / Ed448 (RFC 8032, strict: no ZIP-215 leniency), and RSA
 * PKCS#1 v1.5 / PSS (rsa.ts). `verifySignature` never throws: any malformed input is `false`.
 *
 * ECDSA: we hash the message with the algorithm's hash and verify the digest, so any hash can go
 * with any curve (TLS 1.2 and X.509 allow ecdsa-with-SHA256 on P-384). High-S signatures are
 * accepted (TLS and X.509 do not require low-S); non-DER encodings are rejected by our own parser.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { NIST, SCALAR_LEN } from './nist.js';
import { tlsError } from '../errors.js';
import { bigIntToBytes } from './bigint.js';
import { readSequence } from '../wire/der.js';
import { hash } from './hash.js';
import type { PrivateKey } from './private-key.js';
import { secureRandom, type RandomSource } from './random.js';
import { rsaSignPkcs1, rsaSignPss, rsaVerifyPkcs1, rsaVerifyPss } from './rsa.js';
import type { NamedCurve, PublicKey, SignatureAlgorithm } from './types.js';


/**
 * Strict DER Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 §2.2.3), with
 * 0 < r, s < n. Returns the fixed-length r || s, or null.
 */
export function ecdsaDerToCompact(curve: NamedCurve, der: Uint8Array): Uint8Array | null {
  try {
    const r = readSequence(der, 'ECDSA signature');
    const rv = r.integer('r');
    const sv = r.integer('s');
    r.end();
    const n = NIST[curve].Point.Fn.ORDER;
    if (rv <= 0n || rv >= n || sv <= 0n || sv >= n) return null;
    const len = SCALAR_LEN[curve];
    const out = new Uint8Array(2 * len);
    out.set(bigIntToBytes(rv, len), 0);
    out.set(bigIntToBytes(sv, len), len);
    return out;
  } catch {
    return null;
  }
}

function verifyEcdsa(alg: Extract<SignatureAlgorithm, { kind: 'ecdsa' }>, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (key.kind !== 'ec') return false;
  // RFC 8446 §4.2.3: in TLS 1.3 the scheme names the curve; the key must be on it.
  if (alg.curve !== undefined && alg.curve !== key.curve) return false;
  const compact = ecdsaDerToCompact(key.curve, signature);
  if (!compact) return false;
  const digest = hash(alg.hash, message);
  return NIST[key.curve].verify(compact, digest, key.point, { prehash: false, lowS: false, format: 'compact' });
}

/** Verify `signature` over `message`. Never throws; false for any bad or malformed input. */
export function verifySignature(alg: SignatureAlgorithm, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (alg.kind) {
      case 'ecdsa':
        return verifyEcdsa(alg, key, message, signature);
      case 'ed25519':
        if (key.kind !== 'ed25519' || signature.length !== 64) return false;
        return ed25519.verify(signature, message, key.raw, { zip215: false }); // RFC 8032 §5.1.7
      case 'ed448':
        if (key.kind !== 'ed448' || signature.length !== 114) return false;
        return ed448.verify(signature, message, key.raw, { zip215: false }); // RFC 8032 §5.2.7
      case 'rsa-pkcs1':
        // RFC 4055 §1.2: an id-RSASSA-PSS key must not be used with PKCS#1 v1.5.
        if (key.kind !== 'rsa' || key.pss) return false;
        return rsaVerifyPkcs1(key, alg.hash, message, signature);
      case 'rsa-pss': {
        if (key.kind !== 'rsa') return false;
        const p = key.pss?.params;
        // RFC 4055 §3.3: a PSS key's parameters fix the hash and MGF; its saltLength is the minimum.
        if (p && (p.hash !== alg.hash || p.mgfHash !== alg.mgfHash || alg.saltLength < p.saltLength)) return false;
        return rsaVerifyPss(key, alg, message, signature);
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/**
 * Sign `message` (client certificates). ECDSA signatures are DER with a hedged nonce (RFC 6979 +
 * fresh randomness); RSA-PSS salts come from `random`. Throws BAD_CONFIG when the key cannot make
 * this kind of signature.
 */
export function signMessage(alg: SignatureAlgorithm, privateKey: PrivateKey, message: Uint8Array, random: RandomSource = secureRandom): Uint8Array {
  const mismatch = () => tlsError('BAD_CONFIG', `a ${privateKey.kind} private key cannot make ${alg.kind} signatures`);
  switch (alg.kind) {
    case 'ecdsa': {
      if (privateKey.kind !== 'ec' || (alg.curve && alg.curve !== privateKey.curve)) throw mismatch();
      const digest = hash(alg.hash, message);
      return NIST[privateKey.curve].sign(digest, privateKey.d, { prehash: false, format: 'der', extraEntropy: random(32) });
    }
    case 'ed25519':
      if (privateKey.kind !== 'ed25519') throw mismatch();
      return ed25519.sign(message, privateKey.seed);
    case 'ed448':
      if (privateKey.kind !== 'ed448') throw mismatch();
      return ed448.sign(message, privateKey.seed);
    case 'rsa-pkcs1':
      if (privateKey.kind !== 'rsa' || privateKey.key.pss) throw mismatch();
      return rsaSignPkcs1(privateKey.key, alg.hash, message, random);
    case 'rsa-pss':
      if (privateKey.kind !== 'rsa') throw mismatch();
      return rsaSignPss(privateKey.key, alg, message, random);
  }
}
