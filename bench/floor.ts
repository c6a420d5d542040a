/**
 * The raw noble floor of a record (the handshake's is bench/honest-floor.ts): what the cryptography alone costs,
 * with no parsing, no state machine and no I/O. puretls cannot be faster than these; the
 * ratios in the report say how much it adds on top.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { gcm } from '@noble/ciphers/aes.js';
import { randomBytes } from 'node:crypto';
import { timeLoop } from './util.js';

function u8(n: number): Uint8Array {
  return new Uint8Array(randomBytes(n));
}

export type AeadKind = 'aes-128-gcm' | 'chacha20-poly1305';

/** Raw noble AEAD throughput on 16 KiB buffers, one cipher instance per record (per nonce), as the record layer uses it. MB per CPU second. */
export function aeadFloor(kind: AeadKind, budgetMs = 1500, warmupMs = 300): { sealMBps: number; openMBps: number } {
  const key = u8(kind === 'aes-128-gcm' ? 16 : 32);
  const nonce = u8(12);
  const aad = u8(5);
  const pt = u8(16 * 1024);
  const make = kind === 'aes-128-gcm' ? gcm : chacha20poly1305;
  const ct = make(key, nonce, aad).encrypt(pt);
  // Warm up both directions until the JIT has settled (a few hundred ms, not a few calls).
  timeLoop(() => {
    make(key, nonce, aad).encrypt(pt);
    make(key, nonce, aad).decrypt(ct);
  }, warmupMs);
  const seal = timeLoop(() => void make(key, nonce, aad).encrypt(pt), budgetMs / 2);
  const open = timeLoop(() => void make(key, nonce, aad).decrypt(ct), budgetMs / 2);
  const mb = pt.length / 1e6;
  return { sealMBps: (seal.iters * mb) / (seal.ms / 1000), openMBps: (open.iters * mb) / (open.ms / 1000) };
}
