/**
 * `puretls doctor` against bad servers this file makes (issue 14, part 4): each diagnosis names
 * the cause and the fix, the exit status is 1 when the connection as asked fails (0 when it
 * works), and the work is bounded (at most MAX_ATTEMPTS connections).
 */
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS } from '../../src/cli/doctor.js';
import { makeBadPki, badCredArgs, type BadPki } from '../helpers/bad-pki.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { startOpenSslServer, stopAllPeers } from '../helpers/peers.js';
import { closeAll, tcpServer, within } from '../transport/local-server.js';
import { readFileSync } from 'node:fs';
import { node26Missing, startNode26Server } from '../helpers/node26.js';
import { runCli, type CliRun } from './io.js';

afterEach(closeAll);

function connectionsMade(r: CliRun): number {
  const m = /^\((\d+) connections made\)$/m.exec(r.stdout);
  return m ? Number(m[1]) : 0;
}

it('a plain HTTP port: not TLS, looks like HTTP, wrong port; exit 1 after one connection', async () => {
  const port = await tcpServer((s: Socket) => {
    s.on('error', () => {});
    s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));
  });
  const r = await within(runCli(['doctor', `127.0.0.1:${port}`]), 30_000);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/^connection as asked: FAILED$/m);
  expect(r.stdout).toMatch(/^cause: this is not TLS: it looks like plain HTTP — wrong port\?/m);
  expect(r.stdout).toMatch(/^ {2}seen: the server's first bytes: HTTP\/1\.1 400 Bad Request$/m);
});

