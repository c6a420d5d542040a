/**
 * The BoGo shim's flags (bogo/flags.ts) → puretls ClientOptions, and the -expect-* checks on the
 * finished handshake. No I/O beyond reading the runner's PEM files, so the mapping is unit-tested
 * in `npm test` (test/bogo/options.test.ts); bogo/shim.ts drives the connection.
 */
import { readFileSync } from 'node:fs';
import type { HandshakeInfo } from '../src/index.js';
import type { ClientOptions } from '../src/types.js';
import { GROUPS } from '../src/crypto/groups.js';
import { secureRandom } from '../src/crypto/random.js';
import { CIPHER_SUITES, isSuiteSupported } from '../src/crypto/suites.js';
import { schemeByName, schemeMatchesKey, SIGNATURE_SCHEMES } from '../src/crypto/sigschemes.js';
import type { ClientSigner } from '../src/identity/identity.js';
import { identityFromOptions } from '../src/identity/load.js';
import { loadCertificates } from '../src/x509/pem.js';
import type { ShimOptions } from './flags.js';

/** The test needs something puretls does not do (exit 89). */
export class Unimplemented extends Error {}
/** An -expect-* flag did not hold. */
export class Expectation extends Error {}

function schemeName(code: number): string {
  const s = SIGNATURE_SCHEMES.find((x) => x.code === code);
  if (!s) throw new Unimplemented(`signature scheme ${code}`);
  return s.name;
}

/**
 * -signing-prefs: the schemes the client may sign with, as a signer around the key (puretls'
 * `signer.schemes`); schemes the key cannot make are left out, as BoringSSL leaves them out.
 */
function restrictedSigner(cert: string, key: string, prefs: number[]): ClientSigner {
  const inner = identityFromOptions({ cert, key })!;
  const names = prefs.map(schemeName).filter((n) => schemeMatchesKey(schemeByName(n)!, inner.publicKey, '1.2'));
  if (names.length === 0) throw new Unimplemented('-signing-prefs: none of them fits the key');
  return {
    schemes: names,
    sign: (req) => inner.sign(schemeByName(req.scheme)!, req.message, req.version, secureRandom),
  };
}

/**
 * BoringSSL's compliance policies, as its runner checks them (ssl/test/runner, Compliance-*):
 * TLS 1.2 and 1.3 with these suites, groups and signature schemes only.
 */
const POLICIES = {
  // fips-202205: AES-GCM suites, P-256 and P-384, RSA (PKCS#1 v1.5, PSS) and ECDSA with SHA-2.
  'fips-202205': {
    ciphers: [0x1301, 0x1302, 0xc02b, 0xc02c, 0xc02f, 0xc030],
    groups: ['secp256r1', 'secp384r1'],
    sigalgs: [0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0804, 0x0805, 0x0806],
  },
  // wpa-202304 (WPA3 192-bit): AES-256-GCM, P-384, SHA-384 and SHA-512 signatures.
  'wpa-202304': {
    ciphers: [0x1302, 0xc02c, 0xc030],
    groups: ['secp384r1'],
    sigalgs: [0x0501, 0x0601, 0x0503, 0x0805, 0x0806],
  },
} as const;

