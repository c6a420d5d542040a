/**
 * The shapes that cross the crypto seam. Everything outside src/crypto/ talks in these types;
 * only src/crypto/ imports noble. (design.md: "src/crypto — the only place that imports noble".)
 */
import type { HashName } from './hash.js';

export type { HashName } from './hash.js';

export type NamedCurve = 'P-256' | 'P-384' | 'P-521';

/** RSASSA-PSS parameters (RFC 8017 §8.1, RFC 4055 §3.1). */
export interface RsaPssParams {
  hash: HashName;
  mgfHash: HashName;
  saltLength: number;
}

/** A public key from a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7). */
export type PublicKey =
  | { kind: 'ec'; curve: NamedCurve; /** SEC1 uncompressed point (0x04 || X || Y) */ point: Uint8Array; bits: number }
  | { kind: 'ed25519'; raw: Uint8Array; bits: 256 }
  | { kind: 'ed448'; raw: Uint8Array; bits: 456 }
  | {
      kind: 'rsa';
      n: bigint;
      e: bigint;
      bits: number;
      /** present when the key is an id-RSASSA-PSS key (RFC 4055): may only sign with PSS. */
      pss?: { restricted: true; params?: RsaPssParams };
    }
  | { kind: 'unsupported'; algorithm: string; bits?: number };

/** How a signature is made: the primitive plus its hash/padding parameters. */
export type SignatureAlgorithm =
  | { kind: 'ecdsa'; hash: HashName; /** TLS 1.3 binds the curve to the scheme; X.509 does not. */ curve?: NamedCurve }
  | { kind: 'rsa-pkcs1'; hash: HashName }
  | { kind: 'rsa-pss'; hash: HashName; mgfHash: HashName; saltLength: number }
  | { kind: 'ed25519' }
  | { kind: 'ed448' };

export type AeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

/** An AEAD bound to one key (RFC 5116). */
export interface Aead {
  readonly name: AeadName;
  readonly keyLength: number;
  readonly nonceLength: 12;
  readonly tagLength: 16;
  /** ciphertext || tag */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /**
   * Encrypt buf[0..length) in place and write the tag at buf[length..length+16): the record
   * layer builds each record in one buffer, with no copy after the AEAD.
   */
  sealInPlace(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, length: number): void;
  /** The plaintext, or null when authentication fails (never throws for a bad tag). */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null;
}
