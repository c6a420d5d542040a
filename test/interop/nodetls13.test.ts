/**
 * Interop: puretls against an in-process node:tls server (OpenSSL underneath, but driven through
 * Node's own API, so the server side can be asserted on directly: cipher, SNI, ALPN, key log,
 * bytes received, clean end).
 */
import { randomBytes } from 'node:crypto';
import type tls from 'node:tls';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import { TlsError } from '../../src/errors.js';
import type { ClientOptions, TraceEvent } from '../../src/types.js';
import { testPki, type TestPki } from '../helpers/certs.js';
import { infoOf, readAtLeast, receivedCloseNotify, startNodeTlsServer, within, type NodeTlsPeer } from '../helpers/peers.js';

describe('interop: node:tls server, TLS 1.3', () => {
  let pki: TestPki;
  const servers: NodeTlsPeer[] = [];
  beforeAll(() => {
    pki = testPki();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  const serverOptions = (extra: tls.TlsOptions = {}): tls.TlsOptions => {
    const cred = pki.leaf('p256');
    return { key: cred.keyPem, cert: cred.chainPem, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ...extra };
  };

  /** An echo server that records what it negotiated. */
  const echoServer = async (extra: tls.TlsOptions = {}) => {
    const peer = await startNodeTlsServer(serverOptions(extra), (s) => s.pipe(s));
    servers.push(peer);
    return peer;
  };

  const clientOptions = (port: number, extra: Partial<ClientOptions> = {}) => ({
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    ca: pki.ca,
    timeout: 10_000,
    ...extra,
  });

  describe.concurrent('suites, data both ways', () => {
    for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
      it(suite, async ({ expect }) => {
        const peer = await echoServer({ ciphers: suite });
        const sock = await within(connect(clientOptions(peer.port)), 15_000, 'connect');
        try {
          expect(infoOf(sock).protocol).toBe('TLSv1.3');
          expect(infoOf(sock).cipher).toBe(suite);

          // 100 KiB each way: several full records, echoed back byte for byte.
          const payload = randomBytes(100 * 1024);
          sock.write(payload);
          const back = await readAtLeast(sock, payload.length);
          expect(back.length).toBe(payload.length);
          expect(back.equals(payload)).toBe(true);

          // The server's view (its handshake has certainly finished: it echoed our data).
          expect(peer.accepted.length).toBe(1);
          const srv = peer.accepted[0]!;
          expect(srv.getProtocol()).toBe('TLSv1.3');
          expect(srv.getCipher().standardName).toBe(suite);
          expect((srv as tls.TLSSocket & { servername?: string | false }).servername).toBe('localhost');
        } finally {
          sock.destroy();
        }
      });
    }
  });

  describe.concurrent('negotiation', () => {
    it('ALPN: the server picks http/1.1 from our list; both sides agree', async ({ expect }) => {
      const peer = await echoServer({ ALPNProtocols: ['h2', 'http/1.1'] });
      const sock = await within(connect(clientOptions(peer.port, { alpn: ['spdy/1', 'http/1.1'] })), 15_000, 'connect');
      try {
        expect(infoOf(sock).alpn).toBe('http/1.1');
        sock.write('ping');
        expect((await readAtLeast(sock, 4)).toString()).toBe('ping');
        expect(peer.accepted[0]!.alpnProtocol).toBe('http/1.1');
      } finally {
        sock.destroy();
      }
    });

    it('ALPN without overlap: the server refuses with no_application_protocol', async ({ expect }) => {
      const peer = await echoServer({ ALPNProtocols: ['h2'] });
      const err = await within(connect(clientOptions(peer.port, { alpn: ['imap'] })), 15_000, 'connect').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TlsError);
      const e = err as TlsError;
      expect(e.direction).toBe('received');
      expect(e.alertName).toBe('no_application_protocol');
    });

    it('server prefers secp384r1: HelloRetryRequest, then secp384r1', async ({ expect }) => {
      const peer = await echoServer({ ecdhCurve: 'P-384' });
      const sock = await within(connect(clientOptions(peer.port)), 15_000, 'connect');
      try {
        expect(infoOf(sock).helloRetry).toBe(true);
        expect(infoOf(sock).group).toBe('secp384r1');
        sock.write('after retry');
        expect((await readAtLeast(sock, 11)).toString()).toBe('after retry');
      } finally {
        sock.destroy();
      }
    });

    it('our key log lines are the server’s secrets', async ({ expect }) => {
      const peer = await echoServer();
      const serverLines: string[] = [];
      peer.server.on('keylog', (line: Buffer) => serverLines.push(line.toString('latin1').trim()));
      const clientLines: string[] = [];
      const sock = await within(
        connect(clientOptions(peer.port, { keyLog: (l) => clientLines.push(l.trim()) })),
        15_000,
        'connect',
      );
      try {
        sock.write('x');
        await readAtLeast(sock, 1);
        const labels = [
          'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
          'SERVER_HANDSHAKE_TRAFFIC_SECRET',
          'CLIENT_TRAFFIC_SECRET_0',
          'SERVER_TRAFFIC_SECRET_0',
        ];
        for (const label of labels) {
          const ours = clientLines.filter((l) => l.startsWith(label + ' '));
          expect(ours.length, label).toBe(1);
          expect(serverLines, label).toContain(ours[0]);
        }
      } finally {
        sock.destroy();
      }
    });
  });

  describe.concurrent('close', () => {
    it('server end(): data then close_notify; the client stream ends cleanly', async ({ expect }) => {
      // (node:tls sends no close_notify for an end() inside the secureConnection callback itself,
      // so the server ends once the client has spoken.)
      const peer = await startNodeTlsServer(serverOptions(), (s) => s.once('data', () => s.end('goodbye')));
      servers.push(peer);
      const events: TraceEvent[] = [];
      const sock = await within(connect(clientOptions(peer.port, { onEvent: (e) => events.push(e) })), 15_000, 'connect');
      try {
        const chunks: Buffer[] = [];
        let error: unknown;
        sock.on('data', (d: Buffer) => chunks.push(d));
        sock.on('error', (e) => (error = e));
        sock.write('hi');
        await within(new Promise<void>((r) => sock.once('end', () => r())), 10_000, 'end');
        expect(Buffer.concat(chunks).toString()).toBe('goodbye');
        expect(receivedCloseNotify(events)).toBe(true);
        expect(error).toBeUndefined();
      } finally {
        sock.destroy();
      }
    });

    it('client end(): close_notify sent; the server sees the end of the stream after our data', async ({ expect }) => {
      const received: Buffer[] = [];
      let serverEnded!: () => void;
      const ended = new Promise<void>((r) => (serverEnded = r));
      const peer = await startNodeTlsServer(serverOptions(), (s) => {
        s.on('data', (d: Buffer) => received.push(d));
        s.on('end', () => {
          serverEnded();
          s.end();
        });
      });
      servers.push(peer);
      const events: TraceEvent[] = [];
      const sock = await within(connect(clientOptions(peer.port, { onEvent: (e) => events.push(e) })), 15_000, 'connect');
      try {
        sock.on('error', () => {});
        sock.resume();
        sock.end('last words');
        await within(ended, 10_000, 'server end');
        expect(Buffer.concat(received).toString()).toBe('last words');
        expect(
          events.some((e) => e.type === 'alert' && e.direction === 'sent' && e.description === 'close_notify'),
        ).toBe(true);
        await within(new Promise<void>((r) => (sock.closed ? r() : sock.once('close', () => r()))), 10_000, 'client close');
      } finally {
        sock.destroy();
      }
    });
  });
});
