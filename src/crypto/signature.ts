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
import { CryptoError } from './errors.js';
import { bigIntToBytes } from './bigint.js';
import { readSequence } from '../wire/der.js';
import { hash } from './hash.js';
import { activeCrypto, OperationPending, opKey } from './provider.js';
import type { PrivateKey } from './private-key.js';
import { secureRandom, type RandomSource } from './random.js';
import { rsaSignPkcs1, rsaSignPss, rsaVerifyPkcs1, rsaVerifyPss } from './rsa.js';
import type { NamedCurve, PublicKey, SignatureAlgorithm } from './types.js';


/** Strict DER Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 §2.2.3), 0 < r, s < n. */
function ecdsaDerToRS(curve: NamedCurve, der: Uint8Array): { r: bigint; s: bigint } | null {
  try {
    const rd = readSequence(der, 'ECDSA signature');
    const r = rd.integer('r');
    const s = rd.integer('s');
    rd.end();
    const n = NIST[curve].Point.Fn.ORDER;
    if (r <= 0n || r >= n || s <= 0n || s >= n) return null;
    return { r, s };
  } catch {
    return null;
  }
}

/** The same check, returning the fixed-length r || s, or null. */
export function ecdsaDerToCompact(curve: NamedCurve, der: Uint8Array): Uint8Array | null {
  const rs = ecdsaDerToRS(curve, der);
  if (!rs) return null;
  const len = SCALAR_LEN[curve];
  const out = new Uint8Array(2 * len);
  out.set(bigIntToBytes(rs.r, len), 0);
  out.set(bigIntToBytes(rs.s, len), len);
  return out;
}

type NistPoint = ReturnType<(typeof NIST)['P-256']['Point']['fromBytes']>;

/**
 * Public points by key object. A key seen twice (a trust anchor or a configured intermediate:
 * x509 keeps one parsed object per configured certificate) gets a precomputed window table, so
 * u2·Q costs about a third of a plain multiplication from then on; the table costs about ten
 * plain multiplications once. Keys seen once (a server's leaf) are never precomputed.
 */
const pointCache = new WeakMap<object, { point: NistPoint; uses: number }>();
function publicPoint(key: Extract<PublicKey, { kind: 'ec' }>): NistPoint {
  let e = pointCache.get(key);
  if (!e) {
    // fromBytes rejects points off the curve and the point at infinity (SEC 1 §3.2.2).
    e = { point: NIST[key.curve].Point.fromBytes(key.point) as NistPoint, uses: 0 };
    pointCache.set(key, e);
  }
  if (++e.uses === 2) e.point.precompute(4, false);
  return e.point;
}

/** FIPS 186-5 §6.4.2 bits2int: the leftmost bitlen(n) bits of the digest. */
function bits2int(digest: Uint8Array, nBits: number): bigint {
  let x = 0n;
  for (const b of digest) x = (x << 8n) | BigInt(b);
  const extra = digest.length * 8 - nBits;
  return extra > 0 ? x >> BigInt(extra) : x;
}

/**
 * ECDSA verification of a digest (FIPS 186-5 §6.4.2): w = s⁻¹, u1 = e·w, u2 = r·w,
 * R = u1·G + u2·Q, valid iff R ≠ O and R.x mod n = r. G's multiples come from noble's
 * precomputed base table; Q's from `publicPoint`.
 */
function ecdsaVerifyDigest(curve: NamedCurve, Q: NistPoint, digest: Uint8Array, r: bigint, s: bigint): boolean {
  const Point = NIST[curve].Point;
  const Fn = Point.Fn;
  const e = Fn.create(bits2int(digest, Fn.BITS));
  const w = Fn.inv(s);
  const R = Point.BASE.multiplyUnsafe(Fn.create(e * w)).add(Q.multiplyUnsafe(Fn.create(r * w)));
  if (R.is0()) return false;
  return Fn.create(R.toAffine().x) === r;
}

