/**
 * Every list option refuses an unknown entry with BAD_CONFIG naming the entry and the nearest
 * valid one; the library speaks of options, the CLI of flags.
 */
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../src/connection.js';
import { TlsError } from '../src/errors.js';
import { explanationForCli } from '../src/cli/flag-names.js';
import { editDistance, nearest } from '../src/suggest.js';
import type { ClientOptions } from '../src/types.js';
import { runCli } from './cli/io.js';

function configError(opts: ClientOptions): TlsError {
  try {
    new ClientConnection({ verify: 'none', ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(TlsError);
    return e as TlsError;
  }
  throw new Error('expected a configuration error');
}

describe('unknown entries in list options', () => {
  const cases: Array<[string, ClientOptions, string, string]> = [
    ['ignore', { ignore: ['EXPIRD'] }, 'EXPIRD', 'EXPIRED'],
    ['ignore', { ignore: ['NOT_YET_VALID'] }, 'NOT_YET_VALID', 'NOT_TRUSTED'],
    ['ciphers', { ciphers: ['TLS_AES_128_GCM_SHA265'] }, 'TLS_AES_128_GCM_SHA265', 'TLS_AES_128_GCM_SHA256'],
    ['groups', { groups: ['x25591'] }, 'x25591', 'x25519'],
    ['keyShareGroups', { keyShareGroups: ['secp256k1'] }, 'secp256k1', 'secp256r1'],
    ['sigalgs', { sigalgs: ['ecdsa_secp256r1_sha265'] }, 'ecdsa_secp256r1_sha265', 'ecdsa_secp256r1_sha256'],
    ['alpn', { alpn: ['http/1.l'] }, 'http/1.l', 'http/1.1'],
    ['alpn', { alpn: ['H2'] }, 'H2', 'h2'],
  ];
  for (const [option, opts, entry, near] of cases) {
    it(`${option}: ${entry} → BAD_CONFIG naming it and ${near}`, () => {
      const e = configError(opts);
      expect(e.code).toBe('BAD_CONFIG');
      expect(e.explanation.startsWith(`${option}:`)).toBe(true);
      expect(e.explanation).toContain(JSON.stringify(entry));
      expect(e.explanation).toContain(`nearest valid: ${JSON.stringify(near)}`);
    });
  }

  it('accepts every valid entry, and private ALPN IDs far from registered ones', () => {
    expect(() => new ClientConnection({ verify: 'none', ignore: ['EXPIRED', 'NAME_MISMATCH'], alpn: ['h2', 'http/1.1', 'my-private-proto'] })).not.toThrow();
  });

  it('refuses an ALPN ID listed twice', () => {
    expect(configError({ alpn: ['h2', 'h2'] }).explanation).toMatch(/alpn: "h2" is listed twice/);
  });

  it('edit distance and nearest name', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(nearest('expird', ['NOT_TRUSTED', 'EXPIRED'])).toBe('EXPIRED');
  });
});

describe('explanations speak of options; the CLI of flags', () => {
  it('library explanations name options, the CLI maps them to flags', () => {
    expect(explanationForCli('ignore: unknown certificate flag "EXPIRD"')).toBe('--ignore: unknown certificate flag "EXPIRD"');
    expect(explanationForCli('the chain does not lead to a configured CA: add the issuing CA to `ca`')).toBe(
      'the chain does not lead to a configured CA: add the issuing CA to --ca',
    );
    expect(explanationForCli('(check `minVersion`/`maxVersion`)')).toBe('(check --min-version/--max-version)');
    expect(explanationForCli('unknown: `notAnOption` stays')).toBe('unknown: `notAnOption` stays');
  });

  it('puretls connect --ignore EXPIRD exits 2 naming the flag and the nearest one, before connecting', async () => {
    const r = await runCli(['connect', '127.0.0.1:1', '--verify', 'optional', '--ignore', 'EXPIRD']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: BAD_CONFIG: --ignore: unknown certificate flag "EXPIRD" \(nearest valid: "EXPIRED"\)/);
  });
});

describe('signature_algorithms_cert advertises what the X.509 verifier accepts', () => {
  const certSchemes = async (opts: ClientOptions) => {
    const { decodeClientHello } = await import('../src/handshake/messages/hello.js');
    const { ExtensionType } = await import('../src/handshake/codec/types.js');
    const c = new ClientConnection({ verify: 'none', ...opts });
    const e = decodeClientHello(c.takeOutput()!.subarray(9)).extensions;
    const codes = (d: Uint8Array | undefined) => (d === undefined ? undefined : Array.from({ length: (d.length - 2) / 2 }, (_, i) => (d[2 + 2 * i]! << 8) | d[3 + 2 * i]!));
    return { sig: codes(e.get(ExtensionType.signature_algorithms)), cert: codes(e.get(ExtensionType.signature_algorithms_cert)) };
  };
  it('sigalgs narrowed to RSA-PSS still accepts ECDSA, EdDSA and PKCS#1 certificates', async () => {
    const r = await certSchemes({ sigalgs: ['rsa_pss_rsae_sha256'] });
    expect(r.sig).toEqual([0x0804]);
    expect(r.cert).toEqual(expect.arrayContaining([0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0809, 0x0401, 0x0501, 0x0601]));
    expect(r.cert).not.toContain(0x0201); // SHA-1 signatures are refused by the verifier
    expect(r.cert).not.toContain(0x0203);
  });
  it('a SHA-1 scheme named in sigalgs is listed too (the verifier flags it; ignore may accept it)', async () => {
    const r = await certSchemes({ sigalgs: ['ecdsa_secp256r1_sha256', 'ecdsa_sha1'] });
    expect(r.cert).toContain(0x0203);
    expect(r.cert).toContain(0x0809);
  });
  it('omitted when it would repeat signature_algorithms (the default)', async () => {
    const r = await certSchemes({});
    expect(r.cert).toBeUndefined();
  });
});