/** ClientOptions for the flags; throws Unimplemented for a value puretls does not support. */
export function clientOptions(o: ShimOptions): ClientOptions {
  // BoringSSL requests a stapled OCSP response only with -enable-ocsp-stapling. Under verify
  // 'none' puretls then records the staple (info.ocsp.response) without judging it ('skipped').
  const opts: ClientOptions = {
    servername: o.hostName ?? false,
    verify: 'none',
    middleboxCompat: true,
    revocation: o.enableOcspStapling ? 'soft' : 'off',
  };
  // BoringSSL's default cipher list includes the RSA key exchange suites (opt-in in puretls);
  // its runner tests them by default, so the shim enables every suite but DHE, which BoringSSL
  // does not implement, and the PSK suites, which need a key (-psk is declined: flags.ts).
  opts.ciphers = CIPHER_SUITES.filter((s) => isSuiteSupported(s.code) && !(s.version === '1.2' && (s.kx === 'dhe' || s.auth === 'psk'))).map((s) => s.code);
  let min = o.minVersion !== undefined && o.minVersion >= 0x0304 ? '1.3' : '1.2';
  let max = o.maxVersion !== undefined && o.maxVersion < 0x0304 ? '1.2' : '1.3';
  if (o.noTls13) max = '1.2';
  if (o.noTls12) min = '1.3';
  if (min > max) throw new Unimplemented('no TLS 1.2 or 1.3 enabled');
  opts.minVersion = min as '1.2' | '1.3';
  opts.maxVersion = max as '1.2' | '1.3';
  if (o.curves.length > 0) {
    const groups = o.curves.map((c) => {
      const g = GROUPS.find((x) => x.code === c);
      if (!g) throw new Unimplemented(`group ${c}`);
      return g;
    });
    opts.groups = groups.map((g) => g.name);
    // BoringSSL sends key shares for the first classical and the first post-quantum group of its
    // list, in list order (TLS 1.3 only: with TLS 1.2 alone puretls drops TLS 1.3-only groups).
    if (max === '1.3') {
      const firstPq = groups.find((g) => g.kind === 'hybrid');
      const firstClassical = groups.find((g) => g.kind !== 'hybrid');
      opts.keyShareGroups = groups.filter((g) => g === firstPq || g === firstClassical).map((g) => g.name);
    }
  }
  if (o.verifyPrefs.length > 0) opts.sigalgs = o.verifyPrefs.map(schemeName);
  if (o.compliancePolicy) {
    const p = POLICIES[o.compliancePolicy];
    opts.ciphers = [...p.ciphers];
    if (o.curves.length === 0) opts.groups = [...p.groups];
    if (o.verifyPrefs.length === 0) opts.sigalgs = p.sigalgs.map(schemeName);
  }
  if (o.alpn.length > 0) opts.alpn = o.alpn;
  if (o.certFile !== undefined || o.keyFile !== undefined) {
    if (o.certFile === undefined || o.keyFile === undefined) throw new Expectation('-cert-file and -key-file go together');
    const cert = readFileSync(o.certFile, 'utf8');
    const key = readFileSync(o.keyFile, 'utf8');
    opts.cert = cert;
    if (o.signingPrefs.length > 0) opts.signer = restrictedSigner(cert, key, o.signingPrefs);
    else opts.key = key;
  }
  if (o.exportKeyingMaterial !== undefined && o.exportLabel === '') {
    throw new Unimplemented('-export-label "": exportKeyingMaterial() refuses an empty label');
  }
  if (o.verifyPeer && o.verifyFail) {
    // -verify-fail: the application's verifier rejects the certificate; with -verify-peer that
    // is fatal (BoringSSL's shim does not validate the chain otherwise).
    if (!o.trustCert) throw new Expectation('-verify-fail needs -trust-cert');
    opts.verify = 'required';
    opts.ca = readFileSync(o.trustCert, 'utf8');
    opts.verifyCallback = (c) => (c.depth === 0 ? ['NOT_TRUSTED'] : undefined);
  }
  return opts;
}

function versionName(v: number): string {
  return v === 0x0304 ? 'TLSv1.3' : v === 0x0303 ? 'TLSv1.2' : `0x${v.toString(16)}`;
}

/** The -expect-* checks on the finished handshake. */
export function checkExpectations(o: ShimOptions, info: HandshakeInfo): void {
  const fail = (m: string): never => {
    throw new Expectation(m);
  };
  if (o.expectVersion !== undefined && info.protocol !== versionName(o.expectVersion)) {
    fail(`version ${info.protocol}, expected ${versionName(o.expectVersion)}`);
  }
  if (o.expectCurveId !== undefined) {
    const want = GROUPS.find((g) => g.code === o.expectCurveId)?.name ?? String(o.expectCurveId);
    if (info.group !== want) fail(`group ${info.group}, expected ${want}`);
  }
  if (o.expectPeerSignatureAlgorithm !== undefined) {
    const want = SIGNATURE_SCHEMES.find((s) => s.code === o.expectPeerSignatureAlgorithm)?.name ?? String(o.expectPeerSignatureAlgorithm);
    if (info.signatureScheme !== want) fail(`peer signature algorithm ${info.signatureScheme}, expected ${want}`);
  }
  if (o.expectHrr && !info.helloRetry) fail('expected a HelloRetryRequest');
  if (o.expectNoHrr && info.helloRetry) fail('unexpected HelloRetryRequest');
  if (o.expectAlpn !== undefined && info.alpn !== o.expectAlpn) fail(`ALPN ${info.alpn}, expected ${o.expectAlpn}`);
  if (o.expectExtendedMasterSecret && info.protocol === 'TLSv1.2' && !info.extendedMasterSecret) {
    fail('extended master secret not negotiated');
  }
  if (o.expectOcspResponse !== undefined) {
    const got = info.ocsp?.response;
    if (!got || !Buffer.from(got).equals(o.expectOcspResponse)) fail('the stapled OCSP response differs from -expect-ocsp-response');
  }
  if (o.expectPeerCertFile !== undefined) {
    const want = loadCertificates(readFileSync(o.expectPeerCertFile, 'utf8'), 'expect-peer-cert-file');
    const got = info.verify.peerCertificates;
    const same = want.length === got.length && want.every((w, i) => Buffer.from(w).equals(Buffer.from(got[i]!)));
    if (!same) fail('the server certificate chain differs from -expect-peer-cert-file');
  }
}

/** -export-keying-material: the bytes to write after the handshake, or undefined. */
export function exporterRequest(o: ShimOptions): { label: string; context: Uint8Array | undefined; length: number } | undefined {
  if (o.exportKeyingMaterial === undefined) return undefined;
  return {
    label: o.exportLabel,
    context: o.useExportContext ? new TextEncoder().encode(o.exportContext) : undefined,
    length: o.exportKeyingMaterial,
  };
}
