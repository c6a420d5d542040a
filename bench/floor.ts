/**
 * The raw noble floors: what the cryptography alone of a handshake and of a record costs,
 * with no parsing, no state machine and no I/O. puretls cannot be faster than these; the
 * ratios in the report say how much it adds on top.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { gcm } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from 'node:crypto';
import { cpuNowMs, timeLoop } from './util.js';

function u8(n: number): Uint8Array {
  return new Uint8Array(randomBytes(n));
}

/**
 * One TLS 1.3 full handshake's cryptography (client side, x25519, P-256 chain of two):
 * x25519 keygen + shared secret; two P-256 ECDSA verifications (CertificateVerify, the leaf's
 * signature by the CA), each hashing its input with SHA-256; the transcript hashes; the key
 * schedule (RFC 8446 §7.1: 3 extracts, 7 Derive-Secrets) and traffic keys (4 × key + iv),
 * two finished keys and two Finished HMACs.
 */
export function handshakeFloor(warmup = 20, budgetMs = 2000): { ms: number; iters: number } {
  const serverKey = x25519.keygen();
  const leafKey = p256.keygen();
  const caKey = p256.keygen();
  // CertificateVerify content: 64 spaces, the context string, a zero, the transcript hash.
  const cvContent = new Uint8Array([...new Uint8Array(64).fill(0x20), ...new TextEncoder().encode('TLS 1.3, server CertificateVerify'), 0, ...u8(32)]);
  const tbs = u8(420); // a leaf's TBSCertificate, about this size
  const cvSig = p256.sign(cvContent, leafKey.secretKey);
  const certSig = p256.sign(tbs, caKey.secretKey);
  const transcript = u8(1800); // ClientHello .. server Finished, roughly
  const zeros = new Uint8Array(32);
  const label = (l: string, ctx: Uint8Array, len: number) => {
    const lb = new TextEncoder().encode('tls13 ' + l);
    return new Uint8Array([len >> 8, len & 0xff, lb.length, ...lb, ctx.length, ...ctx]);
  };
  const one = () => {
    const kp = x25519.keygen();
    const shared = x25519.getSharedSecret(kp.secretKey, serverKey.publicKey);
    if (!p256.verify(cvSig, cvContent, leafKey.publicKey)) throw new Error('floor: verify failed');
    if (!p256.verify(certSig, tbs, caKey.publicKey)) throw new Error('floor: verify failed');
    // Transcript hashes at ServerHello, CertificateVerify, server Finished, client Finished.
    const h1 = sha256(transcript.subarray(0, 400));
    sha256(transcript.subarray(0, 1500));
    const h3 = sha256(transcript.subarray(0, 1750));
    sha256(transcript);
    const empty = sha256(new Uint8Array(0));
    const early = extract(sha256, zeros, zeros);
    const d1 = expand(sha256, early, label('derived', empty, 32), 32);
    const hs = extract(sha256, shared, d1);
    const chs = expand(sha256, hs, label('c hs traffic', h1, 32), 32);
    const shs = expand(sha256, hs, label('s hs traffic', h1, 32), 32);
    const d2 = expand(sha256, hs, label('derived', empty, 32), 32);
    const ms = extract(sha256, zeros, d2);
    const cap = expand(sha256, ms, label('c ap traffic', h3, 32), 32);
    const sap = expand(sha256, ms, label('s ap traffic', h3, 32), 32);
    expand(sha256, ms, label('exp master', h3, 32), 32);
    for (const s of [chs, shs, cap, sap]) {
      expand(sha256, s, label('key', new Uint8Array(0), 16), 16);
      expand(sha256, s, label('iv', new Uint8Array(0), 12), 12);
    }
    const sfk = expand(sha256, shs, label('finished', new Uint8Array(0), 32), 32);
    const cfk = expand(sha256, chs, label('finished', new Uint8Array(0), 32), 32);
    hmac(sha256, sfk, h3);
    hmac(sha256, cfk, h3);
  };
  for (let i = 0; i < warmup; i++) one();
  // Mean CPU time per iteration, garbage collection included (as for the clients it is
  // compared with; the machine may be shared, and this code is synchronous).
  let iters = 0;
  const c0 = cpuNowMs();
  while (cpuNowMs() - c0 < budgetMs || iters < 5) {
    one();
    iters++;
  }
  return { ms: (cpuNowMs() - c0) / iters, iters };
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
