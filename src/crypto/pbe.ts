/**
 * Password-based cryptography for encrypted private keys and PKCS#12 files, on noble and
 * synchronous (the ASN.1 around it is pkijs's, in src/identity/encrypted.ts):
 *
 * - PBES2 (RFC 8018 §6.2): PBKDF2 (§5.2) with HMAC-SHA1/SHA-256/384/512, then AES-CBC with
 *   PKCS#7 padding (RFC 8018 §B.2.5 / §6.2.4 step 4). A wrong password shows as a padding failure
 *   (or, 1 time in 256, as garbage that the key parser refuses).
 * - The PKCS#12 key derivation (RFC 7292 Appendix B.2), which OpenSSL still uses for the
 *   integrity MAC of a PFX even when the contents are PBES2: the MAC is where a wrong password
 *   is found for certain.
 *
 * Iteration counts come from a file the user supplied; they are bounded all the same
 * (MAX_ITERATIONS), so a hostile file cannot stall the process for minutes.
 */
import { cbc } from '@noble/ciphers/aes.js';
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js';
import { HASH_LEN, hmac, hash, nobleHash, type HashName } from './hash.js';
import { equalBytesCT } from '../wire/bytes.js';

/** OpenSSL's default is 2048 (pkcs8, pkcs12) and its -iter tops out far below this. */
export const MAX_ITERATIONS = 10_000_000;

export class PbeError extends Error {
  constructor(readonly reason: 'iterations' | 'key-length' | 'padding') {
    super(reason);
  }
}

/** RFC 8018 §5.2 PBKDF2 with HMAC-`prf`. */
export function pbkdf2(prf: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number): Uint8Array {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) throw new PbeError('iterations');
  return noblePbkdf2(nobleHash(prf), password, salt, { c: iterations, dkLen });
}

/** AES-CBC decryption with PKCS#7 padding removed (RFC 8018 §6.2.2 step 4 / RFC 5652 §6.3). */
export function aesCbcDecryptPadded(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new PbeError('key-length');
  if (iv.length !== 16 || data.length === 0 || data.length % 16 !== 0) throw new PbeError('padding');
  try {
    return cbc(key, iv).decrypt(data);
  } catch {
    throw new PbeError('padding');
  }
}

/**
 * RFC 7292 Appendix B.2: derive `n` bytes of purpose `id` (1 key, 2 IV, 3 MAC key) from a
 * BMPString password (big-endian UTF-16 with two trailing zero bytes, §B.1).
 */
export function pkcs12Kdf(h: HashName, passwordBmp: Uint8Array, salt: Uint8Array, id: 1 | 2 | 3, iterations: number, n: number): Uint8Array {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) throw new PbeError('iterations');
  const u = HASH_LEN[h];
  const v = h === 'sha384' || h === 'sha512' ? 128 : 64; // the hash's block size
  const D = new Uint8Array(v).fill(id); // step 1
  const fill = (src: Uint8Array): Uint8Array => {
    // steps 2-3: concatenate copies of src up to a multiple of v bytes
    const out = new Uint8Array(v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const S = salt.length ? fill(salt) : new Uint8Array(0);
  const P = passwordBmp.length ? fill(passwordBmp) : new Uint8Array(0);
  const I = new Uint8Array(S.length + P.length); // step 4
  I.set(S);
  I.set(P, S.length);
  const c = Math.ceil(n / u); // step 5
  const out = new Uint8Array(c * u);
  const block = new Uint8Array(v + I.length);
  for (let i = 0; i < c; i++) {
    // step 6a: A_i = H^r(D || I)
    block.set(D);
    block.set(I, v);
    let A = hash(h, block);
    for (let r = 1; r < iterations; r++) A = hash(h, A);
    out.set(A, i * u);
    if (i === c - 1) break;
    // step 6b-c: B = A_i repeated to v bytes; each v-byte block I_j = (I_j + B + 1) mod 2^(8v)
    const B = fill(A);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >>> 8;
      }
    }
  }
  return out.subarray(0, n);
}

/** RFC 7292 §B.1: the password as a BMPString with its terminating NUL (empty password: empty). */
export function bmpPassword(password: string): Uint8Array {
  if (password.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    out[2 * i] = c >>> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

/** RFC 7292 §5.1 / §B.4: the PFX MacData check. Constant-time compare. */
export function pkcs12MacMatches(h: HashName, passwordBmp: Uint8Array, salt: Uint8Array, iterations: number, data: Uint8Array, mac: Uint8Array): boolean {
  const key = pkcs12Kdf(h, passwordBmp, salt, 3, iterations, HASH_LEN[h]);
  return equalBytesCT(hmac(h, key, data), mac);
}
