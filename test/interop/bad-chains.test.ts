/**
 * Interop (issue #5): `puretls connect` (the CLI, in-process) against `openssl s_server -tls1_3`
 * serving deliberately bad chains made by test/helpers/bad-pki.ts. Each bad chain is run three
 * ways, each against its own s_server:
 *
 * - `--verify required`: exit 1, `error: CERT_VERIFY_FAILED: ...FLAG...` on stderr, no
 *   application data, and s_server reports the alert the client sent for it;
 * - `--verify optional`: exit 0, the handshake line says `verify=FLAG` (that flag alone: each
 *   chain has one defect), and the -www status page arrived on stdout;
 * - `--verify required --ignore FLAG`: exit 0, `verify=ok`, the page arrived.
 *
 * Positive controls (the same PKI with the defect absent) must pass under `required`, and
 * ignoring one flag must not clear another: in particular ignoring BAD_ALGORITHM accepts a SHA-1
 * signature, never one that does not verify.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { makeBadPki, badCredArgs, type BadCredName, type BadPki } from '../helpers/bad-pki.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { startOpenSslServer, stopAllPeers, within, type Peer } from '../helpers/peers.js';
import { runCli, type CliRun } from '../cli/io.js';

const GET = 'GET / HTTP/1.0\\r\\n\\r\\n';

/** The alert the client sends for a failure (RFC 8446 §6.2), as s_server prints its number. */
const ALERT = { bad_certificate: 42, unsupported_certificate: 43, certificate_expired: 45, certificate_unknown: 46, unknown_ca: 48 } as const;
type AlertName = keyof typeof ALERT;

interface BadCase {
  name: string;
  cred: BadCredName;
  /** --servername; null: none (the IP address in HOST is verified). */
  servername: string | null;
  flag: string;
  /** The certificate that carries the flag (0: the leaf). */
  depth: number;
  alert: AlertName;
  /** More checks on the `error:` line under required. */
  explanation?: RegExp;
  serverArgs?: string[];
  clientArgs?: string[];
}

interface GoodCase {
  name: string;
  cred: BadCredName;
  servername: string | null;
}

/** OpenSSL 3 refuses a SHA-1-signed certificate of its own at security level 1 ("ca md too weak"). */
const SECLEVEL0 = ['-cipher', 'DEFAULT@SECLEVEL=0'];
/**
 * In TLS 1.3 s_server sends only a certificate whose signature algorithm the client listed in
 * signature_algorithms_cert (else handshake_failure): the client lists ecdsa_sha1 there. The
 * CertificateVerify is still ecdsa_secp256r1_sha256, and the validator still refuses SHA-1.
 */
const OFFER_SHA1 = ['--sigalgs', 'ecdsa_secp256r1_sha256,ecdsa_sha1'];

const BAD: BadCase[] = [
  { name: 'expired leaf', cred: 'expired', servername: 'localhost', flag: 'EXPIRED', depth: 0, alert: 'certificate_expired' },
  { name: 'not yet valid leaf', cred: 'future', servername: 'localhost', flag: 'FUTURE', depth: 0, alert: 'certificate_expired' },
  { name: 'wrong host (www.other.test for localhost)', cred: 'wronghost', servername: 'localhost', flag: 'NAME_MISMATCH', depth: 0, alert: 'certificate_unknown', explanation: /not valid for localhost/ },
  { name: 'wildcard *.example.com does not cover a.b.example.com', cred: 'wildcard', servername: 'a.b.example.com', flag: 'NAME_MISMATCH', depth: 0, alert: 'certificate_unknown' },
  { name: 'wildcard *.example.com does not cover example.com', cred: 'wildcard', servername: 'example.com', flag: 'NAME_MISMATCH', depth: 0, alert: 'certificate_unknown' },
  { name: 'partial wildcard f*.example.com does not cover foo.example.com', cred: 'partialwild', servername: 'foo.example.com', flag: 'NAME_MISMATCH', depth: 0, alert: 'certificate_unknown' },
  { name: 'DNS:localhost only, connecting by 127.0.0.1', cred: 'good', servername: null, flag: 'NAME_MISMATCH', depth: 0, alert: 'certificate_unknown', explanation: /127\.0\.0\.1/ },
  { name: 'extendedKeyUsage clientAuth only', cred: 'clientauth', servername: 'localhost', flag: 'EXT_KEY_USAGE', depth: 0, alert: 'bad_certificate' },
  { name: 'name constraints violated (permitted allowed.test, leaf bad.other.test)', cred: 'ncbad', servername: 'bad.other.test', flag: 'NAME_CONSTRAINTS', depth: 0, alert: 'bad_certificate' },
  { name: 'pathLenConstraint exceeded (root > pathlen:0 > int > leaf)', cred: 'pathlen', servername: 'localhost', flag: 'PATH_LENGTH', depth: 2, alert: 'bad_certificate' },
  { name: 'issuer is not a CA (leaf signed by a CA:FALSE certificate)', cred: 'nonca', servername: 'localhost', flag: 'NOT_CA', depth: 1, alert: 'bad_certificate' },
  { name: 'SHA-1 signature on the leaf', cred: 'sha1', servername: 'localhost', flag: 'BAD_ALGORITHM', depth: 0, alert: 'unsupported_certificate', serverArgs: SECLEVEL0, clientArgs: OFFER_SHA1 },
  { name: 'untrusted root', cred: 'untrusted', servername: 'localhost', flag: 'NOT_TRUSTED', depth: 1, alert: 'unknown_ca' },
  { name: 'missing intermediate (server sends the leaf alone)', cred: 'goodNoChain', servername: 'localhost', flag: 'NOT_TRUSTED', depth: 0, alert: 'unknown_ca' },
];

