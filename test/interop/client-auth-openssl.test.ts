/**
 * Interop: client certificates against `openssl s_server -Verify 1 -verify_return_error` in
 * TLS 1.3 and TLS 1.2. The server requires a certificate from our client CA; with -www its
 * status page prints the client certificate it verified, so the server's view is checked too.
 * Covers ECDSA, RSA and Ed25519 keys; encrypted EC and RSA keys; PKCS#12 from
 * `openssl pkcs12 -export`; an asynchronous signer; no identity → CLIENT_CERT_REQUIRED.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createPrivateKey, sign as nodeSign, constants } from 'node:crypto';
import { connectAsync as connect } from '../../src/transport/node.js';
import { TlsError } from '../../src/errors.js';
import type { ClientOptions, TraceEvent } from '../../src/types.js';
import type { ClientSigner } from '../../src/identity/identity.js';
import { opensslCredArgs, testPki } from '../helpers/certs.js';
import { clientPki, PASSPHRASE, type ClientKeyKind } from '../helpers/client-certs.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { exchange, startOpenSslServer, stopAllPeers, waitUntil, type Peer } from '../helpers/peers.js';

const skip = skipFor(programMissing('openssl'), 'client-certificate interop with openssl s_server');
const GET = 'GET / HTTP/1.0\r\n\r\n';
const VERSIONS = [
  { v: '1.3' as const, flag: '-tls1_3', protocol: 'TLSv1.3' },
  { v: '1.2' as const, flag: '-tls1_2', protocol: 'TLSv1.2' },
];

describe.skipIf(skip)('interop: client certificates with openssl s_server -Verify 1 -verify_return_error', () => {
  afterAll(stopAllPeers);
  const pki = skip ? undefined! : testPki();
  const cpki = skip ? undefined! : clientPki();

  const server = (flag: string, extra: string[] = []): Promise<Peer> =>
    startOpenSslServer([flag, '-www', ...opensslCredArgs(pki.leaf('p256')), '-Verify', '1', '-verify_return_error', '-CAfile', cpki.caFile, ...extra]);
  const base = (peer: Peer, o: ClientOptions): ClientOptions & { host: string; port: number } => ({ host: 'localhost', port: peer.port, ca: pki.ca, ...o });

  async function mutual(flag: string, v: '1.2' | '1.3', o: ClientOptions, subject: string, scheme?: RegExp) {
    const peer = await server(flag);
    try {
      const r = await exchange(connect, base(peer, { minVersion: v, maxVersion: v, ...o }), GET);
      const page = r.data.toString('latin1');
      // The server's view: it verified our certificate (its -www page prints it).
      expect(page).toContain('Client certificate');
      expect(page).toContain(`Subject: CN=${subject}`);
      // Ours: it asked, and we answered with that identity.
      expect(r.info.clientAuth?.requested).toBe(true);
      expect(r.info.clientAuth?.subject).toBe(`CN=${subject}`);
      if (scheme) expect(r.info.clientAuth?.scheme).toMatch(scheme);
      const cv = r.events.find((e) => e.type === 'message' && e.direction === 'sent' && e.name === 'certificate_verify');
      expect(cv).toBeDefined();
      return r;
    } finally {
      await peer.stop();
    }
  }

  const KEYS: Array<{ kind: ClientKeyKind; scheme13: RegExp; scheme12: RegExp }> = [
    { kind: 'p256', scheme13: /^ecdsa_secp256r1_sha256$/, scheme12: /^ecdsa_secp256r1_sha256$/ },
    { kind: 'p384', scheme13: /^ecdsa_secp384r1_sha384$/, scheme12: /^ecdsa_secp384r1_sha384$/ },
    { kind: 'rsa2048', scheme13: /^rsa_pss_rsae_sha256$/, scheme12: /^rsa_pss_rsae_sha256$/ },
    { kind: 'ed25519', scheme13: /^ed25519$/, scheme12: /^ed25519$/ },
  ];

  for (const { v, flag } of VERSIONS) {
    describe(`TLS ${v}`, () => {
      for (const k of KEYS) {
        it(`${k.kind} client certificate (PEM key)`, async () => {
          const c = cpki.cred(k.kind);
          await mutual(flag, v, { cert: c.certPem, key: c.keyPem }, `device-${k.kind}`, v === '1.3' ? k.scheme13 : k.scheme12);
        });
      }

      for (const kind of ['p256', 'rsa2048'] as const) {
        it(`${kind}: encrypted PKCS#8 key with passphrase`, async () => {
          const c = cpki.cred(kind);
          await mutual(flag, v, { cert: c.certPem, key: c.encryptedPem, passphrase: PASSPHRASE }, `device-${kind}`);
        });
        it(`${kind}: PKCS#12 from openssl pkcs12 -export`, async () => {
          const c = cpki.cred(kind);
          await mutual(flag, v, { pfx: c.pfx, passphrase: PASSPHRASE }, `device-${kind}`);
        });
      }

      it('an asynchronous signer (the key stays outside puretls): the handshake waits for it', async () => {
        const c = cpki.cred('rsa2048');
        const key = createPrivateKey(c.keyPem);
        let calls = 0;
        const signer: ClientSigner = {
          schemes: ['rsa_pss_rsae_sha256'],
          sign: (req) => {
            calls++;
            return new Promise((resolve) =>
              setTimeout(() => resolve(new Uint8Array(nodeSign('sha256', req.message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }))), 50),
            );
          },
        };
        const r = await mutual(flag, v, { cert: c.certPem, signer }, 'device-rsa2048', /^rsa_pss_rsae_sha256$/);
        expect(calls).toBe(1);
        expect(r.events.some((e) => e.type === 'state' && e.to === 'AwaitingSignature')).toBe(true);
      });

      if (v === '1.3') {
        it('post-handshake authentication (postHandshakeAuth): s_server asks after the handshake (its "c" command)', async () => {
          const peer = await startOpenSslServer(['-tls1_3', ...opensslCredArgs(pki.leaf('p256')), '-CAfile', cpki.caFile]);
          const c = cpki.cred('ed25519');
          const events: TraceEvent[] = [];
          const sock = await connect({ ...base(peer, { postHandshakeAuth: true, cert: c.certPem, key: c.keyPem }), timeout: 10_000, onEvent: (e) => events.push(e) });
          try {
            expect(sock.info?.clientAuth).toBeUndefined(); // nothing asked during the handshake
            await peer.waitForOutput(/CIPHER is/, 10_000); // the server finished its side first
            peer.send('c\n');
            await waitUntil(() => events.some((e) => e.type === 'check' && e.what === 'post-handshake client authentication answered'), 10_000, 'the post-handshake request');
            sock.write('after pha\n');
            await peer.waitForOutput(/after pha/, 10_000);
            // s_server's verify callback: it verified our certificate after the handshake.
            expect(peer.output()).toMatch(/depth=0 CN = device-ed25519\nverify return:1\n(.|\n)*after pha/);
            const req = events.find((e) => e.type === 'message' && e.name === 'certificate_request');
            expect(req && req.type === 'message' && req.summary.postHandshake).toBe(true);
          } finally {
            sock.destroy();
            await peer.stop();
          }
        });
      }

      it('no identity configured: an empty Certificate, then CLIENT_CERT_REQUIRED with the options to set', async () => {
        const peer = await server(flag);
        try {
          let err: unknown;
          try {
            await exchange(connect, base(peer, { minVersion: v, maxVersion: v }), GET);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(TlsError);
          const e = err as TlsError;
          expect(e.code).toBe('CLIENT_CERT_REQUIRED');
          expect(e.direction).toBe('received');
          expect(e.explanation).toMatch(/requires a client certificate .*`cert` and `key`/);
        } finally {
          await peer.stop();
        }
      });

      it('a certificate from a CA the server does not trust: the server refuses it (its alert is reported)', async () => {
        // The server trusts only the server PKI's root, not our client CA.
        const peer = await startOpenSslServer([flag, '-www', ...opensslCredArgs(pki.leaf('p256')), '-Verify', '1', '-verify_return_error', '-CAfile', pki.caFile]);
        try {
          const c = cpki.cred('p256');
          let err: unknown;
          try {
            await exchange(connect, base(peer, { minVersion: v, maxVersion: v, cert: c.certPem, key: c.keyPem }), GET);
          } catch (e) {
            err = e;
          }
          expect((err as TlsError).code).toBe('PEER_ALERT');
          expect((err as TlsError).alertName).toMatch(/unknown_ca|bad_certificate|certificate_unknown/);
        } finally {
          await peer.stop();
        }
      });
    });
  }
});
