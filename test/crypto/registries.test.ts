/**
 * The registries as data: cipher suites, signature schemes, named groups; their lookups, the
 * user-list resolvers (names, numbers, hex, separated strings) and their BAD_CONFIG errors.
 */
import { describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { withOptions } from '../../src/handshake/crypto-errors.js';
import { CIPHER_SUITES, isSuiteSupported, resolveSuites, suiteByCode, suiteByName } from '../../src/crypto/suites.js';
import { SIGNATURE_SCHEMES, resolveSigSchemes, schemeAlgorithm, schemeByCode, schemeByName, schemeMatchesKey } from '../../src/crypto/sigschemes.js';
import { GROUPS, groupByCode, groupByName } from '../../src/crypto/groups.js';
import type { PublicKey } from '../../src/crypto/types.js';

const BOTH = new Set(['1.2', '1.3'] as const);
const ONLY13 = new Set(['1.3'] as const);
const ONLY12 = new Set(['1.2'] as const);

/** The code the options check reports (crypto's CryptoError 'unknown_name' → BAD_CONFIG). */
function codeOf(f: () => unknown): string | undefined {
  try {
    withOptions(f);
  } catch (e) {
    return e instanceof TlsError ? e.code : `not a TlsError: ${String(e)}`;
  }
  return undefined;
}

describe('cipher suites', () => {
  it('code points and names are unique and IANA-shaped', () => {
    expect(new Set(CIPHER_SUITES.map((s) => s.code)).size).toBe(CIPHER_SUITES.length);
    expect(new Set(CIPHER_SUITES.map((s) => s.name)).size).toBe(CIPHER_SUITES.length);
    for (const s of CIPHER_SUITES) expect(s.name).toMatch(/^TLS_[A-Z0-9_]+$/);
    expect(CIPHER_SUITES.length).toBe(3 + 14 + 6 + 5 + 6); // + the six PSK suites (issue 11)
  });

  it('knows the IANA code points', () => {
    const want: Record<string, number> = {
      TLS_AES_128_GCM_SHA256: 0x1301,
      TLS_AES_256_GCM_SHA384: 0x1302,
      TLS_CHACHA20_POLY1305_SHA256: 0x1303,
      TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 0xc02b,
      TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 0xc02c,
      TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca9,
      TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 0xc009,
      TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 0xc00a,
      TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 0xc023,
      TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384: 0xc024,
      TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
      TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 0xc030,
      TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca8,
      TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 0xc013,
      TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 0xc014,
      TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 0xc027,
      TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384: 0xc028,
      TLS_RSA_WITH_AES_128_GCM_SHA256: 0x009c,
      TLS_RSA_WITH_AES_256_GCM_SHA384: 0x009d,
      TLS_RSA_WITH_AES_128_CBC_SHA: 0x002f,
      TLS_RSA_WITH_AES_256_CBC_SHA: 0x0035,
      TLS_RSA_WITH_AES_128_CBC_SHA256: 0x003c,
      TLS_RSA_WITH_AES_256_CBC_SHA256: 0x003d,
      TLS_DHE_RSA_WITH_AES_128_GCM_SHA256: 0x009e,
      TLS_DHE_RSA_WITH_AES_256_GCM_SHA384: 0x009f,
      TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 0xccaa,
      TLS_DHE_RSA_WITH_AES_128_CBC_SHA: 0x0033,
      TLS_DHE_RSA_WITH_AES_256_CBC_SHA: 0x0039,
    };
    for (const [name, code] of Object.entries(want)) {
      expect(suiteByName(name)?.code, name).toBe(code);
      expect(suiteByCode(code)?.name).toBe(name);
    }
  });

  it('describes the primitives of each suite', () => {
    expect(suiteByCode(0x1302)).toMatchObject({ version: '1.3', hash: 'sha384', aead: 'aes-256-gcm', keyLength: 32, fixedIvLength: 12 });
    expect(suiteByCode(0xc02f)).toMatchObject({ version: '1.2', hash: 'sha256', aead: 'aes-128-gcm', fixedIvLength: 4, recordIvLength: 8, kx: 'ecdhe', auth: 'rsa' });
    expect(suiteByCode(0xcca9)).toMatchObject({ fixedIvLength: 12, recordIvLength: 0, auth: 'ecdsa' });
    expect(suiteByCode(0xc014)).toMatchObject({ hash: 'sha256', keyLength: 32, fixedIvLength: 16, cbc: { macHash: 'sha1', macLength: 20, macKeyLength: 20 } });
    expect(suiteByCode(0xc028)).toMatchObject({ hash: 'sha384', cbc: { macHash: 'sha384', macLength: 48 } });
    expect(suiteByCode(0x003d)).toMatchObject({ hash: 'sha256', kx: 'rsa', defaultEnabled: false, cbc: { macHash: 'sha256' } });
    expect(suiteByCode(0x009f)).toMatchObject({ hash: 'sha384', kx: 'dhe', defaultEnabled: false });
    for (const s of CIPHER_SUITES) expect(s.protection === 'aead' ? 'aead' in s && !('cbc' in s) : 'cbc' in s && !('aead' in s)).toBe(true);
  });

  it('isSuiteSupported takes names and codes', () => {
    expect(isSuiteSupported('TLS_AES_128_GCM_SHA256')).toBe(true);
    expect(isSuiteSupported('tls_aes_128_gcm_sha256')).toBe(true);
    expect(isSuiteSupported(0x1301)).toBe(true);
    expect(isSuiteSupported('0x1303')).toBe(true);
    expect(isSuiteSupported('4865')).toBe(true);
    expect(isSuiteSupported('TLS_AES_128_CCM_SHA256')).toBe(false);
    expect(isSuiteSupported(0x1304)).toBe(false);
    expect(isSuiteSupported('')).toBe(false);
  });

  it('resolveSuites: defaults per version set', () => {
    const both = resolveSuites(undefined, BOTH);
    expect(both[0]!.name).toBe('TLS_AES_128_GCM_SHA256');
    expect(both.every((s) => s.defaultEnabled)).toBe(true);
    expect(both.some((s) => s.version === '1.2' && (s.kx === 'rsa' || s.kx === 'dhe'))).toBe(false);
    expect(resolveSuites(undefined, ONLY13).map((s) => s.code)).toEqual([0x1301, 0x1302, 0x1303]);
    expect(resolveSuites(undefined, ONLY12).every((s) => s.version === '1.2')).toBe(true);
  });

  it('resolveSuites: names, numbers, hex, separated strings; order kept, duplicates dropped', () => {
    expect(resolveSuites(['TLS_CHACHA20_POLY1305_SHA256', 0x1301, '0x1302', '4865'], BOTH).map((s) => s.code)).toEqual([0x1303, 0x1301, 0x1302]);
    expect(resolveSuites('TLS_AES_256_GCM_SHA384:TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', BOTH).map((s) => s.code)).toEqual([0x1302, 0xc02f]);
    expect(resolveSuites('TLS_AES_256_GCM_SHA384, TLS_RSA_WITH_AES_128_CBC_SHA', BOTH).map((s) => s.code)).toEqual([0x1302, 0x002f]);
    // Suites of a version that is not enabled are dropped.
    expect(resolveSuites('TLS_AES_256_GCM_SHA384:TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', ONLY13).map((s) => s.code)).toEqual([0x1302]);
  });

  it('resolveSuites: BAD_CONFIG for unknown names and for nothing usable', () => {
    expect(codeOf(() => resolveSuites(['TLS_NOPE'], BOTH))).toBe('BAD_CONFIG');
    expect(codeOf(() => resolveSuites([0x0004], BOTH))).toBe('BAD_CONFIG');
    expect(codeOf(() => resolveSuites('TLS_AES_128_GCM_SHA256:RC4-MD5', BOTH))).toBe('BAD_CONFIG');
    expect(codeOf(() => resolveSuites('TLS_AES_128_GCM_SHA256', ONLY12))).toBe('BAD_CONFIG');
    expect(codeOf(() => resolveSuites([], BOTH))).toBe('BAD_CONFIG');
    expect(codeOf(() => resolveSuites(undefined, new Set()))).toBe('BAD_CONFIG');
    expect(() => resolveSuites(['TLS_NOPE'], BOTH)).toThrow(/TLS_NOPE/);
  });
});

describe('signature schemes', () => {
  it('code points and flags', () => {
    const want: Record<string, number> = {
      ecdsa_secp256r1_sha256: 0x0403, ecdsa_secp384r1_sha384: 0x0503, ecdsa_secp521r1_sha512: 0x0603,
      ed25519: 0x0807, ed448: 0x0808,
      rsa_pss_rsae_sha256: 0x0804, rsa_pss_rsae_sha384: 0x0805, rsa_pss_rsae_sha512: 0x0806,
      rsa_pss_pss_sha256: 0x0809, rsa_pss_pss_sha384: 0x080a, rsa_pss_pss_sha512: 0x080b,
      rsa_pkcs1_sha256: 0x0401, rsa_pkcs1_sha384: 0x0501, rsa_pkcs1_sha512: 0x0601,
      ecdsa_sha1: 0x0203, rsa_pkcs1_sha1: 0x0201,
    };
    expect(SIGNATURE_SCHEMES.length).toBe(Object.keys(want).length);
    for (const [name, code] of Object.entries(want)) {
      expect(schemeByName(name)?.code).toBe(code);
      expect(schemeByCode(code)?.name).toBe(name);
    }
    expect(schemeByName('rsa_pkcs1_sha256')).toMatchObject({ tls13: false, certOnly: true, defaultEnabled: true });
    expect(schemeByName('rsa_pkcs1_sha1')).toMatchObject({ tls13: false, defaultEnabled: false });
    expect(schemeByName('ecdsa_sha1')).toMatchObject({ tls13: false, defaultEnabled: false });
    expect(schemeByName('rsa_pss_rsae_sha384')!.alg).toEqual({ kind: 'rsa-pss', hash: 'sha384', mgfHash: 'sha384', saltLength: 48 });
    expect(schemeByName('ecdsa_secp384r1_sha384')!.alg).toEqual({ kind: 'ecdsa', hash: 'sha384', curve: 'P-384' });
    expect(schemeAlgorithm(schemeByName('ecdsa_secp384r1_sha384')!, '1.2')).toEqual({ kind: 'ecdsa', hash: 'sha384' });
  });

  it('resolveSigSchemes: defaults, names, codes, BAD_CONFIG', () => {
    const d = resolveSigSchemes(undefined);
    expect(d.every((s) => s.defaultEnabled)).toBe(true);
    expect(d.map((s) => s.name)).not.toContain('rsa_pkcs1_sha1');
    expect(resolveSigSchemes('ed25519:0x0403, 2052').map((s) => s.code)).toEqual([0x0807, 0x0403, 0x0804]);
    expect(resolveSigSchemes(['rsa_pkcs1_sha1', 0x0201]).map((s) => s.code)).toEqual([0x0201]);
    expect(codeOf(() => resolveSigSchemes(['dsa_sha256']))).toBe('BAD_CONFIG');
    expect(codeOf(() => resolveSigSchemes([0x0402]))).toBe('BAD_CONFIG');
    expect(codeOf(() => resolveSigSchemes(''))).toBe('BAD_CONFIG');
  });

  it('schemeMatchesKey', () => {
    const rsae: PublicKey = { kind: 'rsa', n: 3n, e: 3n, bits: 2048 };
    const pssAny: PublicKey = { kind: 'rsa', n: 3n, e: 3n, bits: 2048, pss: { restricted: true } };
    const pss384: PublicKey = { kind: 'rsa', n: 3n, e: 3n, bits: 2048, pss: { restricted: true, params: { hash: 'sha384', mgfHash: 'sha384', saltLength: 48 } } };
    const p256: PublicKey = { kind: 'ec', curve: 'P-256', point: new Uint8Array(65), bits: 256 };
    const ed: PublicKey = { kind: 'ed25519', raw: new Uint8Array(32), bits: 256 };
    const m = (name: string, k: PublicKey, v?: '1.2' | '1.3') => schemeMatchesKey(schemeByName(name)!, k, v);
    expect(m('rsa_pss_rsae_sha256', rsae)).toBe(true);
    expect(m('rsa_pss_rsae_sha256', pssAny)).toBe(false);
    expect(m('rsa_pss_pss_sha256', pssAny)).toBe(true);
    expect(m('rsa_pss_pss_sha256', rsae)).toBe(false);
    expect(m('rsa_pss_pss_sha256', pss384)).toBe(false);
    expect(m('rsa_pss_pss_sha384', pss384)).toBe(true);
    expect(m('rsa_pkcs1_sha256', rsae)).toBe(true);
    expect(m('rsa_pkcs1_sha256', pssAny)).toBe(false);
    expect(m('ecdsa_secp256r1_sha256', p256)).toBe(true);
    expect(m('ecdsa_secp384r1_sha384', p256)).toBe(false);
    expect(m('ecdsa_secp384r1_sha384', p256, '1.2')).toBe(true);
    expect(m('ecdsa_secp256r1_sha256', rsae)).toBe(false);
    expect(m('ed25519', ed)).toBe(true);
    expect(m('ed448', ed)).toBe(false);
  });
});

describe('named groups', () => {
  it('code points, names, sizes', () => {
    const want: [string, number, number][] = [
      ['x25519', 0x001d, 32], ['secp256r1', 0x0017, 65], ['secp384r1', 0x0018, 97], ['secp521r1', 0x0019, 133],
      ['x448', 0x001e, 56], ['ffdhe2048', 0x0100, 256], ['ffdhe3072', 0x0101, 384], ['ffdhe4096', 0x0102, 512],
      // draft-ietf-tls-ecdhe-mlkem §3.1 / §5
      ['X25519MLKEM768', 0x11ec, 1216], ['SecP256r1MLKEM768', 0x11eb, 1249], ['SecP384r1MLKEM1024', 0x11ed, 1665],
    ];
    expect(GROUPS.length).toBe(want.length);
    for (const [name, code, len] of want) {
      expect(groupByName(name)?.code).toBe(code);
      expect(groupByCode(code)?.name).toBe(name);
      expect(groupByCode(code)?.keyShareLength).toBe(len);
    }
    expect(groupByName('P-256')?.code).toBe(0x0017);
    expect(groupByName('nope')).toBeUndefined();
  });

  it('the RFC 7919 primes have their published shape: safe-prime size, all-ones top and bottom 64 bits', () => {
    for (const g of GROUPS.filter((x) => x.kind === 'ffdhe')) {
      const bits = g.keyShareLength * 8;
      expect(g.p!.toString(2).length).toBe(bits);
      expect(g.p! >> BigInt(bits - 64)).toBe((1n << 64n) - 1n);
      expect(g.p! & ((1n << 64n) - 1n)).toBe((1n << 64n) - 1n);
      expect(g.g).toBe(2n);
    }
  });
});
