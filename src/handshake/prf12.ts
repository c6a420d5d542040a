/**
 * The TLS 1.2 pseudorandom function and what is derived with it.
 *
 * RFC 5246 §5:
 *     P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + ...
 *     A(0) = seed; A(i) = HMAC_hash(secret, A(i-1))
 *     PRF(secret, label, seed) = P_<hash>(secret, label + seed)
 * The hash is SHA-256, or the suite's PRF hash (SHA-384 for the *_SHA384 suites).
 *
 * master_secret (RFC 5246 §8.1), extended master secret (RFC 7627 §4), key_block (§6.3),
 * Finished verify_data (§7.4.9, 12 bytes) and exporters (RFC 5705 §4).
 */
import { type HashName, createHmac, hmac } from '../crypto/hash.js';
import { concat, utf8 } from '../wire/bytes.js';

/** PRF(secret, label, seed) truncated to `length` bytes. */
export function prf12(h: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = concat(utf8(label), seed);
  const out = new Uint8Array(length);
  let a = labelSeed; // A(0)
  let o = 0;
  while (o < length) {
    a = hmac(h, secret, a); // A(i)
    const block = createHmac(h, secret).update(a).update(labelSeed).digest();
    const n = Math.min(block.length, length - o);
    out.set(block.subarray(0, n), o);
    o += n;
  }
  return out;
}

/** RFC 5246 §8.1: master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]. */
export function masterSecret12(h: HashName, pms: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Uint8Array {
  return prf12(h, pms, 'master secret', concat(clientRandom, serverRandom), 48);
}

/**
 * RFC 7627 §4: master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47],
 * session_hash = Hash(handshake messages up to and including ClientKeyExchange).
 */
export function extendedMasterSecret12(h: HashName, pms: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  return prf12(h, pms, 'extended master secret', sessionHash, 48);
}

/** RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random). */
export function keyBlock12(h: HashName, masterSecret: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, length: number): Uint8Array {
  return prf12(h, masterSecret, 'key expansion', concat(serverRandom, clientRandom), length);
}

export interface KeyBlock12 {
  clientMacKey: Uint8Array;
  serverMacKey: Uint8Array;
  clientKey: Uint8Array;
  serverKey: Uint8Array;
  clientIv: Uint8Array;
  serverIv: Uint8Array;
}

/**
 * RFC 5246 §6.3: client_write_MAC_key, server_write_MAC_key, client_write_key, server_write_key,
 * client_write_IV, server_write_IV, in that order. (For AEAD suites macLen = 0 and ivLen is the
 * implicit nonce part: 4 for AES-GCM (RFC 5288 §3), 12 for ChaCha20-Poly1305 (RFC 7905 §2).)
 */
export function deriveKeyBlock12(
  h: HashName,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  macLen: number,
  keyLen: number,
  ivLen: number,
): KeyBlock12 {
  const kb = keyBlock12(h, masterSecret, clientRandom, serverRandom, 2 * (macLen + keyLen + ivLen));
  let o = 0;
  const take = (n: number) => kb.slice(o, (o += n));
  return {
    clientMacKey: take(macLen),
    serverMacKey: take(macLen),
    clientKey: take(keyLen),
    serverKey: take(keyLen),
    clientIv: take(ivLen),
    serverIv: take(ivLen),
  };
}

/** RFC 5246 §7.4.9: verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]. */
export function finished12(
  h: HashName,
  masterSecret: Uint8Array,
  label: 'client finished' | 'server finished',
  transcriptHash: Uint8Array,
): Uint8Array {
  return prf12(h, masterSecret, label, transcriptHash, 12);
}

/**
 * RFC 5705 §4: PRF(master_secret, label, client_random + server_random [+ context_value_length + context_value]).
 * `context` undefined = no context (distinct from an empty one).
 */
export function exportKeyingMaterial12(
  h: HashName,
  masterSecret: Uint8Array,
  label: string,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  context: Uint8Array | undefined,
  length: number,
): Uint8Array {
  let seed = concat(clientRandom, serverRandom);
  if (context !== undefined) {
    if (context.length > 0xffff) throw new RangeError('exporter context longer than 2^16-1');
    seed = concat(seed, Uint8Array.of(context.length >>> 8, context.length & 0xff), context);
  }
  return prf12(h, masterSecret, label, seed, length);
}
