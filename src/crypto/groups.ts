/**
 * Named groups for (EC)DHE key exchange, as data (RFC 8446 §4.2.7, RFC 8422 §5.1.1, RFC 7919),
 * and the key exchange itself: make a key share, and turn the peer's share into a shared secret
 * after validating it. Every invalid peer value is ILLEGAL_PARAMETER (alert illegal_parameter).
 *
 * Wire formats (RFC 8446 §4.2.8.2): X25519/X448 raw u-coordinates (RFC 7748 §5); NIST curves the
 * uncompressed SEC1 point 0x04 || X || Y; FFDHE the big-endian value left-padded to the length of p
 * (RFC 8446 §4.2.8.1). Also the TLS 1.2 DHE helpers for server-chosen parameters (RFC 5246 §8.1.2).
 */
import { NIST } from './nist.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { x448 } from '@noble/curves/ed448.js';
import { tlsError } from '../errors.js';
import { FFDHE2048_P_HEX, FFDHE3072_P_HEX, FFDHE4096_P_HEX } from './ffdhe-primes.js';
import { bigIntToBytes, bytesToBigInt, modPow } from './bigint.js';
import { secureRandom, type RandomSource } from './random.js';
import type { NamedCurve } from './types.js';

export interface NamedGroup {
  readonly code: number;
  /** IANA name, e.g. x25519, secp256r1, ffdhe2048. */
  readonly name: string;
  readonly kind: 'ecdhe' | 'ffdhe';
  /** Length of a key_share's key_exchange in bytes (and of the TLS 1.2 ECPoint / dh_Ys). */
  readonly keyShareLength: number;
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

/** Every group puretls implements, in default preference order. */
export const GROUPS: readonly NamedGroup[] = /* @__PURE__ */ Object.freeze([
  { code: 0x001d, name: 'x25519', kind: 'ecdhe', keyShareLength: 32, sharedLength: 32, defaultEnabled: true },
  { code: 0x0017, name: 'secp256r1', kind: 'ecdhe', keyShareLength: 65, sharedLength: 32, curve: 'P-256', defaultEnabled: true },
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

/** By IANA name (case-insensitive); also accepts P-256/P-384/P-521 and X25519/X448. */
export function groupByName(name: string): NamedGroup | undefined {
  const n = name.trim().toLowerCase();
  const alias: Record<string, string> = { 'p-256': 'secp256r1', 'p-384': 'secp384r1', 'p-521': 'secp521r1', prime256v1: 'secp256r1' };
  const want = alias[n] ?? n;
  return GROUPS.find((g) => g.name === want);
}

/** Our half of a key exchange. `privateKey` is secret: keep it only until the shared secret is made. */
export interface KeyShare {
  readonly group: NamedGroup;
  readonly privateKey: Uint8Array;
  /** Wire format (see the module header). */
  readonly publicKey: Uint8Array;
}


function illegal(what: string) {
  return tlsError('ILLEGAL_PARAMETER', what, { alert: 'illegal_parameter' });
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
  switch (group.name) {
    case 'x25519': {
      const privateKey = random(32);
      return { group, privateKey, publicKey: x25519.getPublicKey(privateKey) };
    }
    case 'x448': {
      const privateKey = random(56);
      return { group, privateKey, publicKey: x448.getPublicKey(privateKey) };
    }
  }
  if (group.curve) {
    const c = NIST[group.curve];
    const privateKey = c.utils.randomSecretKey(random(c.lengths.seed!));
    return { group, privateKey, publicKey: c.getPublicKey(privateKey, false) };
  }
  if (group.p !== undefined && group.g !== undefined) {
    const x = dhPrivate(group.p, random);
    const len = group.keyShareLength;
    return { group, privateKey: bigIntToBytes(x, len), publicKey: bigIntToBytes(modPow(group.g, x, group.p), len) };
  }
  throw tlsError('INTERNAL', `no key exchange for group ${group.name}`);
}

/** RFC 7748 §6 / RFC 8446 §7.4.2: an all-zero X25519/X448 output MUST be rejected. */
function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}

/** Validate a peer FFDHE value: RFC 7919 §5.1 / RFC 8446 §4.2.8.1, 1 < y < p - 1. */
function checkDhPeer(y: bigint, p: bigint): void {
  if (y < 2n || y > p - 2n) throw illegal('peer Diffie-Hellman value out of range [2, p-2]');
}

/**
 * The shared secret from our share and the peer's public value, after validating it.
 * NIST curves: the X coordinate only (RFC 8446 §7.4.2). FFDHE: left-padded to the length of p
 * (RFC 8446 §7.4.1).
 */
export function computeSharedSecret(share: KeyShare, peerPublic: Uint8Array): Uint8Array {
  const group = share.group;
  if (peerPublic.length !== group.keyShareLength) {
    throw illegal(`${group.name} key share has length ${peerPublic.length}, expected ${group.keyShareLength}`);
  }
  if (group.name === 'x25519' || group.name === 'x448') {
    let z: Uint8Array;
    try {
      z = (group.name === 'x25519' ? x25519 : x448).getSharedSecret(share.privateKey, peerPublic);
    } catch {
      // noble rejects low-order points before the ladder; they would give the all-zero output.
      throw illegal(`${group.name} peer public key is a low-order point`);
    }
    if (isAllZero(z)) throw illegal(`${group.name} shared secret is all zero`); // RFC 7748 §6
    return z;
  }
  if (group.curve) {
    // RFC 8446 §4.2.8.2: only the uncompressed form (legacy_form = 4) is allowed.
    if (peerPublic[0] !== 0x04) throw illegal(`${group.name} key share is not an uncompressed point`);
    const c = NIST[group.curve];
    let z: Uint8Array;
    try {
      c.Point.fromBytes(peerPublic).assertValidity(); // on the curve, not infinity
      z = c.getSharedSecret(share.privateKey, peerPublic, true);
    } catch {
      throw illegal(`${group.name} key share is not a valid point on the curve`);
    }
    return z.slice(1); // RFC 8446 §7.4.2: the x-coordinate only
  }
  if (group.p !== undefined) {
    const y = bytesToBigInt(peerPublic);
    checkDhPeer(y, group.p);
    const z = modPow(y, bytesToBigInt(share.privateKey), group.p);
    if (z === 1n) throw illegal('Diffie-Hellman shared secret is 1');
    return bigIntToBytes(z, group.keyShareLength); // RFC 8446 §7.4.1: padded to the size of p
  }
  throw tlsError('INTERNAL', `no key exchange for group ${group.name}`);
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
  if (z === 1n) throw illegal('Diffie-Hellman shared secret is 1');
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
 * INSUFFICIENT_SECURITY (too small or unknown) or ILLEGAL_PARAMETER (nonsense values).
 */
export function validateFfdheParams(p: bigint, g: bigint, policy: FfdheParamsPolicy = {}): NamedGroup | null {
  const known = GROUPS.find((x) => x.p === p);
  if (known) {
    if (g !== known.g) throw illegal(`${known.name} prime with generator ${g}, expected ${known.g}`);
    return known;
  }
  if (p < 3n || (p & 1n) === 0n || g < 2n || g > p - 2n) throw illegal('malformed Diffie-Hellman parameters');
  const bits = p.toString(2).length;
  const minBits = policy.minBits ?? 2048;
  if (bits < minBits) {
    throw tlsError('INSUFFICIENT_SECURITY', `server Diffie-Hellman prime is ${bits} bits, need at least ${minBits}`);
  }
  if (!policy.allowUnknown) {
    throw tlsError('INSUFFICIENT_SECURITY', `server Diffie-Hellman prime (${bits} bits) is not an RFC 7919 group`);
  }
  return null;
}