function verifyEcdsa(alg: Extract<SignatureAlgorithm, { kind: 'ecdsa' }>, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (key.kind !== 'ec') return false;
  // RFC 8446 §4.2.3: in TLS 1.3 the scheme names the curve; the key must be on it.
  if (alg.curve !== undefined && alg.curve !== key.curve) return false;
  const rs = ecdsaDerToRS(key.curve, signature);
  if (!rs) return false;
  // An asynchronous provider (provider.ts) verifies the same checked (r, s) when it covers the curve.
  const session = activeCrypto();
  if (session) {
    const len = SCALAR_LEN[key.curve];
    const compact = new Uint8Array(2 * len);
    compact.set(bigIntToBytes(rs.r, len), 0);
    compact.set(bigIntToBytes(rs.s, len), len);
    const ok = session.call(opKey('ecdsa', key.point, compact), `ECDSA ${key.curve} verification`, (p) => p.verifyEcdsa(key.curve, key.point, alg.hash, message, compact));
    if (ok !== undefined) return ok;
  }
  return ecdsaVerifyDigest(key.curve, publicPoint(key), hash(alg.hash, message), rs.r, rs.s);
}

/** RSA verification by an asynchronous provider (provider.ts), or undefined: noble does it. */
function rsaByProvider(alg: Extract<SignatureAlgorithm, { kind: 'rsa-pkcs1' | 'rsa-pss' }>, key: Extract<PublicKey, { kind: 'rsa' }>, message: Uint8Array, signature: Uint8Array): boolean | undefined {
  const session = activeCrypto();
  if (!session) return undefined;
  // RFC 8017 §8.2.2 / §8.1.2 step 1: a signature of another length than the modulus is invalid (WebCrypto would say so too).
  if (signature.length !== Math.ceil(key.bits / 8)) return false;
  return session.call(opKey(alg.kind, signature), `${alg.kind === 'rsa-pss' ? 'RSA-PSS' : 'RSA PKCS#1 v1.5'} verification`, (p) => p.verifyRsa(alg, key, message, signature));
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
        return rsaByProvider(alg, key, message, signature) ?? rsaVerifyPkcs1(key, alg.hash, message, signature);
      case 'rsa-pss': {
        if (key.kind !== 'rsa') return false;
        const p = key.pss?.params;
        // RFC 4055 §3.3: a PSS key's parameters fix the hash and MGF; its saltLength is the minimum.
        if (p && (p.hash !== alg.hash || p.mgfHash !== alg.mgfHash || alg.saltLength < p.saltLength)) return false;
        return rsaByProvider(alg, key, message, signature) ?? rsaVerifyPss(key, alg, message, signature);
      }
      default:
        return false;
    }
  } catch (e) {
    if (e instanceof OperationPending) throw e; // the provider's operation: not a failure
    return false;
  }
}

/**
 * Sign `message` (client certificates). ECDSA signatures are DER with a hedged nonce (RFC 6979 +
 * fresh randomness); RSA-PSS salts come from `random`. Throws a CryptoError 'unusable_key' when
 * the key cannot make this kind of signature.
 */
export function signMessage(alg: SignatureAlgorithm, privateKey: PrivateKey, message: Uint8Array, random: RandomSource = secureRandom): Uint8Array {
  const mismatch = () => new CryptoError('unusable_key', 'key_cannot_sign_scheme', `a ${privateKey.kind} private key cannot make ${alg.kind} signatures`);
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

/**
 * An ECDSA signature as r || s (IEEE P1363: WebCrypto, most secure elements) → DER, the form TLS
 * carries (RFC 8446 §4.2.3). A DER input is returned as it is. Null when it is neither.
 */
export function ecdsaSignatureToDer(curve: NamedCurve, sig: Uint8Array): Uint8Array | null {
  if (ecdsaDerToRS(curve, sig)) return sig;
  const len = SCALAR_LEN[curve];
  if (sig.length !== 2 * len) return null;
  try {
    return NIST[curve].Signature.fromBytes(sig, 'compact').toBytes('der');
  } catch {
    return null;
  }
}
