/**
 * The honest floor of a TLS 1.3 handshake: exactly the primitive operations the client performed
 * on one real connection, counted from that connection's own trace, done again with raw noble and
 * timed. The old floor assumed two plain P-256 verifications; the client verifies the CA-signed
 * leaf with a precomputed table for the anchor's key, so its core could come out "below" the
 * floor. Counted here, per handshake:
 *   - key shares: one key pair per distinct ECDH key in the ClientHello (`keyShares` of the
 *     client_hello event; a hybrid share adds an ML-KEM key pair and reuses the ECDH key), one
 *     shared secret for the group agreed (`info.group`; hybrid: plus one decapsulation);
 *   - signatures: CertificateVerify (the `check` event names the scheme; the leaf's key is new, so
 *     no table), and one verification per certificate below the anchor (`verify.certificates`),
 *     done on the real certificate with the issuer's key — with a window table when the issuer
 *     is a configured certificate (the trust anchor), as the client does (src/crypto/signature.ts);
 *   - hashes: the transcript bytes (every `message` event, both ways) through SHA-256 once, one
 *     digest per transcript snapshot the key schedule and the Finished/CertificateVerify use;
 *   - HKDF: one HMAC per HKDF-Extract and Derive-Secret in the `key` events, key + iv per
 *     installed traffic key, the two finished keys and the two Finished HMACs;
 *   - records: one AEAD open or seal per protected record (`record` events), of its size.
 * The floor runs in the same process as the clients it is compared with, interleaved, so the
 * ratio cannot fall below 1 unless the client skips work.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { ClientConnection } from '../src/connection.js';
import type { ClientOptions, HandshakeInfo, TraceEvent } from '../src/types.js';
import { parseCertificate } from '../src/x509/certificate.js';
import { loadCertificates } from '../src/x509/pem.js';

export interface HandshakeOps {
  keyPairs: string[];
  agreed: string;
  /** Verifications: the message, signature (DER) and key, and whether the client has a table for the key. */
  verifies: Array<{ what: string; table: boolean; curve: 'P-256' | 'P-384'; hash: 'sha256' | 'sha384'; message: Uint8Array; signature: Uint8Array; point: Uint8Array }>;
  transcriptBytes: number;
  snapshots: number;
  hmacs: number;
  records: Array<{ direction: 'sent' | 'received'; plaintext: number }>;
  aead: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  hash: 'sha256' | 'sha384';
}

/** Run one handshake to 127.0.0.1:port with these options, record the server's bytes and count the work from the trace. */
export async function recordHandshake(port: number, options: ClientOptions): Promise<{ ops: HandshakeOps; flight: Uint8Array; info: HandshakeInfo }> {
  const events: TraceEvent[] = [];
  const chunks: Buffer[] = [];
  const conn = new ClientConnection({ ...options, onEvent: (e) => events.push(e) });
  await new Promise<void>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(conn.takeOutput()!));
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      try {
        conn.feed(d);
      } catch (e) {
        s.destroy();
        reject(e);
        return;
      }
      const o = conn.takeOutput();
      if (o) s.write(o);
      if (conn.handshakeComplete) {
        s.destroy();
        resolve();
      }
    });
    s.once('error', reject);
  });
  const info = conn.info!;
  return { ops: countOps(events, info, options), flight: new Uint8Array(Buffer.concat(chunks)), info };
}