const opensslMissing = programMissing('openssl');
describe.skipIf(skipFor(opensslMissing, 'doctor against openssl s_server'))('doctor against openssl s_server', () => {
  let bad: BadPki;
  beforeAll(() => {
    bad = makeBadPki();
  });
  afterAll(async () => {
    await stopAllPeers();
    bad?.cleanup();
  });

  async function doctor(serverArgs: string[], clientArgs: string[] = []): Promise<CliRun> {
    const peer = await startOpenSslServer(['-www', ...serverArgs]);
    try {
      return await within(runCli(['doctor', `localhost:${peer.port}`, '--ca', bad.rootFile, '--timeout', '4000', ...clientArgs]), 90_000);
    } finally {
      await peer.stop();
    }
  }

  it('a good server: exit 0, what it supports, the chain', async () => {
    const r = await doctor(['-cert', bad.creds.good.certFile, '-key', bad.creds.good.keyFile, '-cert_chain', bad.creds.good.chainFile!, '-alpn', 'http/1.1']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^connection as asked: OK$/m);
    expect(r.stdout).toMatch(/^ {2}TLS 1\.3 {6}TLSv1\.3, TLS_AES_\w+, x25519$/m);
    expect(r.stdout).toMatch(/^ {2}TLS 1\.2 {6}TLSv1\.2, TLS_ECDHE_ECDSA_\w+/m);
    expect(r.stdout).toMatch(/^ {2}TLS 1\.1 {6}no \(/m);
    expect(r.stdout).toMatch(/^ {2}ALPN {9}http\/1\.1 \(offered h2, http\/1\.1\)$/m);
    expect(r.stdout).toMatch(/^ {2}tickets {6}yes \(lifetime \d+ s\)$/m);
    expect(r.stdout).toMatch(/^certificates: 2 sent by the server, in order$/m);
    expect(r.stdout).toMatch(/^verdict: the connection works\.$/m);
  });

  it('wrong host: the names in the certificate and --servername', async () => {
    const r = await doctor(badCredArgs(bad.creds.wronghost));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^cause: the certificate is not for localhost: it names DNS:www\.other\.test$/m);
    expect(r.stdout).toMatch(/^fix: connect with a name the certificate holds: --servername www\.other\.test$/m);
    expect(r.stdout).toMatch(/^certificate 0 \(leaf\): NAME_MISMATCH$/m);
    expect(connectionsMade(r)).toBeLessThanOrEqual(MAX_ATTEMPTS);
  });

  it('missing intermediate: names the missing issuer and the fixes', async () => {
    const r = await doctor(badCredArgs(bad.creds.goodNoChain));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^certificates: 1 sent by the server$/m);
    expect(r.stdout).toMatch(/^cause: the issuer of the server certificate, "CN=[^"]+", is missing: the server sent only its own certificate/m);
    expect(r.stdout).toMatch(/^fix: if "CN=[^"]+" is an intermediate CA: configure the server to send its full chain/m);
  });

  it('expired: which certificate, since when, --ignore EXPIRED', async () => {
    const r = await doctor(badCredArgs(bad.creds.expired));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^cause: the server certificate \(CN=[^)]+\) expired 2020-02-01T00:00:00\.000Z/m);
    expect(r.stdout).toMatch(/\(EXPIRED \d+ days ago\)$/m);
    expect(r.stdout).toMatch(/^fix: or, knowingly, accept an expired certificate: --ignore EXPIRED$/m);
  });

  it('a client clock in 1970: not yet valid, set the time, --now, --ignore FUTURE', async () => {
    const r = await doctor(badCredArgs(bad.creds.good), ['--now', '1970-01-01T00:00:00Z']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^cause: the client's clock is wrong: it says 1970-01-01T00:00:00\.000Z, .* a device without a real-time clock that believes it is 1970$/m);
    expect(r.stdout).toMatch(/NOT YET VALID at 1970-01-01T00:00:00\.000Z/);
    expect(r.stdout).toMatch(/^fix: set the time \(NTP, or a real-time clock\) before connecting$/m);
    expect(r.stdout).toMatch(/^fix: or pass the real time: --now /m);
    expect(r.stdout).toMatch(/^fix: or, knowingly, accept not-yet-valid certificates: --ignore FUTURE$/m);
  });

  it('client certificate required: the server requests one; --cert/--key', async () => {
    const r = await doctor(['-tls1_3', '-Verify', '1', ...badCredArgs(bad.creds.good)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}client cert {2}REQUESTED by the server \(CertificateRequest\)$/m);
    expect(r.stdout).toMatch(/^cause: the server requires a client certificate/m);
    expect(r.stdout).toMatch(/^fix: give a client certificate and its private key: --cert FILE --key FILE$/m);
  });

  it('TLS 1.1 only: says so, and that no client option fixes it', async () => {
    const r = await doctor(['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0', ...badCredArgs(bad.creds.good)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}TLS 1\.1 {6}YES \(TLSv1\.1, TLS_\w+\): obsolete$/m);
    expect(r.stdout).toMatch(/^cause: the server speaks only TLSv1\.1 /m);
    expect(r.stdout).toMatch(/^fix: upgrade the server to TLS 1\.2 or 1\.3 \(no client option can fix this\)$/m);
  });

  it('no common suite (TLS 1.3 CCM only): names the suite the server wants', async () => {
    const r = await doctor(['-tls1_3', '-ciphersuites', 'TLS_AES_128_CCM_SHA256', ...badCredArgs(bad.creds.good)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^cause: the server accepts only the cipher suite TLS_AES_128_CCM_SHA256, which puretls does not implement$/m);
  });

  it('a SHA-1 chain the server will not send under our signature_algorithms_cert', async () => {
    const r = await doctor(['-tls1_3', '-cipher', 'DEFAULT@SECLEVEL=0', ...badCredArgs(bad.creds.sha1)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^cause: the server's certificate chain is signed with SHA-1: our signature_algorithms_cert excludes SHA-1 schemes/m);
    expect(r.stdout).toMatch(/^fix: reissue the certificate chain with SHA-256 signatures$/m);
  });
});

const node26 = node26Missing();
describe.skipIf(skipFor(node26, 'doctor against a post-quantum-only Node 26 server'))('a server that accepts only X25519MLKEM768 (Node 26, OpenSSL 3.5)', () => {
  let bad: BadPki;
  beforeAll(() => {
    bad = makeBadPki();
  });
  afterAll(() => bad?.cleanup());

  it('with our defaults it works and the doctor reports post-quantum; with classic groups only it names the cause and the fix', async () => {
    const good = bad.creds.good;
    const cred = { keyPem: readFileSync(good.keyFile, 'utf8'), chainPem: readFileSync(good.certFile, 'utf8') + readFileSync(good.chainFile!, 'utf8') };
    const srv = await startNode26Server(cred, 'X25519MLKEM768');
    try {
      const ok = await within(runCli(['doctor', `localhost:${srv.port}`, '--ca', bad.rootFile, '--timeout', '4000']), 90_000);
      expect(ok.code, ok.stdout).toBe(0);
      expect(ok.stdout).toMatch(/^ {2}post-quantum yes: X25519MLKEM768$/m);
      expect(ok.stdout).toMatch(/^ {2}negotiated {3}TLSv1\.3 \S+ group=X25519MLKEM768 /m);

      const classic = await within(runCli(['doctor', `localhost:${srv.port}`, '--ca', bad.rootFile, '--timeout', '4000', '--groups', 'x25519,secp256r1']), 90_000);
      expect(classic.code, classic.stdout).toBe(1);
      expect(classic.stdout).toMatch(/^cause: the server accepts only post-quantum hybrid key exchange: it asked for X25519MLKEM768 when offered, and refused the groups we offered \(x25519, secp256r1\)$/m);
      expect(classic.stdout).toMatch(/^fix: offer X25519MLKEM768: --groups X25519MLKEM768,x25519$/m);
    } finally {
      await srv.stop();
    }
  });
});
