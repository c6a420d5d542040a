/**
 * Bounds on RSA public keys, checked where a key is parsed (spki.ts, rsa.ts) and again before
 * every RSA public operation (rsa.ts, rsa-encrypt.ts). RSAVP1 / RSAEP cost grows with the square
 * of the modulus and linearly with the length of the exponent: without bounds, one crafted key
 * (an 8192-bit exponent) makes a single verification cost seconds, and the peer needs no
 * signature by anybody to make us run it.
 *
 * The bounds are those of the big stacks: BoringSSL refuses moduli above 16384 bits and
 * exponents above 33 bits, Go exponents above 2^31 − 1; RFC 8017 §3.1 wants 3 ≤ e ≤ n − 1 and
 * e odd (an even e is never invertible modulo λ(n)). We take:
 *
 *   modulus: odd, at most 16384 bits (the policy minimum, 2048 by default, is X.509's: verify.ts)
 *   public exponent: odd, 3 ≤ e < 2^32, and e < n
 */
import { bitLength } from './bigint.js';

export const MAX_RSA_MODULUS_BITS = 16384;
/** Largest public exponent accepted: 2^32 − 1 (e is odd, so "≤ 2^32" and "< 2^32" agree). */
export const MAX_RSA_PUBLIC_EXPONENT = 0xffff_ffffn;

/** Why an RSA public key (n, e) is refused, or undefined when it is within the bounds. */
export function rsaPublicKeyProblem(n: bigint, e: bigint): string | undefined {
  if (n < 3n || (n & 1n) === 0n) return 'RSA modulus is not odd';
  // Compare before measuring: bitLength of a huge value is itself work.
  if (n >= 1n << BigInt(MAX_RSA_MODULUS_BITS)) return `RSA modulus of ${bitLength(n)} bits (at most ${MAX_RSA_MODULUS_BITS})`;
  if (e < 3n || (e & 1n) === 0n) return 'RSA public exponent is not an odd number of at least 3';
  if (e > MAX_RSA_PUBLIC_EXPONENT) return `RSA public exponent of ${bitLength(e)} bits (at most 32)`;
  if (e >= n) return 'RSA public exponent is not smaller than the modulus';
  return undefined;
}
