/**
 * Seed corpora for the fuzz targets, made at run time (never committed): a TLS 1.3 and a TLS 1.2
 * handshake of the deterministic fuzz client (targets/connection.ts) against node:tls (OpenSSL)
 * with an ECDSA and an RSA certificate, and PSK handshakes (targets/connection-psk.ts) against
 * `openssl s_server -psk`, recorded byte for byte, then cut into what each target takes (records,
 * handshake messages, the ServerHello's extension block, certificates as DER and PEM), plus OCSP
 * responses made by `openssl ocsp` (test/helpers/ocsp-pki.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientConnection } from '../src/connection.js';
import type { ClientOptions } from '../src/types.js';
import { CERT_PROFILES, fuzzClientOptions } from './targets/connection.js';
import { FUZZ_PSK, PSK_PROFILES, fuzzPskOptions, type PskProfile } from './targets/connection-psk.js';
import { startOpenSslServer, stopAllPeers } from '../test/helpers/peers.js';
import { DECODERS as MESSAGE_DECODERS } from './targets/handshake-messages.js';
import { makeOcspPki } from '../test/helpers/ocsp-pki.js';

export type Seeds = Record<string, Uint8Array[]>;

function selfSigned(dir: string, alg: 'ec' | 'rsa'): { key: string; cert: string } {
  const key = alg === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  execFileSync('openssl', ['req', '-x509', ...key, '-nodes', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost', '-days', '3650', '-keyout', join(dir, `${alg}-k.pem`), '-out', join(dir, `${alg}-c.pem`)], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, `${alg}-k.pem`), 'utf8'), cert: readFileSync(join(dir, `${alg}-c.pem`), 'utf8') };
}

/**
 * Run a deterministic client with `options` against the server on `port`; once the handshake is
 * done, ask for /fuzz.txt (openssl s_server -WWW sends it and closes; node:tls ends at once).
 * Resolve with every byte the server sent.
 */
function record(port: number, options: ClientOptions, what: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const conn = new ClientConnection(options);
    const got: Buffer[] = [];
    let asked = false;
    const sock = netConnect({ host: '127.0.0.1', port }, () => sock.write(conn.takeOutput()!));
    const timer = setTimeout(() => sock.destroy(new Error(`seed recording (${what}) timed out`)), 10_000);
    sock.on('data', (d: Buffer) => {
      got.push(d);
      try {
        conn.feed(d);
        if (conn.handshakeComplete && !asked) {
          asked = true;
          conn.write(new TextEncoder().encode('GET /fuzz.txt HTTP/1.0\r\n\r\n'));
        }
        while (conn.read()) {
          /* drain */
        }
      } catch (e) {
        sock.destroy(e as Error);
        return;
      }
      if (conn.peerClosed) conn.close(); // s_server waits for our close_notify
      const out = conn.takeOutput();
      if (out) sock.write(out);
      if (conn.peerClosed) sock.end();
    });
    sock.on('close', () => {
      clearTimeout(timer);
      if (!conn.handshakeComplete) reject(new Error(`seed recording: the ${what} handshake did not complete`));
      else resolve(new Uint8Array(Buffer.concat(got)));
    });
    sock.on('error', reject);
  });
}

/** The s_server arguments each PSK profile is recorded with (one flight per entry). */
const PSK_SERVERS: Array<[PskProfile, string[]]> = [
  ['1.3-psk_ke', ['-tls1_3', '-allow_no_dhe_kex']],
  ['1.2-psk', ['-tls1_2', '-cipher', 'PSK-AES128-GCM-SHA256']],
  ['1.2-psk', ['-tls1_2', '-cipher', 'PSK-AES128-CBC-SHA256']],
];

/** Split TLS records; yield [type, body]. */
function records(bytes: Uint8Array): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  for (let o = 0; o + 5 <= bytes.length; ) {
    const len = (bytes[o + 3]! << 8) | bytes[o + 4]!;
    out.push([bytes[o]!, bytes.subarray(o + 5, o + 5 + len)]);
    o += 5 + len;
  }
  return out;
}

const cat = (...a: Uint8Array[]) => new Uint8Array(Buffer.concat(a));