function countOps(events: TraceEvent[], info: HandshakeInfo, options: ClientOptions): HandshakeOps {
  const hello = events.find((e) => e.type === 'message' && e.direction === 'sent' && e.name === 'client_hello') as Extract<TraceEvent, { type: 'message' }>;
  const shares = (hello.summary.keyShares as string[]) ?? [];
  // A hybrid share reuses the plain share's ECDH key (src/crypto/groups.ts generateKeyShares).
  const ecdh = new Set<string>();
  const keyPairs: string[] = [];
  for (const g of shares) {
    const part = g === 'X25519MLKEM768' ? 'x25519' : g;
    if (g === 'X25519MLKEM768') keyPairs.push('ML-KEM-768');
    if (!ecdh.has(part)) (ecdh.add(part), keyPairs.push(part));
  }
  const messages = events.filter((e): e is Extract<TraceEvent, { type: 'message' }> => e.type === 'message' && e.name !== 'change_cipher_spec');
  const keys = events.filter((e): e is Extract<TraceEvent, { type: 'key' }> => e.type === 'key');
  const extracts = keys.filter((k) => k.from.startsWith('HKDF-Extract')).length;
  const derivedInExtract = keys.filter((k) => k.from.startsWith('HKDF-Extract(Derive-Secret')).length;
  const deriveSecrets = keys.filter((k) => k.from.startsWith('Derive-Secret')).length;
  const trafficKeys = keys.filter((k) => /^(read|write) key:/.test(k.label)).length;
  const contexts = new Set(keys.map((k) => /H\(([^)=]*)/.exec(k.from)?.[1]).filter(Boolean));
  const hash = info.cipher.endsWith('SHA384') ? 'sha384' : 'sha256';

  // Certificates: the chain the client verified, real data. The last entry of verify.certificates
  // is the trust anchor (not itself verified); each other one is verified with its issuer's key.
  const anchors = loadCertificates(options.ca as string, 'ca').map(parseCertificate);
  const chain = info.verify.peerCertificates.map(parseCertificate);
  const verifies: HandshakeOps['verifies'] = [];
  const reportLen = info.verify.certificates.length;
  for (let i = 0; i < reportLen - 1; i++) {
    const cert = chain[i]!;
    const issuer = i + 1 < chain.length && chain[i + 1]!.subject === cert.issuer ? chain[i + 1]! : anchors.find((a) => a.subject === cert.issuer)!;
    const configured = anchors.includes(issuer);
    const key = issuer.publicKey;
    if (key.kind !== 'ec' || (key.curve !== 'P-256' && key.curve !== 'P-384')) throw new Error(`honest floor: issuer key ${key.kind} not modelled`);
    verifies.push({ what: `certificate at depth ${i}`, table: configured, curve: key.curve, hash: key.curve === 'P-384' ? 'sha384' : 'sha256', message: cert.tbs, signature: cert.signature, point: key.point });
  }
  const cv = events.find((e) => e.type === 'check' && e.what.startsWith('CertificateVerify signature'));
  if (cv) {
    const leafKey = chain[0]!.publicKey;
    if (leafKey.kind !== 'ec' || leafKey.curve !== 'P-256') throw new Error('honest floor: only P-256 CertificateVerify is modelled');
    // Same shape as the real one: 64 spaces, the context string, 0, a transcript hash; a fresh
    // key (the client never has a table for a leaf key).
    const content = new Uint8Array([...new Uint8Array(64).fill(0x20), ...new TextEncoder().encode('TLS 1.3, server CertificateVerify'), 0, ...randomBytes(32)]);
    const sk = p256.utils.randomSecretKey();
    verifies.push({ what: 'CertificateVerify', table: false, curve: 'P-256', hash: 'sha256', message: content, signature: p256.sign(sha256(content), sk, { prehash: false, format: 'der' }), point: p256.getPublicKey(sk, false) });
  }
  const records = events
    .filter((e): e is Extract<TraceEvent, { type: 'record' }> => e.type === 'record' && e.encrypted)
    .map((r) => ({ direction: r.direction, plaintext: r.length - 5 - 16 }));
  return {
    keyPairs,
    agreed: info.group!,
    verifies,
    transcriptBytes: messages.reduce((n, m) => n + m.length, 0),
    // the key schedule's contexts + CertificateVerify content + server Finished + client Finished
    snapshots: contexts.size + 3,
    // extract = 1 HMAC; Derive-Secret / HKDF-Expand-Label of <= 32 bytes = 1 HMAC (2 for SHA-384's 48? still one block)
    hmacs: extracts + derivedInExtract + deriveSecrets + 2 * trafficKeys + 2 /* finished keys */ + 2 /* Finished MACs */,
    records,
    aead: info.cipher.includes('CHACHA20') ? 'chacha20-poly1305' : info.cipher.includes('256') ? 'aes-256-gcm' : 'aes-128-gcm',
    hash,
  };
}

const CURVES = { 'P-256': p256, 'P-384': p384 } as const;
const HASHES = { sha256, sha384 } as const;

