/**
 * Issue 8, "tests that would notice": TLS 1.2 AEAD records carry the whole 64-bit sequence
 * number in the nonce (ChaCha20-Poly1305: IV XOR seq, RFC 7905 §2; AES-GCM: nonce_explicit,
 * RFC 5288 §3) and in the additional data (RFC 5246 §6.2.3.3), not only its low byte. Known
 * answers at sequence numbers 256 and 300 (past the low byte), computed independently with node:crypto.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAead } from '../../src/crypto/aead.js';
import { Tls12AeadProtection } from '../../src/record/protection12.js';

function seqBytes(seq: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(seq));
  return b;
}

function expected(alg: 'chacha20-poly1305' | 'aes-128-gcm', key: Buffer, iv: Buffer, seq: number, pt: Buffer): Buffer {
  let nonce: Buffer;
  if (alg === 'chacha20-poly1305') {
    nonce = Buffer.from(iv);
    const s = seqBytes(seq);
    for (let i = 0; i < 8; i++) nonce[4 + i]! ^= s[i]!;
  } else {
    nonce = Buffer.concat([iv, seqBytes(seq)]);
  }
  const aad = Buffer.concat([seqBytes(seq), Buffer.from([23, 3, 3, pt.length >> 8, pt.length & 0xff])]);
  const c = createCipheriv(alg, key, nonce, { authTagLength: 16 } as never) as ReturnType<typeof createCipheriv> & { setAAD(b: Buffer, o?: object): void; getAuthTag(): Buffer };
  c.setAAD(aad, { plaintextLength: pt.length });
  const body = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
  const explicit = alg === 'aes-128-gcm' ? seqBytes(seq) : Buffer.alloc(0);
  const len = explicit.length + body.length;
  return Buffer.concat([Buffer.from([23, 3, 3, len >> 8, len & 0xff]), explicit, body]);
}

describe('TLS 1.2 AEAD records use the whole sequence number (nonce and additional data)', () => {
  for (const alg of ['chacha20-poly1305', 'aes-128-gcm'] as const) {
    it(`${alg}: records 256 and 300 match node:crypto`, () => {
      const key = randomBytes(alg === 'aes-128-gcm' ? 16 : 32);
      const iv = randomBytes(alg === 'aes-128-gcm' ? 4 : 12);
      const p = new Tls12AeadProtection(createAead(alg, key), iv);
      const pt = Buffer.from('seq check');
      const one = new Uint8Array(1);
      for (const target of [256, 300]) {
        while (p.sequenceNumber < BigInt(target)) p.seal(23, one);
        expect(Buffer.from(p.seal(23, pt)).toString('hex'), `seq ${target}`).toBe(expected(alg, key, iv, target, pt).toString('hex'));
      }
    });
  }
});
