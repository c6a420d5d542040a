/**
 * Named groups for (EC)DHE key exchange, as data (RFC 8446 §4.2.7, RFC 8422 §5.1.1, RFC 7919,
 * draft-ietf-tls-ecdhe-mlkem), and the key exchange itself: make a key share, and turn the peer's
 * share into a shared secret after validating it. Every invalid peer value is a CryptoError
 * 'invalid_public_value' (the handshake reports it as ILLEGAL_VALUE, alert illegal_parameter).
 *
 * Wire formats (RFC 8446 §4.2.8.2): X25519/X448 raw u-coordinates (RFC 7748 §5); NIST curves the
 * uncompressed SEC1 point 0x04 || X || Y; FFDHE the big-endian value left-padded to the length of p
 * (RFC 8446 §4.2.8.1). Hybrid post-quantum groups (draft-ietf-tls-ecdhe-mlkem §3): the two halves
 * concatenated, ML-KEM first for X25519MLKEM768 and the ECDH share first for the SecP*MLKEM*
 * groups, in the shares and in the shared secret alike. Also the TLS 1.2 DHE helpers for
 * server-chosen parameters (RFC 5246 §8.1.2).
 */
import { NIST } from './nist.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { x448 } from '@noble/curves/ed448.js';
import { CryptoError } from './errors.js';
import { FFDHE2048_P_HEX, FFDHE3072_P_HEX, FFDHE4096_P_HEX } from './ffdhe-primes.js';
import { bigIntToBytes, bytesToBigInt, modPow } from './bigint.js';
import { secureRandom, type RandomSource } from './random.js';
import { KEMS, type KemName } from './mlkem.js';
import { activeCrypto, OperationPending, opKey } from './provider.js';
import type { NamedCurve } from './types.js';

/** A hybrid group's halves (draft-ietf-tls-ecdhe-mlkem §3.1). */
export interface HybridParts {
  readonly kem: KemName;
  /** The ECDH half, by IANA group name. */
  readonly ecdh: 'x25519' | 'secp256r1' | 'secp384r1';
  /** True when the ML-KEM part comes first in both shares and in the shared secret. */
  readonly kemFirst: boolean;
}

export interface NamedGroup {
  readonly code: number;
  /** IANA name, e.g. x25519, secp256r1, ffdhe2048. */
  readonly name: string;
  readonly kind: 'ecdhe' | 'ffdhe' | 'hybrid';
  /** Length of our key_share's key_exchange in bytes (and of the TLS 1.2 ECPoint / dh_Ys). */
  readonly keyShareLength: number;
  /** Length of the server's key_exchange when it differs from ours (a KEM ciphertext). */
  readonly serverShareLength?: number;
  /** Only for TLS 1.3 (never listed when TLS 1.3 is disabled). */
  readonly tls13Only?: boolean;
  readonly hybrid?: HybridParts;
  /** Length of the shared secret in bytes. */
  readonly sharedLength: number;
  /** NIST curves: the curve name used for certificates. */
  readonly curve?: NamedCurve;
  /** FFDHE: the prime and generator (RFC 7919 Appendix A). */
  readonly p?: bigint;
  readonly g?: bigint;
  /** Offered when the user names no groups. */
  readonly defaultEnabled: boolean;
}

const ffdhe = (code: number, bits: number, hex: string): NamedGroup => ({
  code,
  name: `ffdhe${bits}`,
  kind: 'ffdhe',
  keyShareLength: bits / 8,
  sharedLength: bits / 8,
  p: BigInt('0x' + hex),
  g: 2n,
  defaultEnabled: false,
});

/**
 * A hybrid row (draft-ietf-tls-ecdhe-mlkem §3.1): the client share is an encapsulation key plus an
 * ECDH share (1216 / 1249 / 1665 bytes), the server's a ciphertext plus an ECDH share (1120 / 1153
 * / 1665), the secret 32 bytes of ML-KEM plus the ECDH secret.
 */
