/**
 * Interop: puretls against `openssl s_server -tls1_2` (OpenSSL 3).
 *
 * The servers are long-lived (one per configuration, started once, reused by the cases that
 * share it) to keep the file fast. `-www` answers a GET with a status page on which the
 * server states what it negotiated: "New, TLSv1.2, Cipher is ...", "Extended master secret:
 * yes", "Shared groups: ..." and its "Master-Key", which we compare with the
 * CLIENT_RANDOM line of our key log, so both ends' views are checked against each other.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import { TlsError } from '../../src/errors.js';
import type { ClientOptions, TraceEvent } from '../../src/types.js';
import { opensslCredArgs, testPki, type LeafKind, type ServerCred, type TestPki } from '../helpers/certs.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { exchange, readAtLeast, receivedCloseNotify, sleep, startOpenSslServer, stopAllPeers, within, type Peer } from '../helpers/peers.js';

const GET = 'GET / HTTP/1.0\r\n\r\n';

/** The default TLS 1.2 suites: IANA name, OpenSSL name. */
const AEAD: Array<[string, string]> = [
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'],
];
const CBC: Array<[string, string]> = [
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'ECDHE-ECDSA-AES128-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'ECDHE-ECDSA-AES256-SHA384'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'ECDHE-RSA-AES128-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'ECDHE-RSA-AES256-SHA384'],
];
/** Opt-in static RSA key exchange. */
const RSA_KX: Array<[string, string]> = [
  ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256'],
  ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384'],
  ['TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA'],
  ['TLS_RSA_WITH_AES_256_CBC_SHA256', 'AES256-SHA256'],
];
/** Opt-in DHE_RSA with an RFC 7919 group. */
const DHE: Array<[string, string]> = [
  ['TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'DHE-RSA-AES128-GCM-SHA256'],
  ['TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'DHE-RSA-AES256-GCM-SHA384'],
  ['TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'DHE-RSA-CHACHA20-POLY1305'],
  ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'DHE-RSA-AES128-SHA'],
];
const GROUPS: Array<{ openssl: string; iana: string }> = [
  { openssl: 'X25519', iana: 'x25519' },
  { openssl: 'P-256', iana: 'secp256r1' },
  { openssl: 'P-384', iana: 'secp384r1' },
  { openssl: 'P-521', iana: 'secp521r1' },
  { openssl: 'X448', iana: 'x448' },
];
/**
 * Certificate kinds beyond P-256 / RSA-2048, with the suite family and the scheme the server
 * signs with. TLS 1.2 does not bind ECDSA schemes to curves (RFC 8422 §5.10), and OpenSSL signs
 * with SHA-256 first; it also requires the certificate's curve in our supported_groups
 * (RFC 8422 §5.1), so the P-521 case names its groups explicitly.
 */
const CERTS: Array<{ kind: LeafKind; suite: string; scheme: string; groups?: string[] }> = [
  { kind: 'p384', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', scheme: 'ecdsa_secp256r1_sha256' },
  { kind: 'p521', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', scheme: 'ecdsa_secp256r1_sha256', groups: ['x25519', 'secp256r1', 'secp521r1'] },
  { kind: 'ed25519', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', scheme: 'ed25519' },
  { kind: 'ed448', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', scheme: 'ed448' },
  { kind: 'rsa3072', suite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', scheme: 'rsa_pss_rsae_sha256' },
  { kind: 'rsapss', suite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', scheme: 'rsa_pss_pss_sha256' },
];

function keyLogMaster(lines: string[]): string | undefined {
  const l = lines.find((x) => x.startsWith('CLIENT_RANDOM '));
  return l?.split(' ')[2]?.toUpperCase();
}

function summaryOf(events: TraceEvent[], direction: 'sent' | 'received', name: string): Record<string, unknown> | undefined {
  for (const e of events) if (e.type === 'message' && e.direction === direction && e.name === name) return e.summary;
  return undefined;
}

function sent(events: TraceEvent[], description: string): boolean {
  return events.some((e) => e.type === 'alert' && e.direction === 'sent' && e.description === description);
}

async function failure(p: Promise<unknown>): Promise<TlsError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TlsError) return e;
    throw e;
  }
  throw new Error('expected the connection to fail');
}

describe.skipIf(skipFor(programMissing('openssl'), 'openssl interop'))('interop: openssl s_server -tls1_2', () => {
  let pki: TestPki;
  /** A leaf with keyUsage digitalSignature + keyEncipherment, for the RSA key exchange. */
  let rsaKxCred: ServerCred;
  let ffdhe2048: string;
  let modp2048: string;
  let modp1536: string;
  const servers = new Map<string, Promise<Peer>>();

  beforeAll(() => {
    pki = testPki();
    const dir = pki.dir;
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    writeFileSync(
      join(dir, 'kx12.cnf'),
      '[req]\ndistinguished_name = dn\n[dn]\n[leaf]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\n' +
        'extendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost, IP:127.0.0.1\n',
    );
    run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'kx12.key']);
    run(['req', '-new', '-key', 'kx12.key', '-subj', '/CN=localhost', '-config', 'kx12.cnf', '-out', 'kx12.csr']);
    run(['x509', '-req', '-in', 'kx12.csr', '-CA', 'inter.pem', '-CAkey', 'inter.key', '-set_serial', '0x5151', '-days', '30', '-sha256',
      '-extfile', 'kx12.cnf', '-extensions', 'leaf', '-out', 'kx12.pem']);
    rsaKxCred = { ...pki.leaf('rsa2048'), kind: 'kx12', keyFile: join(dir, 'kx12.key'), certFile: join(dir, 'kx12.pem'), chainFile: join(dir, 'inter.pem') };
    ffdhe2048 = join(dir, 'ffdhe2048.pem');
    modp2048 = join(dir, 'modp2048.pem');
    run(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048', '-out', ffdhe2048]);
    run(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:modp_2048', '-out', modp2048]);
    modp1536 = join(dir, 'modp1536.pem');
    run(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:modp_1536', '-out', modp1536]);
  });
  afterAll(stopAllPeers);

  /** One long-lived server per configuration (s_server -www serves connections one after another). */
  const server = (key: string, args: () => string[]): Promise<Peer> => {
    let p = servers.get(key);
    if (!p) {
      p = startOpenSslServer(args());
      servers.set(key, p);
    }
    return p;
  };
  const www = (key: string, cred: () => ServerCred, extra: string[] = []) => server(key, () => ['-tls1_2', '-www', ...opensslCredArgs(cred()), ...extra]);

  const base = (peer: Peer, extra: Partial<ClientOptions> = {}): ClientOptions & { host: string; port: number } => ({
    host: '127.0.0.1',
    port: peer.port,
    servername: 'localhost',
    ca: pki.ca,
    timeout: 10_000,
    ...extra,
  });

  /** Handshake, GET, and the checks every successful case shares. */
  async function get(peer: Peer, extra: Partial<ClientOptions>, expectFn: (v: unknown) => any) {
    const keyLog: string[] = [];
    const r = await exchange(connect, base(peer, { keyLog: (l) => keyLog.push(l), ...extra }), GET);
    const expect = expectFn as (v: unknown) => { toBe(x: unknown): void; toContain(x: unknown): void; toMatch(x: RegExp): void };
    const page = r.data.toString('latin1');
    expect(r.info.protocol).toBe('TLSv1.2');
    expect(r.info.verify.status).toBe('ok');
    expect(page.startsWith('HTTP/1.0 200 ok\r\n')).toBe(true);
    expect(page).toContain('Protocol  : TLSv1.2');
    expect(receivedCloseNotify(r.events)).toBe(true);
    // The server's master secret is the one our key log reports.
    expect(/Master-Key: ([0-9A-F]{96})/.exec(page)?.[1]).toBe(keyLogMaster(keyLog));
    return { ...r, page };
  }

  describe.concurrent('default suites', () => {
    for (const [iana, ossl] of AEAD) {
      const rsa = iana.includes('_RSA_');
      it(`${iana} (${rsa ? 'RSA-2048' : 'P-256'} certificate)`, async ({ expect }) => {
        const peer = await www(rsa ? 'rsa' : 'ecdsa', () => pki.leaf(rsa ? 'rsa2048' : 'p256'));
        const r = await get(peer, { ciphers: [iana] }, expect);
        expect(r.info.cipher).toBe(iana);
        expect(r.page).toMatch(new RegExp(`\\nNew, TLSv1\\.\\d, Cipher is ${ossl}\\n`)); // OpenSSL prints the suite's minimum version here
        // RFC 7627 confirmed by the server itself.
        expect(r.info.extendedMasterSecret).toBe(true);
        expect(r.page).toContain('Extended master secret: yes');
        expect(r.info.encryptThenMac).toBeUndefined();
        expect(r.info.signatureScheme).toBe(rsa ? 'rsa_pss_rsae_sha256' : 'ecdsa_secp256r1_sha256');
        expect(r.info.group).toBe('x25519');
        // s_server issues a RFC 5077 ticket by default: received before its CCS and kept.
        expect(r.events.some((e) => e.type === 'session-ticket')).toBe(true);
      });
    }
    for (const [iana, ossl] of CBC) {
      for (const etm of [true, false]) {
        const rsa = iana.includes('_RSA_');
        it(`${iana} ${etm ? 'encrypt-then-MAC' : 'MAC-then-encrypt (-no_etm)'}`, async ({ expect }) => {
          const key = `${rsa ? 'rsa' : 'ecdsa'}${etm ? '' : '-noetm'}`;
          const peer = await www(key, () => pki.leaf(rsa ? 'rsa2048' : 'p256'), etm ? [] : ['-no_etm']);
          const r = await get(peer, { ciphers: [iana] }, expect);
          expect(r.info.cipher).toBe(iana);
          expect(r.page).toMatch(new RegExp(`\\nNew, TLSv1\\.\\d, Cipher is ${ossl}\\n`)); // OpenSSL prints the suite's minimum version here
          expect(r.info.encryptThenMac).toBe(etm);
          expect(r.info.extendedMasterSecret).toBe(true);
          expect(r.page).toContain('Extended master secret: yes');
        });
      }
    }
  });

  describe.concurrent('groups forced on the server (no tickets)', () => {
    for (const g of GROUPS) {
      it(g.iana, async ({ expect }) => {
        const peer = await www(`group-${g.iana}`, () => pki.leaf('p256'), ['-groups', g.openssl, '-no_ticket']);
        const r = await get(peer, { groups: GROUPS.map((x) => x.iana) }, expect);
        expect(r.info.group).toBe(g.iana);
        expect(/Shared groups: (\S+)/.exec(r.page)?.[1]).toBe(g.iana);
        expect(r.events.some((e) => e.type === 'session-ticket')).toBe(false);
      });
    }
    it('a group the client did not offer: the server finds none and refuses', async ({ expect }) => {
      const peer = await www('group-x448', () => pki.leaf('p256'), ['-groups', 'X448', '-no_ticket']);
      const err = await failure(connect(base(peer, { maxVersion: '1.2', groups: ['x25519', 'secp256r1', 'secp384r1'] })));
      expect(err.code).toBe('PEER_ALERT');
      expect(err.alertName).toBe('handshake_failure');
    });
  });

  describe.concurrent('server certificate types', () => {
    for (const c of CERTS) {
      it(`${c.kind} → ${c.scheme}`, async ({ expect }) => {
        const peer = await www(`cert-${c.kind}`, () => pki.leaf(c.kind));
        const r = await get(peer, { ciphers: [c.suite], ...(c.groups ? { groups: c.groups } : {}) }, expect);
        expect(r.info.cipher).toBe(c.suite);
        expect(r.info.signatureScheme).toBe(c.scheme);
        expect(r.info.verify.peerCertificates.length).toBe(2);
      });
    }
    it('ECDSA certificate with only ECDHE_RSA suites offered: no common suite', async ({ expect }) => {
      const peer = await www('ecdsa', () => pki.leaf('p256'));
      const err = await failure(connect(base(peer, { ciphers: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] })));
      expect(err.code).toBe('PEER_ALERT');
      expect(err.alertName).toBe('handshake_failure');
    });
    it('untrusted chain: CERT_VERIFY_FAILED, unknown_ca sent', async ({ expect }) => {
      const peer = await www('untrusted', () => pki.untrusted());
      const events: TraceEvent[] = [];
      const err = await failure(connect(base(peer, { maxVersion: '1.2', onEvent: (e) => events.push(e) })));
      expect(err.code).toBe('CERT_VERIFY_FAILED');
      expect(sent(events, 'unknown_ca')).toBe(true);
    });
  });

  describe.concurrent('opt-in RSA key exchange', () => {
    const rsaKx = () => www('rsa-kx', () => rsaKxCred, ['-cipher', 'kRSA']);
    for (const [iana, ossl] of RSA_KX) {
      it(`${iana} (opted in)`, async ({ expect }) => {
        const r = await get(await rsaKx(), { ciphers: [iana] }, expect);
        expect(r.info.cipher).toBe(iana);
        expect(r.page).toContain(`Cipher is ${ossl}`);
        expect(r.info.group).toBeUndefined();
        expect(r.info.signatureScheme).toBeUndefined();
        expect(r.page).toContain('Extended master secret: yes');
      });
    }
    it('not opted in: not offered, the RSA-only server refuses', async ({ expect }) => {
      const events: TraceEvent[] = [];
      const err = await failure(connect(base(await rsaKx(), { onEvent: (e) => events.push(e) })));
      expect(err.code).toBe('PEER_ALERT');
      expect(err.alertName).toBe('handshake_failure');
      const ch = events.find((e) => e.type === 'message' && e.direction === 'sent' && e.name === 'client_hello');
      expect(JSON.stringify(ch)).not.toContain('TLS_RSA_WITH');
    });
    it('certificate without keyEncipherment: refused (RFC 5246 §7.4.2)', async ({ expect }) => {
      const peer = await www('rsa', () => pki.leaf('rsa2048'));
      const err = await failure(connect(base(peer, { ciphers: ['TLS_RSA_WITH_AES_128_GCM_SHA256'] })));
      expect(err.code).toBe('CERT_VERIFY_FAILED');
      expect(err.message).toContain('KEY_USAGE');
    });
  });

  describe.concurrent('opt-in DHE_RSA (RFC 7919 ffdhe2048)', () => {
    const dhe = () => www('dhe', () => pki.leaf('rsa2048'), ['-cipher', 'kDHE', '-dhparam', ffdhe2048]);
    for (const [iana, ossl] of DHE) {
      it(`${iana} (opted in)`, async ({ expect }) => {
        const r = await get(await dhe(), { ciphers: [iana] }, expect);
        expect(r.info.cipher).toBe(iana);
        expect(r.page).toContain(`Cipher is ${ossl}`);
        expect(r.info.group).toBe('ffdhe2048');
      });
    }
    it('not opted in: the DHE-only server refuses', async ({ expect }) => {
      const err = await failure(connect(base(await dhe())));
      expect(err.code).toBe('PEER_ALERT');
      expect(err.alertName).toBe('handshake_failure');
    });
    it('the RFC 3526 group modp_2048 (a known safe prime, the default of many set-ups): accepted', async ({ expect }) => {
      const peer = await www('dhe-modp', () => pki.leaf('rsa2048'), ['-cipher', 'kDHE', '-dhparam', modp2048]);
      const r = await get(peer, { ciphers: [DHE[0]![0]] }, expect);
      expect(r.info.cipher).toBe(DHE[0]![0]);
      expect(r.info.group).toBe('modp2048');
    });
    it('a group below 2048 bits (modp_1536): WEAK_PARAMETERS, the explanation says why', async ({ expect }) => {
      const peer = await www('dhe-modp1536', () => pki.leaf('rsa2048'), ['-cipher', 'kDHE:@SECLEVEL=0', '-dhparam', modp1536]);
      const events: TraceEvent[] = [];
      const err = await failure(connect(base(peer, { ciphers: [DHE[0]![0]], onEvent: (e) => events.push(e) })));
      expect(err.code).toBe('WEAK_PARAMETERS');
      expect(err.explanation).toMatch(/1536 bits, need at least 2048/);
      expect(sent(events, 'insufficient_security')).toBe(true);
    });
  });

  describe.concurrent('version negotiation', () => {
    it('both versions enabled, 1.2-only server: TLS 1.2, no false downgrade alarm', async ({ expect }) => {
      const r = await get(await www('ecdsa', () => pki.leaf('p256')), {}, expect);
      expect(r.info.cipher).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    });
    it('client minVersion 1.3 against a 1.2-only server: protocol_version', async ({ expect }) => {
      const err = await failure(connect(base(await www('ecdsa', () => pki.leaf('p256')), { minVersion: '1.3' })));
      expect(err.code).toBe('PEER_ALERT');
      expect(err.alertName).toBe('protocol_version');
    });
    it('client maxVersion 1.2 against a 1.3-capable server: TLS 1.2 (server sets the sentinel; a 1.2-only client ignores it)', async ({ expect }) => {
      const peer = await server('both', () => ['-www', ...opensslCredArgs(pki.leaf('p256'))]);
      const r = await get(peer, { maxVersion: '1.2' }, expect);
      // RFC 8446 §4.1.3: "DOWNGRD" 01 in the last 8 bytes of ServerHello.random.
      expect(String(summaryOf(r.events, 'received', 'server_hello')?.random).endsWith('444f574e47524401')).toBe(true);
    });
    it('a TLS 1.1 server: it finds no common version in supported_versions and refuses', async ({ expect }) => {
      const peer = await server('tls11', () => ['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0', '-www', ...opensslCredArgs(pki.leaf('p256'))]);
      const err = await failure(connect(base(peer)));
      expect(err.code).toBe('PEER_ALERT');
      expect(err.alertName).toBe('protocol_version');
    });
    it('a TLS 1.1 server answering a 1.2-only ClientHello (no supported_versions) with TLS 1.1: we refuse with protocol_version', async ({ expect }) => {
      const peer = await server('tls11', () => ['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0', '-www', ...opensslCredArgs(pki.leaf('p256'))]);
      const events: TraceEvent[] = [];
      const err = await failure(connect(base(peer, { maxVersion: '1.2', onEvent: (e) => events.push(e) })));
      expect(err.code).toBe('UNSUPPORTED_VERSION');
      expect(err.message).toContain('TLS 1.1');
      expect(sent(events, 'protocol_version')).toBe(true);
      expect(events.some((e) => e.type === 'message' && e.direction === 'received' && e.name === 'server_hello')).toBe(true);
    });
  });

  describe.concurrent('handshake variants', () => {
    it('CertificateRequest: answered with an empty Certificate', async ({ expect }) => {
      const peer = await www('verify', () => pki.leaf('p256'), ['-verify', '1']);
      const r = await get(peer, {}, expect);
      expect(r.events.some((e) => e.type === 'message' && e.direction === 'received' && e.name === 'certificate_request')).toBe(true);
      expect(summaryOf(r.events, 'sent', 'certificate')?.certificates).toBe(0);
      expect(r.page).toContain('no client certificate available');
    });

    it('HelloRequest after the handshake: answered with a no_renegotiation warning, no renegotiation', async ({ expect }) => {
      const peer = await server('reneg', () => ['-tls1_2', ...opensslCredArgs(pki.leaf('p256'))]);
      const events: TraceEvent[] = [];
      const sock = await within(connect(base(peer, { onEvent: (e) => events.push(e) })), 15_000, 'connect');
      try {
        sock.on('error', () => {});
        await peer.waitForOutput(/CIPHER is ECDHE-ECDSA-AES128-GCM-SHA256|Secure Renegotiation IS supported/);
        // s_server: a line starting with "r" renegotiates (SSL_renegotiate: a HelloRequest).
        peer.send('r\n');
        for (let i = 0; i < 100 && !sent(events, 'no_renegotiation'); i++) await sleep(20);
        expect(sent(events, 'no_renegotiation')).toBe(true);
        expect(events.some((e) => e.type === 'message' && e.direction === 'received' && e.name === 'hello_request')).toBe(true);
        // We never sent a second ClientHello.
        expect(events.filter((e) => e.type === 'message' && e.direction === 'sent' && e.name === 'client_hello').length).toBe(1);
        // OpenSSL's answer to no_renegotiation is its own choice (it aborts with handshake_failure);
        // either way no renegotiation happened and we did not fail on our side first.
        await sleep(100);
        const ourError = events.find((e) => e.type === 'error');
        if (ourError) expect((ourError as { error: TlsError }).error.direction).toBe('received');
        // The server's side: it read our alert.
        await peer.waitForOutput(/no renegotiation/i, 5000);
      } finally {
        sock.destroy();
      }
    });

    it('application data both ways in many records (echo -rev)', async ({ expect }) => {
      const peer = await server('rev', () => ['-tls1_2', '-rev', ...opensslCredArgs(pki.leaf('rsa2048'))]);
      const sock = await within(connect(base(peer, { ciphers: ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384'] })), 15_000, 'connect');
      try {
        expect(sock.info!.encryptThenMac).toBe(true);
        const line = 'x'.repeat(5000) + 'abc';
        sock.write(line + '\n');
        const got = (await readAtLeast(sock, line.length)).toString();
        expect(got.startsWith('cba' + 'x'.repeat(100))).toBe(true);
      } finally {
        sock.destroy();
      }
    });
  });
});
