/**
 * Interop: puretls against `openssl s_server -tls1_3` (OpenSSL 3).
 *
 * Each test starts its own s_server on 127.0.0.1 and an ephemeral port; -www answers a GET with
 * a status page in which the server says what it negotiated ("New, TLSv1.3, Cipher is ...",
 * "Shared groups: ..."), so both ends' views are checked against each other.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import { TlsError } from '../../src/errors.js';
import type { ClientOptions, TraceEvent } from '../../src/types.js';
import { EXPECTED_SCHEME, LEAF_KINDS, opensslCredArgs, testPki, type ServerCred, type TestPki } from '../helpers/certs.js';
import { programMissing, skipFor } from '../helpers/env.js';
import {
  exchange,
  readAtLeast,
  receivedCloseNotify,
  startOpenSslServer,
  stopAllPeers,
  within,
  waitUntil,
  type Peer,
} from '../helpers/peers.js';

const GET = 'GET / HTTP/1.0\r\n\r\n';

const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** Groups forced on the server; the client's first ClientHello has shares for X25519MLKEM768 and x25519 only. */
const GROUPS: Array<{ openssl: string; iana: string; hrr: boolean }> = [
  { openssl: 'X25519', iana: 'x25519', hrr: false },
  { openssl: 'P-256', iana: 'secp256r1', hrr: true },
  { openssl: 'P-384', iana: 'secp384r1', hrr: true },
  { openssl: 'P-521', iana: 'secp521r1', hrr: true },
  { openssl: 'X448', iana: 'x448', hrr: true },
];

function countMessages(events: TraceEvent[], direction: 'sent' | 'received', name: RegExp): number {
  return events.filter((e) => e.type === 'message' && e.direction === direction && name.test(e.name)).length;
}

function countRecords(events: TraceEvent[], direction: 'sent' | 'received', contentType: RegExp): number {
  return events.filter((e) => e.type === 'record' && e.direction === direction && contentType.test(e.contentType)).length;
}

