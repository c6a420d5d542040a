/**
 * Seed corpora for the fuzz targets, made at run time (never committed): a TLS 1.3 and a TLS 1.2
 * handshake of the deterministic fuzz client (targets/connection.ts) against node:tls (OpenSSL),
 * recorded byte for byte, then cut into what each target takes (records, handshake messages,
 * the ServerHello's extension block, certificates as DER and PEM), plus OCSP responses made by
 * `openssl ocsp` (test/helpers/ocsp-pki.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientConnection } from '../src/connection.js';
import { fuzzClientOptions } from './targets/connection.js';
import { DECODERS as MESSAGE_DECODERS } from './targets/handshake-messages.js';
import { makeOcspPki } from '../test/helpers/ocsp-pki.js';

export type Seeds = Record<string, Uint8Array[]>;

function selfSigned(dir: string): { key: string; cert: string } {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost', '-days', '3650', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') };
}

/** Run the deterministic client against `server`; resolve with every byte the server sent. */
function record(port: number, version: '1.2' | '1.3'): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const conn = new ClientConnection(fuzzClientOptions(version));
    const got: Buffer[] = [];
    const sock = netConnect({ host: '127.0.0.1', port }, () => sock.write(conn.takeOutput()!));
    const timer = setTimeout(() => sock.destroy(new Error('seed recording timed out')), 10_000);
    sock.on('data', (d: Buffer) => {
      got.push(d);
      try {
        conn.feed(d);
      } catch (e) {
        sock.destroy(e as Error);
        return;
      }
      const out = conn.takeOutput();
      if (out) sock.write(out);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      if (!conn.handshakeComplete) reject(new Error(`seed recording: the ${version} handshake did not complete`));
      else resolve(new Uint8Array(Buffer.concat(got)));
    });
    sock.on('error', reject);
  });
}

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
    const cred = selfSigned(dir);
    const flights: Record<string, Uint8Array> = {};
    for (const version of ['1.3', '1.2'] as const) {
      const server = createServer({ ...cred, minVersion: `TLSv${version}`, maxVersion: `TLSv${version}` }, (s) => s.end('hello fuzz'));
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      flights[version] = await record((server.address() as { port: number }).port, version);
    }
    const seeds: Seeds = { connection: [], deframer: [], 'handshake-messages': [], extensions: [], x509: [], pem: [], ocsp: [] };
    for (const [version, bytes] of Object.entries(flights)) {
      const v = version === '1.2' ? 1 : 0;
      seeds.connection!.push(cat(Uint8Array.of(v), bytes), cat(Uint8Array.of(0x80 | (13 << 1) | v), bytes));
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
    seeds.pem!.push(new Uint8Array(Buffer.from(cred.cert + ocspPki.ca)));
    seeds.x509!.push(...[ocspPki.ca].map((p) => new Uint8Array(Buffer.from(p.replace(/-----[^-]+-----|\s/g, ''), 'base64'))));
    for (const [cert, signer] of [['leaf', 'ca'], ['revoked', 'ca'], ['leaf', 'responder']] as const) {
      seeds.ocsp!.push(new Uint8Array(readFileSync(ocspPki.response(cert, signer))));
    }
    return seeds;
  } finally {
    for (const s of servers) s.close();
    ocspPki.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}