const hybrid = (code: number, name: string, parts: HybridParts, lengths: [client: number, server: number, shared: number]): NamedGroup => ({
  code,
  name,
  kind: 'hybrid',
  keyShareLength: lengths[0],
  serverShareLength: lengths[1],
  sharedLength: lengths[2],
  tls13Only: true,
  hybrid: parts,
  defaultEnabled: true,
});

/** Every group puretls implements, in default preference order. */
export const GROUPS: readonly NamedGroup[] = /* @__PURE__ */ Object.freeze([
  hybrid(0x11ec, 'X25519MLKEM768', { kem: 'ML-KEM-768', ecdh: 'x25519', kemFirst: true }, [1216, 1120, 64]),
  { code: 0x001d, name: 'x25519', kind: 'ecdhe', keyShareLength: 32, sharedLength: 32, defaultEnabled: true },
  hybrid(0x11eb, 'SecP256r1MLKEM768', { kem: 'ML-KEM-768', ecdh: 'secp256r1', kemFirst: false }, [1249, 1153, 64]),
  { code: 0x0017, name: 'secp256r1', kind: 'ecdhe', keyShareLength: 65, sharedLength: 32, curve: 'P-256', defaultEnabled: true },
  hybrid(0x11ed, 'SecP384r1MLKEM1024', { kem: 'ML-KEM-1024', ecdh: 'secp384r1', kemFirst: false }, [1665, 1665, 80]),
  { code: 0x0018, name: 'secp384r1', kind: 'ecdhe', keyShareLength: 97, sharedLength: 48, curve: 'P-384', defaultEnabled: true },
  { code: 0x0019, name: 'secp521r1', kind: 'ecdhe', keyShareLength: 133, sharedLength: 66, curve: 'P-521', defaultEnabled: true },
  { code: 0x001e, name: 'x448', kind: 'ecdhe', keyShareLength: 56, sharedLength: 56, defaultEnabled: true },
  ffdhe(0x0100, 2048, FFDHE2048_P_HEX),
  ffdhe(0x0101, 3072, FFDHE3072_P_HEX),
  ffdhe(0x0102, 4096, FFDHE4096_P_HEX),
] as NamedGroup[]);

export function groupByCode(code: number): NamedGroup | undefined {
  return GROUPS.find((g) => g.code === code);
}

/** By IANA name (case-insensitive); also accepts P-256/P-384/P-521, prime256v1 and `0x11ec`-style code points. */
export function groupByName(name: string): NamedGroup | undefined {
  const n = name.trim().toLowerCase();
  if (/^0x[0-9a-f]{1,4}$/.test(n)) return groupByCode(Number(n));
  const alias: Record<string, string> = { 'p-256': 'secp256r1', 'p-384': 'secp384r1', 'p-521': 'secp521r1', prime256v1: 'secp256r1' };
  const want = alias[n] ?? n;
  return GROUPS.find((g) => g.name.toLowerCase() === want);
}

/** Whether puretls implements this named group (IANA name such as `X25519MLKEM768`, `0x11ec`, or a number). */
export function isGroupSupported(nameOrCode: string | number): boolean {
  return (typeof nameOrCode === 'number' ? groupByCode(nameOrCode) : typeof nameOrCode === 'string' ? groupByName(nameOrCode) : undefined) !== undefined;
}

/** Our half of a key exchange. `privateKey` is secret: keep it only until the shared secret is made. */
export interface KeyShare {
  readonly group: NamedGroup;
  /** The (EC)DH private key; for a hybrid group the ML-KEM decapsulation key. */
  readonly privateKey: Uint8Array;
  /** Wire format (see the module header). */
  readonly publicKey: Uint8Array;
  /** A hybrid group's ECDH half: the share of that plain group. */
  readonly ecdh?: KeyShare;
}


