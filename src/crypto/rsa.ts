/**
 * RSA signatures on native BigInt (noble has no RSA): RSASSA-PKCS1-v1_5 and RSASSA-PSS
 * (RFC 8017 §8), verification for server authentication and signing for client certificates.
 *
 * PKCS#1 v1.5 verification builds the expected encoded message and compares the whole block
 * (RFC 8017 §8.2.2 step 4); it never parses the DigestInfo, which is how Bleichenbacher's 2006
 * forgeries against lax parsers worked. PSS follows EMSA-PSS-VERIFY (§9.1.2) step by step.
 * Signing uses the CRT with blinding and checks its own result before releasing it.
 */
import { CryptoError } from './errors.js';
import { bigIntToBytes, bitLength, byteLength, bytesToBigInt, modInverse, modPow } from './bigint.js';
import { DerReader, Tag, readSequence } from '../wire/der.js';
import { HASH_LEN, hash, type HashName } from './hash.js';
import { secureRandom, type RandomSource } from './random.js';
import { OID, parsePssParams } from './spki.js';
import { rsaPublicKeyProblem } from './rsa-bounds.js';
import type { RsaPssParams } from './types.js';
import { equalBytesCT } from '../wire/bytes.js';

export interface RsaPublicValues {
  readonly n: bigint;
  readonly e: bigint;
}

/** RFC 8017 §3.2 RSA private key, second representation (CRT). */
export interface RsaPrivateKey extends RsaPublicValues {
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qinv: bigint;
  readonly bits: number;
  /** Present for a PKCS#8 id-RSASSA-PSS key: it may only sign with PSS (RFC 4055). */
  readonly pss?: { readonly params?: RsaPssParams };
}

