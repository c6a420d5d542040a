/**
 * Causes, not symptoms (issue 14, part 2): `puretls connect` failures end with a `cause:` line
 * naming what the client saw and `fix:` lines in flags, against servers this file starts:
 * plain-text peers (HTTP, SSH, SMTP), openssl s_server with a missing intermediate, a wrong
 * name, a client certificate requirement, TLS 1.1 only, no common suite; a 1970 clock.
 * The renegotiation case is a unit test of the analysis on the facts it reads.
 */
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { explainFailure } from '../../src/diagnose/explain.js';
import { traceFacts } from '../../src/diagnose/trace.js';
import { peerAlert } from '../../src/errors.js';
import { makeBadPki, badCredArgs, type BadPki } from '../helpers/bad-pki.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { startOpenSslServer, stopAllPeers } from '../helpers/peers.js';
import { closeAll, tcpServer, within } from '../transport/local-server.js';
import { runCli } from './io.js';

afterEach(closeAll);

/** A plain TCP server that greets (banner) or answers the first bytes it gets. */
async function plainServer(greeting: string | null, answer: string | null): Promise<number> {
  return tcpServer((s: Socket) => {
    s.on('error', () => {});
    if (greeting !== null) s.write(greeting);
    if (answer !== null) s.once('data', () => s.end(answer));
  });
}