function illegal(reason: string, what: string): CryptoError {
  return new CryptoError('invalid_public_value', reason, what);
}

const byteLen = (p: bigint) => Math.ceil(p.toString(16).length / 2);

/**
 * A private exponent for FFDHE. RFC 7919 §5.2: at least twice the security level in bits
 * (225/275/325 bits for ffdhe2048/3072/4096); 512 bits keeps the BigInt modpow fast.
 */
function dhPrivate(p: bigint, random: RandomSource): bigint {
  const bytes = Math.min(64, byteLen(p) - 1);
  const x = bytesToBigInt(random(bytes)) | (1n << BigInt(bytes * 8 - 1));
  return x;
}

/** Make our key share for `group`. */
export function generateKeyShare(group: NamedGroup, random: RandomSource = secureRandom): KeyShare {
  return generateKeyShares([group], random)[0]!;
}

/**
 * Key shares for `groups`, in order. A hybrid share and a plain share of its ECDH group use the
 * same ECDH key, as Go's client does for X25519MLKEM768 beside x25519: the ECDH key is made once
 * (draft-ietf-tls-hybrid-design §3.2 allows reusing it across shares of one ClientHello).
 */
export function generateKeyShares(groups: readonly NamedGroup[], random: RandomSource = secureRandom): KeyShare[] {
  const plain = new Map<string, KeyShare>();
  const plainShare = (g: NamedGroup): KeyShare => {
    let s = plain.get(g.name);
    if (!s) plain.set(g.name, (s = generatePlainShare(g, random)));
    return s;
  };
  return groups.map((g) => {
    if (!g.hybrid) return plainShare(g);
    const ecdh = plainShare(groupByName(g.hybrid.ecdh)!);
    // FIPS 203 Algorithm 19: the seed d || z comes from the random source.
    const { encapsulationKey, decapsulationKey } = KEMS[g.hybrid.kem].keygen(random(64));
    const publicKey = g.hybrid.kemFirst ? concat(encapsulationKey, ecdh.publicKey) : concat(ecdh.publicKey, encapsulationKey);
    return { group: g, privateKey: decapsulationKey, publicKey, ecdh };
  });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * X25519 public keys, cheap for a short-lived process. noble's `x25519.getPublicKey` multiplies on
 * Ed25519's base-point table, which it builds on first use (tens of ms: most of a one-shot
 * `puretls connect`'s crypto); the Montgomery ladder with u = 9 (RFC 7748 §5, §6.1) gives the same
 * key for about one ladder's cost without a table. The first X25519_LADDER_KEYS keys of a process
 * use the ladder; after that the table has paid for itself and is used.
 */
export const X25519_LADDER_KEYS = 32;
const X25519_BASE_U = /* @__PURE__ */ (() => {
  const u = new Uint8Array(32);
  u[0] = 9;
  return u;
})();
let x25519KeysMade = 0;
function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  x25519KeysMade++;
  return x25519KeysMade <= X25519_LADDER_KEYS ? x25519.scalarMult(privateKey, X25519_BASE_U) : x25519.getPublicKey(privateKey);
}

/** The public value by an asynchronous provider (provider.ts), or undefined: noble computes it. */
function providerPublic(group: NamedGroup, privateKey: Uint8Array): Uint8Array | undefined {
  return activeCrypto()?.call(opKey(`keygen ${group.name}`), `${group.name} key pair`, (p) => p.ecdhPublicKey(group.name, privateKey));
}

