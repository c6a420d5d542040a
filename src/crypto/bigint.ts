/**
 * Big-endian integer helpers on native BigInt for RSA (RFC 8017 §4: I2OSP / OS2IP) and FFDHE.
 * Not constant-time: BigInt arithmetic never is. Private-key operations (RSA signing, DH) are rare
 * in a client and happen on freshly random or blinded values; see rsa.ts.
 */

/** RFC 8017 §4.2 OS2IP: big-endian bytes to a non-negative integer. */
export function bytesToBigInt(b: Uint8Array): bigint {
  let hex = '';
  for (let i = 0; i < b.length; i++) hex += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return hex === '' ? 0n : BigInt('0x' + hex);
}

/** RFC 8017 §4.1 I2OSP: big-endian, left-padded to `len` bytes; RangeError if it does not fit. */
export function bigIntToBytes(x: bigint, len: number): Uint8Array {
  if (x < 0n) throw new RangeError('negative integer');
  const hex = x.toString(16);
  if (hex.length > len * 2) throw new RangeError('integer too large');
  const padded = hex.padStart(len * 2, '0');
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = parseInt(padded.substr(i * 2, 2), 16);
  return out;
}

export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

export function byteLength(x: bigint): number {
  return Math.ceil(bitLength(x) / 8);
}

/** base^exp mod m, left-to-right with a fixed 4-bit window (16 precomputed powers). */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m === 1n) return 0n;
  let b = base % m;
  if (b < 0n) b += m;
  if (exp < 16n) {
    let r = 1n;
    for (let i = 0n; i < exp; i++) r = (r * b) % m;
    return r;
  }
  const table: bigint[] = [1n, b];
  for (let i = 2; i < 16; i++) table.push((table[i - 1]! * b) % m);
  const hex = exp.toString(16);
  let r = table[parseInt(hex[0]!, 16)]!;
  for (let i = 1; i < hex.length; i++) {
    r = (r * r) % m;
    r = (r * r) % m;
    r = (r * r) % m;
    r = (r * r) % m;
    const d = parseInt(hex[i]!, 16);
    if (d !== 0) r = (r * table[d]!) % m;
  }
  return r;
}

/** a^-1 mod m (extended Euclid); throws when not invertible. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new RangeError('not invertible');
  return ((s0 % m) + m) % m;
}
