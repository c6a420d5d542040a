/**
 * RSAES-PKCS1-v1_5 encryption (src/crypto/rsa-encrypt.ts) for the TLS 1.2 RSA key exchange:
 * the encoded message checked byte by byte after a raw (no padding) node:crypto decryption, and
 * the premaster secret recovered by OpenSSL's own PKCS#1 v1.5 decryption.
 */
import { execFileSync } from 'node:child_process';
import { constants, generateKeyPairSync, privateDecrypt, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rsaEncryptPkcs1 } from '../../src/crypto/rsa-encrypt.js';
import { parseSpki } from '../../src/crypto/spki.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { programMissing } from '../helpers/env.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const spki = parseSpki(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })));
if (spki.kind !== 'rsa') throw new Error('expected an RSA key');

describe('RSAES-PKCS1-v1_5 encrypt (RFC 8017 §7.2.1)', () => {
  it('EM = 00 02 PS(non-zero, ≥ 8) 00 M, fresh PS each time', () => {
    const pms = Buffer.concat([Buffer.from([3, 3]), randomBytes(46)]);
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const c = rsaEncryptPkcs1(spki, pms);
      expect(c.length).toBe(256);
      const em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, c);
      expect([em[0], em[1]]).toEqual([0, 2]);
      const ps = em.subarray(2, 256 - 48 - 1);
      expect(ps.length).toBe(256 - 48 - 3);
      expect(ps.every((b) => b !== 0)).toBe(true);
      expect(em[256 - 48 - 1]).toBe(0);
      expect(em.subarray(256 - 48).equals(pms)).toBe(true);
      seen.add(ps.toString('hex'));
    }
    expect(seen.size).toBe(5);
  });

  it('a random source full of zeros is still padded with non-zero bytes', () => {
    let calls = 0;
    const zeroish = (n: number) => {
      calls++;
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i += 3) b[i] = 0x11; // two thirds zeros
      return b;
    };
    const em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, rsaEncryptPkcs1(spki, new Uint8Array(48), zeroish));
    expect(em.subarray(2, 256 - 49).every((b) => b === 0x11)).toBe(true);
    expect(calls).toBeGreaterThan(1);
  });

  it.skipIf(programMissing('openssl') !== null)('OpenSSL pkeyutl recovers the message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'puretls-rsaenc-'));
    try {
      const msg = randomBytes(48);
      writeFileSync(join(dir, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
      writeFileSync(join(dir, 'c.bin'), rsaEncryptPkcs1(spki, msg));
      const out = execFileSync('openssl', ['pkeyutl', '-decrypt', '-inkey', 'k.pem', '-in', 'c.bin', '-pkeyopt', 'rsa_padding_mode:pkcs1'], { cwd: dir });
      expect(Buffer.from(out).equals(msg)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a message longer than k - 11 is refused', () => {
    expect(() => rsaEncryptPkcs1(spki, new Uint8Array(246))).toThrow(CryptoError);
    expect(rsaEncryptPkcs1(spki, new Uint8Array(245)).length).toBe(256);
  });
});