function generatePlainShare(group: NamedGroup, random: RandomSource): KeyShare {
  switch (group.name) {
    case 'x25519': {
      const privateKey = random(32);
      return { group, privateKey, publicKey: providerPublic(group, privateKey) ?? x25519PublicKey(privateKey) };
    }
    case 'x448': {
      const privateKey = random(56);
      return { group, privateKey, publicKey: x448.getPublicKey(privateKey) };
    }
  }
  if (group.curve) {
    const c = NIST[group.curve];
    const privateKey = c.utils.randomSecretKey(random(c.lengths.seed!));
    return { group, privateKey, publicKey: providerPublic(group, privateKey) ?? c.getPublicKey(privateKey, false) };
  }
  if (group.p !== undefined && group.g !== undefined) {
    const x = dhPrivate(group.p, random);
    const len = group.keyShareLength;
    return { group, privateKey: bigIntToBytes(x, len), publicKey: bigIntToBytes(modPow(group.g, x, group.p), len) };
  }
  throw new CryptoError('misuse', 'no_key_exchange', `no key exchange for group ${group.name}`);
}

/** The ECDH shared secret by an asynchronous provider (NIST: the x-coordinate), or undefined. */
function providerShared(share: KeyShare, peerPublic: Uint8Array): Uint8Array | undefined {
  return activeCrypto()?.call(opKey(`ecdh ${share.group.name}`, peerPublic), `${share.group.name} shared secret`, (p) => p.ecdhShared(share.group.name, share.privateKey, peerPublic));
}

/** RFC 7748 §6 / RFC 8446 §7.4.2: an all-zero X25519/X448 output MUST be rejected. */
function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}

/** Validate a peer FFDHE value: RFC 7919 §5.1 / RFC 8446 §4.2.8.1, 1 < y < p - 1. */
function checkDhPeer(y: bigint, p: bigint): void {
  if (y < 2n || y > p - 2n) throw illegal('dh_value_out_of_range', 'peer Diffie-Hellman value out of range [2, p-2]');
}

/**
 * The shared secret from our share and the peer's public value, after validating it.
 * NIST curves: the X coordinate only (RFC 8446 §7.4.2). FFDHE: left-padded to the length of p
 * (RFC 8446 §7.4.1).
 */
export function computeSharedSecret(share: KeyShare, peerPublic: Uint8Array): Uint8Array {
  const group = share.group;
  const expected = group.serverShareLength ?? group.keyShareLength;
  // draft-ietf-tls-ecdhe-mlkem §3.1: "the client MUST check if the ciphertext length matches the
  // selected group, and abort with an illegal_parameter alert if it fails".
  if (peerPublic.length !== expected) {
    throw illegal('key_share_length', `${group.name} key share has length ${peerPublic.length}, expected ${expected}`);
  }
  if (group.hybrid) return hybridSharedSecret(share, group.hybrid, peerPublic);
  if (group.name === 'x25519' || group.name === 'x448') {
    let z: Uint8Array;
    try {
      z = providerShared(share, peerPublic) ?? (group.name === 'x25519' ? x25519 : x448).getSharedSecret(share.privateKey, peerPublic);
    } catch (e) {
      if (e instanceof OperationPending) throw e; // the provider's operation: not a failure
      // noble rejects low-order points before the ladder; they would give the all-zero output.
      throw illegal('low_order_point', `${group.name} peer public key is a low-order point`);
    }
    if (isAllZero(z)) throw illegal('shared_secret_zero', `${group.name} shared secret is all zero`); // RFC 7748 §6
    return z;
  }
  if (group.curve) {
    // RFC 8446 §4.2.8.2: only the uncompressed form (legacy_form = 4) is allowed.
    if (peerPublic[0] !== 0x04) throw illegal('point_not_uncompressed', `${group.name} key share is not an uncompressed point`);
    const c = NIST[group.curve];
    let z: Uint8Array;
    try {
      c.Point.fromBytes(peerPublic).assertValidity(); // on the curve, not infinity
      const x = providerShared(share, peerPublic);
      if (x) return x; // the x-coordinate already
      z = c.getSharedSecret(share.privateKey, peerPublic, true);
    } catch (e) {
      if (e instanceof OperationPending) throw e; // the provider's operation: not a failure
      throw illegal('point_not_on_curve', `${group.name} key share is not a valid point on the curve`);
    }
    return z.slice(1); // RFC 8446 §7.4.2: the x-coordinate only
  }
  if (group.p !== undefined) {
    const y = bytesToBigInt(peerPublic);
    checkDhPeer(y, group.p);
    const z = modPow(y, bytesToBigInt(share.privateKey), group.p);
    if (z === 1n) throw illegal('dh_shared_secret_one', 'Diffie-Hellman shared secret is 1');
    return bigIntToBytes(z, group.keyShareLength); // RFC 8446 §7.4.1: padded to the size of p
  }
  throw new CryptoError('misuse', 'no_key_exchange', `no key exchange for group ${group.name}`);
}

