/**
 * `puretls connect --cert/--key/--pass` and `--pfx/--pass` against `openssl s_server -Verify 1
 * -verify_return_error` (TLS 1.3), in-process through main(argv, io); BAD_CONFIG and
 * CLIENT_CERT_REQUIRED speak of the flags.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { opensslCredArgs, testPki } from '../helpers/certs.js';
import { clientPki, PASSPHRASE } from '../helpers/client-certs.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { startOpenSslServer, stopAllPeers, within } from '../helpers/peers.js';
import { runCli } from './io.js';

const skip = skipFor(programMissing('openssl'), 'CLI client-certificate tests (need openssl s_server)');

describe.skipIf(skip)('puretls connect with a client certificate', () => {
  afterAll(stopAllPeers);
  const server = () =>
    startOpenSslServer(['-tls1_3', '-www', ...opensslCredArgs(testPki().leaf('p256')), '-Verify', '1', '-verify_return_error', '-CAfile', clientPki().caFile]);

  it('--cert FILE --key FILE --pass PW (encrypted EC key)', async () => {
    const peer = await server();
    const c = clientPki().cred('p256');
    const r = await within(runCli(['connect', `localhost:${peer.port}`, '--ca', testPki().caFile, '--cert', c.certFile, '--key', c.encryptedFile, '--pass', PASSPHRASE, '--send', 'GET / HTTP/1.0\\r\\n\\r\\n']), 30_000, 'cli');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Subject: CN=device-p256');
    await peer.stop();
  });

  it('--pfx FILE --pass PW (RSA)', async () => {
    const peer = await server();
    const c = clientPki().cred('rsa2048');
    const r = await within(runCli(['connect', `localhost:${peer.port}`, '--ca', testPki().caFile, '--pfx', c.pfxFile, '--pass', PASSPHRASE, '--send', 'GET / HTTP/1.0\\r\\n\\r\\n']), 30_000, 'cli');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Subject: CN=device-rsa2048');
    await peer.stop();
  });

  it('a wrong --pass is a usage error naming the flag; no connection is made', async () => {
    const c = clientPki().cred('p256');
    const r = await runCli(['connect', 'localhost:1', '--cert', c.certFile, '--pfx', c.pfxFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--cert: a pfx carries its own certificates: give pfx or cert, not both/);
    const r2 = await runCli(['connect', 'localhost:1', '--pfx', c.pfxFile, '--pass', 'wrong']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/^error: BAD_CONFIG: --pfx: wrong passphrase/m);
  });

  it('no certificate given: CLIENT_CERT_REQUIRED names --cert and --key', async () => {
    const peer = await server();
    const r = await within(runCli(['connect', `localhost:${peer.port}`, '--ca', testPki().caFile, '--send', 'GET / HTTP/1.0\\r\\n\\r\\n']), 30_000, 'cli');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: CLIENT_CERT_REQUIRED: the server requires a client certificate .*configure --cert and --key/);
    await peer.stop();
  });
});
