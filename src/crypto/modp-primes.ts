/**
 * The RFC 3526 "More Modular Exponential (MODP) Diffie-Hellman groups" of 2048 bits and up
 * (groups 14-18, generator 2): the default DH parameters of many TLS 1.2 servers (OpenSSL's
 * `modp_2048`, Apache and nginx configurations). Each prime is defined by RFC 3526 as
 *
 *     p = 2^n - 2^(n-64) - 1 + 2^64 * ( [2^(n-130) pi] + k )
 *
 * and is a safe prime (p = 2q + 1, q prime). They are derived here from that formula — pi to
 * n bits by Machin's formula in BigInt — rather than pasted as 16 KB of hex; the test suite
 * checks each one against OpenSSL's built-in copy (`openssl genpkey -genparam ... group:modp_N`).
 */

/** n bits of the group → the RFC 3526 constant k. */
const K: ReadonlyArray<readonly [number, bigint]> = [
  [2048, 124476n],
  [3072, 1690314n],
  [4096, 240904n],
  [6144, 929484n],
  [8192, 4743158n],
];

/** floor(atan(1/x) * 2^bits), by the alternating Taylor series. */
function atanInv(x: bigint, bits: bigint): bigint {
  const one = 1n << bits;
  let term = one / x;
  const x2 = x * x;
  let sum = term;
  for (let k = 1n; term !== 0n; k++) {
    term /= x2;
    const t = term / (2n * k + 1n);
    sum += k % 2n === 1n ? -t : t;
  }
  return sum;
}

/** floor(pi * 2^bits) (Machin: pi = 16 atan(1/5) - 4 atan(1/239)), with guard bits. */
function piScaled(bits: number): bigint {
  const guard = 64n;
  const b = BigInt(bits) + guard;
  return (16n * atanInv(5n, b) - 4n * atanInv(239n, b)) >> guard;
}

export interface ModpGroup {
  /** `modp2048` ... `modp8192` (RFC 3526 groups 14-18). */
  readonly name: string;
  readonly bits: number;
  readonly p: bigint;
  readonly g: bigint;
}

let cache: ModpGroup[] | undefined;

/** The RFC 3526 groups of 2048 to 8192 bits (computed once, on first use). */
export function modpGroups(): readonly ModpGroup[] {
  if (cache) return cache;
  cache = K.map(([n, k]) => {
    const N = BigInt(n);
    const p = (1n << N) - (1n << (N - 64n)) - 1n + (1n << 64n) * (piScaled(n - 130) + k);
    return { name: `modp${n}`, bits: n, p, g: 2n };
  });
  return cache;
}

/** The RFC 3526 group with this prime, if any. */
export function modpGroupByPrime(p: bigint): ModpGroup | undefined {
  // Cheap test first: every RFC 3526 prime starts and ends with 64 one bits.
  const bits = p.toString(2).length;
  if (bits < 2048 || (p & 0xffffffffffffffffn) !== 0xffffffffffffffffn) return undefined;
  return modpGroups().find((g) => g.p === p);
}