/**
 * draft-ietf-tls-ecdhe-mlkem §3.1-§3.2: split the server share, check the ECDH half as RFC 8446
 * §4.2.8.2 and §7.4.2 say (illegal_parameter, the X25519 all-zero check included), decapsulate
 * the ciphertext ("if ML-KEM decapsulation fails for any other reason ... internal_error"), and
 * concatenate the two secrets in the group's order.
 */
function hybridSharedSecret(share: KeyShare, parts: HybridParts, peerPublic: Uint8Array): Uint8Array {
  const kem = KEMS[parts.kem];
  const ecdh = share.ecdh!;
  const ctLen = kem.ciphertextLength;
  const ct = parts.kemFirst ? peerPublic.subarray(0, ctLen) : peerPublic.subarray(peerPublic.length - ctLen);
  const ecdhPublic = parts.kemFirst ? peerPublic.subarray(ctLen) : peerPublic.subarray(0, peerPublic.length - ctLen);
  let ecdhShared: Uint8Array;
  try {
    ecdhShared = computeSharedSecret(ecdh, ecdhPublic);
  } catch (e) {
    throw e instanceof CryptoError && e.kind === 'invalid_public_value' ? illegal(e.reason, `${share.group.name}: ${e.message}`) : e;
  }
  let kemShared: Uint8Array;
  try {
    kemShared = kem.decapsulate(ct, share.privateKey);
  } catch (e) {
    throw new CryptoError('operation_failed', 'kem_decapsulation_failed', `${share.group.name}: ${kem.name} decapsulation failed (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  return parts.kemFirst ? concat(kemShared, ecdhShared) : concat(ecdhShared, kemShared);
}

/**
 * The server's half of a key exchange (what a TLS 1.3 server does with the client's share): its
 * own share and the shared secret. ECDH: a fresh key pair; hybrid groups: an ECDH key pair plus an
 * ML-KEM encapsulation to the client's key (FIPS 203 §7.2 checks it). The test servers use it.
 */
export function respondToKeyShare(group: NamedGroup, clientPublic: Uint8Array, random: RandomSource = secureRandom): { publicKey: Uint8Array; shared: Uint8Array } {
  if (clientPublic.length !== group.keyShareLength) throw illegal('key_share_length', `${group.name} client key share has length ${clientPublic.length}, expected ${group.keyShareLength}`);
  if (!group.hybrid) {
    const mine = generatePlainShare(group, random);
    return { publicKey: mine.publicKey, shared: computeSharedSecret(mine, clientPublic) };
  }
  const parts = group.hybrid;
  const kem = KEMS[parts.kem];
  const ekLen = kem.encapsulationKeyLength;
  const ek = parts.kemFirst ? clientPublic.subarray(0, ekLen) : clientPublic.subarray(clientPublic.length - ekLen);
  const ecdhClient = parts.kemFirst ? clientPublic.subarray(ekLen) : clientPublic.subarray(0, clientPublic.length - ekLen);
  const ecdh = respondToKeyShare(groupByName(parts.ecdh)!, ecdhClient, random);
  let enc: { ciphertext: Uint8Array; shared: Uint8Array };
  try {
    enc = kem.encapsulate(ek, random(32));
  } catch {
    throw illegal('kem_key_invalid', `${group.name}: the ${kem.name} encapsulation key fails the FIPS 203 §7.2 modulus check`);
  }
  return parts.kemFirst
    ? { publicKey: concat(enc.ciphertext, ecdh.publicKey), shared: concat(enc.shared, ecdh.shared) }
    : { publicKey: concat(ecdh.publicKey, enc.ciphertext), shared: concat(ecdh.shared, enc.shared) };
}

// ---- TLS 1.2 DHE with server-chosen parameters (RFC 5246 §7.4.3, §8.1.2) ----

export interface DhKeyPair {
  readonly p: bigint;
  readonly g: bigint;
  readonly privateKey: Uint8Array;
  /** dh_Yc: big-endian, left-padded to the length of p. */
  readonly publicKey: Uint8Array;
}

/** Our half of a TLS 1.2 DHE exchange with the server's (p, g). Validate them first with validateFfdheParams. */
export function dhGenerate(p: bigint, g: bigint, random: RandomSource = secureRandom): DhKeyPair {
  const len = byteLen(p);
  const x = dhPrivate(p, random);
  return { p, g, privateKey: bigIntToBytes(x, len), publicKey: bigIntToBytes(modPow(g, x, p), len) };
}

/**
 * The TLS 1.2 DHE pre-master secret. RFC 5246 §8.1.2: "Leading bytes of Z that contain all zero
 * bits are stripped before it is used as the pre_master_secret."
 */
export function dhShared(kp: DhKeyPair, peerPublic: Uint8Array): Uint8Array {
  const y = bytesToBigInt(peerPublic);
  checkDhPeer(y, kp.p);
  const z = modPow(y, bytesToBigInt(kp.privateKey), kp.p);
  if (z === 1n) throw illegal('dh_shared_secret_one', 'Diffie-Hellman shared secret is 1');
  const padded = bigIntToBytes(z, byteLen(kp.p));
  let i = 0;
  while (i < padded.length - 1 && padded[i] === 0) i++;
  return padded.slice(i);
}

export interface FfdheParamsPolicy {
  /** Smallest prime accepted, in bits. Default 2048 (RFC 7919 §1: weaker groups are in use and unsafe). */
  minBits?: number;
  /** Accept primes that are not one of the RFC 7919 groups. Default false. */
  allowUnknown?: boolean;
}

/**
 * Check a TLS 1.2 ServerKeyExchange's (p, g). Returns the RFC 7919 group when p and g are one of
 * them; null for an accepted unknown prime (only with `allowUnknown`); otherwise throws
 * a CryptoError: 'weak_group' (too small or unknown) or 'malformed_group' (nonsense values).
 */
export function validateFfdheParams(p: bigint, g: bigint, policy: FfdheParamsPolicy = {}): NamedGroup | null {
  const known = GROUPS.find((x) => x.p === p);
  if (known) {
    if (g !== known.g) throw new CryptoError('malformed_group', 'dh_wrong_generator', `${known.name} prime with generator ${g}, expected ${known.g}`);
    return known;
  }
  if (p < 3n || (p & 1n) === 0n || g < 2n || g > p - 2n) throw new CryptoError('malformed_group', 'dh_params_malformed', 'malformed Diffie-Hellman parameters');
  const bits = p.toString(2).length;
  const minBits = policy.minBits ?? 2048;
  if (bits < minBits) {
    throw new CryptoError('weak_group', 'dh_prime_too_small', `server Diffie-Hellman prime is ${bits} bits, need at least ${minBits}`);
  }
  if (!policy.allowUnknown) {
    throw new CryptoError(
      'weak_group',
      'dh_prime_unknown',
      `server Diffie-Hellman prime (${bits} bits) is neither an RFC 7919 nor an RFC 3526 group: an unknown prime cannot be checked to be a safe prime here, so it is refused`,
    );
  }
  return null;
}
