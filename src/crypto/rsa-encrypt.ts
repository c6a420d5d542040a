/**
 * RSAES-PKCS1-v1_5 encryption (RFC 8017 §7.2.1) for the TLS 1.2 RSA key exchange
 * (RFC 5246 §7.4.7.1): the client encrypts the 48-byte premaster secret to the server's key.
 *
 *     EM = 0x00 || 0x02 || PS || 0x00 || M,   PS = k - mLen - 3 non-zero random octets (≥ 8)
 *     c  = EM^e mod n, as k octets
 *
 * Only encryption lives here: a client never decrypts with RSA, so it carries no Bleichenbacher
 * decryption oracle.
 */
import { CryptoError } from './errors.js';
import { bigIntToBytes, byteLength, bytesToBigInt, modPow } from './bigint.js';
import { secureRandom, type RandomSource } from './random.js';
import type { RsaPublicValues } from './rsa.js';
import { rsaPublicKeyProblem } from './rsa-bounds.js';

/** RFC 8017 §7.2.1 RSAES-PKCS1-V1_5-ENCRYPT. */
export function rsaEncryptPkcs1(key: RsaPublicValues, message: Uint8Array, random: RandomSource = secureRandom): Uint8Array {
  const problem = rsaPublicKeyProblem(key.n, key.e);
  if (problem) throw new CryptoError('unusable_key', 'rsa_key_out_of_bounds', `refusing an RSA key outside the bounds: ${problem}`);
  const k = byteLength(key.n);
  // Step 1: mLen > k - 11 → "message too long".
  if (message.length > k - 11) throw new CryptoError('unusable_key', 'rsa_key_too_small', `RSA key of ${k} bytes is too small to encrypt ${message.length} bytes`);
  const psLen = k - message.length - 3;
  // Step 2a-b: PS of non-zero random octets.
  const ps = new Uint8Array(psLen);
  let filled = 0;
  while (filled < psLen) {
    const r = random(psLen - filled + 16);
    for (let i = 0; i < r.length && filled < psLen; i++) if (r[i] !== 0) ps[filled++] = r[i]!;
  }
  const em = new Uint8Array(k);
  em[0] = 0x00;
  em[1] = 0x02;
  em.set(ps, 2);
  em[2 + psLen] = 0x00;
  em.set(message, 3 + psLen);
  // Step 3: RSAEP (§5.1.1), m < n holds because EM starts with 0x00.
  const c = modPow(bytesToBigInt(em), key.e, key.n);
  em.fill(0);
  return bigIntToBytes(c, k);
}
