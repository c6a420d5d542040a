/**
 * The sans-IO "waiting for an operation" state: with an asynchronous signer the connection stops
 * in AwaitingSignature, feed() stays synchronous (it only buffers), and completeOperation()
 * resumes the handshake with what the driver awaited. Driven by hand over a TCP socket to
 * `openssl s_server -Verify 1` (TLS 1.3), as a learner or a custom transport would.
 */
import { connect as tcpConnect } from 'node:net';
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/connection.js';
import { opensslCredArgs, testPki } from '../helpers/certs.js';
import { clientPki } from '../helpers/client-certs.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { startOpenSslServer, stopAllPeers, waitUntil } from '../helpers/peers.js';

const skip = skipFor(programMissing('openssl'), 'pending-operation test (needs openssl s_server)');

describe.skipIf(skip)('ClientConnection.pendingOperation (asynchronous signer)', () => {
  afterAll(stopAllPeers);

  it('parks in AwaitingSignature, buffers input, and resumes on completeOperation', async () => {
    const pki = testPki();
    const peer = await startOpenSslServer(['-tls1_3', '-www', ...opensslCredArgs(pki.leaf('p256')), '-Verify', '1', '-verify_return_error', '-CAfile', clientPki().caFile]);
    const c = clientPki().cred('p256');
    const key = createPrivateKey(c.keyPem);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const conn = new ClientConnection({
      host: 'localhost',
      ca: pki.ca,
      cert: c.certPem,
      signer: { sign: async (req) => (await gate, new Uint8Array(nodeSign('sha256', req.message, key))) },
    });
    const sock = tcpConnect({ host: '127.0.0.1', port: peer.port });
    const flush = () => {
      const out = conn.takeOutput();
      if (out) sock.write(out);
    };
    sock.on('data', (d: Buffer) => {
      const r = conn.feed(new Uint8Array(d));
      expect(r).toBeUndefined(); // never a Promise
      flush();
    });
    sock.once('connect', flush);
    try {
      await waitUntil(() => conn.pendingOperation !== undefined, 15_000, 'the signer to be asked');
      expect(conn.stateName).toBe('AwaitingSignature');
      expect(conn.pendingOperation!.kind).toBe('sign');
      expect(conn.pendingOperation!.description).toMatch(/CertificateVerify signature \(ecdsa_secp256r1_sha256\)/);
      expect(conn.handshakeComplete).toBe(false);
      release();
      conn.completeOperation(await conn.pendingOperation!.result);
      flush();
      expect(conn.pendingOperation).toBeUndefined();
      expect(conn.handshakeComplete).toBe(true);
      expect(conn.info?.clientAuth?.subject).toBe('CN=device-p256');
      conn.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
      flush();
      let page = '';
      await waitUntil(() => {
        const d = conn.read();
        if (d) page += new TextDecoder().decode(d);
        return page.includes('Client certificate');
      }, 15_000, 'the server page');
      expect(page).toContain('Subject: CN=device-p256');
    } finally {
      sock.destroy();
      await peer.stop();
    }
  });
});
