/**
 * Interop: puretls against `gnutls-serv --echo`, TLS 1.3 only. A second, independent TLS 1.3
 * implementation: its own record layer, its own HelloRetryRequest and its own signers.
 * gnutls-serv prints a "Description: (TLS1.3-X.509)-(ECDHE-...)-(sig)-(cipher)" line per
 * connection, which we check against what puretls reports.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import type { ClientOptions, TraceEvent } from '../../src/types.js';
import { testPki, type LeafKind, type TestPki } from '../helpers/certs.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { infoOf, readAtLeast, sleep, startGnutlsEcho, stopAllPeers, within, type Peer } from '../helpers/peers.js';

const TLS13 = 'NORMAL:-VERS-ALL:+VERS-TLS1.3';

interface Case {
  name: string;
  priority: string;
  leaf?: LeafKind;
  cipher?: string;
  group?: string;
  hrr?: boolean;
  scheme?: string;
  /** Substring expected in gnutls-serv's Description line. */
  description: RegExp;
}

const CASES: Case[] = [
  {
    name: 'AES-128-GCM',
    priority: `${TLS13}:-CIPHER-ALL:+AES-128-GCM`,
    cipher: 'TLS_AES_128_GCM_SHA256',
    group: 'x25519',
    hrr: false,
    description: /\(TLS1\.3-X\.509\)-\(ECDHE-X25519\)-\(ECDSA-SECP256R1-SHA256\)-\(AES-128-GCM\)/,
  },
  {
    name: 'AES-256-GCM',
    priority: `${TLS13}:-CIPHER-ALL:+AES-256-GCM`,
    cipher: 'TLS_AES_256_GCM_SHA384',
    description: /\(TLS1\.3-X\.509\)-\(ECDHE-X25519\)-\(ECDSA-SECP256R1-SHA256\)-\(AES-256-GCM\)/,
  },
  {
    name: 'ChaCha20-Poly1305',
    priority: `${TLS13}:-CIPHER-ALL:+CHACHA20-POLY1305`,
    cipher: 'TLS_CHACHA20_POLY1305_SHA256',
    description: /\(TLS1\.3-X\.509\)-\(ECDHE-X25519\)-\(ECDSA-SECP256R1-SHA256\)-\(CHACHA20-POLY1305\)/,
  },
  {
    name: 'secp384r1 only (HelloRetryRequest)',
    priority: `${TLS13}:-GROUP-ALL:+GROUP-SECP384R1`,
    group: 'secp384r1',
    hrr: true,
    description: /\(TLS1\.3-X\.509\)-\(ECDHE-SECP384R1\)-/,
  },
  {
    name: 'secp256r1 only (HelloRetryRequest: the default shares are X25519MLKEM768 and x25519)',
    priority: `${TLS13}:-GROUP-ALL:+GROUP-SECP256R1`,
    group: 'secp256r1',
    hrr: true,
    description: /\(TLS1\.3-X\.509\)-\(ECDHE-SECP256R1\)-/,
  },
  {
    name: 'RSA-PSS key (rsa_pss_pss_sha256)',
    priority: TLS13,
    leaf: 'rsapss',
    scheme: 'rsa_pss_pss_sha256',
    description: /-\(RSA-PSS-SHA256\)-/,
  },
  {
    name: 'RSA key (rsa_pss_rsae_sha256)',
    priority: TLS13,
    leaf: 'rsa2048',
    scheme: 'rsa_pss_rsae_sha256',
    description: /-\(RSA-PSS-RSAE-SHA256\)-/,
  },
  {
    name: 'Ed25519 key',
    priority: TLS13,
    leaf: 'ed25519',
    scheme: 'ed25519',
    description: /-\(EdDSA-Ed25519\)-/,
  },
];

describe.skipIf(skipFor(programMissing('gnutls-serv'), 'gnutls interop'))('interop: gnutls-serv TLS 1.3', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = testPki();
  });
  afterAll(stopAllPeers);

  const startEcho = (c: Case): Promise<Peer> => startGnutlsEcho(pki.leaf(c.leaf ?? 'p256'), c.priority);

  describe.concurrent('echo', () => {
    for (const c of CASES) {
      it(c.name, async ({ expect }) => {
        const peer = await startEcho(c);
        try {
          const events: TraceEvent[] = [];
          const options: ClientOptions & { host: string; port: number } = {
            host: '127.0.0.1',
            port: peer.port,
            servername: 'localhost',
            ca: pki.ca,
            timeout: 10_000,
            onEvent: (e) => events.push(e),
          };
          const sock = await within(connect(options), 15_000, 'connect');
          try {
            const info = infoOf(sock);
            expect(info.protocol).toBe('TLSv1.3');
            expect(info.verify.status).toBe('ok');
            if (c.cipher) expect(info.cipher).toBe(c.cipher);
            if (c.group) expect(info.group).toBe(c.group);
            if (c.hrr !== undefined) expect(info.helloRetry).toBe(c.hrr);
            if (c.scheme) expect(info.signatureScheme).toBe(c.scheme);
            await peer.waitForOutput(c.description);
            // Only this connection's part of the log (the readiness probe left its own lines).
            const ours = () => peer.output().slice(peer.output().search(c.description));

            // Two lines, the second longer than a few records' worth of small writes.
            const line1 = 'hello gnutls\n';
            const line2 = randomBytes(3000).toString('hex') + '\n';
            sock.write(line1);
            expect((await readAtLeast(sock, line1.length)).toString()).toBe(line1);
            sock.write(line2);
            expect((await readAtLeast(sock, line2.length)).toString()).toBe(line2);

            sock.on('error', () => {});
            const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
            sock.resume();
            sock.end();
            await within(closed, 10_000, 'close');
            await sleep(100);
            // gnutls-serv reports a TCP close without close_notify as "non-properly terminated".
            expect(ours()).toContain('received cmd: hello gnutls');
            expect(ours()).not.toMatch(/non-properly terminated|Error/);
          } finally {
            sock.destroy();
          }
        } finally {
          await peer.stop();
        }
      });
    }
  });
});
