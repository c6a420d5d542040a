/**
 * Interop with a real post-quantum server: node:tls under Node 26 (OpenSSL 3.5), in its own
 * process (test/helpers/node26.ts). With its default groups the hybrid X25519MLKEM768 is agreed
 * from the first ClientHello; servers limited to X25519MLKEM768, SecP256r1MLKEM768 or secp384r1
 * are reached directly or through a HelloRetryRequest.
 *
 * Known answer: one handshake is recorded from the wire and the server's handshake traffic secret
 * (its key log) is recomputed outside puretls — the ML-KEM secret by OpenSSL from our seed, the
 * X25519 secret by node:crypto, concatenated in the draft's order, then the RFC 8446 §7.1 key
 * schedule on node:crypto HMAC — so the share layout and the secret order are checked byte for
 * byte against OpenSSL, not against our own code.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/connection.js';
import { connectAsync as connect } from '../../src/transport/node.js';
import { ExtensionType } from '../../src/handshake/codec/types.js';
import { decodeKeyShareClientHello, decodeKeyShareServerHello } from '../../src/handshake/extensions/index.js';
import { decodeClientHello, decodeServerHello } from '../../src/handshake/messages/hello.js';
import { skipFor } from '../helpers/env.js';
import { testPki, type TestPki } from '../helpers/certs.js';
import { infoOf, readAtLeast, within } from '../helpers/peers.js';
import { node26Missing, opensslKem, startNode26Server, type Node26Server } from '../helpers/node26.js';

const missing = node26Missing();

describe.skipIf(skipFor(missing, 'post-quantum interop with Node 26 / OpenSSL 3.5'))('interop: Node 26 node:tls (OpenSSL 3.5), post-quantum groups', () => {
  let pki: TestPki;
  const servers: Node26Server[] = [];
  beforeAll(() => {
    pki = testPki();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });
  const server = async (groups?: string) => {
    const s = await startNode26Server(pki.leaf('p256'), groups);
    servers.push(s);
    return s;
  };

  const cases: Array<[string, string | undefined, string, boolean]> = [
    ['its default groups', undefined, 'X25519MLKEM768', false],
    ['X25519MLKEM768 alone', 'X25519MLKEM768', 'X25519MLKEM768', false],
    ['SecP256r1MLKEM768 alone (HelloRetryRequest)', 'SecP256r1MLKEM768', 'SecP256r1MLKEM768', true],
    ['SecP384r1MLKEM1024 alone (HelloRetryRequest)', 'SecP384r1MLKEM1024', 'SecP384r1MLKEM1024', true],
    ['secp384r1 alone (HelloRetryRequest out of the hybrid shares)', 'secp384r1', 'secp384r1', true],
  ];
  describe.concurrent('default client options', () => {
    for (const [what, groups, group, helloRetry] of cases) {
      it(`${what}: group=${group}, data both ways`, async () => {
        const srv = await server(groups);
        const sock = await within(connect({ host: '127.0.0.1', port: srv.port, servername: 'localhost', ca: pki.ca, timeout: 20_000 }), 30_000, 'connect');
        try {
          expect(infoOf(sock)).toMatchObject({ protocol: 'TLSv1.3', group, helloRetry });
          const payload = randomBytes(20_000);
          sock.write(payload);
          const back = await readAtLeast(sock, payload.length, 20_000);
          expect(back.equals(payload)).toBe(true);
          expect(srv.errors).toEqual([]);
        } finally {
          sock.destroy();
        }
      });
    }
  });

  it('the CLI names the group and takes IANA names in --groups', async () => {
    const srv = await server('SecP256r1MLKEM768:secp256r1');
    const { spawn } = await import('node:child_process');
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'puretls-pq-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, pki.ca);
    const args = ['bin/puretls.js', 'connect', `127.0.0.1:${srv.port}`, '--servername', 'localhost', '--ca', caFile, '--groups', 'SecP256r1MLKEM768,x25519', '--send', 'ping', '--timeout', '20000'];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    try {
      // An echo server never closes: stop the CLI once it has printed its summary line.
      await within(
        new Promise<void>((resolve, reject) => {
          p.stderr.on('data', (d: Buffer) => {
            stderr += d.toString();
            if (/handshake: .*\n/.test(stderr) || /error:/.test(stderr)) resolve();
          });
          p.once('exit', () => resolve());
          p.once('error', reject);
        }),
        30_000,
        'puretls connect',
      );
    } finally {
      p.kill();
    }
    expect(stderr).toMatch(/handshake: protocol=TLSv1\.3 cipher=\S+ group=SecP256r1MLKEM768 /);
  });

  it('known answer: the server handshake traffic secret recomputed from the wire with OpenSSL ML-KEM and node:crypto X25519', async () => {
    const srv = await server('X25519MLKEM768');
    const drawn: Uint8Array[] = [];
    const random = (n: number) => {
      const b = new Uint8Array(randomBytes(n));
      drawn.push(b);
      return b;
    };
    const ourKeyLog: string[] = [];
    const conn = new ClientConnection({
      host: 'localhost',
      ca: pki.ca,
      random,
      ciphers: ['TLS_AES_128_GCM_SHA256'],
      groups: ['X25519MLKEM768'],
      keyLog: (l) => ourKeyLog.push(l.trim()),
    });
    const sent: Uint8Array[] = [];
    const received: Buffer[] = [];
    const sock = net.connect(srv.port, '127.0.0.1');
    try {
      await within(
        new Promise<void>((resolve, reject) => {
          const flush = () => {
            const out = conn.takeOutput();
            if (out) (sent.push(out), sock.write(out));
          };
          sock.on('connect', flush);
          sock.on('error', reject);
          sock.on('data', (d: Buffer) => {
            received.push(d);
            try {
              conn.feed(new Uint8Array(d));
            } catch (e) {
              reject(e);
            }
            flush();
            if (conn.handshakeComplete) resolve();
          });
        }),
        30_000,
        'handshake',
      );
    } finally {
      sock.destroy();
    }
    // The first record each way: ClientHello, then ServerHello (plaintext handshake records).
    const firstHandshake = (bytes: Uint8Array) => {
      expect(bytes[0]).toBe(22);
      const rec = bytes.subarray(5, 5 + ((bytes[3]! << 8) | bytes[4]!));
      return rec.subarray(0, 4 + ((rec[1]! << 16) | (rec[2]! << 8) | rec[3]!));
    };
    const ch = firstHandshake(sent[0]!);
    const sh = firstHandshake(new Uint8Array(Buffer.concat(received)));
    const clientShare = decodeKeyShareClientHello(decodeClientHello(ch.subarray(4)).extensions.get(ExtensionType.key_share)!)[0]!;
    const serverShare = decodeKeyShareServerHello(decodeServerHello(sh.subarray(4)).extensions.get(ExtensionType.key_share)!);
    expect([clientShare.group, serverShare.group]).toEqual([0x11ec, 0x11ec]);
    expect([clientShare.keyExchange.length, serverShare.keyExchange.length]).toEqual([1216, 1120]);

    // Client share = ML-KEM-768 encapsulation key || X25519 public key.
    const seed = drawn.find((b) => b.length === 64)!;
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const [keygen, decaps] = opensslKem([
      { op: 'keygen', kem: 'ml-kem-768', seed: hex(seed) },
      { op: 'decaps', kem: 'ml-kem-768', seed: hex(seed), ct: hex(serverShare.keyExchange.subarray(0, 1088)) },
    ]);
    expect(keygen!.ek).toBe(hex(clientShare.keyExchange.subarray(0, 1184)));
    const x25519Private = (raw: Uint8Array) =>
      createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), raw]), format: 'der', type: 'pkcs8' });
    const x25519Public = (raw: Uint8Array) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), raw]), format: 'der', type: 'spki' });
    const ourX = drawn.filter((b) => b.length === 32).map(x25519Private).find((k) => createPublicKey(k).export({ format: 'der', type: 'spki' }).subarray(12).equals(clientShare.keyExchange.subarray(1184)));
    expect(ourX, 'the X25519 half is the public key of one of our random draws').toBeDefined();

    // Server share = ciphertext (1088) || X25519 public key; secret = ML-KEM ss || X25519 ss.
    const kemSS = Buffer.from(decaps!.ss!, 'hex');
    const xSS = diffieHellman({ privateKey: ourX!, publicKey: x25519Public(serverShare.keyExchange.subarray(1088)) });
    const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();
    const expandLabel = (secret: Buffer, label: string, context: Buffer) => {
      const l = Buffer.from('tls13 ' + label);
      const info = Buffer.concat([Buffer.from([0, 32, l.length]), l, Buffer.from([context.length]), context]);
      return hmac(secret, Buffer.concat([info, Buffer.from([1])])); // HKDF-Expand, one block
    };
    const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
    const early = hmac(Buffer.alloc(32), Buffer.alloc(32));
    const derived = expandLabel(early, 'derived', sha256(Buffer.alloc(0)));
    const shts = (shared: Buffer) => expandLabel(hmac(derived, shared), 's hs traffic', sha256(Buffer.concat([ch, sh]))).toString('hex');

    const clientRandom = hex(ch.subarray(6, 38));
    // The server's key log lines reach us through its stdout, possibly after our handshake ends:
    // wait (bounded) for its four TLS 1.3 secrets of this connection.
    for (let waited = 0; waited < 10_000 && srv.keylog.filter((l) => l.includes(clientRandom)).length < 4; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const theirs = srv.keylog.find((l) => l.startsWith(`SERVER_HANDSHAKE_TRAFFIC_SECRET ${clientRandom} `));
    expect(theirs, `server key log:\n${srv.keylog.join('\n')}`).toBeDefined();
    expect(shts(Buffer.concat([kemSS, xSS]))).toBe(theirs!.split(' ')[2]);
    expect(shts(Buffer.concat([xSS, kemSS]))).not.toBe(theirs!.split(' ')[2]); // the other order does not match
    // ...and puretls's own key log says the same as OpenSSL's for every secret.
    for (const line of srv.keylog.filter((l) => l.includes(clientRandom))) expect(ourKeyLog).toContain(line);
  });
});
