/**
 * The AEAD wrapper: unaligned buffers (records are subarrays at odd offsets), key ownership,
 * argument checks, CBC helpers, and throughput against raw noble (the wrapper must cost < 10%).
 */
import { describe, expect, it } from 'vitest';
import * as nodeCrypto from 'node:crypto';
import { aesCbcDecryptNoPad, aesCbcEncryptNoPad, createAead } from '../../src/crypto/aead.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { peerCryptoError } from '../../src/handshake/crypto-errors.js';
import type { AeadName } from '../../src/crypto/types.js';

const NAMES: [AeadName, number, string][] = [
  ['aes-128-gcm', 16, 'aes-128-gcm'],
  ['aes-256-gcm', 32, 'aes-256-gcm'],
  ['chacha20-poly1305', 32, 'chacha20-poly1305'],
];

function nodeSeal(alg: string, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Buffer {
  const c = nodeCrypto.createCipheriv(alg as nodeCrypto.CipherGCMTypes, key, nonce, { authTagLength: 16 });
  c.setAAD(aad);
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
}

describe('createAead', () => {
  for (const [name, keyLen, nodeAlg] of NAMES) {
    it(`${name}: matches node:crypto, on unaligned subarrays too`, () => {
      const key = nodeCrypto.randomBytes(keyLen);
      const aead = createAead(name, key);
      expect(aead).toMatchObject({ name, keyLength: keyLen, nonceLength: 12, tagLength: 16 });
      for (const len of [0, 1, 15, 16, 17, 1000, 16384]) {
        const backing = nodeCrypto.randomBytes(len + 5 + 13 + 12 + 3);
        const nonce = new Uint8Array(backing.buffer, backing.byteOffset + 1, 12);
        const aad = new Uint8Array(backing.buffer, backing.byteOffset + 13, 5); // like a record header
        const pt = new Uint8Array(backing.buffer, backing.byteOffset + 18 + 3, len);
        const sealed = aead.seal(nonce, aad, pt);
        expect(Buffer.from(sealed)).toEqual(nodeSeal(nodeAlg, key, nonce, aad, pt));
        const copy = new Uint8Array(sealed.length + 3);
        copy.set(sealed, 3);
        expect(aead.open(nonce, aad, copy.subarray(3))).toEqual(pt.slice());
        if (sealed.length > 0) {
          const bad = sealed.slice();
          bad[bad.length - 1]! ^= 0x80;
          expect(aead.open(nonce, aad, bad)).toBeNull();
          const badAad = aad.slice();
          badAad[0]! ^= 1;
          expect(aead.open(nonce, badAad, sealed)).toBeNull();
        }
      }
    });
  }

  it('keeps its own copy of the key', () => {
    const key = new Uint8Array(16).fill(3);
    const aead = createAead('aes-128-gcm', key);
    const ct = aead.seal(new Uint8Array(12), new Uint8Array(0), new Uint8Array(4));
    key.fill(0);
    expect(aead.open(new Uint8Array(12), new Uint8Array(0), ct)).toEqual(new Uint8Array(4));
  });

  it('rejects wrong key and nonce lengths as internal errors, never opens with them', () => {
    expect(() => createAead('aes-128-gcm', new Uint8Array(32))).toThrow(CryptoError);
    expect(() => createAead('chacha20-poly1305', new Uint8Array(16))).toThrow(CryptoError);
    const a = createAead('aes-256-gcm', new Uint8Array(32));
    expect(() => a.seal(new Uint8Array(8), new Uint8Array(0), new Uint8Array(0))).toThrow(CryptoError);
    expect(a.open(new Uint8Array(16), new Uint8Array(0), new Uint8Array(32))).toBeNull();
  });
  // Throughput against raw noble is measured by `npm run bench` (bench/bulk.ts), not asserted here:
  // a timed assertion on a shared machine tests the machine's load, not the code.
});

describe('AES-CBC without padding', () => {
  for (const keyLen of [16, 32]) {
    it(`AES-${keyLen * 8}-CBC matches node:crypto with padding off`, () => {
      const key = nodeCrypto.randomBytes(keyLen);
      const iv = nodeCrypto.randomBytes(16);
      const data = nodeCrypto.randomBytes(64);
      const c = nodeCrypto.createCipheriv(`aes-${keyLen * 8}-cbc`, key, iv).setAutoPadding(false);
      const want = Buffer.concat([c.update(data), c.final()]);
      const ct = aesCbcEncryptNoPad(key, iv, data);
      expect(Buffer.from(ct)).toEqual(want);
      expect(Buffer.from(aesCbcDecryptNoPad(key, iv, ct))).toEqual(data);
    });
  }
  it('a ciphertext that is not whole blocks is bad_record_mac', () => {
    try {
      aesCbcDecryptNoPad(new Uint8Array(16), new Uint8Array(16), new Uint8Array(20));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CryptoError);
      expect((e as CryptoError).kind).toBe('bad_ciphertext');
      expect(peerCryptoError(e as CryptoError).code).toBe('RECORD_AUTH_FAILED');
      expect(peerCryptoError(e as CryptoError).alertName).toBe('bad_record_mac');
    }
    expect(() => aesCbcEncryptNoPad(new Uint8Array(16), new Uint8Array(16), new Uint8Array(17))).toThrow(CryptoError);
  });
});

describe('sealInPlace', () => {
  for (const name of ['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305'] as AeadName[]) {
    it(`${name}: same bytes as seal(), at aligned and unaligned offsets, and opens`, () => {
      const key = nodeCrypto.randomBytes(name === 'aes-128-gcm' ? 16 : 32);
      const aead = createAead(name, key);
      const nonce = nodeCrypto.randomBytes(12);
      const aad = nodeCrypto.randomBytes(5);
      for (const len of [0, 1, 15, 16, 17, 1000, 16385]) {
        const pt = nodeCrypto.randomBytes(len);
        const expected = aead.seal(nonce, aad, pt);
        for (const offset of [0, 3, 5, 8]) {
          const buf = new Uint8Array(offset + len + 16 + 2);
          buf.set(pt, offset);
          const region = buf.subarray(offset, offset + len + 16);
          aead.sealInPlace(nonce, aad, region, len);
          expect(Buffer.from(region).equals(Buffer.from(expected))).toBe(true);
          expect(buf[offset + len + 16]).toBe(0); // nothing written past the tag
          expect(Buffer.from(aead.open(nonce, aad, region)!).equals(pt)).toBe(true);
        }
      }
    });
  }
});
