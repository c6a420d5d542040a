/**
 * The BoGo shim's flag parser (BoringSSL ssl/test/runner, the contract in bogo/README.md).
 *
 * The runner passes BoringSSL's shim flags; this turns them into `ShimOptions`, or says that the
 * test needs something puretls does not do (`unimplemented`: exit 89, counted as a skip), or
 * that a flag is unknown (`error`: exit 1, so a new runner flag is noticed, as rustls' shim does).
 * Pure: no I/O, so it is unit-tested in `npm test` (test/bogo/flags.test.ts).
 */

/** Flags that take one value (the runner's argv is `-flag value`). */
const VALUE_FLAGS = new Set([
  '-port', '-shim-id', '-trust-cert', '-resume-count', '-cert-file', '-key-file', '-signing-prefs',
  '-verify-prefs', '-expect-peer-signature-algorithm', '-curves', '-expect-curve-id', '-min-version',
  '-max-version', '-expect-version', '-cipher', '-host-name', '-advertise-alpn', '-expect-alpn',
  '-expect-ocsp-response', '-expect-signed-cert-timestamps', '-expect-peer-cert-file',
  '-export-keying-material', '-export-label', '-export-context', '-expect-early-data-reason',
  '-expect-selected-credential', '-ech-config-list', '-expect-ech-retry-configs',
  '-expect-ech-name-override', '-expect-total-renegotiations', '-psk', '-psk-identity',
  '-max-send-fragment', '-read-size', '-resumption-delay', '-expect-peer-verify-pref',
  '-expect-certificate-types', '-expect-client-ca-list', '-max-cert-list', '-application-settings',
  '-expect-peer-application-settings', '-select-next-proto', '-quic-transport-params',
  '-srtp-profiles', '-pake-context', '-pake-client-id', '-pake-server-id', '-pake-password',
  '-install-cert-compression-algs', '-ocsp-response', '-signed-cert-timestamps',
  '-write-settings', '-expect-msg-callback', '-send-channel-id', '-expect-early-data-reason',
  '-on-resume-early-write-after-message', '-shim-extra-flags',
]);

/**
 * BoringSSL API variants and modes that change nothing for a client that drives a sans-IO core:
 * accepted and ignored (rustls' shim ignores the same).
 */
const IGNORED_FLAGS = new Set([
  '-ipv6', // handled by the caller's address choice; parsed below
  '-async', // BoringSSL non-blocking BIO mode
  '-implicit-handshake', // BoringSSL drives the handshake from SSL_read/SSL_write
  '-use-custom-verify-callback', // BoringSSL verify-callback API variant
  '-use-old-client-cert-callback', // BoringSSL client-cert callback variant
  '-use-ocsp-callback', // BoringSSL OCSP callback variant
  '-expect-verify-result', // the verify result is checked through -verify-fail/-verify-peer
  '-read-size', // BoringSSL's SSL_read size; we read what the socket gives
]);

/**
 * Flags for features puretls does not have (or not yet): the test is unimplemented (exit 89).
 * bogo/shim.sh carries the same list so those tests never start Node; a unit test keeps the two
 * lists equal.
 */
