/**
 * Interop: OCSP stapling (RFC 6066 §8, RFC 8446 §4.4.2.1) against `openssl s_server
 * -status_file`, TLS 1.3 and TLS 1.2, with responses made by `openssl ocsp` at run time
 * (test/helpers/ocsp-pki.ts): good, revoked, expired, wrongly signed, missing, must-staple.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import { TlsError } from '../../src/errors.js';
import type { ClientOptions } from '../../src/types.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { makeOcspPki, type OcspCert, type OcspPki } from '../helpers/ocsp-pki.js';
import { exchange, startOpenSslServer, stopAllPeers, type Peer } from '../helpers/peers.js';

const GET = 'GET / HTTP/1.0\r\n\r\n';
const DAY = 24 * 3600 * 1000;

describe.skipIf(skipFor(programMissing('openssl'), 'OCSP stapling interop'))('interop: OCSP stapling with openssl s_server -status_file', () => {
  let pki: OcspPki;
  beforeAll(() => {
    pki = makeOcspPki();
  });
  afterAll(async () => {
    await stopAllPeers();
    pki?.cleanup();
  });

  const server = (version: '-tls1_3' | '-tls1_2', cert: OcspCert, status: string | null) =>
    startOpenSslServer([version, '-www', '-cert', pki.certFile(cert), '-key', pki.keyFile(cert), ...(status ? ['-status_file', status] : [])]);
  const opts = (peer: Peer, extra: Partial<ClientOptions> = {}) => ({
    host: '127.0.0.1', port: peer.port, servername: 'localhost', ca: pki.ca, timeout: 10_000, ...extra,
  });
  async function refused(peer: Peer, extra: Partial<ClientOptions> = {}): Promise<TlsError> {
    try {
      await exchange(connect, opts(peer, extra), GET);
    } catch (e) {
      if (e instanceof TlsError) return e;
      throw e;
    }
    throw new Error('the handshake succeeded');
  }

  for (const version of ['-tls1_3', '-tls1_2'] as const) {
    describe.concurrent(version === '-tls1_3' ? 'TLS 1.3 (CertificateEntry status_request)' : 'TLS 1.2 (CertificateStatus message)', () => {
      it('good, signed by the issuer: reported in info.ocsp', async ({ expect }) => {
        const peer = await server(version, 'leaf', pki.response('leaf'));
        try {
          const r = await exchange(connect, opts(peer), GET);
          expect(r.info.ocsp).toMatchObject({ status: 'good', signer: 'issuer', mustStaple: false });
          expect(r.info.ocsp!.response!.length).toBeGreaterThan(100);
          expect(r.data.toString('latin1')).toContain('HTTP/1.0 200 ok');
        } finally {
          await peer.stop();
        }
      });

      it('good, signed by a delegated responder', async ({ expect }) => {
        const peer = await server(version, 'leaf', pki.response('leaf', 'responder'));
        try {
          const r = await exchange(connect, opts(peer), GET);
          expect(r.info.ocsp).toMatchObject({ status: 'good', signer: 'delegated' });
        } finally {
          await peer.stop();
        }
      });

      it('revoked: certificate_revoked', async ({ expect }) => {
        const peer = await server(version, 'revoked', pki.response('revoked'));
        try {
          const err = await refused(peer, { servername: 'revoked', ignore: ['NAME_MISMATCH'] });
          expect({ code: err.code, alert: err.alertName, direction: err.direction }).toEqual({ code: 'CERT_VERIFY_FAILED', alert: 'certificate_revoked', direction: 'sent' });
          expect(err.message).toContain('keyCompromise');
        } finally {
          await peer.stop();
        }
      });

      it("revoked under verify 'optional': reported, not fatal", async ({ expect }) => {
        const peer = await server(version, 'revoked', pki.response('revoked'));
        try {
          const r = await exchange(connect, opts(peer, { servername: 'revoked', ignore: ['NAME_MISMATCH'], verify: 'optional' }), GET);
          expect(r.info.ocsp?.status).toBe('revoked');
        } finally {
          await peer.stop();
        }
      });

      it('expired (nextUpdate past): bad_certificate_status_response', async ({ expect }) => {
        const peer = await server(version, 'leaf', pki.response('leaf'));
        try {
          const later = new Date(Date.now() + 2 * DAY);
          const err = await refused(peer, { now: () => later });
          expect({ code: err.code, alert: err.alertName }).toEqual({ code: 'CERT_VERIFY_FAILED', alert: 'bad_certificate_status_response' });
          expect(err.message).toContain('expired');
        } finally {
          await peer.stop();
        }
      });

      it('wrongly signed (an impostor with the CA name): bad_certificate_status_response', async ({ expect }) => {
        const peer = await server(version, 'leaf', pki.response('leaf', 'rogue'));
        try {
          const err = await refused(peer);
          expect({ code: err.code, alert: err.alertName }).toEqual({ code: 'CERT_VERIFY_FAILED', alert: 'bad_certificate_status_response' });
        } finally {
          await peer.stop();
        }
      });

      it("no staple: fine under 'soft', refused under 'hard'", async ({ expect }) => {
        const peer = await server(version, 'leaf', null);
        try {
          const r = await exchange(connect, opts(peer), GET);
          expect(r.info.ocsp).toMatchObject({ status: 'none' });
          const err = await refused(peer, { revocation: 'hard' });
          expect({ code: err.code, alert: err.alertName }).toEqual({ code: 'CERT_VERIFY_FAILED', alert: 'bad_certificate_status_response' });
        } finally {
          await peer.stop();
        }
      });

      it('must-staple (RFC 7633) without a staple: refused even under soft; with one: good', async ({ expect }) => {
        const bare = await server(version, 'muststaple', null);
        const stapled = await server(version, 'muststaple', pki.response('muststaple'));
        try {
          const err = await refused(bare, { servername: 'muststaple', ignore: ['NAME_MISMATCH'] });
          expect(err.message).toContain('must-staple');
          const r = await exchange(connect, opts(stapled, { servername: 'muststaple', ignore: ['NAME_MISMATCH'] }), GET);
          expect(r.info.ocsp).toMatchObject({ status: 'good', mustStaple: true });
        } finally {
          await bare.stop();
          await stapled.stop();
        }
      });

      it("revocation 'off': status_request is not sent, a revoked staple is not looked at", async ({ expect }) => {
        const peer = await server(version, 'revoked', pki.response('revoked'));
        try {
          const r = await exchange(connect, opts(peer, { servername: 'revoked', ignore: ['NAME_MISMATCH'], revocation: 'off' }), GET);
          expect(r.info.ocsp).toBeUndefined();
        } finally {
          await peer.stop();
        }
      });
    });
  }
});
