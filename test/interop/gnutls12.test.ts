/**
 * Interop: puretls against `gnutls-serv --echo` restricted to TLS 1.2: a second, independent
 * TLS 1.2 implementation (its own CBC record layer, EMS, ETM and signers). gnutls-serv prints a
 * "Description: (TLS1.2-X.509)-(ECDHE-...)-(sig)-(cipher)-(mac)" line per connection, checked
 * against what puretls reports; each case then echoes data both ways.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import type { ClientOptions, TraceEvent } from '../../src/types.js';
import { testPki, type LeafKind, type TestPki } from '../helpers/certs.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { infoOf, readAtLeast, sleep, startGnutlsEcho, stopAllPeers, within, type Peer } from '../helpers/peers.js';

const TLS12 = 'NORMAL:-VERS-ALL:+VERS-TLS1.2';

interface Case {
  name: string;
  priority: string;
  leaf?: LeafKind;
  client?: Partial<ClientOptions>;
  cipher: string;
  group?: string;
  ems: boolean;
  etm?: boolean;
  description: RegExp;
}

const CASES: Case[] = [
  {
    name: 'AES-128-GCM, ECDSA',
    priority: `${TLS12}:-CIPHER-ALL:+AES-128-GCM`,
    cipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    group: 'x25519',
    ems: true,
    description: /\(TLS1\.2-X\.509\)-\(ECDHE-X25519\)-\(ECDSA-SHA256\)-\(AES-128-GCM\)/,
  },
  {
    name: 'AES-256-GCM, RSA',
    priority: `${TLS12}:-CIPHER-ALL:+AES-256-GCM`,
    leaf: 'rsa2048',
    cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    ems: true,
    description: /\(TLS1\.2-X\.509\)-\(ECDHE-X25519\)-\(RSA-PSS-RSAE-SHA256\)-\(AES-256-GCM\)/,
  },
  {
    name: 'ChaCha20-Poly1305, ECDSA',
    priority: `${TLS12}:-CIPHER-ALL:+CHACHA20-POLY1305`,
    cipher: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    ems: true,
    description: /\(TLS1\.2-X\.509\)-\(ECDHE-X25519\)-\(ECDSA-SHA256\)-\(CHACHA20-POLY1305\)/,
  },
  {
    name: 'ChaCha20-Poly1305, RSA, secp384r1',
    priority: `${TLS12}:-CIPHER-ALL:+CHACHA20-POLY1305:-GROUP-ALL:+GROUP-SECP384R1`,
    leaf: 'rsa2048',
    cipher: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
    group: 'secp384r1',
    ems: true,
    description: /\(TLS1\.2-X\.509\)-\(ECDHE-SECP384R1\)-\(RSA-PSS-RSAE-SHA256\)-\(CHACHA20-POLY1305\)/,
  },
  {
    name: 'AES-128-CBC-SHA1, encrypt-then-MAC',
    priority: `${TLS12}:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1`,
    cipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
    ems: true,
    etm: true,
    description: /\(TLS1\.2-X\.509\)-\(ECDHE-X25519\)-\(ECDSA-SHA256\)-\(AES-128-CBC\)-\(SHA1\)/,
  },
  {
    name: 'AES-256-CBC-SHA1, MAC-then-encrypt (%NO_ETM)',
    priority: `${TLS12}:-CIPHER-ALL:+AES-256-CBC:-MAC-ALL:+SHA1:%NO_ETM`,
    leaf: 'rsa2048',
    cipher: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
    ems: true,
    etm: false,
    description: /\(TLS1\.2-X\.509\)-\(ECDHE-X25519\)-\(RSA-PSS-RSAE-SHA256\)-\(AES-256-CBC\)-\(SHA1\)/,
  },
  {
    name: 'AES-128-CBC-SHA256, MAC-then-encrypt (%NO_ETM)',
    priority: `${TLS12}:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA256:%NO_ETM`,
    cipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
    ems: true,
    etm: false,
    description: /\(TLS1\.2-X\.509\)-\(ECDHE-X25519\)-\(ECDSA-SHA256\)-\(AES-128-CBC\)-\(SHA256\)/,
  },
  {
    name: 'AES-128-GCM without extended master secret (%NO_SESSION_HASH): proceeds with the classic one',
    priority: `${TLS12}:-CIPHER-ALL:+AES-128-GCM:%NO_SESSION_HASH`,
    cipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    ems: false,
    description: /\(TLS1\.2-X\.509\)-\(ECDHE-X25519\)-\(ECDSA-SHA256\)-\(AES-128-GCM\)/,
  },
  {
    name: 'Ed25519 certificate (RFC 8422)',
    priority: `${TLS12}:-CIPHER-ALL:+AES-128-GCM`,
    leaf: 'ed25519',
    cipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    ems: true,
    description: /\(TLS1\.2-X\.509\)-\(ECDHE-X25519\)-\(EdDSA-Ed25519\)-\(AES-128-GCM\)/,
  },
  {
    name: 'DHE_RSA with ffdhe2048 (opt-in, RFC 7919 group from supported_groups)',
    priority: `${TLS12}:-CIPHER-ALL:+AES-128-GCM:-KX-ALL:+DHE-RSA:-GROUP-ALL:+GROUP-FFDHE2048`,
    leaf: 'rsa2048',
    client: { ciphers: ['TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'], groups: ['x25519', 'ffdhe2048'] },
    cipher: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
    group: 'ffdhe2048',
    ems: true,
    description: /\(TLS1\.2-X\.509\)-\(DHE-FFDHE2048\)-\(RSA-PSS-RSAE-SHA256\)-\(AES-128-GCM\)/,
  },
];

describe.skipIf(skipFor(programMissing('gnutls-serv'), 'gnutls interop'))('interop: gnutls-serv TLS 1.2', () => {
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
            ...c.client,
          };
          const sock = await within(connect(options), 15_000, 'connect');
          try {
            const info = infoOf(sock);
            expect(info.protocol).toBe('TLSv1.2');
            expect(info.verify.status).toBe('ok');
            expect(info.cipher).toBe(c.cipher);
            if (c.group) expect(info.group).toBe(c.group);
            expect(info.extendedMasterSecret).toBe(c.ems);
            expect(info.encryptThenMac).toBe(c.etm);
            await peer.waitForOutput(c.description);

            const line1 = 'hello gnutls 1.2\n';
            const line2 = randomBytes(6000).toString('hex') + '\n';
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
            // From our connection on (the readiness probe before it is a bare TCP connect).
            const ours = peer.output().slice(peer.output().indexOf('- Description:'));
            expect(ours).not.toMatch(/non-properly terminated/);
            // The server's own account of the options: EMS (RFC 7627) and RFC 5746. (It does not
            // print ETM; a disagreement on ETM would fail the first record's MAC either way.)
            const options = /- Options: ([^\n]*)/.exec(ours)?.[1] ?? '';
            expect(options.includes('extended master secret')).toBe(c.ems);
            expect(options).toContain('safe renegotiation');
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
