/**
 * Interop: record_size_limit (RFC 8449) with `gnutls-serv --recordsize` (GnuTLS knows the
 * extension; OpenSSL 3.0 does not). The record sizes are read from a capture: the test runs an
 * in-process TCP proxy between puretls and gnutls-serv and parses every record header that
 * crosses it (no root needed, unlike a packet capture). GnuTLS advertises 512, we advertise
 * 1000: after the handshake our protected records must stay within 512 bytes of inner plaintext
 * and the server's within 1000, with 5000 bytes echoed through.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import { testPki, type TestPki } from '../helpers/certs.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { readAtLeast, startGnutlsServer, stopAllPeers, within } from '../helpers/peers.js';

interface Captured {
  /** Record headers seen, per direction: content type and length. */
  toServer: Array<{ type: number; length: number }>;
  toClient: Array<{ type: number; length: number }>;
  port: number;
  close(): Promise<void>;
}

/** A TCP proxy to 127.0.0.1:`target` that parses the TLS record headers going each way. */
function recordProxy(target: number): Promise<Captured> {
  const cap = { toServer: [] as Captured['toServer'], toClient: [] as Captured['toClient'] };
  const parser = (out: Captured['toServer']) => {
    let buf = Buffer.alloc(0);
    return (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 5) {
        const length = buf.readUInt16BE(3);
        if (buf.length < 5 + length) break;
        out.push({ type: buf[0]!, length });
        buf = buf.subarray(5 + length);
      }
    };
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    const up = parser(cap.toServer);
    const down = parser(cap.toClient);
    client.on('data', (d: Buffer) => {
      up(d);
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      down(d);
      client.write(d);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        ...cap,
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    );
  });
}

describe.skipIf(skipFor(programMissing('gnutls-serv'), 'gnutls interop'))('interop: record_size_limit with gnutls-serv --recordsize', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = testPki();
  });
  afterAll(stopAllPeers);

  // Inner plaintext of a protected record = ciphertext length − overhead: TLS 1.3 AES-128-GCM
  // adds a 16-byte tag (the content type and padding count in the limit); TLS 1.2 AES-128-GCM an
  // 8-byte explicit nonce and the tag.
  const cases = [
    // GnuTLS advertises --recordsize + 1 in TLS 1.3 (its value counts the content type byte).
    { v: '1.3', priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM', overhead: 16, peer: 513 },
    { v: '1.2', priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:-KX-ALL:+ECDHE-ECDSA', overhead: 24, peer: 512 },
  ] as const;
  for (const c of cases) {
    it(`TLS ${c.v}: ours within the server's limit (--recordsize=512), the server's within our 1000, 5000 bytes echoed`, async ({ expect }) => {
      const cred = pki.leaf('p256');
      const peer = await startGnutlsServer(['--echo', '--recordsize=512', '--x509certfile', cred.fullChainFile, '--x509keyfile', cred.keyFile, '--priority', c.priority]);
      const proxy = await recordProxy(peer.port);
      try {
        const sock = await within(
          connect({ host: '127.0.0.1', port: proxy.port, servername: 'localhost', ca: pki.ca, recordSizeLimit: 1000, minVersion: c.v, maxVersion: c.v, timeout: 10_000 }),
          15_000,
          'connect',
        );
        try {
          expect(sock.info?.protocol).toBe(`TLSv${c.v}`);
          expect(sock.info?.recordLimits).toMatchObject({ peerRecordSizeLimit: c.peer, ownRecordSizeLimit: 1000 });
          const payload = Buffer.concat([Buffer.alloc(4999, 'r'), Buffer.from('\n')]);
          const before = { up: proxy.toServer.length, down: proxy.toClient.length };
          sock.write(payload);
          const echoed = await readAtLeast(sock, 5000, 15_000); // gnutls-serv --echo answers a line
          expect(echoed.equals(payload)).toBe(true);
          const ours = proxy.toServer.slice(before.up).filter((r) => r.type === 23).map((r) => r.length - c.overhead);
          const theirs = proxy.toClient.slice(before.down).filter((r) => r.type === 23).map((r) => r.length - c.overhead);
          // TLS 1.3: 512 bytes of content + the type byte = 513; TLS 1.2: 512 bytes of content.
          expect(Math.max(...ours)).toBe(c.peer);
          expect(ours.length).toBeGreaterThanOrEqual(Math.ceil(5000 / 512));
          expect(Math.max(...theirs)).toBeLessThanOrEqual(1000);
          expect(theirs.reduce((a, n) => a + n, 0)).toBeGreaterThanOrEqual(5000);
        } finally {
          sock.destroy();
        }
      } finally {
        await proxy.close();
        await peer.stop();
      }
    }, 60_000);
  }
});
