/**
 * Wycheproof vectors for the symmetric primitives: AES-GCM and ChaCha20-Poly1305 through our
 * `createAead` (TLS only uses 96-bit nonces, 128-bit tags and 128/256-bit AES keys: other AES-GCM
 * parameter sets are skipped explicitly and counted), AES-CBC through the no-padding functions
 * with PKCS#7 checked here, HKDF and HMAC through the hash seam.
 */
import { describe, expect, it } from 'vitest';
import { createAead } from '../../src/crypto/aead.js';
import { aesCbcDecryptNoPad, aesCbcEncryptNoPad } from '../../src/crypto/aead.js';
import { hkdfExpand, hkdfExtract, hmac } from '../../src/crypto/hash.js';
import type { AeadName } from '../../src/crypto/types.js';
import { SKIP_WYCHEPROOF, hex, runFile } from './wycheproof-helper.js';

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** PKCS#7 unpadding (RFC 5652 §6.3), null when the padding is wrong. */
function pkcs7Unpad(b: Uint8Array): Uint8Array | null {
  if (b.length === 0 || b.length % 16 !== 0) return null;
  const n = b[b.length - 1]!;
  if (n < 1 || n > 16) return null;
  for (let i = b.length - n; i < b.length; i++) if (b[i] !== n) return null;
  return b.subarray(0, b.length - n);
}
function pkcs7Pad(b: Uint8Array): Uint8Array {
  const n = 16 - (b.length % 16);
  const out = new Uint8Array(b.length + n).fill(n);
  out.set(b);
  return out;
}

describe.skipIf(SKIP_WYCHEPROOF)('Wycheproof symmetric primitives', () => {
  for (const file of ['aes_gcm_test.json', 'chacha20_poly1305_test.json']) {
    it(`AEAD ${file}`, () => {
      const tally = runFile(file, (g, t, tally) => {
        const chacha = file.startsWith('chacha');
        const keySize = Number(g.keySize);
        const name: AeadName = chacha ? 'chacha20-poly1305' : keySize === 128 ? 'aes-128-gcm' : 'aes-256-gcm';
        const inScope = g.ivSize === 96 && g.tagSize === 128 && (chacha || keySize === 128 || keySize === 256);
        if (!inScope) {
          // Out of scope for TLS (RFC 5288 §3, RFC 8446 §5.3): 96-bit nonces only, no AES-192.
          if (t.result === 'invalid' && keySize !== 192) {
            const aead = createAead(name, hex(t.key));
            expect(aead.open(hex(t.iv), hex(t.aad), hex(String(t.ct) + String(t.tag)))).toBeNull();
          }
          tally.skip();
          return;
        }
        const aead = createAead(name, hex(t.key));
        const sealed = toHex(aead.seal(hex(t.iv), hex(t.aad), hex(t.msg)));
        const opened = aead.open(hex(t.iv), hex(t.aad), hex(String(t.ct) + String(t.tag)));
        if (t.result === 'valid') {
          tally.record(t, opened !== null, sealed === String(t.ct) + String(t.tag) && toHex(opened!) === t.msg);
        } else {
          tally.record(t, opened !== null, true);
        }
      });
      expect(tally.failures).toEqual([]);
      expect(tally.valid).toBeGreaterThan(50);
    });
  }

  it('AEAD open never throws, whatever the input', () => {
    for (const name of ['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305'] as AeadName[]) {
      const aead = createAead(name, new Uint8Array(name === 'aes-128-gcm' ? 16 : 32));
      for (const len of [0, 1, 15, 16, 17, 100]) {
        expect(aead.open(new Uint8Array(12), new Uint8Array(0), new Uint8Array(len))).toBeNull();
        expect(aead.open(new Uint8Array(8), new Uint8Array(0), new Uint8Array(len))).toBeNull();
      }
    }
  });

  it('AES-CBC aes_cbc_pkcs5_test.json (no-padding functions + PKCS#7 here)', () => {
    const tally = runFile('aes_cbc_pkcs5_test.json', (g, t, tally) => {
      if (g.keySize === 192) return tally.skip(); // no AES-192 suites in TLS
      const key = hex(t.key);
      const iv = hex(t.iv);
      const ct = hex(t.ct);
      let msg: Uint8Array | null = null;
      try {
        msg = pkcs7Unpad(aesCbcDecryptNoPad(key, iv, ct));
      } catch {
        msg = null; // not whole blocks
      }
      const right = msg !== null && toHex(msg) === t.msg && toHex(aesCbcEncryptNoPad(key, iv, pkcs7Pad(hex(t.msg)))) === t.ct;
      tally.record(t, msg !== null, right);
    });
    expect(tally.failures).toEqual([]);
    expect(tally.valid).toBeGreaterThan(40);
  });

  for (const [file, h] of [['hkdf_sha256_test.json', 'sha256'], ['hkdf_sha384_test.json', 'sha384']] as const) {
    it(`HKDF ${file}`, () => {
      const tally = runFile(file, (_g, t, tally) => {
        let okm: Uint8Array | null = null;
        try {
          okm = hkdfExpand(h, hkdfExtract(h, hex(t.salt), hex(t.ikm)), hex(t.info), Number(t.size));
        } catch {
          okm = null; // RFC 5869 §2.3: L > 255 * HashLen
        }
        tally.record(t, okm !== null, okm !== null && toHex(okm) === t.okm);
      });
      expect(tally.failures).toEqual([]);
    });
  }

  for (const [file, h] of [['hmac_sha256_test.json', 'sha256'], ['hmac_sha384_test.json', 'sha384']] as const) {
    it(`HMAC ${file}`, () => {
      const tally = runFile(file, (g, t, tally) => {
        const tagBytes = Number(g.tagSize) / 8;
        const mac = hmac(h, hex(t.key), hex(t.msg)).subarray(0, tagBytes);
        tally.record(t, toHex(mac) === t.tag);
      });
      expect(tally.failures).toEqual([]);
    });
  }
});
