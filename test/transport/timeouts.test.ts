/**
 * Time-outs after the handshake and the bounded close, against an in-process node:tls server:
 * readTimeout / idleTimeout end the connection with TIMEOUT naming the phase; end() sends
 * close_notify and waits for the peer's at most closeTimeout ms; nothing is left running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import { TlsError } from '../../src/errors.js';
import { testPki, type TestPki } from '../helpers/certs.js';
import { startNodeTlsServer, stopAllPeers, within } from '../helpers/peers.js';

let pki: TestPki;
beforeAll(() => {
  pki = testPki();
});
afterAll(stopAllPeers);

const serverOptions = () => ({ key: pki.leaf('p256').keyPem, cert: pki.leaf('p256').chainPem, allowHalfOpen: true });
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

function errorOf(sock: NodeJS.EventEmitter): Promise<TlsError> {
  return new Promise((resolve) => sock.once('error', (e: TlsError) => resolve(e)));
}

describe('time-outs after the handshake', () => {
  for (const phase of ['read', 'idle'] as const) {
    it(`${phase}Timeout: a silent server ends the connection with TIMEOUT (phase ${phase})`, async () => {
      const peer = await startNodeTlsServer(serverOptions(), () => {});
      try {
        const sock = await connect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', ca: pki.ca, [`${phase}Timeout`]: 300 });
        const t0 = Date.now();
        const closed = new Promise((r) => sock.once('close', r));
        const err = await within(errorOf(sock), 5000, 'the time-out');
        const ms = Date.now() - t0;
        expect(err).toBeInstanceOf(TlsError);
        expect(err.code).toBe('TIMEOUT');
        expect(err.detail).toEqual({ phase });
        expect(err.explanation.startsWith(`${phase}: `)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(290);
        expect(ms).toBeLessThan(300 + 1000);
        await within(closed, 2000, 'the socket closed');
      } finally {
        await peer.stop();
      }
    });
  }

  it('readTimeout is restarted by every record received', async () => {
    const peer = await startNodeTlsServer(serverOptions(), (s) => {
      let n = 0;
      const tick = setInterval(() => {
        s.write('x');
        if (++n === 6) {
          clearInterval(tick);
          s.end();
        }
      }, 100);
      s.on('close', () => clearInterval(tick));
    });
    try {
      const sock = await connect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', ca: pki.ca, readTimeout: 400 });
      let data = '';
      sock.on('data', (d: Buffer) => (data += d.toString()));
      let failed: unknown;
      sock.on('error', (e) => (failed = e));
      await within(new Promise((r) => sock.once('close', r)), 5000, 'the close');
      expect(failed).toBeUndefined();
      expect(data).toBe('xxxxxx');
    } finally {
      await peer.stop();
    }
  });
});

describe('close() waits for the peer, bounded', () => {
  it("end(): close_notify sent; a peer that never answers is dropped after closeTimeout, without an error", async () => {
    let serverSawEnd = false;
    const peer = await startNodeTlsServer(serverOptions(), (s) => {
      s.on('end', () => (serverSawEnd = true)); // allowHalfOpen: the server never closes its side
    });
    try {
      const before = timers();
      const sock = await connect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', ca: pki.ca, closeTimeout: 400 });
      let failed: unknown;
      sock.on('error', (e) => (failed = e));
      sock.resume();
      const t0 = Date.now();
      sock.end();
      await within(new Promise((r) => sock.once('close', r)), 5000, 'the close');
      const ms = Date.now() - t0;
      expect(failed).toBeUndefined();
      expect(serverSawEnd).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(390);
      expect(ms).toBeLessThan(400 + 1000);
      await new Promise((r) => setTimeout(r, 50));
      expect(timers()).toBeLessThanOrEqual(before);
    } finally {
      await peer.stop();
    }
  });

  it("end(): a peer that answers with its close_notify ends the stream at once", async () => {
    const peer = await startNodeTlsServer({ ...serverOptions(), allowHalfOpen: false }, () => {});
    try {
      const sock = await connect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', ca: pki.ca, closeTimeout: 5000 });
      sock.resume();
      const t0 = Date.now();
      sock.end();
      await within(new Promise((r) => sock.once('close', r)), 4000, 'the close');
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(sock.connection.peerClosed).toBe(true);
    } finally {
      await peer.stop();
    }
  });
});
