/**
 * Hashes, HMAC and HKDF (RFC 2104, RFC 5869) through @noble/hashes, behind names the rest of
 * puretls uses ('sha256' | 'sha384' | 'sha512' | 'sha1'). The running hash has `clone()` so the
 * TLS transcript can be snapshotted at each step (RFC 8446 §4.4.1).
 */
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { extract, expand } from '@noble/hashes/hkdf.js';

export type HashName = 'sha256' | 'sha384' | 'sha512' | 'sha1';

const HASHES = { sha256, sha384, sha512, sha1 } as const;

/** Output length in bytes. */
export const HASH_LEN: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64, sha1: 20 };

export interface RunningHash {
  update(data: Uint8Array): RunningHash;
  /** The digest so far; the hash stays usable. */
  digest(): Uint8Array;
  clone(): RunningHash;
}

type NobleHashInstance = ReturnType<typeof sha256.create>;

class NobleRunningHash implements RunningHash {
  constructor(private readonly h: NobleHashInstance) {}
  update(data: Uint8Array): RunningHash {
    this.h.update(data);
    return this;
  }
  digest(): Uint8Array {
    return this.h.clone().digest();
  }
  clone(): RunningHash {
    return new NobleRunningHash(this.h.clone());
  }
}

export function nobleHash(name: HashName) {
  const h = HASHES[name];
  if (!h) throw new TypeError(`unknown hash ${String(name)}`);
  return h;
}

export function createHash(name: HashName): RunningHash {
  return new NobleRunningHash(nobleHash(name).create() as NobleHashInstance);
}

export function hash(name: HashName, data: Uint8Array): Uint8Array {
  return nobleHash(name)(data);
}

export function hmac(name: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return nobleHmac(nobleHash(name), key, data);
}

/** An incremental HMAC (for the TLS 1.2 PRF and CBC record MACs). */
export function createHmac(name: HashName, key: Uint8Array) {
  return nobleHmac.create(nobleHash(name), key);
}

/** RFC 5869 §2.2 HKDF-Extract. */
export function hkdfExtract(name: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return extract(nobleHash(name), ikm, salt);
}

/** RFC 5869 §2.3 HKDF-Expand. */
export function hkdfExpand(name: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return expand(nobleHash(name), prk, info, length);
}