export const UNIMPLEMENTED_FLAGS: readonly string[] = [
  // session resumption and 0-RTT (tickets are stored, not yet used)
  '-resume-count', '-expect-session-miss', '-expect-no-session', '-expect-ticket-renewal',
  '-resumption-delay', '-enable-early-data', '-expect-ticket-supports-early-data',
  '-expect-early-data-reason', '-expect-no-offer-early-data', '-on-resume-no-ticket',
  // several client credentials to choose from, and what BoringSSL's callbacks see of a request
  '-new-x509-credential', '-expect-selected-credential', '-expect-certificate-types', '-expect-client-ca-list', '-fail-cert-callback',
  '-expect-peer-verify-pref', '-require-any-client-certificate',
  // tls-unique (RFC 5929) and raw traffic secrets (no API), exporter calls between reads
  '-tls-unique', '-export-traffic-secrets', '-use-exporter-between-reads',
  // BoringSSL cipher-list strings
  '-cipher', '-expect-cipher-aes', '-expect-cipher-no-aes',
  // renegotiation (refused with a no_renegotiation warning), False Start
  '-renegotiate-freely', '-renegotiate-once', '-renegotiate-explicit', '-renegotiate-ignore',
  '-false-start', '-allow-false-start-without-alpn', '-forbid-renegotiation-after-handshake',
  // TLS 1.2 PSK suites: BoGo's keys are 5 or 6 bytes ('12345', 'secret'); puretls refuses a PSK
  // under 128 bits (RFC 9257 §4: 'at least 128 bits of entropy'), so none of them can be set
  '-psk', '-psk-identity',
  // GREASE, extension permutation, fallback SCSV, SCT, ECH
  '-enable-grease', '-permute-extensions', '-fallback-scsv',
  '-enable-signed-cert-timestamps', '-expect-signed-cert-timestamps', '-signed-cert-timestamps',
  '-ech-config-list', '-expect-ech-accept', '-enable-ech-grease', '-expect-ech-retry-configs',
  '-expect-no-ech-retry-configs', '-expect-ech-name-override', '-expect-no-ech-name-override',
  // NPN, Channel ID, ALPS, PAKE, SRTP, QUIC, cert compression, compliance policies
  '-select-next-proto', '-select-empty-next-proto', '-send-channel-id', '-application-settings',
  '-expect-peer-application-settings', '-alps-use-new-codepoint', '-new-spake2plusv1-credential',
  '-pake-context', '-pake-client-id', '-pake-server-id', '-pake-password', '-wrong-pake-role',
  '-srtp-profiles', '-quic-transport-params', '-quic-use-legacy-codepoint',
  '-install-cert-compression-algs',
  // BoringSSL API behaviours with no counterpart: sending a chosen alert, peeking, partial
  // writes, record sizes chosen by the application, KeyUpdate on demand, message callbacks
  '-send-alert', '-peek-then-read', '-partial-write', '-read-with-unfinished-write',
  '-write-different-record-sizes', '-cbc-record-splitting', '-max-send-fragment', '-key-update',
  '-key-update-before-read', '-expect-msg-callback', '-handshake-twice', '-no-op-extra-handshake',
  '-handshake-never-done', '-max-cert-list', '-allow-unknown-alpn-protos', '-ocsp-response',
  '-fail-ocsp-callback', '-ignore-rsa-key-usage', '-expect-key-usage-invalid',
  '-expect-secure-renegotiation', '-expect-no-secure-renegotiation', '-write-settings',
  '-wait-for-debugger',
];
const UNIMPLEMENTED = new Set(UNIMPLEMENTED_FLAGS);

/** Flags this shim acts on. */
const HANDLED = new Set([
  '-port', '-shim-id', '-trust-cert', '-verify-peer', '-verify-fail', '-reverify-on-resume',
  '-verify-prefs', '-expect-peer-signature-algorithm', '-curves', '-expect-curve-id', '-expect-hrr',
  '-expect-no-hrr', '-min-version', '-max-version', '-no-tls13', '-no-tls12', '-no-tls11', '-no-tls1',
  '-expect-version', '-host-name', '-advertise-alpn', '-expect-alpn', '-expect-peer-cert-file',
  '-shim-writes-first', '-shim-shuts-down', '-check-close-notify', '-expect-extended-master-secret',
  '-expect-total-renegotiations', '-export-label', '-export-context', '-use-export-context',
  '-cert-file', '-key-file', '-signing-prefs', '-enable-ocsp-stapling', '-expect-ocsp-response',
  '-export-keying-material', '-fips-202205', '-wpa-202304',
]);

export interface ShimOptions {
  port: number;
  shimId: bigint;
  ipv6: boolean;
  trustCert: string | undefined;
  verifyPeer: boolean;
  verifyFail: boolean;
  /** SignatureScheme code points to offer (-verify-prefs), in order. */
  verifyPrefs: number[];
  expectPeerSignatureAlgorithm: number | undefined;
  /** NamedGroup code points (-curves), in order. */
  curves: number[];
  expectCurveId: number | undefined;
  expectHrr: boolean;
  expectNoHrr: boolean;
  /** Wire versions (771 = TLS 1.2, 772 = TLS 1.3). */
  minVersion: number | undefined;
  maxVersion: number | undefined;
  noTls13: boolean;
  noTls12: boolean;
  expectVersion: number | undefined;
  hostName: string | undefined;
  alpn: string[];
  expectAlpn: string | undefined;
  expectPeerCertFile: string | undefined;
  shimWritesFirst: boolean;
  shimShutsDown: boolean;
  checkCloseNotify: boolean;
  expectExtendedMasterSecret: boolean;
  /** Client certificate chain and key (PEM files). */
  certFile: string | undefined;
  keyFile: string | undefined;
  /** SignatureScheme code points the client may sign with (-signing-prefs), in order. */
  signingPrefs: number[];
  enableOcspStapling: boolean;
  expectOcspResponse: Buffer | undefined;
  /** -export-keying-material N: write N exporter bytes after the handshake. */
  exportKeyingMaterial: number | undefined;
  exportLabel: string;
  exportContext: string;
  useExportContext: boolean;
  /** BoringSSL's compliance policies (ssl_compliance_policy_*): versions, suites, groups, schemes. */
  compliancePolicy: 'fips-202205' | 'wpa-202304' | undefined;
}