/** A function doing exactly `ops` with raw noble (the verifications' tables made once, as the client keeps them). */
export function floorFunction(ops: HandshakeOps): () => void {
  const h = HASHES[ops.hash];
  const peerX = x25519.getPublicKey(x25519.utils.randomSecretKey());
  const peerP = (c: 'P-256' | 'P-384') => CURVES[c].getPublicKey(CURVES[c].utils.randomSecretKey(), false);
  const mlkem = ml_kem768.keygen();
  const ct = ml_kem768.encapsulate(mlkem.publicKey).cipherText;
  const verifies = ops.verifies.map((v) => {
    const c = CURVES[v.curve];
    const Q = c.Point.fromBytes(v.point);
    if (v.table) Q.precompute(4, false);
    const sig = c.Signature.fromBytes(v.signature, 'der');
    return { c, Q, sig, v, table: v.table };
  });
  const transcript = new Uint8Array(randomBytes(ops.transcriptBytes));
  const key32 = new Uint8Array(randomBytes(32));
  const aeadKey = new Uint8Array(randomBytes(ops.aead === 'aes-128-gcm' ? 16 : 32));
  const make = ops.aead === 'chacha20-poly1305' ? chacha20poly1305 : gcm;
  const nonce = new Uint8Array(12);
  const aad = new Uint8Array(5);
  const sealed = ops.records.map((r) => ({ r, ct: make(aeadKey, nonce, aad).encrypt(new Uint8Array(r.plaintext)) }));
  return () => {
    for (const k of ops.keyPairs) {
      if (k === 'x25519') x25519.getPublicKey(x25519.utils.randomSecretKey());
      else if (k === 'ML-KEM-768') ml_kem768.keygen();
      else {
        const c = CURVES[k === 'secp384r1' ? 'P-384' : 'P-256'];
        c.getPublicKey(c.utils.randomSecretKey(), false);
      }
    }
    const sk = x25519.utils.randomSecretKey();
    if (ops.agreed === 'x25519' || ops.agreed === 'X25519MLKEM768') x25519.getSharedSecret(sk, peerX);
    else p256.getSharedSecret(p256.utils.randomSecretKey(), peerP('P-256'));
    if (ops.agreed === 'X25519MLKEM768') ml_kem768.decapsulate(ct, mlkem.secretKey);
    for (const { c, Q, sig, v } of verifies) {
      // ECDSA verification as the client does it (FIPS 186-5 §6.4.2), on the point API.
      const Fn = c.Point.Fn;
      const d = HASHES[v.hash](v.message);
      let e = 0n;
      for (const b of d) e = (e << 8n) | BigInt(b);
      const w = Fn.inv(sig.s);
      const R = c.Point.BASE.multiplyUnsafe(Fn.create(Fn.create(e) * w)).add(Q.multiplyUnsafe(Fn.create(sig.r * w)));
      if (Fn.create(R.toAffine().x) !== sig.r) throw new Error(`honest floor: ${v.what} did not verify`);
    }
    const running = h.create().update(transcript);
    for (let i = 0; i < ops.snapshots; i++) running.clone().digest();
    for (let i = 0; i < ops.hmacs; i++) hmac(h, key32, key32);
    for (const { r, ct } of sealed) {
      if (r.direction === 'received') make(aeadKey, nonce, aad).decrypt(ct);
      else make(aeadKey, nonce, aad).encrypt(new Uint8Array(r.plaintext));
    }
  };
}

/** A short human description of the counted work. */
/** Mean CPU ms of `fn` over about `budgetMs` of CPU, after `warmup` calls (garbage collection included). */
export function timeFloor(fn: () => void, warmup: number, budgetMs: number): { ms: number; iters: number } {
  for (let i = 0; i < warmup; i++) fn();
  const c0 = process.cpuUsage();
  let iters = 0;
  let el = 0;
  while (iters < 5 || el < budgetMs) {
    fn();
    iters++;
    const c = process.cpuUsage(c0);
    el = (c.user + c.system) / 1000;
  }
  return { ms: el / iters, iters };
}

export function describeOps(ops: HandshakeOps): string {
  const v = ops.verifies.map((x) => `${x.curve} verify${x.table ? ' (table)' : ''}`).join(' + ');
  return `${ops.keyPairs.join(' + ')} key pair(s), ${ops.agreed} secret, ${v}, ${ops.transcriptBytes} transcript bytes / ${ops.snapshots} digests, ${ops.hmacs} HMACs, ${ops.records.length} AEAD records`;
}
