/**
 * `puretls connect` and `puretls demo` in-process (main(argv, io)) against node:tls servers on
 * 127.0.0.1 with the in-memory demo PKI; one spawn of the built launcher.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { skipFor, PROJECT_ROOT } from '../helpers/env.js';
import { closeAll, otherPki, pki, tcpServer, tlsServer, within } from '../transport/local-server.js';
import { runCli } from './io.js';

let dir: string;
let caFile: string;
let otherCaFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'puretls-cli-'));
  caFile = join(dir, 'ca.pem');
  otherCaFile = join(dir, 'other-ca.pem');
  writeFileSync(caFile, (await pki()).ca.cert);
  writeFileSync(otherCaFile, (await otherPki()).ca.cert);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(closeAll);

const HANDSHAKE_LINE =
  /^handshake: protocol=TLSv1\.[23] cipher=TLS_\w+ group=[\w-]+ sigalg=[\w-]+ alpn=[\w/.-]+ resumed=(yes|no) verify=[\w,]+$/m;

describe('puretls connect', () => {
  it('prints the handshake line, sends --send with escapes and prints the reply', async () => {
    const { port } = await tlsServer();
    const r = await within(runCli(['connect', `localhost:${port}`, '--ca', caFile, '--send', 'hello\\r\\nQUIT\\r\\n']));
    expect(r.stderr).toMatch(HANDSHAKE_LINE);
    expect(r.stderr).toMatch(/^handshake: protocol=TLSv1\.3 cipher=TLS_AES_\d+_GCM_SHA\d+ group=x25519 sigalg=ecdsa_secp256r1_sha256 alpn=- resumed=no verify=ok\n$/);
    expect(r.stdout).toBe('got: "hello\\r\\nQUIT\\r\\n"\n');
    expect(r.code).toBe(0);
  });

  it('pipes stdin when there is no --send', async () => {
    const { port } = await tlsServer();
    const r = await within(runCli(['connect', `127.0.0.1:${port}`, '--ca', caFile, '--quiet'], ['line one\r\n', 'QUIT\r\n']));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('got: "line one\\r\\nQUIT\\r\\n"\n');
    expect(r.code).toBe(0);
  });

  it('TLS 1.2 with --max-version 1.2, and ALPN', async () => {
    const { port } = await tlsServer({ ALPNProtocols: ['h2', 'http/1.1'] });
    const r = await within(
      runCli(['connect', `localhost:${port}`, '--ca', caFile, '--max-version', '1.2', '--alpn', 'http/1.1', '--send', 'QUIT\\r\\n']),
    );
    expect(r.stderr).toMatch(/^handshake: protocol=TLSv1\.2 cipher=TLS_ECDHE_ECDSA_WITH_\w+ group=x25519 sigalg=ecdsa_secp256r1_sha256 alpn=http\/1\.1 resumed=no verify=ok\n$/);
    expect(r.code).toBe(0);
  });

  it('verify optional with an untrusted CA reports the failure flags and goes on', async () => {
    const { port } = await tlsServer();
    const r = await within(runCli(['connect', `localhost:${port}`, '--ca', otherCaFile, '--verify', 'optional', '--send', 'QUIT\\r\\n']));
    expect(r.stderr).toMatch(HANDSHAKE_LINE);
    const verify = /verify=(\S+)/.exec(r.stderr)![1]!;
    expect(verify).not.toMatch(/^(ok|skipped)$/);
    expect(verify).toMatch(/^[A-Z_]+(,[A-Z_]+)*$/);
    expect(verify.split(',')).toContain('NOT_TRUSTED');
    expect(r.stdout).toContain('got:');
    expect(r.code).toBe(0);
  });

  it('--ignore accepts the named certificate flag under verify required', async () => {
    const { port } = await tlsServer();
    const r = await within(runCli(['connect', `localhost:${port}`, '--ca', otherCaFile, '--ignore', 'NOT_TRUSTED', '--send', 'QUIT\\r\\n']));
    expect(r.stderr).toMatch(/ verify=ok\n$/);
    expect(r.code).toBe(0);
  });

  it('verify none says skipped', async () => {
    const { port } = await tlsServer();
    const r = await within(runCli(['connect', `localhost:${port}`, '--verify', 'none', '--send', 'QUIT\\r\\n']));
    expect(r.stderr).toMatch(/ verify=skipped\n$/);
    expect(r.code).toBe(0);
  });

  it('verify required with an untrusted CA fails with CERT_VERIFY_FAILED, exit 1', async () => {
    const { port } = await tlsServer();
    const r = await within(runCli(['connect', `localhost:${port}`, '--ca', otherCaFile, '--send', 'QUIT\\r\\n']));
    expect(r.stderr).toMatch(/^error: CERT_VERIFY_FAILED: .+\ncause: the issuer of the server certificate, "CN=puretls demo CA", is missing: .+\n(fix: .+\n){3}$/);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
  });

  it('the wrong --servername fails verification', async () => {
    const { port } = await tlsServer();
    const r = await within(runCli(['connect', `127.0.0.1:${port}`, '--ca', caFile, '--servername', 'example.com']));
    expect(r.stderr).toMatch(/^error: CERT_VERIFY_FAILED: /);
    expect(r.code).toBe(1);
  });

  it('--timeout against a silent server: TIMEOUT, exit 1', async () => {
    const port = await tcpServer(() => {});
    const r = await within(runCli(['connect', `localhost:${port}`, '--timeout', '200']));
    expect(r.stderr).toMatch(/^error: TIMEOUT: .+\ncause: the server accepted the connection but never answered our ClientHello: .+\nfix: check the port\n$/);
    expect(r.code).toBe(1);
  });

  it('a server that hangs up mid-handshake: CONNECTION_CLOSED', async () => {
    const port = await tcpServer((s) => s.once('data', () => s.end()));
    const r = await within(runCli(['connect', `localhost:${port}`]));
    expect(r.stderr).toMatch(/^error: CONNECTION_CLOSED: /);
    expect(r.code).toBe(1);
  });

  it('a refused connection: SOCKET_ERROR', async () => {
    const port = await tcpServer(() => {});
    await closeAll();
    const r = await within(runCli(['connect', `127.0.0.1:${port}`]));
    expect(r.stderr).toMatch(/^error: SOCKET_ERROR: .*ECONNREFUSED/);
    expect(r.code).toBe(1);
  });

  it('an unknown cipher name is BAD_CONFIG, exit 2', async () => {
    const r = await within(runCli(['connect', 'localhost:1', '--ciphers', 'TLS_NOT_A_SUITE']));
    expect(r.stderr).toMatch(/^error: BAD_CONFIG: /);
    expect(r.code).toBe(2);
  });

  it('--debug state prints states, messages and checks; verbose adds labelled secrets', async () => {
    const { port } = await tlsServer();
    const state = await within(runCli(['connect', `localhost:${port}`, '--ca', caFile, '--debug', 'state', '--send', 'QUIT\\r\\n']));
    expect(state.code).toBe(0);
    expect(state.stderr).toMatch(/^\[state\] \w+ -> \w+$/m);
    expect(state.stderr).toMatch(/^\[message\] sent client_hello \(\d+ bytes\)/m);
    expect(state.stderr).toMatch(/^\[message\] received server_hello/m);
    expect(state.stderr).toMatch(/^\[check\] ok: /m);
    expect(state.stderr).not.toMatch(/^\[record\]|^\[key\]/m);
    expect(state.stderr).toMatch(HANDSHAKE_LINE);
    const verbose = await within(runCli(['connect', `localhost:${port}`, '--ca', caFile, '--debug', 'verbose', '--send', 'QUIT\\r\\n']));
    expect(verbose.stderr).toMatch(/^\[record\] /m);
    expect(verbose.stderr).toMatch(/^\[key\] SECRET client_handshake_traffic_secret = [0-9a-f]{64,} /m);
    const errorOnly = await within(runCli(['connect', `localhost:${port}`, '--ca', otherCaFile, '--debug', 'error']));
    expect(errorOnly.stderr).toMatch(/^\[error\] CERT_VERIFY_FAILED: .*\(alert sent: \w+\)\nerror: CERT_VERIFY_FAILED: /);
    expect(errorOnly.stderr).not.toMatch(/^\[(state|message|check|record|key)\]/m);
  });

  it('--keylog writes NSS key log lines', async () => {
    const { port } = await tlsServer();
    const file = join(dir, 'keys.log');
    const r = await within(runCli(['connect', `localhost:${port}`, '--ca', caFile, '--keylog', file, '--quiet', '--send', 'QUIT\\r\\n']));
    expect(r.code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{64,}$/));
    expect(lines).toContainEqual(expect.stringMatching(/^SERVER_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]{64,}$/));
  });
});

describe('puretls demo', () => {
  it('runs a narrated handshake against its own node:tls server and exits 0', async () => {
    const r = await within(runCli(['demo']), 20_000, 'demo');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const heading of ['ClientHello →', '← ServerHello', '← {EncryptedExtensions}', '← {Certificate}', '← {CertificateVerify}', '← {Finished}', '{Finished} →']) {
      expect(r.stdout).toContain(`\n${heading}`);
    }
    expect(r.stdout).toMatch(/✓ certificate chain .* for localhost/);
    expect(r.stdout).toMatch(/key handshake_secret = [0-9a-f]{16}…/);
    expect(r.stdout).toContain('| GET / HTTP/1.1');
    expect(r.stdout).toContain('| HTTP/1.1 200 OK');
    expect(r.stdout).toContain('Hello from node:tls over TLSv1.3');
  });
});

describe('the launcher (bin/puretls.js)', () => {
  // CI builds dist/ through `npm ci` (prepare); under PURETLS_REQUIRE_PEERS=1 a missing build fails.
  const built = !skipFor(
    existsSync(join(PROJECT_ROOT, 'dist/bundle/cli.js')) ? null : 'dist/ is not built (run npm run build)',
    'bin/puretls.js launcher',
  );
  it.skipIf(!built)('--help prints the usage and exits 0', () => {
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/puretls.js'), '--help'], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('puretls connect HOST:PORT');
  });
  it.skipIf(!built)('a usage error exits 2 with error: BAD_CONFIG', () => {
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/puretls.js'), 'connect', 'nohost'], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: BAD_CONFIG: /);
  });
});