export type ParseResult =
  | { kind: 'ok'; options: ShimOptions }
  | { kind: 'handshaker-probe' }
  | { kind: 'unimplemented'; flag: string }
  | { kind: 'error'; message: string };

function defaults(): ShimOptions {
  return {
    port: 0, shimId: 0n, ipv6: false, trustCert: undefined, verifyPeer: false, verifyFail: false,
    verifyPrefs: [], expectPeerSignatureAlgorithm: undefined, curves: [], expectCurveId: undefined,
    expectHrr: false, expectNoHrr: false, minVersion: undefined, maxVersion: undefined, noTls13: false,
    noTls12: false, expectVersion: undefined, hostName: undefined, alpn: [], expectAlpn: undefined,
    expectPeerCertFile: undefined, shimWritesFirst: false, shimShutsDown: false, checkCloseNotify: false,
    expectExtendedMasterSecret: false, certFile: undefined, keyFile: undefined, signingPrefs: [],
    enableOcspStapling: false, expectOcspResponse: undefined, exportKeyingMaterial: undefined,
    exportLabel: '', exportContext: '', useExportContext: false, compliancePolicy: undefined,
  };
}

/**
 * `-advertise-alpn` carries the ALPN wire list itself: length-prefixed names (`\x03foo\x03bar`).
 * Returns null when the lengths do not add up.
 */
export function parseAlpnWire(wire: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < wire.length) {
    const n = wire.charCodeAt(i);
    if (n === 0 || i + 1 + n > wire.length) return null;
    out.push(wire.slice(i + 1, i + 1 + n));
    i += 1 + n;
  }
  return out;
}

function int(flag: string, v: string): number | string {
  if (!/^-?\d+$/.test(v)) return `${flag}: expected an integer, got ${JSON.stringify(v)}`;
  return Number(v);
}

