/**
 * The sans-IO core driven by hand over a plain TCP socket against a node:tls server: no
 * transport adapter in between, so a failure here is the core's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { ClientConnection } from '../../src/connection.js';
import type { ClientOptions, TraceEvent } from '../../src/types.js';
import { testPki, type LeafKind } from '../helpers/certs.js';
import { startNodeTlsServer, type NodeTlsPeer } from '../helpers/peers.js';

const pki = testPki();
const peers: NodeTlsPeer[] = [];
afterAll(async () => {
  for (const p of peers) await p.stop();
});

async function echoServer(kind: LeafKind, extra: object = {}) {
  const cred = pki.leaf(kind);
  const peer = await startNodeTlsServer({ key: cred.keyPem, cert: cred.chainPem, minVersion: 'TLSv1.3', ...extra }, (s) => {
    s.on('data', (d) => s.write(Buffer.concat([Buffer.from('echo:'), d])));
    s.on('end', () => s.end());
  });
  peers.push(peer);
  return peer;
}

/** Drive a ClientConnection over a socket until `done` says so; bounded. */
function drive(port: number, opts: ClientOptions, send: string) {
  return new Promise<{ conn: ClientConnection; data: string; events: TraceEvent[] }>((resolve, reject) => {
    const events: TraceEvent[] = [];
    let conn: ClientConnection;
    try {
      conn = new ClientConnection({ ...opts, onEvent: (e) => events.push(e) });
    } catch (e) {
      reject(e);
      return;
    }
    const sock = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('timed out'));
    }, 10_000);
    let data = '';
    const flush = () => {
      const out = conn.takeOutput();
      if (out) sock.write(out);
    };
    sock.on('connect', flush);
    let wrote = false;
    sock.on('data', (d) => {
      try {
        conn.feed(d);
      } catch (e) {
        flush();
        clearTimeout(timer);
        sock.destroy();
        reject(e);
        return;
      }
      if (conn.handshakeComplete && !wrote) {
        wrote = true;
        conn.write(new TextEncoder().encode(send));
      }
      const r = conn.read();
      if (r) data += new TextDecoder().decode(r);
      if (data.length >= send.length + 5 && !conn.peerClosed) conn.close();
      flush();
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve({ conn, data, events });
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe('sans-IO client against node:tls', () => {
  it('completes a TLS 1.3 handshake and exchanges data (ECDSA P-256 chain)', async () => {
    const peer = await echoServer('p256');
    const { conn, data, events } = await drive(peer.port, { host: 'localhost', ca: pki.ca }, 'hello');
    expect(conn.error).toBeUndefined();
    expect(data).toBe('echo:hello');
    expect(conn.info?.protocol).toBe('TLSv1.3');
    expect(conn.info?.verify.status).toBe('ok');
    expect(conn.info?.signatureScheme).toBe('ecdsa_secp256r1_sha256');
    expect(events.some((e) => e.type === 'check' && e.what.startsWith('server Finished'))).toBe(true);
  });

  it('rejects an untrusted chain under verify=required with unknown_ca', async () => {
    const cred = pki.untrusted();
    const peer = await startNodeTlsServer({ key: cred.keyPem, cert: cred.chainPem, minVersion: 'TLSv1.3' }, () => {});
    peers.push(peer);
    const err = await drive(peer.port, { host: 'localhost', ca: pki.ca }, 'x').then(
      () => undefined,
      (e) => e,
    );
    expect(err?.code).toBe('CERT_VERIFY_FAILED');
    expect(err?.alertName).toBe('unknown_ca');
    expect(err?.detail?.flags).toContain('NOT_TRUSTED');
  });
});