/** RFC 8017 §9.2 note 1: DER of DigestInfo up to the digest, per hash. */
const DIGEST_INFO_PREFIX: Record<HashName, string> = {
  sha1: '3021300906052b0e03021a05000414',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

function hexBytes(h: string): Uint8Array {
  return Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
}

/** RFC 8017 §9.2 EMSA-PKCS1-v1_5-ENCODE: 0x00 0x01 FF..FF 0x00 || DigestInfo. Null when emLen is too short. */
function emsaPkcs1Encode(hashName: HashName, message: Uint8Array, emLen: number): Uint8Array | null {
  const prefix = hexBytes(DIGEST_INFO_PREFIX[hashName]);
  const h = hash(hashName, message);
  const tLen = prefix.length + h.length;
  if (emLen < tLen + 11) return null; // §9.2 step 3: "intended encoded message length too short"
  const em = new Uint8Array(emLen).fill(0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[emLen - tLen - 1] = 0x00;
  em.set(prefix, emLen - tLen);
  em.set(h, emLen - h.length);
  return em;
}

/** RFC 8017 §5.2.2 RSAVP1 after the §8.x.2 step-1 length check. Null when the signature is malformed. */
function rsavp1(key: RsaPublicValues, signature: Uint8Array): bigint | null {
  // A key outside the bounds (rsa-bounds.ts) is never used, however it reached us.
  if (rsaPublicKeyProblem(key.n, key.e) !== undefined) return null;
  const k = byteLength(key.n);
  if (signature.length !== k) return null; // §8.2.2 step 1, §8.1.2 step 1
  const s = bytesToBigInt(signature);
  if (s >= key.n) return null; // §5.2.2 step 1: "signature representative out of range"
  return modPow(s, key.e, key.n);
}

/** RFC 8017 §8.2.2 RSASSA-PKCS1-V1_5-VERIFY. */
export function rsaVerifyPkcs1(key: RsaPublicValues, hashName: HashName, message: Uint8Array, signature: Uint8Array): boolean {
  const m = rsavp1(key, signature);
  if (m === null) return false;
  const k = signature.length;
  const expected = emsaPkcs1Encode(hashName, message, k);
  if (!expected) return false;
  return equalBytesCT(bigIntToBytes(m, k), expected); // §8.2.2 step 4: compare the whole encoding
}

/** RFC 8017 §B.2.1 MGF1. */
function mgf1(hashName: HashName, seed: Uint8Array, maskLen: number): Uint8Array {
  const hLen = HASH_LEN[hashName];
  const out = new Uint8Array(maskLen);
  const block = new Uint8Array(seed.length + 4);
  block.set(seed);
  for (let counter = 0, off = 0; off < maskLen; counter++, off += hLen) {
    block[seed.length] = counter >>> 24;
    block[seed.length + 1] = (counter >>> 16) & 0xff;
    block[seed.length + 2] = (counter >>> 8) & 0xff;
    block[seed.length + 3] = counter & 0xff;
    const h = hash(hashName, block);
    out.set(h.subarray(0, Math.min(hLen, maskLen - off)), off);
  }
  return out;
}

/** M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt, and H = Hash(M') (§9.1.1 steps 5-6). */
function pssHash(hashName: HashName, mHash: Uint8Array, salt: Uint8Array): Uint8Array {
  const mPrime = new Uint8Array(8 + mHash.length + salt.length);
  mPrime.set(mHash, 8);
  mPrime.set(salt, 8 + mHash.length);
  return hash(hashName, mPrime);
}

/** RFC 8017 §9.1.2 EMSA-PSS-VERIFY. */
function emsaPssVerify(params: RsaPssParams, message: Uint8Array, em: Uint8Array, emBits: number): boolean {
  const hLen = HASH_LEN[params.hash];
  const sLen = params.saltLength;
  const emLen = em.length;
  const mHash = hash(params.hash, message); // step 2
  if (emLen < hLen + sLen + 2) return false; // step 3
  if (em[emLen - 1] !== 0xbc) return false; // step 4
  const maskedDB = em.subarray(0, emLen - hLen - 1); // step 5
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topMask = 0xff >>> (8 * emLen - emBits);
  if ((maskedDB[0]! & ~topMask) !== 0) return false; // step 6: leftmost 8emLen - emBits bits are zero
  const db = mgf1(params.mgfHash, h, emLen - hLen - 1); // step 7
  for (let i = 0; i < db.length; i++) db[i]! ^= maskedDB[i]!; // step 8
  db[0]! &= topMask; // step 9
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false; // step 10
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - sLen); // step 11
  return equalBytesCT(pssHash(params.hash, mHash, salt), h); // steps 12-14
}

/** RFC 8017 §8.1.2 RSASSA-PSS-VERIFY. */
export function rsaVerifyPss(key: RsaPublicValues, params: RsaPssParams, message: Uint8Array, signature: Uint8Array): boolean {
  const m = rsavp1(key, signature);
  if (m === null) return false;
  const modBits = bitLength(key.n);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (m >= 1n << BigInt(emLen * 8)) return false; // §8.1.2 step 2c: I2OSP(m, emLen) fails
  return emsaPssVerify(params, message, bigIntToBytes(m, emLen), emBits);
}

/** RFC 8017 §5.2.1 RSASP1 with the CRT, blinding, and a check of the result against the public key. */
function rsasp1(priv: RsaPrivateKey, m: bigint, random: RandomSource): bigint {
  const { n, e } = priv;
  let r: bigint;
  do r = bytesToBigInt(random(byteLength(n))) % n;
  while (r < 2n);
  const blinded = (m * modPow(r, e, n)) % n;
  const m1 = modPow(blinded % priv.p, priv.dp, priv.p);
  const m2 = modPow(blinded % priv.q, priv.dq, priv.q);
  let hh = ((m1 - m2) * priv.qinv) % priv.p;
  if (hh < 0n) hh += priv.p;
  const sBlinded = m2 + priv.q * hh;
  const s = (sBlinded * modInverse(r, n)) % n;
  // A fault in the CRT would leak a factor of n: verify before releasing (Boneh-DeMillo-Lipton).
  if (modPow(s, e, n) !== m) throw new CryptoError('misuse', 'rsa_self_check', 'RSA signature self-check failed');
  return s;
}

/** RFC 8017 §8.2.1 RSASSA-PKCS1-V1_5-SIGN. */
export function rsaSignPkcs1(priv: RsaPrivateKey, hashName: HashName, message: Uint8Array, random: RandomSource = secureRandom): Uint8Array {
  const k = byteLength(priv.n);
  const em = emsaPkcs1Encode(hashName, message, k);
  if (!em) throw new CryptoError('unusable_key', 'rsa_key_too_small', `RSA key of ${k} bytes is too small for PKCS#1 v1.5 with ${hashName}`);
  return bigIntToBytes(rsasp1(priv, bytesToBigInt(em), random), k);
}

/** RFC 8017 §8.1.1 RSASSA-PSS-SIGN with EMSA-PSS-ENCODE (§9.1.1). */
export function rsaSignPss(priv: RsaPrivateKey, params: RsaPssParams, message: Uint8Array, random: RandomSource = secureRandom): Uint8Array {
  const k = byteLength(priv.n);
  const emBits = bitLength(priv.n) - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = HASH_LEN[params.hash];
  const sLen = params.saltLength;
  if (emLen < hLen + sLen + 2) throw new CryptoError('unusable_key', 'rsa_key_too_small', `RSA key too small for PSS with ${params.hash} and a ${sLen}-byte salt`); // §9.1.1 step 3
  const salt = random(sLen); // step 4
  const h = pssHash(params.hash, hash(params.hash, message), salt); // steps 2, 5, 6
  const db = new Uint8Array(emLen - hLen - 1); // steps 7-8: PS || 0x01 || salt
  db[emLen - sLen - hLen - 2] = 0x01;
  db.set(salt, db.length - sLen);
  const mask = mgf1(params.mgfHash, h, db.length); // step 9
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!; // step 10
  db[0]! &= 0xff >>> (8 * emLen - emBits); // step 11
  const em = new Uint8Array(emLen); // step 12: maskedDB || H || 0xbc
  em.set(db);
  em.set(h, db.length);
  em[emLen - 1] = 0xbc;
  return bigIntToBytes(rsasp1(priv, bytesToBigInt(em), random), k);
}

const malformedKey = (what: string): CryptoError => new CryptoError('malformed_key', 'private_key_malformed', `malformed ${what}`);

/** RFC 8017 §A.1.2 RSAPrivateKey (two-prime, version 0). */
function parsePkcs1Private(r: DerReader): Omit<RsaPrivateKey, 'pss'> {
  if (r.integer('version') !== 0n) throw malformedKey('RSAPrivateKey: only two-prime keys (version 0) are supported');
  const n = r.integer('modulus');
  const e = r.integer('publicExponent');
  const d = r.integer('privateExponent');
  const p = r.integer('prime1');
  const q = r.integer('prime2');
  const dp = r.integer('exponent1');
  const dq = r.integer('exponent2');
  const qinv = r.integer('coefficient');
  r.end();
  if (p * q !== n || n < 3n || e < 3n) throw malformedKey('RSAPrivateKey: inconsistent values');
  const problem = rsaPublicKeyProblem(n, e);
  if (problem) throw malformedKey(`RSAPrivateKey: ${problem}`);
  return { n, e, d, p, q, dp, dq, qinv, bits: bitLength(n) };
}

/** An RSA private key from PKCS#1 RSAPrivateKey or PKCS#8 PrivateKeyInfo (RFC 5208 §5) DER. */
export function parseRsaPrivateKey(der: Uint8Array): RsaPrivateKey {
  const r = readSequence(der, 'RSA private key');
  const version = r.integer('version');
  if (r.peekTag() === Tag.INTEGER) {
    // PKCS#1: version is followed by the modulus.
    return parsePkcs1Private(readSequence(der, 'RSAPrivateKey'));
  }
  // PKCS#8 PrivateKeyInfo ::= SEQUENCE { version, privateKeyAlgorithm, privateKey OCTET STRING, ... }
  if (version !== 0n && version !== 1n) throw malformedKey('PrivateKeyInfo: unknown version');
  const alg = r.sequence('privateKeyAlgorithm');
  const oid = alg.oid('algorithm');
  const params = alg.done ? undefined : alg.read('parameters');
  alg.end();
  const inner = r.octetString('privateKey'); // attributes / publicKey may follow: ignored
  const key = parsePkcs1Private(readSequence(inner, 'RSAPrivateKey'));
  if (oid === OID.rsaEncryption) return key;
  if (oid === OID.rsassaPss) return { ...key, pss: params && params.tag === Tag.SEQUENCE ? { params: parsePssParams(params) } : {} };
  throw malformedKey(`PrivateKeyInfo: not an RSA key (${oid})`);
}
