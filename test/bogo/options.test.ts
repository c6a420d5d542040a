/**
 * The BoGo shim's mapping of runner flags to ClientOptions (bogo/options.ts): key shares as
 * BoringSSL sends them, suites, versions, client certificates with -signing-prefs, OCSP, the
 * exporter, and the -expect-* checks. Each mapped option is also accepted by ClientConnection.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseShimArgs, type ShimOptions } from '../../bogo/flags.js';
import { checkExpectations, clientOptions, Expectation, exporterRequest, Unimplemented } from '../../bogo/options.js';
import { ClientConnection } from '../../src/connection.js';
import { suiteByCode } from '../../src/crypto/suites.js';
import type { HandshakeInfo } from '../../src/types.js';

const base = ['-port', '4433', '-shim-id', '1'];
function flags(extra: string[]): ShimOptions {
  const r = parseShimArgs([...base, ...extra]);
  if (r.kind !== 'ok') throw new Error(JSON.stringify(r));
  return r.options;
}
/** The options, checked by constructing a client with them (a BAD_CONFIG would throw). */
function opts(extra: string[]) {
  const o = clientOptions(flags(extra));
  new ClientConnection(o);
  return o;
}

const dir = mkdtempSync(join(tmpdir(), 'puretls-bogo-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('BoGo shim options', () => {
  it('key shares: the first classical and the first post-quantum group, in list order (BoringSSL)', () => {
    expect(opts(['-curves', '4588', '-curves', '29']).keyShareGroups).toEqual(['X25519MLKEM768', 'x25519']);
    expect(opts(['-curves', '29', '-curves', '4588']).keyShareGroups).toEqual(['x25519', 'X25519MLKEM768']);
    expect(opts(['-curves', '29', '-curves', '23', '-curves', '4588']).keyShareGroups).toEqual(['x25519', 'X25519MLKEM768']);
    expect(opts(['-curves', '24', '-curves', '23']).keyShareGroups).toEqual(['secp384r1']);
  });

  it('TLS 1.2 only: no key shares, and the post-quantum group is not offered', () => {
    const o = opts(['-max-version', '771', '-curves', '4588', '-curves', '29']);
    expect(o.keyShareGroups).toBeUndefined();
    expect(o.maxVersion).toBe('1.2');
  });

  it('every suite but DHE and PSK (which needs a key)', () => {
    const kinds = new Set((opts([]).ciphers as number[]).map((c) => suiteByCode(c)!).map((s) => (s.version === '1.2' ? s.kx : '1.3')));
    expect(kinds.has('dhe')).toBe(false);
    expect(kinds.has('psk')).toBe(false);
    expect(kinds.has('rsa')).toBe(true);
  });

  it('declines groups and schemes puretls does not have', () => {
    expect(() => clientOptions(flags(['-curves', '21']))).toThrow(Unimplemented);
    expect(() => clientOptions(flags(['-verify-prefs', String(0xff01)]))).toThrow(Unimplemented);
  });

  it('compliance policies: their suites, groups and schemes only', () => {
    const fips = opts(['-fips-202205']);
    expect((fips.ciphers as number[]).map((c) => suiteByCode(c)!.name)).not.toContain('TLS_CHACHA20_POLY1305_SHA256');
    expect(fips.groups).toEqual(['secp256r1', 'secp384r1']);
    expect(fips.sigalgs).not.toContain('ed25519');
    const wpa = opts(['-wpa-202304']);
    expect(wpa.ciphers).toEqual([0x1302, 0xc02c, 0xc030]);
    expect(wpa.groups).toEqual(['secp384r1']);
    expect(wpa.sigalgs).not.toContain('ecdsa_secp256r1_sha256');
  });

  it('OCSP stapling: status_request only with -enable-ocsp-stapling', () => {
    expect(opts([]).revocation).toBe('off');
    expect(opts(['-enable-ocsp-stapling']).revocation).toBe('soft');
  });

  it('a client certificate with -signing-prefs signs only with those schemes that fit its key', () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=c',
      '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
    const plain = opts(['-cert-file', join(dir, 'c.pem'), '-key-file', join(dir, 'k.pem')]);
    expect(plain.key).toContain('PRIVATE KEY');
    const o = opts(['-cert-file', join(dir, 'c.pem'), '-key-file', join(dir, 'k.pem'), '-signing-prefs', '2052', '-signing-prefs', '1027']);
    expect(o.key).toBeUndefined();
    expect(o.signer!.schemes).toEqual(['ecdsa_secp256r1_sha256']);
    expect(() => clientOptions(flags(['-cert-file', join(dir, 'c.pem'), '-key-file', join(dir, 'k.pem'), '-signing-prefs', '2052']))).toThrow(Unimplemented);
  });

  it('the exporter request: context only with -use-export-context', () => {
    expect(exporterRequest(flags([]))).toBeUndefined();
    expect(() => clientOptions(flags(['-export-keying-material', '32', '-export-label', '']))).toThrow(Unimplemented);
    expect(exporterRequest(flags(['-export-keying-material', '32', '-export-label', 'L', '-export-context', 'C']))).toEqual({ label: 'L', context: undefined, length: 32 });
    expect(exporterRequest(flags(['-export-keying-material', '32', '-export-label', 'L', '-export-context', 'C', '-use-export-context']))!.context).toEqual(new TextEncoder().encode('C'));
  });

  it('the -expect-* checks', () => {
    const info = { protocol: 'TLSv1.3', group: 'x25519', alpn: 'h2', helloRetry: false, signatureScheme: 'ed25519',
      ocsp: { status: 'skipped', mustStaple: false, response: Uint8Array.of(1, 2, 3) }, verify: { peerCertificates: [] } } as unknown as HandshakeInfo;
    expect(() => checkExpectations(flags(['-expect-curve-id', '29', '-expect-alpn', 'h2', '-expect-ocsp-response', 'AQID']), info)).not.toThrow();
    expect(() => checkExpectations(flags(['-expect-curve-id', '23']), info)).toThrow(Expectation);
    expect(() => checkExpectations(flags(['-expect-ocsp-response', 'AQIE']), info)).toThrow(/OCSP/);
    expect(() => checkExpectations(flags(['-expect-hrr']), info)).toThrow(/HelloRetryRequest/);
  });
});