const GOOD: GoodCase[] = [
  { name: 'baseline: root > intermediate > leaf for localhost', cred: 'good', servername: 'localhost' },
  { name: 'wildcard *.example.com covers www.example.com', cred: 'wildcard', servername: 'www.example.com' },
  { name: 'IP:127.0.0.1 SAN, connecting by 127.0.0.1', cred: 'ip', servername: null },
  { name: 'name constraints satisfied (ok.allowed.test)', cred: 'ncok', servername: 'ok.allowed.test' },
];

const HANDSHAKE = /^handshake: protocol=TLSv1\.3 cipher=TLS_\w+ group=[\w-]+ sigalg=ecdsa_secp256r1_sha256 alpn=- resumed=no verify=(\S+)$/m;
/** The first line of s_server -www's status page. */
const PAGE = /^HTTP\/1\.0 200 ok\r\n/;

describe.skipIf(skipFor(programMissing('openssl'), 'bad-chain interop'))('interop: bad chains from openssl s_server -tls1_3', () => {
  let pki: BadPki;
  beforeAll(() => {
    pki = makeBadPki();
  });
  afterAll(async () => {
    await stopAllPeers();
    pki?.cleanup();
  });

  const server = (cred: BadCredName, extra: string[] = []): Promise<Peer> =>
    startOpenSslServer(['-tls1_3', '-www', ...badCredArgs(pki.creds[cred]), ...extra]);

  const connect = (peer: Peer, servername: string | null, verify: string[]): Promise<CliRun> =>
    within(
      runCli([
        'connect', `127.0.0.1:${peer.port}`,
        ...(servername === null ? [] : ['--servername', servername]),
        '--ca', pki.rootFile,
        ...verify,
        '--send', GET,
        '--timeout', '10000',
      ]),
      20_000,
      'puretls connect',
    );

  /** Run one connection against a fresh s_server; the server's output is returned too. */
  const run = async (cred: BadCredName, servername: string | null, verify: string[], serverArgs: string[] = [], clientArgs: string[] = []) => {
    const peer = await server(cred, serverArgs);
    try {
      const r = await connect(peer, servername, [...verify, ...clientArgs]);
      return { ...r, peer };
    } catch (e) {
      await peer.stop();
      throw e;
    }
  };

  describe.concurrent('each bad chain fails under --verify required with its flag', () => {
    for (const c of BAD) {
      it(c.name, async ({ expect }) => {
        const r = await run(c.cred, c.servername, ['--verify', 'required'], c.serverArgs, c.clientArgs);
        try {
          const ctx = `stderr:\n${r.stderr}`;
          expect(r.code, ctx).toBe(1);
          expect(r.stderr, ctx).toMatch(new RegExp(`^error: CERT_VERIFY_FAILED: .*\\b${c.flag}\\b`, 'm'));
          const error = r.stderr.split('\n').find((l) => l.startsWith('error:'))!;
          // The explanation names the certificate: "[depth N (subject): FLAGS]".
          expect(error).toMatch(new RegExp(`depth ${c.depth} \\([^)]*\\): (?:[A-Z_]+,)*${c.flag}\\b`));
          if (c.explanation) expect(error).toMatch(c.explanation);
          // No handshake line, no application data.
          expect(r.stderr).not.toMatch(/^handshake:/m);
          expect(r.stdout).toBe('');
          // The server saw the alert the client sent for this failure.
          await r.peer.waitForOutput(new RegExp(`SSL alert number ${ALERT[c.alert]}\\b`), 5000);
        } finally {
          await r.peer.stop();
        }
      });
    }
  });

  describe.concurrent('each bad chain is reported under --verify optional and the exchange goes on', () => {
    for (const c of BAD) {
      it(c.name, async ({ expect }) => {
        const r = await run(c.cred, c.servername, ['--verify', 'optional'], c.serverArgs, c.clientArgs);
        try {
          const ctx = `stderr:\n${r.stderr}`;
          expect(r.stderr, ctx).toMatch(HANDSHAKE);
          // This chain's one defect, and nothing else.
          expect(HANDSHAKE.exec(r.stderr)![1]!.split(','), ctx).toEqual([c.flag]);
          expect(r.stderr, ctx).not.toMatch(/^error:/m);
          expect(r.stdout).toMatch(PAGE);
          expect(r.stdout).toContain('New, TLSv1.3, Cipher is TLS_');
          expect(r.code, ctx).toBe(0);
        } finally {
          await r.peer.stop();
        }
      });
    }
  });

  describe.concurrent('each bad chain passes under --verify required when its flag is ignored', () => {
    for (const c of BAD) {
      it(`${c.name} (--ignore ${c.flag})`, async ({ expect }) => {
        const r = await run(c.cred, c.servername, ['--verify', 'required', '--ignore', c.flag], c.serverArgs, c.clientArgs);
        try {
          const ctx = `stderr:\n${r.stderr}`;
          expect(r.stderr, ctx).toMatch(HANDSHAKE);
          expect(HANDSHAKE.exec(r.stderr)![1], ctx).toBe('ok');
          expect(r.stdout).toMatch(PAGE);
          expect(r.code, ctx).toBe(0);
        } finally {
          await r.peer.stop();
        }
      });
    }
  });

  describe.concurrent('ignoring one flag does not ignore the others', () => {
    // Ignoring a flag the chain does not have changes nothing.
    it('expired leaf with --ignore NAME_MISMATCH still fails with EXPIRED', async ({ expect }) => {
      const r = await run('expired', 'localhost', ['--verify', 'required', '--ignore', 'NAME_MISMATCH']);
      try {
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/^error: CERT_VERIFY_FAILED: .*\bEXPIRED\b/m);
        await r.peer.waitForOutput(new RegExp(`SSL alert number ${ALERT.certificate_expired}\\b`), 5000);
      } finally {
        await r.peer.stop();
      }
    });

    // Ignoring BAD_ALGORITHM accepts SHA-1, not a signature that does not verify: the leaf is
    // the SHA-1 one with a bit of its signature flipped (`openssl verify` says "certificate
    // signature failure"). Accepting it would let anyone who ignores BAD_ALGORITHM be
    // impersonated with a made-up "SHA-1" certificate naming any trusted issuer.
    it('SHA-1 leaf with a corrupted signature and --ignore BAD_ALGORITHM fails with BAD_SIGNATURE', async ({ expect }) => {
      const r = await run('sha1forged', 'localhost', ['--verify', 'required', '--ignore', 'BAD_ALGORITHM'], SECLEVEL0, OFFER_SHA1);
      try {
        const ctx = `stderr:\n${r.stderr}`;
        expect(r.code, ctx).toBe(1);
        expect(r.stderr, ctx).toMatch(/^error: CERT_VERIFY_FAILED: .*\bBAD_SIGNATURE\b/m);
        expect(r.stdout).toBe('');
      } finally {
        await r.peer.stop();
      }
    });
  });

  describe.concurrent('positive controls pass under --verify required', () => {
    for (const c of GOOD) {
      it(c.name, async ({ expect }) => {
        const r = await run(c.cred, c.servername, ['--verify', 'required']);
        try {
          const ctx = `stderr:\n${r.stderr}`;
          expect(r.stderr, ctx).toMatch(HANDSHAKE);
          expect(HANDSHAKE.exec(r.stderr)![1], ctx).toBe('ok');
          expect(r.stdout).toMatch(PAGE);
          expect(r.code, ctx).toBe(0);
        } finally {
          await r.peer.stop();
        }
      });
    }
  });
});
