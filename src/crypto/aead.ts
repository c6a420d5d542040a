/**
 * AEADs for the record layer (RFC 5116): AES-GCM (NIST SP 800-38D, RFC 5288) and
 * ChaCha20-Poly1305 (RFC 8439), through @noble/ciphers. One object per key; each call builds a
 * one-shot noble cipher for its nonce (noble refuses nonce reuse on one instance), and passes the
 * caller's buffers straight through so the only copy is the output noble allocates.
 *
 * Also AES-CBC without padding for the TLS 1.2 CBC suites: TLS pads and checks its own padding
 * (RFC 5246 §6.2.3.2), so the cipher must not.
 */
import { cbc, gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { CryptoError } from './errors.js';
import type { Aead, AeadName } from './types.js';

const KEY_LENGTH: Record<AeadName, number> = { 'aes-128-gcm': 16, 'aes-256-gcm': 32, 'chacha20-poly1305': 32 };

type NobleAead = (key: Uint8Array, nonce: Uint8Array, aad?: Uint8Array) => {
  encrypt(data: Uint8Array, output?: Uint8Array): Uint8Array;
  decrypt(data: Uint8Array): Uint8Array;
};

const TAG_LENGTH = 16;
const NONCE_LENGTH = 12;

class NobleAeadImpl implements Aead {
  readonly nonceLength = NONCE_LENGTH;
  readonly tagLength = TAG_LENGTH;
  readonly keyLength: number;
  constructor(
    readonly name: AeadName,
    private readonly key: Uint8Array,
    private readonly cipher: NobleAead,
  ) {
    this.keyLength = key.length;
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (nonce.length !== NONCE_LENGTH) throw new CryptoError('misuse', 'aead_nonce_length', `${this.name}: nonce must be 12 bytes`);
    return this.cipher(this.key, nonce, aad).encrypt(plaintext);
  }

  sealInPlace(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, length: number): void {
    if (nonce.length !== NONCE_LENGTH) throw new CryptoError('misuse', 'aead_nonce_length', `${this.name}: nonce must be 12 bytes`);
    if (buf.length < length + TAG_LENGTH) throw new CryptoError('misuse', 'aead_no_room_for_tag', `${this.name}: no room for the tag`);
    const region = buf.subarray(0, length + TAG_LENGTH);
    if (this.name === 'chacha20-poly1305') {
      // noble's ChaCha20-Poly1305 writes into a caller's output buffer (here: over its own input).
      this.cipher(this.key, nonce, aad).encrypt(buf.subarray(0, length), region);
    } else {
      // noble's AES-GCM always allocates its output; copy it back (callers keep `buf` 4-byte aligned
      // so noble does not copy the input as well).
      region.set(this.cipher(this.key, nonce, aad).encrypt(buf.subarray(0, length)));
    }
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null {
    if (nonce.length !== NONCE_LENGTH || ciphertextAndTag.length < TAG_LENGTH) return null;
    try {
      return this.cipher(this.key, nonce, aad).decrypt(ciphertextAndTag);
    } catch {
      return null; // bad tag (noble throws): the caller raises bad_record_mac
    }
  }
}

/** An AEAD bound to `key`. Throws a CryptoError 'misuse' for a key of the wrong length (a bug, not the peer). */
export function createAead(name: AeadName, key: Uint8Array): Aead {
  const want = KEY_LENGTH[name];
  if (want === undefined) throw new CryptoError('misuse', 'unknown_aead', `unknown AEAD ${String(name)}`);
  if (key.length !== want) throw new CryptoError('misuse', 'aead_key_length', `${name}: key must be ${want} bytes, got ${key.length}`);
  // Keep our own copy: the caller may wipe or reuse its key buffer.
  const k = key.slice();
  return new NobleAeadImpl(name, k, name === 'chacha20-poly1305' ? chacha20poly1305 : gcm);
}

function checkCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array): void {
  if (key.length !== 16 && key.length !== 32) throw new CryptoError('misuse', 'cbc_key_length', 'AES-CBC key must be 16 or 32 bytes');
  if (iv.length !== 16) throw new CryptoError('misuse', 'cbc_iv_length', 'AES-CBC IV must be 16 bytes');
  if (data.length % 16 !== 0) throw new CryptoError('misuse', 'cbc_data_length', 'AES-CBC data must be a multiple of 16 bytes');
}

/** AES-CBC encryption of whole blocks, no padding added (the TLS record layer pads). */
export function aesCbcEncryptNoPad(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkCbc(key, iv, data);
  return cbc(key, iv, { disablePadding: true }).encrypt(data);
}

/** AES-CBC decryption of whole blocks, no padding removed (the TLS record layer checks it). */
export function aesCbcDecryptNoPad(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  // A peer's ciphertext that is not whole blocks: the record layer answers bad_record_mac
  // (RFC 5246 §7.2.2, not decryption_failed).
  if (data.length % 16 !== 0) throw new CryptoError('bad_ciphertext', 'cbc_not_whole_blocks', 'CBC ciphertext is not a whole number of blocks');
  checkCbc(key, iv, data);
  return cbc(key, iv, { disablePadding: true }).decrypt(data);
}
