/**
 * puretls' BoGo shim: plays the client for BoringSSL's ssl/test/runner over the sans-IO core
 * (the contract: bogo/README.md). Started once per test by bogo/shim.sh (which declines server,
 * DTLS, QUIC and unimplemented tests with exit 89 before Node starts).
 *
 * Per test: connect to the runner, send the 8-byte shim ID, handshake, check the -expect-*
 * flags, then echo application data XORed with 0xff until close_notify or EOF.
 * Failures print `:CODE:` (puretls' TlsError code; bogo/config.json's ErrorMap names which
 * BoringSSL error each stands for) and the explanation on stderr, and exit 1.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { ClientConnection, TlsError, type HandshakeInfo } from '../src/index.js';
import type { ClientOptions } from '../src/types.js';
import { GROUPS } from '../src/crypto/groups.js';
import { CIPHER_SUITES, isSuiteSupported } from '../src/crypto/suites.js';
import { SIGNATURE_SCHEMES } from '../src/crypto/sigschemes.js';
import { loadCertificates } from '../src/x509/pem.js';
import { parseShimArgs, type ShimOptions } from './flags.js';

const EXIT_UNIMPLEMENTED = 89;

class Unimplemented extends Error {}
class Expectation extends Error {}

/** ClientOptions for the flags; throws Unimplemented for a value puretls does not support. */
export function clientOptions(o: ShimOptions): ClientOptions {
  // BoringSSL requests a stapled OCSP response only with -enable-ocsp-stapling (declined: BoGo's
  // staples are test bytes, not RFC 6960 responses), so status_request is not sent.
  const opts: ClientOptions = { servername: o.hostName ?? false, verify: 'none', middleboxCompat: true, revocation: 'off' };
  // BoringSSL's default cipher list includes the RSA key exchange suites (opt-in in puretls);
  // its runner tests them by default, so the shim enables every suite but DHE, which BoringSSL
  // does not implement.
  opts.ciphers = CIPHER_SUITES.filter((s) => isSuiteSupported(s.code) && !(s.version === '1.2' && s.kx === 'dhe')).map((s) => s.code);
  if (o.curves.length > 0) {
    const names = o.curves.map((c) => {
      const g = GROUPS.find((x) => x.code === c);
      if (!g) throw new Unimplemented(`group ${c}`);
      return g.name;
    });
    opts.groups = names;
    // BoringSSL sends one key share: for the first group.
    opts.keyShareGroups = names.slice(0, 1);
  }
  if (o.verifyPrefs.length > 0) {
    opts.sigalgs = o.verifyPrefs.map((c) => {
      const s = SIGNATURE_SCHEMES.find((x) => x.code === c);
      if (!s) throw new Unimplemented(`signature scheme ${c}`);
      return s.name;
    });
  }
  let min = o.minVersion !== undefined && o.minVersion >= 0x0304 ? '1.3' : '1.2';
  let max = o.maxVersion !== undefined && o.maxVersion < 0x0304 ? '1.2' : '1.3';
  if (o.noTls13) max = '1.2';
  if (o.noTls12) min = '1.3';
  if (min > max) throw new Unimplemented('no TLS 1.2 or 1.3 enabled');
  opts.minVersion = min as '1.2' | '1.3';
  opts.maxVersion = max as '1.2' | '1.3';
  if (o.alpn.length > 0) opts.alpn = o.alpn;
  if (o.verifyPeer && o.verifyFail) {
    // -verify-fail: the application's verifier rejects the certificate; with -verify-peer that
    // is fatal (BoringSSL's shim does not validate the chain otherwise).
    if (!o.trustCert) throw new Expectation('-verify-fail needs -trust-cert');
    opts.verify = 'required';
    opts.ca = readFileSync(o.trustCert, 'utf8');
    opts.servername = o.hostName ?? false;
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
  if (o.expectPeerCertFile !== undefined) {
    const want = loadCertificates(readFileSync(o.expectPeerCertFile, 'utf8'), 'expect-peer-cert-file');
    const got = info.verify.peerCertificates;
    const same = want.length === got.length && want.every((w, i) => Buffer.from(w).equals(Buffer.from(got[i]!)));
    if (!same) fail('the server certificate chain differs from -expect-peer-cert-file');
  }
}

/** Run one connection; resolves with the exit status. */
function run(o: ShimOptions, opts: ClientOptions): Promise<number> {
  return new Promise((resolve) => {
    const sock: Socket = connect({ host: o.ipv6 ? '::1' : '127.0.0.1', port: o.port });
    sock.setNoDelay(true);
    let conn: ClientConnection;
    let done = false;
    let postHandshakeDone = false;
    const finish = (status: number, message?: string): void => {
      if (done) return;
      done = true;
      if (message) process.stderr.write(message + '\n');
      const out = conn?.takeOutput();
      if (out) sock.write(out);
      sock.end(() => resolve(status));
      // A peer that never reads must not keep us alive past the runner's idle timeout.
      setTimeout(() => resolve(status), 2000).unref();
    };
    const flush = (): void => {
      const out = conn.takeOutput();
      if (out) sock.write(out);
    };
    const failWith = (e: unknown): void => {
      if (e instanceof TlsError) {
        // A received alert is named like BoringSSL's SSL_R_*_ALERT_* reasons (bogo/config.json maps them).
        const code = e.code === 'PEER_ALERT' && e.alertName ? `PEER_ALERT_${e.alertName.toUpperCase()}` : e.code;
        finish(1, `:${code}: ${e.message}${e.alertName ? ` (alert ${e.alertName} ${e.direction})` : ''}`);
      } else if (e instanceof Expectation) {
        finish(1, `expectation failed: ${e.message}`);
      } else {
        finish(1, `:INTERNAL_SHIM: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    };
    const afterHandshake = (): void => {
      postHandshakeDone = true;
      checkExpectations(o, conn.info!);
      if (o.shimWritesFirst) conn.write(new TextEncoder().encode('hello'));
      if (o.shimShutsDown) {
        conn.close();
        flush();
        if (!o.checkCloseNotify) finish(0);
      }
    };
    sock.on('connect', () => {
      try {
        conn = new ClientConnection(opts);
      } catch (e) {
        failWith(e);
        return;
      }
      const id = Buffer.alloc(8);
      id.writeBigUInt64LE(o.shimId);
      sock.write(id);
      flush();
    });
    sock.on('data', (data: Buffer) => {
      if (done) return;
      try {
        conn.feed(new Uint8Array(data.buffer, data.byteOffset, data.length));
        if (conn.handshakeComplete && !postHandshakeDone) afterHandshake();
        for (let d = conn.read(); d; d = conn.read()) {
          if (o.shimShutsDown) continue;
          const echo = new Uint8Array(d.length);
          for (let i = 0; i < d.length; i++) echo[i] = d[i]! ^ 0xff;
          conn.write(echo);
        }
        if (conn.peerClosed) {
          conn.close();
          flush();
          finish(0);
          return;
        }
        flush();
      } catch (e) {
        failWith(e);
      }
    });
    sock.on('end', () => {
      if (done) return;
      if (!conn?.handshakeComplete) {
        finish(1, ':CONNECTION_CLOSED: the runner closed the connection during the handshake');
      } else if (o.checkCloseNotify) {
        finish(1, ':CLOSE_WITHOUT_CLOSE_NOTIFY: the runner closed without close_notify');
      } else {
        finish(0);
      }
    });
    sock.on('error', (e) => {
      if (done) return;
      done = true;
      process.stderr.write(`:SOCKET_ERROR: ${e.message}\n`);
      resolve(1);
    });
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseShimArgs(argv);
  switch (parsed.kind) {
    case 'handshaker-probe':
      process.stdout.write('No\n');
      return 0;
    case 'unimplemented':
      process.stdout.write(`unimplemented: ${parsed.flag}\n`);
      return EXIT_UNIMPLEMENTED;
    case 'error':
      process.stderr.write(`shim: ${parsed.message}\n`);
      return 1;
  }
  const o = parsed.options;
  let opts: ClientOptions;
  try {
    opts = clientOptions(o);
  } catch (e) {
    if (e instanceof Unimplemented) {
      process.stdout.write(`unimplemented: ${e.message}\n`);
      return EXIT_UNIMPLEMENTED;
    }
    throw e;
  }
  return run(o, opts);
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (e) => {
    process.stderr.write(`shim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
