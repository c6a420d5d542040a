/**
 * The WebCrypto provider (`crypto: 'webcrypto'`, src/crypto/webcrypto.ts) in whole handshakes:
 *  - through the sans-IO API: the connection waits in `pendingOperation` (kind 'crypto') even
 *    before its ClientHello, resumes with `completeOperation`, and — under a fixed random
 *    source — produces byte for byte the handshake the noble provider produces (the same
 *    ClientHello, the same answer to a recorded server flight), in TLS 1.3 and 1.2;
 *  - through connect() against real servers (node:tls, i.e. OpenSSL) in both versions, with
 *    ECDSA P-256, P-384 and RSA (PKCS#1 in 1.2, PSS in 1.3) certificates.
 */
import { connect as netConnect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/connection.js';
import { runtimeSubtle } from '../../src/crypto/webcrypto.js';
import { connectAsync } from '../../src/transport/node.js';
import type { ClientOptions, TraceEvent } from '../../src/types.js';
import { testPki, type LeafKind } from '../helpers/certs.js';
import { closeAll, tlsServer, within } from '../transport/local-server.js';

afterAll(closeAll);

const fixedRandom = () => {
  let c = 7;
  return (n: number) => Uint8Array.from({ length: n }, () => (c++ * 151) & 0xff);
};

/** Settle every operation the connection waits for, as a driver does; returns how many there were. */
async function settle(c: ClientConnection): Promise<number> {
  let n = 0;
  for (let op = c.pendingOperation; op; op = c.pendingOperation) {
    expect(op.kind).toBe('crypto');
    n++;
    c.completeOperation(await op.result);
  }
  return n;
}

/** One real handshake over a socket with the noble provider: the server's bytes and our two flights. */
async function recordNoble(port: number, options: ClientOptions): Promise<{ hello: Uint8Array; flight: Uint8Array; reply: Uint8Array }> {
  const c = new ClientConnection(options);
  const hello = c.takeOutput()!;
  const chunks: Buffer[] = [];
  const replies: Uint8Array[] = [];
  await within(
    new Promise<void>((resolve, reject) => {
      const s = netConnect(port, '127.0.0.1', () => s.write(hello));
      s.on('data', (d: Buffer) => {
        chunks.push(d);
        try {
          c.feed(d);
        } catch (e) {
          s.destroy();
          reject(e);
          return;
        }
        const o = c.takeOutput();
        if (o) (replies.push(o), s.write(o));
        if (c.handshakeComplete) (s.destroy(), resolve());
      });
      s.once('error', reject);
    }),
    30_000,
    'noble handshake',
  );
  return { hello, flight: new Uint8Array(Buffer.concat(chunks)), reply: Buffer.concat(replies) };
}

const hasSubtle = runtimeSubtle() !== undefined;

describe.skipIf(!hasSubtle)('WebCrypto provider', () => {
  const pki = testPki();
  afterAll(() => pki.cleanup());

  for (const version of ['1.3', '1.2'] as const) {
    it(`TLS ${version}: the sans-IO connection waits for each operation, and the handshake equals noble's under a fixed random source`, async () => {
      const cred = pki.leaf('p256');
      const { port } = await tlsServer({ cert: cred.chainPem, key: cred.keyPem, minVersion: `TLSv${version}`, maxVersion: `TLSv${version}` }, () => {});
      // TLS 1.2: an ECDSA certificate needs its curve in supported_groups (RFC 8422 §5.1).
      const base: ClientOptions = { servername: 'localhost', ca: pki.ca, minVersion: version, maxVersion: version, groups: ['x25519', 'secp256r1'], keyShareGroups: ['x25519'] };
      const noble = await recordNoble(port, { ...base, random: fixedRandom() });

      const states: string[] = [];
      const c = new ClientConnection({ ...base, crypto: 'webcrypto', random: fixedRandom(), onEvent: (e: TraceEvent) => void (e.type === 'state' && states.push(e.to)) });
      let waits = 0;
      if (version === '1.3') {
        // The key share is made by WebCrypto: nothing to send until it is there.
        expect(c.pendingOperation?.kind).toBe('crypto');
        expect(c.pendingOperation?.description).toBe('x25519 key pair');
        expect(c.takeOutput()).toBeNull();
        waits += await settle(c);
      }
      expect(c.pendingOperation).toBeUndefined();
      expect(Buffer.from(c.takeOutput()!).equals(Buffer.from(noble.hello))).toBe(true);
      c.feed(noble.flight); // stops at the first operation; the rest stays buffered
      expect(c.handshakeComplete).toBe(false);
      expect(c.pendingOperation?.kind).toBe('crypto');
      waits += await settle(c);
      expect(c.handshakeComplete).toBe(true);
      expect(Buffer.from(c.takeOutput()!).equals(Buffer.from(noble.reply))).toBe(true);
      // 1.3: key pair, shared secret, the leaf's signature by the CA... and CertificateVerify;
      // 1.2: the same, the key pair made when the ServerKeyExchange came.
      expect(waits).toBeGreaterThanOrEqual(4);
      expect(states.filter((s) => s === 'AwaitingOperation').length).toBe(waits);
      expect(states.at(-1)).toBe('ExpectTraffic');
    }, 60_000);
  }

  const cases: Array<[LeafKind, '1.3' | '1.2', string]> = [
    ['p256', '1.3', 'ecdsa_secp256r1_sha256'],
    ['p384', '1.3', 'ecdsa_secp384r1_sha384'],
    ['rsa2048', '1.3', 'rsa_pss_rsae_sha256'],
    ['p256', '1.2', 'ecdsa_secp256r1_sha256'],
    ['rsa2048', '1.2', 'rsa_pss_rsae_sha256'],
  ];
  for (const [kind, version, scheme] of cases) {
    it(`connect() with crypto 'webcrypto' to node:tls: TLS ${version}, ${kind} certificate`, async () => {
      const cred = pki.leaf(kind);
      const { port } = await tlsServer({ cert: cred.chainPem, key: cred.keyPem, minVersion: `TLSv${version}`, maxVersion: `TLSv${version}` }, (s) => void s.end('pong\n'));
      const events: TraceEvent[] = [];
      const sock = await within(
        connectAsync({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca, crypto: 'webcrypto', minVersion: version, maxVersion: version, onEvent: (e) => events.push(e), timeout: 30_000 }),
        40_000,
        'webcrypto handshake',
      );
      const text = await within(
        new Promise<string>((resolve) => {
          let b = '';
          sock.on('data', (d: Buffer) => (b += d.toString()));
          sock.on('end', () => resolve(b));
        }),
        30_000,
        'reading',
      );
      expect(sock.info?.protocol).toBe(`TLSv${version}`);
      expect(sock.info?.signatureScheme).toBe(scheme);
      expect(sock.info?.verify.status).toBe('ok');
      expect(text).toBe('pong\n');
      // The provider did the work: the connection waited for it.
      expect(events.filter((e) => e.type === 'state' && e.to === 'AwaitingOperation').length).toBeGreaterThanOrEqual(3);
      sock.destroy();
    }, 60_000);
  }
});
