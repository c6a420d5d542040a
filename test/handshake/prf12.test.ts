/**
 * The TLS 1.2 PRF (RFC 5246 §5) on the widely circulated "TLS 1.2 PRF test vectors" (SHA-256 and
 * SHA-384, label "test label"), checked again at run time against two independent computations:
 * P_hash written here on node:crypto's HMAC, and OpenSSL's TLS1-PRF (`openssl kdf`), when the CLI
 * is present. The derived values (master secret, EMS, key block, Finished) are checked as the
 * PRF with their RFC labels and seeds.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { concat, fromHex, toHex, utf8 } from '../../src/wire/bytes.js';
import {
  deriveKeyBlock12,
  exportKeyingMaterial12,
  extendedMasterSecret12,
  finished12,
  keyBlock12,
  masterSecret12,
  prf12,
} from '../../src/handshake/prf12.js';

function nodePrf(h: 'sha256' | 'sha384', secret: Uint8Array, label: string, seed: Uint8Array, len: number): string {
  const ls = Buffer.concat([Buffer.from(label, 'latin1'), Buffer.from(seed)]);
  let a: Buffer = ls;
  let out = Buffer.alloc(0);
  while (out.length < len) {
    a = createHmac(h, secret).update(a).digest();
    out = Buffer.concat([out, createHmac(h, secret).update(a).update(ls).digest()]);
  }
  return out.subarray(0, len).toString('hex');
}

function opensslPrf(h: 'sha256' | 'sha384', secret: Uint8Array, label: string, seed: Uint8Array, len: number): string | null {
  try {
    const out = execFileSync(
      'openssl',
      ['kdf', '-keylen', String(len), '-kdfopt', `digest:${h.toUpperCase()}`, '-kdfopt', `hexsecret:${toHex(secret)}`,
        '-kdfopt', `hexseed:${toHex(concat(utf8(label), seed))}`, 'TLS1-PRF'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return out.trim().replace(/:/g, '').toLowerCase();
  } catch {
    return null;
  }
}
const HAVE_OPENSSL = opensslPrf('sha256', new Uint8Array(1), 'x', new Uint8Array(1), 1) !== null;

describe('TLS 1.2 PRF: published vectors', () => {
  test('SHA-256, 100 bytes', () => {
    const out = prf12('sha256', fromHex('9bbe436ba940f017b17652849a71db35'), 'test label', fromHex('a0ba9f936cda311827a6f796ffd5198c'), 100);
    expect(toHex(out)).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab' +
        '4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });
  test('SHA-384, 148 bytes', () => {
    const out = prf12('sha384', fromHex('b80b733d6ceefcdc71566ea48e5567df'), 'test label', fromHex('cd665cf6a8447dd6ff8b27555edb7465'), 148);
    expect(toHex(out)).toBe(
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd' +
        '8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6' +
        '91c8f3a26854308d5eaa3be85e0990703d73e56f',
    );
  });
});

describe('TLS 1.2 PRF: against independent computations', () => {
  test('node:crypto HMAC P_hash, random inputs and lengths', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sha256' as const, 'sha384' as const),
        fc.uint8Array({ maxLength: 80 }),
        fc.string({ maxLength: 20 }).map((s) => s.replace(/[^ -~]/g, 'x')),
        fc.uint8Array({ maxLength: 80 }),
        fc.integer({ min: 0, max: 200 }),
        (h, secret, label, seed, len) => {
          expect(toHex(prf12(h, secret, label, seed, len))).toBe(nodePrf(h, secret, label, seed, len));
        },
      ),
      { numRuns: 200 },
    );
  });

  test.skipIf(!HAVE_OPENSSL)('openssl kdf TLS1-PRF, a few random inputs', () => {
    for (const [h, len] of [['sha256', 48], ['sha384', 48], ['sha256', 104], ['sha384', 1]] as const) {
      const secret = randomBytes(48);
      const seed = randomBytes(64);
      expect(toHex(prf12(h, secret, 'key expansion', seed, len))).toBe(opensslPrf(h, secret, 'key expansion', seed, len));
    }
  });
});

describe('TLS 1.2 derivations use the RFC labels and seeds', () => {
  const pms = randomBytes(48);
  const cr = randomBytes(32);
  const sr = randomBytes(32);
  const ms = randomBytes(48);
  test('master secret (RFC 5246 §8.1)', () => {
    expect(toHex(masterSecret12('sha256', pms, cr, sr))).toBe(nodePrf('sha256', pms, 'master secret', concat(cr, sr), 48));
  });
  test('extended master secret (RFC 7627 §4)', () => {
    const sh = randomBytes(48);
    expect(toHex(extendedMasterSecret12('sha384', pms, sh))).toBe(nodePrf('sha384', pms, 'extended master secret', sh, 48));
  });
  test('key block: server_random first (RFC 5246 §6.3), split in the RFC order', () => {
    const kb = keyBlock12('sha256', ms, cr, sr, 2 * (20 + 16 + 16));
    expect(toHex(kb)).toBe(nodePrf('sha256', ms, 'key expansion', concat(sr, cr), 104));
    const k = deriveKeyBlock12('sha256', ms, cr, sr, 20, 16, 16);
    expect(toHex(concat(k.clientMacKey, k.serverMacKey, k.clientKey, k.serverKey, k.clientIv, k.serverIv))).toBe(toHex(kb));
    expect([k.clientMacKey.length, k.serverKey.length, k.serverIv.length]).toEqual([20, 16, 16]);
  });
  test('Finished verify_data is 12 bytes of PRF(ms, label, hash)', () => {
    const th = randomBytes(32);
    expect(toHex(finished12('sha256', ms, 'client finished', th))).toBe(nodePrf('sha256', ms, 'client finished', th, 12));
    expect(toHex(finished12('sha256', ms, 'server finished', th))).toBe(nodePrf('sha256', ms, 'server finished', th, 12));
  });
  test('exporter (RFC 5705 §4): with and without context differ', () => {
    const a = exportKeyingMaterial12('sha256', ms, 'EXPERIMENTAL x', cr, sr, undefined, 32);
    const b = exportKeyingMaterial12('sha256', ms, 'EXPERIMENTAL x', cr, sr, new Uint8Array(0), 32);
    expect(toHex(a)).toBe(nodePrf('sha256', ms, 'EXPERIMENTAL x', concat(cr, sr), 32));
    expect(toHex(b)).toBe(nodePrf('sha256', ms, 'EXPERIMENTAL x', concat(cr, sr, new Uint8Array(2)), 32));
  });
});
