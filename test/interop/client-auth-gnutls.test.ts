/**
 * Interop: client certificates against `gnutls-serv --require-client-cert` (with --verify-client-cert
 * semantics: the certificate must chain to the --x509cafile CA), TLS 1.3 and TLS 1.2, echo mode.
 * Also PSK against `gnutls-serv --pskpasswd` in both versions.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import { TlsError } from '../../src/errors.js';
import { testPki } from '../helpers/certs.js';
import { clientPki, PASSPHRASE } from '../helpers/client-certs.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { readAtLeast, startGnutlsServer, stopAllPeers } from '../helpers/peers.js';

const skip = skipFor(programMissing('gnutls-serv') ?? programMissing('openssl'), 'client-certificate interop with gnutls-serv');
const PRIORITY = { '1.3': 'NORMAL:-VERS-ALL:+VERS-TLS1.3', '1.2': 'NORMAL:-VERS-ALL:+VERS-TLS1.2' } as const;

describe.skipIf(skip)('interop: gnutls-serv --require-client-cert and --pskpasswd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'puretls-gnutls-auth-'));
  afterAll(async () => {
    await stopAllPeers();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const v of ['1.3', '1.2'] as const) {
    it(`TLS ${v}: an RSA client certificate from a PKCS#12 file; the echo comes back`, async () => {
      const server = testPki().leaf('p256');
      const peer = await startGnutlsServer(['--echo', '--x509certfile', server.fullChainFile, '--x509keyfile', server.keyFile, '--x509cafile', clientPki().caFile, '--require-client-cert', '--verify-client-cert', '--priority', PRIORITY[v]]);
      const c = clientPki().cred('rsa2048');
      const sock = await connect({ host: 'localhost', port: peer.port, ca: testPki().ca, minVersion: v, maxVersion: v, pfx: c.pfx, passphrase: PASSPHRASE, timeout: 15_000 });
      try {
        expect(sock.info?.clientAuth?.subject).toBe('CN=device-rsa2048');
        sock.write('ping over mutual TLS\n');
        expect((await readAtLeast(sock, 21, 15_000)).toString()).toContain('ping over mutual TLS');
      } finally {
        sock.destroy();
        await peer.stop();
      }
    });

    it(`TLS ${v}: no identity → CLIENT_CERT_REQUIRED`, async () => {
      const server = testPki().leaf('p256');
      const peer = await startGnutlsServer(['--echo', '--x509certfile', server.fullChainFile, '--x509keyfile', server.keyFile, '--x509cafile', clientPki().caFile, '--require-client-cert', '--priority', PRIORITY[v]]);
      try {
        const err = await (async () => {
          try {
            const sock = await connect({ host: 'localhost', port: peer.port, ca: testPki().ca, minVersion: v, maxVersion: v, timeout: 15_000 });
            return await new Promise<unknown>((resolve) => {
              sock.once('error', resolve);
              sock.once('end', () => resolve(new Error('ended without an error')));
            });
          } catch (e) {
            return e;
          }
        })();
        expect(err).toBeInstanceOf(TlsError);
        expect((err as TlsError).code).toBe('CLIENT_CERT_REQUIRED');
      } finally {
        await peer.stop();
      }
    });

    it(`TLS ${v}: an external PSK (--pskpasswd)`, async () => {
      const key = randomBytes(32).toString('hex');
      const pskFile = join(dir, `psk-${v}.txt`);
      writeFileSync(pskFile, `gadget:${key}\n`);
      const prio = v === '1.3' ? 'NORMAL:-VERS-ALL:+VERS-TLS1.3:+ECDHE-PSK:+PSK' : 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-PSK:+PSK';
      const peer = await startGnutlsServer(['--echo', '--pskpasswd', pskFile, '--priority', prio]);
      const sock = await connect({ host: '127.0.0.1', port: peer.port, minVersion: v, maxVersion: v, psk: { identity: 'gadget', key }, timeout: 15_000 });
      try {
        expect(sock.info?.pskIdentity).toBe('gadget');
        sock.write('ping over PSK\n');
        expect((await readAtLeast(sock, 14, 15_000)).toString()).toContain('ping over PSK');
      } finally {
        sock.destroy();
        await peer.stop();
      }
    });
  }
});
