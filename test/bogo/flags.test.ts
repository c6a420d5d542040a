/**
 * The BoGo shim's flag parsing (bogo/flags.ts): what each runner flag becomes, which flags
 * decline a test (exit 89) and which are errors. The runner itself runs in `npm run bogo`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAlpnWire, parseShimArgs, UNIMPLEMENTED_FLAGS } from '../../bogo/flags.js';

const base = ['-port', '4433', '-shim-id', '7', '-ipv6', '-trust-cert', '/tmp/x/test-cert'];

function ok(extra: string[]) {
  const r = parseShimArgs([...base, ...extra]);
  if (r.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.options;
}

describe('BoGo shim flags', () => {
  it('answers the handshaker probe wherever it appears', () => {
    expect(parseShimArgs(['-is-handshaker-supported'])).toEqual({ kind: 'handshaker-probe' });
    expect(parseShimArgs(['-async', '-is-handshaker-supported'])).toEqual({ kind: 'handshaker-probe' });
  });

  it('reads the connection flags', () => {
    const o = ok([]);
    expect(o.port).toBe(4433);
    expect(o.shimId).toBe(7n);
    expect(o.ipv6).toBe(true);
    expect(o.trustCert).toBe('/tmp/x/test-cert');
    expect(ok(['-shim-id', '18446744073709551615']).shimId).toBe(2n ** 64n - 1n);
  });

  it('collects repeated list flags in order', () => {
    const o = ok(['-curves', '29', '-curves', '23', '-verify-prefs', '2052', '-verify-prefs', '1027']);
    expect(o.curves).toEqual([29, 23]);
    expect(o.verifyPrefs).toEqual([2052, 1027]);
  });

  it('reads versions and expectations', () => {
    const o = ok(['-max-version', '771', '-expect-version', '771', '-expect-curve-id', '24', '-expect-hrr',
      '-expect-peer-signature-algorithm', '2052', '-no-tls13', '-expect-extended-master-secret']);
    expect(o).toMatchObject({ maxVersion: 771, expectVersion: 771, expectCurveId: 24, expectHrr: true,
      expectPeerSignatureAlgorithm: 2052, noTls13: true, expectExtendedMasterSecret: true });
  });

  it('declines a version range below TLS 1.2', () => {
    expect(parseShimArgs([...base, '-max-version', '770'])).toEqual({ kind: 'unimplemented', flag: '-max-version 770' });
  });

  it('decodes the ALPN wire list', () => {
    expect(parseAlpnWire('\x03foo\x03bar')).toEqual(['foo', 'bar']);
    expect(parseAlpnWire('\x04foo')).toBeNull();
    expect(parseAlpnWire('\x00')).toBeNull();
    expect(ok(['-advertise-alpn', '\x03foo\x02h2', '-expect-alpn', 'h2'])).toMatchObject({ alpn: ['foo', 'h2'], expectAlpn: 'h2' });
    expect(parseShimArgs([...base, '-advertise-alpn', '\x09x']).kind).toBe('error');
  });

  it('ignores BoringSSL API variants', () => {
    expect(parseShimArgs([...base, '-async', '-implicit-handshake', '-use-custom-verify-callback', '-read-size', '1']).kind).toBe('ok');
  });

  it('declines unimplemented features, with or without a value', () => {
    expect(parseShimArgs([...base, '-resume-count', '1'])).toEqual({ kind: 'unimplemented', flag: '-resume-count' });
    expect(parseShimArgs([...base, '-resume-count', '0']).kind).toBe('ok');
    expect(parseShimArgs([...base, '-new-x509-credential', '-cert-file', 'x'])).toEqual({ kind: 'unimplemented', flag: '-new-x509-credential' });
    expect(parseShimArgs([...base, '-psk', 'secret'])).toEqual({ kind: 'unimplemented', flag: '-psk' });
    expect(parseShimArgs([...base, '-enable-grease'])).toEqual({ kind: 'unimplemented', flag: '-enable-grease' });
    expect(parseShimArgs([...base, '-expect-total-renegotiations', '1']).kind).toBe('unimplemented');
    expect(parseShimArgs([...base, '-expect-total-renegotiations', '0']).kind).toBe('ok');
  });

  it('reads client certificates, signing preferences, OCSP and exporter flags', () => {
    const o = ok(['-cert-file', '/c', '-key-file', '/k', '-signing-prefs', '2052', '-signing-prefs', '1027', '-enable-ocsp-stapling',
      '-expect-ocsp-response', 'AQID', '-export-keying-material', '1024', '-export-label', 'EXPERIMENTAL', '-export-context', 'ctx', '-use-export-context']);
    expect([o.certFile, o.keyFile, o.signingPrefs]).toEqual(['/c', '/k', [2052, 1027]]);
    expect(o.enableOcspStapling).toBe(true);
    expect([...o.expectOcspResponse!]).toEqual([1, 2, 3]);
    expect([o.exportKeyingMaterial, o.exportLabel, o.exportContext, o.useExportContext]).toEqual([1024, 'EXPERIMENTAL', 'ctx', true]);
  });

  it('applies -on-initial- flags and skips -on-resume-/-on-retry- ones with their values', () => {
    const o = ok(['-on-initial-expect-alpn', 'foo', '-on-resume-expect-alpn', 'bar', '-on-retry-verify-fail', '-on-resume-enable-early-data']);
    expect(o.expectAlpn).toBe('foo');
    expect(o.verifyFail).toBe(false);
    expect(parseShimArgs([...base, '-on-initial-enable-early-data']).kind).toBe('unimplemented');
  });

  it('refuses unknown flags and missing values', () => {
    expect(parseShimArgs([...base, '-frobnicate'])).toEqual({ kind: 'error', message: 'unknown flag -frobnicate' });
    expect(parseShimArgs([...base, '-on-resume-frobnicate']).kind).toBe('error');
    expect(parseShimArgs([...base, '-curves']).kind).toBe('error');
    expect(parseShimArgs([...base, '-curves', 'x25519']).kind).toBe('error');
    expect(parseShimArgs(['-shim-id', '1']).kind).toBe('error'); // no -port
  });

  it('keeps bogo/shim.sh declining exactly the unimplemented flags', () => {
    const sh = readFileSync(new URL('../../bogo/shim.sh', import.meta.url), 'utf8');
    const list = /-server\|-dtls\|-quic\) exit 89 ;;\n([\s\S]*?)\) exit 89 ;;/.exec(sh)![1]!;
    const shFlags = list.split(/[|\\\s]+/).filter((s) => s !== '');
    expect(shFlags.sort()).toEqual([...UNIMPLEMENTED_FLAGS].sort());
  });
});