describe.skipIf(skipFor(programMissing('openssl'), 'openssl interop'))('interop: openssl s_server -tls1_3', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = testPki();
  });
  afterAll(stopAllPeers);

  const base = (peer: Peer, extra: Partial<ClientOptions> = {}) => ({
    host: '127.0.0.1',
    port: peer.port,
    servername: 'localhost',
    ca: pki.ca,
    timeout: 10_000,
    ...extra,
  });

  const wwwServer = (extra: string[], cred?: ServerCred) =>
    startOpenSslServer(['-tls1_3', '-www', ...opensslCredArgs(cred ?? pki.leaf('p256')), ...extra]);

  describe.concurrent('cipher suites', () => {
    for (const suite of SUITES) {
      it(`${suite}`, async ({ expect }) => {
        const peer = await wwwServer(['-ciphersuites', suite]);
        try {
          const r = await exchange(connect, base(peer), GET);
          expect(r.info.protocol).toBe('TLSv1.3');
          expect(r.info.cipher).toBe(suite);
          expect(r.info.verify.status).toBe('ok');
          const page = r.data.toString('latin1');
          expect(page.startsWith('HTTP/1.0 200 ok\r\n')).toBe(true);
          expect(page).toContain(`New, TLSv1.3, Cipher is ${suite}`);
          expect(receivedCloseNotify(r.events)).toBe(true);
        } finally {
          await peer.stop();
        }
      });
    }
  });

  describe.concurrent('key exchange groups (server forces one)', () => {
    for (const g of GROUPS) {
      it(`${g.iana}${g.hrr ? ' (HelloRetryRequest)' : ''}`, async ({ expect }) => {
        const peer = await wwwServer(['-groups', g.openssl]);
        try {
          // Default client: every group offered, key shares for X25519MLKEM768 + x25519 only
          // (OpenSSL 3.0 ignores the hybrid one), so the other four need a retry.
          const r = await exchange(connect, base(peer), GET);
          expect(r.info.group).toBe(g.iana);
          expect(r.info.helloRetry).toBe(g.hrr);
          expect(countMessages(r.events, 'sent', /^client_hello$/)).toBe(g.hrr ? 2 : 1);
          const page = r.data.toString('latin1');
          // The server's own view of the groups both sides support.
          expect(/Shared groups: (\S+)/.exec(page)?.[1]).toBe(g.iana);
          expect(page).toContain('New, TLSv1.3, Cipher is');
        } finally {
          await peer.stop();
        }
      });
    }
  });

  describe.concurrent('server certificate types (leaf + intermediate)', () => {
    for (const kind of LEAF_KINDS) {
      it(`${kind} → ${EXPECTED_SCHEME[kind]}`, async ({ expect }) => {
        const peer = await wwwServer([], pki.leaf(kind));
        try {
          const r = await exchange(connect, base(peer), GET);
          expect(r.info.signatureScheme).toBe(EXPECTED_SCHEME[kind]);
          expect(r.info.verify.status).toBe('ok');
          expect(r.info.verify.flags).toEqual([]);
          expect(r.info.verify.peerCertificates.length).toBe(2);
          expect(r.data.toString('latin1')).toContain('New, TLSv1.3, Cipher is');
        } finally {
          await peer.stop();
        }
      });
    }
  });

  describe.concurrent('middlebox compatibility', () => {
    it('server -no_middlebox: no ChangeCipherSpec from the server, handshake completes', async ({ expect }) => {
      const peer = await wwwServer(['-no_middlebox']);
      try {
        const r = await exchange(connect, base(peer), GET);
        expect(r.info.protocol).toBe('TLSv1.3');
        expect(countRecords(r.events, 'received', /change.?cipher.?spec/i)).toBe(0);
        expect(r.data.toString('latin1')).toContain('New, TLSv1.3, Cipher is');
      } finally {
        await peer.stop();
      }
    });

    it('default server with a compat-mode client: one ChangeCipherSpec each way, ignored', async ({ expect }) => {
      const peer = await wwwServer([]);
      try {
        const r = await exchange(connect, base(peer), GET);
        expect(countRecords(r.events, 'received', /change.?cipher.?spec/i)).toBe(1);
        expect(countRecords(r.events, 'sent', /change.?cipher.?spec/i)).toBe(1);
        expect(r.data.toString('latin1')).toContain('New, TLSv1.3, Cipher is');
      } finally {
        await peer.stop();
      }
    });

    it('client middleboxCompat: false sends no ChangeCipherSpec', async ({ expect }) => {
      const peer = await wwwServer([]);
      try {
        const r = await exchange(connect, base(peer, { middleboxCompat: false }), GET);
        expect(countRecords(r.events, 'sent', /change.?cipher.?spec/i)).toBe(0);
        expect(r.data.toString('latin1')).toContain('New, TLSv1.3, Cipher is');
      } finally {
        await peer.stop();
      }
    });
  });

  describe.concurrent('certificate verification', () => {
    it("an untrusted chain is rejected under verify: 'required' and the server sees our alert", async ({ expect }) => {
      const peer = await wwwServer([], pki.untrusted());
      try {
        const err = await within(connect(base(peer, { verify: 'required' })), 15_000, 'connect').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(TlsError);
        const e = err as TlsError;
        expect(e.code).toBe('CERT_VERIFY_FAILED');
        expect(e.direction).toBe('sent');
        expect(e.alert).toBeTypeOf('number');
        expect(e.detail?.flags).toContain('NOT_TRUSTED');
        // s_server logs the alert it received: "...:SSL alert number 48" (unknown_ca) or similar.
        await peer.waitForOutput(new RegExp(`SSL alert number ${e.alert}\\b`), 5_000);
      } finally {
        await peer.stop();
      }
    });

    it("the same chain is accepted under verify: 'none' (status skipped)", async ({ expect }) => {
      const peer = await wwwServer([], pki.untrusted());
      try {
        const r = await exchange(connect, base(peer, { verify: 'none' }), GET);
        expect(r.info.verify.status).toBe('skipped');
        expect(r.data.toString('latin1')).toContain('New, TLSv1.3, Cipher is');
      } finally {
        await peer.stop();
      }
    });

    it('connecting by IP address verifies the iPAddress SAN', async ({ expect }) => {
      const peer = await wwwServer([]);
      try {
        const r = await exchange(connect, { host: '127.0.0.1', port: peer.port, ca: pki.ca, timeout: 10_000 }, GET);
        expect(r.info.verify.status).toBe('ok');
        expect(r.data.toString('latin1')).toContain('New, TLSv1.3, Cipher is');
      } finally {
        await peer.stop();
      }
    });
  });

  describe.concurrent('data', () => {
    let dir: string;
    let big: Buffer;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'puretls-www-'));
      big = randomBytes(1 << 20);
      writeFileSync(join(dir, 'big.bin'), big);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a 1 MiB response arrives intact, then the server closes with close_notify', async ({ expect }) => {
      const peer = await startOpenSslServer(
        ['-tls1_3', '-WWW', '-http_server_binmode', ...opensslCredArgs(pki.leaf('p256'))],
        { cwd: dir },
      );
      try {
        const r = await exchange(connect, base(peer), 'GET /big.bin HTTP/1.0\r\n\r\n', 30_000);
        const sep = r.data.indexOf('\r\n\r\n');
        expect(sep).toBeGreaterThan(0);
        expect(r.data.subarray(0, sep).toString('latin1')).toMatch(/^HTTP\/1\.0 200 ok\r\n/);
        const body = r.data.subarray(sep + 4);
        expect(body.length).toBe(big.length);
        expect(createHash('sha256').update(body).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
        expect(receivedCloseNotify(r.events)).toBe(true);
      } finally {
        await peer.stop();
      }
    });

    it('interactive: data both ways, server KeyUpdate (k and K), client close_notify', async ({ expect }) => {
      // Without -www, s_server prints what it reads and sends what it reads from stdin; a line
      // "k" makes it send KeyUpdate(update_not_requested), "K" KeyUpdate(update_requested).
      const peer = await startOpenSslServer(['-tls1_3', ...opensslCredArgs(pki.leaf('p256'))]);
      try {
        const events: TraceEvent[] = [];
        const sock = await within(connect(base(peer, { onEvent: (e) => events.push(e) })), 15_000, 'connect');
        try {
          await peer.waitForOutput(/CIPHER is TLS_/);
          sock.write('client-says-1\n');
          await peer.waitForOutput(/client-says-1/);

          peer.send('server-says-1\n');
          expect((await readAtLeast(sock, 14)).toString()).toBe('server-says-1\n');

          // s_server treats a stdin read that starts with "k\n" as the command and drops the
          // rest of that read, so wait until the KeyUpdate has arrived before the next line.
          const updatesReceived = () => events.filter((e) => e.type === 'key-update' && e.direction === 'received').length;
          peer.send('k\n');
          await waitUntil(() => updatesReceived() === 1, 10_000, 'KeyUpdate(update_not_requested) from s_server');
          peer.send('server-says-2\n');
          expect((await readAtLeast(sock, 14)).toString()).toBe('server-says-2\n');
          sock.write('client-says-2\n');
          await peer.waitForOutput(/client-says-2/);

          peer.send('K\n');
          await waitUntil(() => updatesReceived() === 2, 10_000, 'KeyUpdate(update_requested) from s_server');
          peer.send('server-says-3\n');
          expect((await readAtLeast(sock, 14)).toString()).toBe('server-says-3\n');
          // The server asked us to update too: our next records must use the new keys.
          sock.write('client-says-3\n');
          await peer.waitForOutput(/client-says-3/);

          const updates = events.filter((e) => e.type === 'key-update');
          expect(updates).toEqual([
            { type: 'key-update', direction: 'received', updateRequested: false },
            { type: 'key-update', direction: 'received', updateRequested: true },
            { type: 'key-update', direction: 'sent', updateRequested: false },
          ]);

          // Our close_notify: s_server prints DONE for a clean close (ERROR for a bare TCP close).
          // (Whether s_server answers with its own close_notify or just closes TCP is its
          // business once we have closed; the socket must close either way.)
          sock.on('error', () => {});
          const ended = new Promise<void>((resolve) => sock.once('close', () => resolve()));
          sock.resume();
          sock.end();
          await peer.waitForOutput(/\nDONE\b/);
          expect(peer.output()).not.toMatch(/\nERROR\b/);
          await within(ended, 10_000, 'socket close after close_notify');
        } finally {
          sock.destroy();
        }
      } finally {
        await peer.stop();
      }
    });
  });
});