export async function makeSeeds(): Promise<Seeds> {
  const dir = mkdtempSync(join(tmpdir(), 'puretls-fuzz-seeds-'));
  const ocspPki = makeOcspPki();
  const servers: Server[] = [];
  try {
    const creds = [selfSigned(dir, 'ec'), selfSigned(dir, 'rsa')];
    writeFileSync(join(dir, 'fuzz.txt'), 'hello fuzz\n');
    const flights: Array<[string, Uint8Array]> = [];
    for (const cred of creds) {
      for (const version of CERT_PROFILES) {
        const server = createServer({ ...cred, minVersion: `TLSv${version}`, maxVersion: `TLSv${version}` }, (s) => s.end('hello fuzz'));
        servers.push(server);
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
        flights.push([version, await record((server.address() as { port: number }).port, fuzzClientOptions(version), `TLS ${version}`)]);
      }
    }
    const seeds: Seeds = { connection: [], 'connection-psk': [], deframer: [], 'handshake-messages': [], extensions: [], x509: [], pem: [], ocsp: [] };
    for (const [profile, args] of PSK_SERVERS) {
      const peer = await startOpenSslServer([...args, '-psk', FUZZ_PSK.key, '-psk_identity', FUZZ_PSK.identity, '-nocert', '-WWW'], { cwd: dir });
      try {
        const bytes = await record(peer.port, fuzzPskOptions(profile), profile);
        const p = PSK_PROFILES.indexOf(profile);
        seeds['connection-psk']!.push(cat(Uint8Array.of(p), bytes), cat(Uint8Array.of(0x80 | (3 << 2) | p), bytes));
        flights.push([profile, bytes]);
      } finally {
        await peer.stop();
      }
    }
    for (const [version, bytes] of flights) {
      const v = CERT_PROFILES.indexOf(version as '1.2' | '1.3');
      if (v >= 0) seeds.connection!.push(cat(Uint8Array.of(v), bytes), cat(Uint8Array.of(0x80 | (6 << 2) | v), bytes));
      seeds.deframer!.push(cat(Uint8Array.of(0), bytes), cat(Uint8Array.of(3), bytes));
      // Plaintext handshake messages: the ServerHello (both), the whole first flight (TLS 1.2).
      const hs = Buffer.concat(records(bytes).filter(([t]) => t === 22).map(([, b]) => b));
      const byType: Record<number, string> = { 2: 'decodeServerHello', 11: 'decodeCertificate12', 12: 'decodeServerKeyExchangeEcdhe', 14: 'decodeServerHelloDone' };
      seeds['handshake-messages']!.push(cat(Uint8Array.of(0xff), hs));
      for (let o = 0; o + 4 <= hs.length; ) {
        const type = hs[o]!;
        const len = (hs[o + 1]! << 16) | (hs[o + 2]! << 8) | hs[o + 3]!;
        const body = hs.subarray(o + 4, o + 4 + len);
        const sel = MESSAGE_DECODERS.findIndex(([n]) => n === byType[type]);
        if (sel >= 0) seeds['handshake-messages']!.push(cat(Uint8Array.of(sel), body));
        if (type === 2) {
          const extAt = 2 + 32 + 1 + body[34]! + 2 + 1;
          seeds.extensions!.push(cat(Uint8Array.of(0xff), body.subarray(extAt)));
        }
        if (type === 11) {
          // Certificate12: certificate_list<u24> of ASN.1Cert<u24>.
          for (let p = 3; p + 3 <= body.length; ) {
            const n = (body[p]! << 16) | (body[p + 1]! << 8) | body[p + 2]!;
            seeds.x509!.push(body.slice(p + 3, p + 3 + n));
            p += 3 + n;
          }
        }
        o += 4 + len;
      }
    }
    seeds.pem!.push(new Uint8Array(Buffer.from(creds.map((c) => c.cert).join('') + ocspPki.ca)));
    seeds.x509!.push(...[ocspPki.ca].map((p) => new Uint8Array(Buffer.from(p.replace(/-----[^-]+-----|\s/g, ''), 'base64'))));
    for (const [cert, signer] of [['leaf', 'ca'], ['revoked', 'ca'], ['leaf', 'responder']] as const) {
      seeds.ocsp!.push(new Uint8Array(readFileSync(ocspPki.response(cert, signer))));
    }
    return seeds;
  } finally {
    for (const s of servers) s.close();
    await stopAllPeers();
    ocspPki.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}
