/**
 * TLS 1.2 record protection (src/record/protection12.ts) against node:crypto built records:
 * the exact wire format (explicit nonce, AAD, MAC input, padding), every failure as one
 * bad_record_mac, the Lucky13-relevant edge cases of MAC-then-encrypt (maximum padding, a
 * padding length that overruns the record, the smallest records), and the size limits.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAead } from '../../src/crypto/aead.js';
import { TlsError } from '../../src/errors.js';
import { Tls12AeadProtection, Tls12CbcProtection } from '../../src/record/protection12.js';

const hdr = (type: number, len: number) => Uint8Array.of(type, 3, 3, len >> 8, len & 0xff);
const seq8 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const pseudo = (seq: number, type: number, len: number) => Buffer.concat([seq8(seq), Buffer.from([type, 3, 3, len >> 8, len & 0xff])]);

function errOf(fn: () => unknown): TlsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TlsError) return e;
    throw e;
  }
  throw new Error('expected a TlsError');
}

describe('AES-GCM (RFC 5288 §3)', () => {
  const key = randomBytes(16);
  const salt = randomBytes(4);
  it('seal: explicit nonce = sequence number, AAD = seq + type + version + length; node:crypto opens it', () => {
    const p = new Tls12AeadProtection(createAead('aes-128-gcm', key), salt);
    for (let seq = 0; seq < 3; seq++) {
      const pt = randomBytes(100 + seq);
      const rec = Buffer.from(p.seal(23, pt));
      expect([...rec.subarray(0, 3)]).toEqual([23, 3, 3]);
      expect(rec.readUInt16BE(3)).toBe(8 + pt.length + 16);
      expect(rec.subarray(5, 13).equals(seq8(seq))).toBe(true);
      const d = createDecipheriv('aes-128-gcm', key, Buffer.concat([salt, rec.subarray(5, 13)]));
      d.setAAD(pseudo(seq, 23, pt.length));
      d.setAuthTag(rec.subarray(rec.length - 16));
      expect(Buffer.concat([d.update(rec.subarray(13, rec.length - 16)), d.final()]).equals(pt)).toBe(true);
    }
  });
  it('open: a node:crypto record with any explicit nonce; a changed type or seq fails', () => {
    const build = (seq: number, type: number, pt: Buffer, explicit = randomBytes(8)) => {
      const c = createCipheriv('aes-128-gcm', key, Buffer.concat([salt, explicit]));
      c.setAAD(pseudo(seq, type, pt.length));
      return Buffer.concat([explicit, c.update(pt), c.final(), c.getAuthTag()]);
    };
    const p = new Tls12AeadProtection(createAead('aes-128-gcm', key), salt);
    const pt = randomBytes(33);
    expect(Buffer.from(p.open(hdr(23, 0), 23, build(0, 23, pt)).plaintext).equals(pt)).toBe(true);
    // Built for seq 0 again, opened at seq 1: rejected.
    expect(errOf(() => p.open(hdr(23, 0), 23, build(0, 23, pt))).code).toBe('RECORD_AUTH_FAILED');
    const q = new Tls12AeadProtection(createAead('aes-128-gcm', key), salt);
    expect(errOf(() => q.open(hdr(21, 0), 21, build(0, 23, pt))).alertName).toBe('bad_record_mac');
    const r = new Tls12AeadProtection(createAead('aes-128-gcm', key), salt);
    expect(errOf(() => r.open(hdr(23, 0), 23, new Uint8Array(23))).code).toBe('RECORD_AUTH_FAILED'); // shorter than nonce + tag
  });
  it('plaintext over 2^14 → record_overflow', () => {
    const p = new Tls12AeadProtection(createAead('aes-128-gcm', key), salt);
    const explicit = randomBytes(8);
    const c = createCipheriv('aes-128-gcm', key, Buffer.concat([salt, explicit]));
    const pt = Buffer.alloc(16385);
    c.setAAD(pseudo(0, 23, pt.length));
    const body = Buffer.concat([explicit, c.update(pt), c.final(), c.getAuthTag()]);
    expect(errOf(() => p.open(hdr(23, 0), 23, body)).alertName).toBe('record_overflow');
  });
});

describe('ChaCha20-Poly1305 (RFC 7905 §2)', () => {
  it('nonce = IV XOR seq, nothing explicit; both directions agree with node:crypto', () => {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const p = new Tls12AeadProtection(createAead('chacha20-poly1305', key), iv);
    for (let seq = 0; seq < 3; seq++) {
      const pt = randomBytes(50);
      const rec = Buffer.from(p.seal(22, pt));
      expect(rec.readUInt16BE(3)).toBe(pt.length + 16);
      const nonce = Buffer.from(iv);
      for (let i = 0; i < 8; i++) nonce[4 + i]! ^= seq8(seq)[i]!;
      const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
      d.setAAD(pseudo(seq, 22, pt.length), { plaintextLength: pt.length });
      d.setAuthTag(rec.subarray(rec.length - 16));
      expect(Buffer.concat([d.update(rec.subarray(5, rec.length - 16)), d.final()]).equals(pt)).toBe(true);
    }
  });
});

describe('AES-CBC + HMAC', () => {
  const key = randomBytes(16);
  const macKey = randomBytes(20);
  const prot = (etm: boolean) => new Tls12CbcProtection({ key, macKey, macHash: 'sha1', encryptThenMac: etm, random: (n) => new Uint8Array(randomBytes(n)) });
  const enc = (iv: Buffer, data: Buffer) => {
    const c = createCipheriv('aes-128-cbc', key, iv);
    c.setAutoPadding(false);
    return Buffer.concat([c.update(data), c.final()]);
  };
  /** RFC 5246 §6.2.3.2 MAC-then-encrypt record body with an explicit padding byte list. */
  const mte = (seq: number, type: number, content: Buffer, padding: Buffer, macFlip = false) => {
    const mac = createHmac('sha1', macKey).update(pseudo(seq, type, content.length)).update(content).digest();
    if (macFlip) mac[3]! ^= 1;
    const iv = randomBytes(16);
    return Buffer.concat([iv, enc(iv, Buffer.concat([content, mac, padding]))]);
  };
  const pad = (n: number, value = n - 1) => Buffer.alloc(n, value); // n bytes of padding incl. the length byte

  it('MtE seal: node:crypto decrypts, the MAC covers seq + header + content, the padding is well-formed', () => {
    const p = prot(false);
    const pt = randomBytes(37);
    const rec = Buffer.from(p.seal(23, pt));
    const iv = rec.subarray(5, 21);
    const d = createDecipheriv('aes-128-cbc', key, iv);
    d.setAutoPadding(false);
    const inner = Buffer.concat([d.update(rec.subarray(21)), d.final()]);
    const padLen = inner[inner.length - 1]!;
    expect([...inner.subarray(inner.length - 1 - padLen)].every((b) => b === padLen)).toBe(true);
    const body = inner.subarray(0, inner.length - 1 - padLen);
    expect(body.subarray(0, 37).equals(pt)).toBe(true);
    expect(body.subarray(37).equals(createHmac('sha1', macKey).update(pseudo(0, 23, 37)).update(pt).digest())).toBe(true);
  });

  it('MtE open: every padding length 1..256 bytes is accepted', () => {
    const p = prot(false);
    const content = randomBytes(13); // 13 + 20 = 33: padding lengths ≡ 15 (mod 16) fit whole blocks
    let seq = 0;
    for (let n = 15; n <= 256; n += 16) {
      const body = mte(seq, 23, content, pad(n));
      expect(Buffer.from(p.open(hdr(23, 0), 23, body).plaintext).equals(content)).toBe(true);
      seq++;
    }
  });

  it('MtE open: bad padding, bad MAC, overlong padding length, short records → the same bad_record_mac', () => {
    const content = randomBytes(13);
    const cases: Array<[string, Buffer]> = [
      ['one padding byte wrong', (() => { const pd = pad(15); pd[3] = 0; return mte(0, 23, content, pd); })()],
      ['MAC flipped', mte(0, 23, content, pad(15), true)],
      ['padding length longer than the record', mte(0, 23, content, pad(15, 200))],
      ['padding length 255 in a 64-byte record', mte(0, 23, Buffer.alloc(28), pad(16, 255))],
      ['one block only', randomBytes(32)],
      ['not whole blocks', randomBytes(50)],
      ['IV only', randomBytes(16)],
    ];
    const messages = new Set<string>();
    for (const [what, body] of cases) {
      const e = errOf(() => prot(false).open(hdr(23, 0), 23, body));
      expect(e.code, what).toBe('RECORD_AUTH_FAILED');
      expect(e.alertName, what).toBe('bad_record_mac');
      messages.add(e.message);
    }
    // One error for every cause: nothing tells padding from MAC failures apart.
    expect(messages.size).toBe(1);
  });

  it('ETM: seal is IV + ciphertext + HMAC(seq + header(len of IV+ct) + IV + ct); tampering fails before decryption', () => {
    const p = prot(true);
    const pt = randomBytes(40);
    const rec = Buffer.from(p.seal(23, pt));
    const body = rec.subarray(5);
    const ivCt = body.subarray(0, body.length - 20);
    const mac = createHmac('sha1', macKey).update(pseudo(0, 23, ivCt.length)).update(ivCt).digest();
    expect(body.subarray(body.length - 20).equals(mac)).toBe(true);
    // Open it with a twin.
    const q = prot(true);
    expect(Buffer.from(q.open(rec.subarray(0, 5), 23, body).plaintext).equals(pt)).toBe(true);
    const bad = Buffer.from(body);
    bad[20]! ^= 1;
    expect(errOf(() => prot(true).open(rec.subarray(0, 5), 23, bad)).code).toBe('RECORD_AUTH_FAILED');
    // A MtE record given to an ETM reader: bad_record_mac too.
    expect(errOf(() => prot(true).open(hdr(23, 0), 23, mte(0, 23, pt, pad(4)))).code).toBe('RECORD_AUTH_FAILED');
  });

  it('a record is IV + plaintext + MAC + padding to the block (RFC 5246 §6.2.3.2, RFC 7366 §3), for every length, both modes', () => {
    const BLOCK = 16;
    const MAC = 20; // HMAC-SHA1
    for (const etm of [false, true]) {
      const p = prot(etm);
      for (let n = 0; n < 70; n++) {
        // MtE: the padding covers plaintext + MAC + the length byte; EtM: plaintext + length byte, MAC after.
        const padded = Math.ceil((etm ? n + 1 : n + MAC + 1) / BLOCK) * BLOCK;
        expect(p.seal(23, new Uint8Array(n)).length - 5).toBe(BLOCK + padded + (etm ? MAC : 0));
      }
    }
  });
});