/** Parse the runner's argv (without node and the script). */
export function parseShimArgs(argv: readonly string[]): ParseResult {
  if (argv.includes('-is-handshaker-supported')) return { kind: 'handshaker-probe' };
  const o = defaults();
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i]!;
    // -on-initial-X applies to the first connection (the only one: resumption is unimplemented);
    // -on-resume-X and -on-retry-X apply to connections this shim never makes.
    let applies = true;
    const prefixed = /^-on-(initial|resume|retry)(-.*)$/.exec(flag);
    if (prefixed) {
      applies = prefixed[1] === 'initial';
      flag = prefixed[2]!;
    }
    const known = VALUE_FLAGS.has(flag) || IGNORED_FLAGS.has(flag) || UNIMPLEMENTED.has(flag) || HANDLED.has(flag);
    if (!known) return { kind: 'error', message: `unknown flag ${argv[i]}` };
    let value: string | undefined;
    if (VALUE_FLAGS.has(flag)) {
      value = argv[++i];
      if (value === undefined) return { kind: 'error', message: `${argv[i - 1]} needs a value` };
    }
    if (!applies) continue;
    if (UNIMPLEMENTED.has(flag)) {
      // -resume-count 0 asks for nothing more.
      if (flag === '-resume-count' && value === '0') continue;
      return { kind: 'unimplemented', flag };
    }
    if (IGNORED_FLAGS.has(flag)) {
      if (flag === '-ipv6') o.ipv6 = true;
      continue;
    }
    const num = (): number | string => int(flag, value!);
    let n: number | string;
    switch (flag) {
      case '-port':
        if (typeof (n = num()) === 'string') return { kind: 'error', message: n };
        o.port = n;
        break;
      case '-shim-id':
        if (!/^\d+$/.test(value!)) return { kind: 'error', message: `-shim-id: expected an integer` };
        o.shimId = BigInt(value!);
        break;
      case '-trust-cert':
        o.trustCert = value;
        break;
      case '-verify-peer':
        o.verifyPeer = true;
        break;
      case '-verify-fail':
        o.verifyFail = true;
        break;
      case '-reverify-on-resume':
        break; // only matters with resumption
      case '-verify-prefs':
        if (typeof (n = num()) === 'string') return { kind: 'error', message: n };
        o.verifyPrefs.push(n);
        break;
      case '-expect-peer-signature-algorithm':
        if (typeof (n = num()) === 'string') return { kind: 'error', message: n };
        o.expectPeerSignatureAlgorithm = n;
        break;
      case '-curves':
        if (typeof (n = num()) === 'string') return { kind: 'error', message: n };
        o.curves.push(n);
        break;
      case '-expect-curve-id':
        if (typeof (n = num()) === 'string') return { kind: 'error', message: n };
        o.expectCurveId = n;
        break;
      case '-expect-hrr':
        o.expectHrr = true;
        break;
      case '-expect-no-hrr':
        o.expectNoHrr = true;
        break;
      case '-min-version':
        if (typeof (n = num()) === 'string') return { kind: 'error', message: n };
        o.minVersion = n;
        break;
      case '-max-version':
        if (typeof (n = num()) === 'string') return { kind: 'error', message: n };
        // TLS 1.1 and older are never offered.
        if (n < 0x0303) return { kind: 'unimplemented', flag: `${flag} ${value}` };
        o.maxVersion = n;
        break;
      case '-no-tls13':
        o.noTls13 = true;
        break;
      case '-no-tls12':
        o.noTls12 = true;
        break;
      case '-no-tls11':
      case '-no-tls1':
        break; // never offered anyway
      case '-expect-version':
        if (typeof (n = num()) === 'string') return { kind: 'error', message: n };
        o.expectVersion = n;
        break;
      case '-host-name':
        o.hostName = value;
        break;
      case '-advertise-alpn': {
        const names = parseAlpnWire(value!);
        if (!names) return { kind: 'error', message: `-advertise-alpn: malformed wire list` };
        o.alpn = names;
        break;
      }
      case '-expect-alpn':
        o.expectAlpn = value;
        break;
      case '-expect-peer-cert-file':
        o.expectPeerCertFile = value;
        break;
      case '-shim-writes-first':
        o.shimWritesFirst = true;
        break;
      case '-shim-shuts-down':
        o.shimShutsDown = true;
        break;
      case '-check-close-notify':
        o.checkCloseNotify = true;
        break;
      case '-expect-extended-master-secret':
        o.expectExtendedMasterSecret = true;
        break;
      case '-expect-total-renegotiations':
        // We never renegotiate: only 0 can hold.
        if (value !== '0') return { kind: 'unimplemented', flag: `${flag} ${value}` };
        break;
      case '-export-label':
        o.exportLabel = value!;
        break;
      case '-export-context':
        o.exportContext = value!;
        break;
      case '-use-export-context':
        o.useExportContext = true;
        break;
      case '-export-keying-material':
        if (typeof (n = num()) === 'string') return { kind: 'error', message: n };
        o.exportKeyingMaterial = n;
        break;
      case '-cert-file':
        o.certFile = value;
        break;
      case '-key-file':
        o.keyFile = value;
        break;
      case '-signing-prefs':
        if (typeof (n = num()) === 'string') return { kind: 'error', message: n };
        o.signingPrefs.push(n);
        break;
      case '-fips-202205':
      case '-wpa-202304':
        o.compliancePolicy = flag.slice(1) as 'fips-202205' | 'wpa-202304';
        break;
      case '-enable-ocsp-stapling':
        o.enableOcspStapling = true;
        break;
      case '-expect-ocsp-response':
        o.expectOcspResponse = Buffer.from(value!, 'base64');
        break;
      default:
        // A value flag listed for its arity only (its feature is unimplemented).
        return { kind: 'unimplemented', flag };
    }
  }
  if (o.port === 0) return { kind: 'error', message: '-port is required' };
  return { kind: 'ok', options: o };
}
