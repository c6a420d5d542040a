/**
 * A certificate chain near 100 KB (a leaf with thousands of subjectAltNames, the kind a CDN or a
 * multi-tenant host serves) is accepted by default, as OpenSSL, GnuTLS and node:tls accept it:
 * the Certificate message limit is OpenSSL's 100 KiB max_cert_list, not the 64 KiB + 1 KiB that
 * bounds the other handshake messages. `maxHandshakeSize` lowers it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import { TlsError } from '../../src/errors.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { exchange, startOpenSslServer, stopAllPeers } from '../helpers/peers.js';

const SANS = 2620;

describe.skipIf(skipFor(programMissing('openssl'), 'openssl interop'))('interop: a chain near 100 KB', () => {
  let dir: string;
  let ca: string;
  let chainBytes = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'puretls-bigchain-'));
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=puretls big-chain CA', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
    run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost']);
    const names = ['DNS:localhost', ...Array.from({ length: SANS }, (_, i) => `DNS:tenant-${String(i).padStart(5, '0')}.customers.example.test`)];
    writeFileSync(join(dir, 'ext.cnf'), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${names.join(',')}\n`);
    run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'ext.cnf']);
    ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    chainBytes = execFileSync('openssl', ['x509', '-in', join(dir, 'leaf.pem'), '-outform', 'DER']).length + execFileSync('openssl', ['x509', '-in', join(dir, 'ca.pem'), '-outform', 'DER']).length;
  }, 60_000);
  afterAll(async () => {
    await stopAllPeers();
    rmSync(dir, { recursive: true, force: true });
  });

  const server = () => startOpenSslServer(['-tls1_3', '-www', '-cert', join(dir, 'leaf.pem'), '-key', join(dir, 'leaf.key'), '-cert_chain', join(dir, 'ca.pem')]);

  it('the default limit accepts it (TLS 1.3, verified)', async ({ expect }) => {
    expect(chainBytes).toBeGreaterThan(95_000);
    expect(chainBytes).toBeLessThan(102_000);
    const peer = await server();
    try {
      const r = await exchange(connect, { host: '127.0.0.1', port: peer.port, servername: 'localhost', ca }, 'GET / HTTP/1.0\r\n\r\n', 30_000);
      expect(r.info.verify.status).toBe('ok');
      expect(r.info.verify.peerCertificates.reduce((a, c) => a + c.length, 0)).toBe(chainBytes);
      const cert = r.events.find((e) => e.type === 'message' && e.direction === 'received' && e.name === 'certificate');
      expect(cert && cert.type === 'message' ? cert.length : 0).toBeGreaterThan(95_000);
      expect(r.data.toString('latin1')).toContain('HTTP/1.0 200 ok');
    } finally {
      await peer.stop();
    }
  }, 60_000);

  it('maxHandshakeSize below it: MALFORMED_MESSAGE naming the limit and the option', async ({ expect }) => {
    const peer = await server();
    try {
      let err: unknown;
      try {
        (await connect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', ca, maxHandshakeSize: 65_536, timeout: 10_000 })).destroy();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TlsError);
      expect((err as TlsError).code).toBe('MALFORMED_MESSAGE');
      expect((err as TlsError).explanation).toMatch(/certificate message of \d+ bytes exceeds the limit of 65536 \(raise `maxHandshakeSize`/);
    } finally {
      await peer.stop();
    }
  }, 60_000);
});