describe('a peer that is not TLS', () => {
  it('HTTP: "this is not TLS; it looks like plain HTTP — wrong port?" with its status line', async () => {
    const port = await plainServer(null, 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    const r = await within(runCli(['connect', `127.0.0.1:${port}`]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: UNEXPECTED_MESSAGE: record of unknown content type 72\n/);
    expect(r.stderr).toMatch(/^cause: this is not TLS: it looks like plain HTTP — wrong port\? \(HTTPS is usually on 443\)$/m);
    expect(r.stderr).toMatch(/^fix: connect to the port that speaks TLS$/m);
  });

  it('SSH banner and SMTP greeting are named', async () => {
    const ssh = await plainServer('SSH-2.0-OpenSSH_9.6\r\n', null);
    const a = await within(runCli(['connect', `127.0.0.1:${ssh}`]));
    expect(a.stderr).toMatch(/^cause: this is not TLS: it is an SSH server — wrong port\?$/m);
    const smtp = await plainServer('220 mail.example ESMTP Postfix\r\n', null);
    const b = await within(runCli(['connect', `127.0.0.1:${smtp}`]));
    expect(b.stderr).toMatch(/^cause: this is not TLS: it is a SMTP greeting: .*STARTTLS.*465/m);
  });
});

const opensslMissing = programMissing('openssl');
describe.skipIf(skipFor(opensslMissing, 'explanations against openssl s_server'))('causes against openssl s_server', () => {
  let bad: BadPki;
  beforeAll(() => {
    bad = makeBadPki();
  });
  afterAll(async () => {
    await stopAllPeers();
    bad?.cleanup();
  });

  it('missing intermediate, with --ca given: names the intermediate and both fixes', async () => {
    const peer = await startOpenSslServer(['-tls1_3', '-www', ...badCredArgs(bad.creds.goodNoChain)]);
    const r = await within(runCli(['connect', `localhost:${peer.port}`, '--ca', bad.rootFile]), 20_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cause: the issuer of the server certificate, "CN=[^"]+", is missing: the server sent only its own certificate, and the given ca \(CN=[^)]+\) does not hold "CN=[^"]+" — a missing intermediate, or an untrusted root$/m);
    expect(r.stderr).toMatch(/^fix: if "CN=[^"]+" is an intermediate CA: configure the server to send its full chain/m);
    expect(r.stderr).toMatch(/^fix: or add the intermediate "CN=[^"]+" to the trusted certificates: --ca intermediate\.pem$/m);
  });

  it('wrong host: the names the certificate holds and --servername with one of them', async () => {
    const peer = await startOpenSslServer(['-tls1_3', '-www', ...badCredArgs(bad.creds.wronghost)]);
    const r = await within(runCli(['connect', `localhost:${peer.port}`, '--ca', bad.rootFile]), 20_000);
    expect(r.stderr).toMatch(/^cause: the certificate is not for localhost: it names DNS:www\.other\.test$/m);
    expect(r.stderr).toMatch(/^fix: connect with a name the certificate holds: --servername www\.other\.test$/m);
  });

  it('a client clock in 1970: every certificate "not yet valid", set the time, --now, --ignore FUTURE', async () => {
    const peer = await startOpenSslServer(['-tls1_3', '-www', ...badCredArgs(bad.creds.good)]);
    const r = await within(runCli(['connect', `localhost:${peer.port}`, '--ca', bad.rootFile, '--now', '1970-01-01T00:00:00Z']), 20_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cause: the client's clock is wrong: it says 1970-01-01T00:00:00\.000Z, before every certificate's start .* "not yet valid" — a device without a real-time clock that believes it is 1970$/m);
    expect(r.stderr).toMatch(/^fix: set the time \(NTP, or a real-time clock\) before connecting$/m);
    expect(r.stderr).toMatch(/^fix: or pass the real time: --now YYYY-MM-DDTHH:MM:SSZ$/m);
    expect(r.stderr).toMatch(/^fix: or, knowingly, accept not-yet-valid certificates: --ignore FUTURE$/m);
  });

  it('expired: which certificate and when', async () => {
    const peer = await startOpenSslServer(['-tls1_3', '-www', ...badCredArgs(bad.creds.expired)]);
    const r = await within(runCli(['connect', `localhost:${peer.port}`, '--ca', bad.rootFile]), 20_000);
    expect(r.stderr).toMatch(/^cause: the server certificate \(CN=[^)]+\) expired 2020-02-01T00:00:00\.000Z \(our clock says /m);
    expect(r.stderr).toMatch(/^fix: or, knowingly, accept an expired certificate: --ignore EXPIRED$/m);
  });

  it('client certificate required (TLS 1.3 and 1.2): says so and names --cert/--key', async () => {
    for (const v of ['-tls1_3', '-tls1_2']) {
      const peer = await startOpenSslServer([v, '-www', '-Verify', '1', ...badCredArgs(bad.creds.good)]);
      const r = await within(runCli(['connect', `localhost:${peer.port}`, '--ca', bad.rootFile, '--send', 'GET / HTTP/1.0\\r\\n\\r\\n']), 20_000);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^cause: the server requires a client certificate: it sent CertificateRequest, we answered with an empty Certificate, and it refused with \w+$/m);
      expect(r.stderr).toMatch(/^fix: give a client certificate and its private key: --cert FILE --key FILE$/m);
      await peer.stop();
    }
  });

  it('TLS 1.1 only: the server speaks nothing we accept', async () => {
    const peer = await startOpenSslServer(['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0', '-www', ...badCredArgs(bad.creds.good)]);
    const r = await within(runCli(['connect', `localhost:${peer.port}`, '--ca', bad.rootFile]), 20_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cause: the server does not accept the TLS versions we offered \(TLSv1\.3, TLSv1\.2\): it probably speaks only TLS 1\.1 or older/m);
  });

  it('no common suite: lists what we offered and points to the doctor', async () => {
    const peer = await startOpenSslServer(['-tls1_3', '-ciphersuites', 'TLS_AES_128_CCM_SHA256', '-www', ...badCredArgs(bad.creds.good)]);
    const r = await within(runCli(['connect', `localhost:${peer.port}`, '--ca', bad.rootFile]), 20_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cause: the server refused our ClientHello \(handshake_failure\): nothing in common/m);
    expect(r.stderr).toMatch(new RegExp(`^fix: find out which one with the doctor.*: puretls doctor localhost:${peer.port}$`, 'm'));
  });
});

describe('renegotiation refused, then the connection failed (analysis unit)', () => {
  it('names the HelloRequest we refused', () => {
    const err = peerAlert(40, 'the server sent a fatal alert: handshake_failure (40)');
    const facts = traceFacts([
      { type: 'message', direction: 'sent', name: 'client_hello', length: 200, summary: { versions: ['TLSv1.2'] } },
      { type: 'message', direction: 'received', name: 'server_hello', length: 80, summary: {} },
      { type: 'message', direction: 'received', name: 'hello_request', length: 4, summary: {} },
      { type: 'alert', direction: 'sent', level: 'warning', description: 'no_renegotiation' },
      { type: 'alert', direction: 'received', level: 'fatal', description: 'handshake_failure' },
      { type: 'error', error: err },
    ]);
    const d = explainFailure(err, facts);
    expect(d.cause).toMatch(/^the server asked to renegotiate \(TLS 1\.2 HelloRequest\), we refused with a no_renegotiation warning, and it then failed the connection \(handshake_failure\)/);
    // Without the HelloRequest, the same alert is read as "nothing in common".
    const plain = explainFailure(err, traceFacts([{ type: 'message', direction: 'sent', name: 'client_hello', length: 200, summary: {} }]));
    expect(plain.cause).toMatch(/^the server refused our ClientHello/);
  });
});
