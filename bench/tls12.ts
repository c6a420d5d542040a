/**
 * TLS 1.2 benchmarks (`benchTls12()` returns a Markdown section):
 *
 * - full handshake, ECDHE-ECDSA (P-256 leaf signed by the trusted P-256 root) and ECDHE-RSA
 *   (RSA-2048 leaf, P-256 intermediate and root), x25519, AES-128-GCM: puretls `connect()` vs
 *   node:tls, both against a node:tls TLS 1.2 server in a child process (so this process's CPU
 *   time is the client's alone), next to the raw primitives' floor (x25519, the signature
 *   verifications; noble, and puretls' BigInt RSA since noble has no RSA);
 * - bulk, 16 KiB records: the puretls TLS 1.2 record protection in memory (seal and open) vs the
 *   raw primitives (noble AES-GCM / ChaCha20-Poly1305 / AES-CBC + HMAC-SHA1), and puretls vs
 *   node:tls receiving over loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { cbc, gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { createAead } from '../src/crypto/aead.js';
import { parseRsaPrivateKey, rsaSignPss, rsaVerifyPss } from '../src/crypto/rsa.js';
import { Tls12AeadProtection, Tls12CbcProtection } from '../src/record/protection12.js';
import type { RecordProtection } from '../src/record/protection.js';
import { connectAsync as connect } from '../src/transport/node.js';
import { testPki, type ServerCred } from '../test/helpers/certs.js';
import { cpuNowMs, fmt, mdTable, median, msSince, nowNs } from './util.js';

const REC = 16 * 1024;
const LOOPBACK_BYTES = 16 * 1024 * 1024;

/** A node:tls TLS 1.2 server in a child process; `S <n>\n` asks for n bytes then close_notify. */
const SERVER_JS = `
const tls = require('node:tls');
const CHUNK = Buffer.alloc(16384, 0x61);
const s = tls.createServer({ key: process.env.K, cert: process.env.C, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ALL' }, (c) => {
  c.on('error', () => {});
  let line = '';
  c.on('data', (d) => {
    line += d.toString('latin1');
    const nl = line.indexOf('\\n');
    if (nl < 0) return;
    let left = Number(line.slice(2, nl));
    const pump = () => {
      while (left > 0) { const n = Math.min(left, CHUNK.length); left -= n; if (!c.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n)) && left > 0) return c.once('drain', pump); }
      c.end();
    };
    pump();
  });
});
s.listen(0, '127.0.0.1', () => process.stdout.write('LISTEN ' + s.address().port + '\\n'));
`;

interface Child {
  port: number;
  stop(): void;
}

function startServer(cred: ServerCred): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER_JS], { env: { ...process.env, K: cred.keyPem, C: cred.chainPem }, stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop);
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => (stop(), reject(new Error('tls12 bench server did not start'))), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTEN (\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve({ port: Number(m[1]), stop });
      }
    });
  });
}

interface Stat {
  wallMs: number;
  cpuMs: number;
  n: number;
}

async function measure(one: () => Promise<void>, budgetMs: number, warmup: number): Promise<Stat> {
  for (let i = 0; i < warmup; i++) await one();
  const samples: number[] = [];
  const c0 = cpuNowMs();
  const t0 = nowNs();
  while (msSince(t0) < budgetMs || samples.length < 5) {
    const t = nowNs();
    await one();
    samples.push(msSince(t));
  }
  return { wallMs: median(samples), cpuMs: (cpuNowMs() - c0) / samples.length, n: samples.length };
}

const OPENSSL_NAME: Record<string, string> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
};

function puretlsOnce(port: number, ca: string, suite: string) {
  return async () => {
    // RFC 8422 §5.1: OpenSSL requires the ECDSA certificate's curve among our groups (x25519 is still chosen).
    const s = await connect({ host: '127.0.0.1', port, servername: 'localhost', ca, maxVersion: '1.2', ciphers: [suite], groups: ['x25519', 'secp256r1'], timeout: 10_000 });
    if (s.info?.protocol !== 'TLSv1.2' || s.info.cipher !== suite || s.info.group !== 'x25519') {
      throw new Error(`tls12 bench: negotiated ${s.info?.protocol} ${s.info?.cipher} ${s.info?.group}`);
    }
    s.destroy();
  };
}

function nodeOnce(port: number, ca: string, suite: string) {
  return () =>
    new Promise<void>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, maxVersion: 'TLSv1.2', ciphers: OPENSSL_NAME[suite], ecdhCurve: 'X25519:P-256' });
      s.once('secureConnect', () => {
        if (!s.authorized) reject(new Error(`node:tls did not verify: ${String(s.authorizationError)}`));
        s.destroy();
        resolve();
      });
      s.once('error', reject);
    });
}

/** One ECDHE handshake's asymmetric cryptography on the client: x25519 + the signature checks. */
function handshakeFloorMs(kind: 'ecdsa' | 'rsa', rsaKeyPem: string): number {
  const srv = x25519.keygen();
  const p = p256.keygen();
  const msg = new Uint8Array(randomBytes(400));
  const ecSig = p256.sign(msg, p.secretKey);
  const der = Buffer.from(rsaKeyPem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
  const rsaKey = kind === 'rsa' ? parseRsaPrivateKey(new Uint8Array(der)) : undefined;
  const pss = { hash: 'sha256', mgfHash: 'sha256', saltLength: 32 } as const;
  const rsaSig = rsaKey ? rsaSignPss(rsaKey, pss, msg) : undefined;
  const one = () => {
    const me = x25519.keygen();
    x25519.getSharedSecret(me.secretKey, srv.publicKey);
    if (kind === 'ecdsa') {
      // ServerKeyExchange and the leaf's certificate signature (chain of two).
      p256.verify(ecSig, msg, p.publicKey);
      p256.verify(ecSig, msg, p.publicKey);
    } else {
      // ServerKeyExchange (RSA-PSS), leaf and intermediate certificate signatures (P-256).
      rsaVerifyPss(rsaKey!, pss, msg, rsaSig!);
      p256.verify(ecSig, msg, p.publicKey);
      p256.verify(ecSig, msg, p.publicKey);
    }
  };
  for (let i = 0; i < 10; i++) one();
  const c0 = cpuNowMs();
  let n = 0;
  while (cpuNowMs() - c0 < 1000 || n < 5) {
    one();
    n++;
  }
  return (cpuNowMs() - c0) / n;
}

/** MB per CPU second of `fn` processing `bytes` each call. */
function throughput(fn: () => void, bytes: number, budgetMs = 700): number {
  for (let i = 0; i < 20; i++) fn();
  const c0 = cpuNowMs();
  let n = 0;
  while (cpuNowMs() - c0 < budgetMs || n < 5) {
    fn();
    n++;
  }
  return (bytes * n) / 1e6 / ((cpuNowMs() - c0) / 1000);
}

type BulkKind = 'aes-128-gcm' | 'chacha20-poly1305' | 'aes-128-cbc-hmac-sha1 (ETM)' | 'aes-128-cbc-hmac-sha1 (MtE)';

function protections(kind: BulkKind): [RecordProtection, RecordProtection] {
  const rnd = (n: number) => new Uint8Array(randomBytes(n));
  if (kind === 'aes-128-gcm' || kind === 'chacha20-poly1305') {
    const key = rnd(kind === 'aes-128-gcm' ? 16 : 32);
    const iv = rnd(kind === 'aes-128-gcm' ? 4 : 12);
    return [new Tls12AeadProtection(createAead(kind, key), iv), new Tls12AeadProtection(createAead(kind, key), iv)];
  }
  const etm = kind.endsWith('(ETM)');
  const k = { key: rnd(16), macKey: rnd(20), macHash: 'sha1' as const, encryptThenMac: etm, random: rnd };
  return [new Tls12CbcProtection(k), new Tls12CbcProtection(k)];
}

function floorFn(kind: BulkKind): { seal: () => void; open: () => void } {
  const data = new Uint8Array(randomBytes(REC));
  const key16 = new Uint8Array(randomBytes(16));
  const key32 = new Uint8Array(randomBytes(32));
  const nonce = new Uint8Array(12);
  const aad = new Uint8Array(13);
  if (kind === 'aes-128-gcm' || kind === 'chacha20-poly1305') {
    const c = () => (kind === 'aes-128-gcm' ? gcm(key16, nonce, aad) : chacha20poly1305(key32, nonce, aad));
    const ct = c().encrypt(data);
    return { seal: () => void c().encrypt(data), open: () => void c().decrypt(ct) };
  }
  const iv = new Uint8Array(16);
  const macKey = new Uint8Array(20);
  const padded = new Uint8Array(REC + 32);
  const ct = cbc(key16, iv, { disablePadding: true }).encrypt(padded);
  return {
    seal: () => {
      hmac(sha1, macKey, data);
      cbc(key16, iv, { disablePadding: true }).encrypt(padded);
    },
    open: () => {
      cbc(key16, iv, { disablePadding: true }).decrypt(ct);
      hmac(sha1, macKey, data);
    },
  };
}

async function loopback(port: number, ca: string, suite: string, who: 'puretls' | 'node', bytes = LOOPBACK_BYTES): Promise<number> {
  const sock =
    who === 'puretls'
      ? await connect({ host: '127.0.0.1', port, servername: 'localhost', ca, maxVersion: '1.2', ciphers: [suite], timeout: 10_000 })
      : await new Promise<tls.TLSSocket>((resolve, reject) => {
          const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, maxVersion: 'TLSv1.2', ciphers: OPENSSL_NAME[suite] });
          s.once('secureConnect', () => resolve(s));
          s.once('error', reject);
        });
  try {
    let got = 0;
    const t0 = nowNs();
    await new Promise<void>((resolve, reject) => {
      sock.on('data', (d: Buffer) => (got += d.length));
      sock.once('end', () => resolve());
      sock.once('error', reject);
      sock.write(`S ${bytes}\n`);
    });
    const ms = msSince(t0);
    if (got !== bytes) throw new Error(`tls12 bench: ${who} received ${got} of ${bytes}`);
    return bytes / 1e6 / (ms / 1000);
  } finally {
    sock.destroy();
  }
}

export async function benchTls12(): Promise<string> {
  const pki = testPki();
  const ecdsaCred = pki.direct();
  const rsaCred = pki.leaf('rsa2048');
  const ecdsa = await startServer(ecdsaCred);
  const rsa = await startServer(rsaCred);
  const out: string[] = [];
  try {
    const rows: Array<Array<string | number>> = [];
    for (const [label, srv, suite, kind, cred] of [
      ['ECDHE-ECDSA P-256', ecdsa, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ecdsa', ecdsaCred],
      ['ECDHE-RSA 2048', rsa, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'rsa', rsaCred],
    ] as const) {
      const p = await measure(puretlsOnce(srv.port, pki.ca, suite), 2000, 10);
      const n = await measure(nodeOnce(srv.port, pki.ca, suite), 1000, 10);
      const floor = handshakeFloorMs(kind, cred.keyPem);
      rows.push([label, 'puretls', fmt(p.wallMs), fmt(p.cpuMs), p.n]);
      rows.push([label, 'node:tls (OpenSSL)', fmt(n.wallMs), fmt(n.cpuMs), n.n]);
      rows.push([label, `primitives floor (x25519 + ${kind === 'ecdsa' ? '2 × P-256 verify' : 'RSA-2048 PSS verify + 2 × P-256 verify'}; CPU only)`, '—', fmt(floor), '—']);
    }
    out.push('**TLS 1.2 full handshake** (x25519, AES-128-GCM; node:tls TLS 1.2 server in a child process; no resumption)');
    out.push('');
    out.push(mdTable(['key exchange', 'client', 'wall ms (median)', 'client CPU ms / handshake', 'handshakes'], rows));
    out.push('');

    const bulk: Array<Array<string | number>> = [];
    const LOOP_SUITE: Record<BulkKind, string> = {
      'aes-128-gcm': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      'chacha20-poly1305': 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
      'aes-128-cbc-hmac-sha1 (ETM)': 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
      'aes-128-cbc-hmac-sha1 (MtE)': 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
    };
    // JIT warm-up of the whole receive path before the first measured loopback.
    for (const k of ['aes-128-gcm', 'chacha20-poly1305', 'aes-128-cbc-hmac-sha1 (ETM)'] as const) await loopback(rsa.port, pki.ca, LOOP_SUITE[k], 'puretls', 2 << 20);
    for (const kind of Object.keys(LOOP_SUITE) as BulkKind[]) {
      const [w, r] = protections(kind);
      const data = new Uint8Array(randomBytes(REC));
      // Seal a batch with `w`; `r` opens them in order (same keys, sequence numbers in step).
      const batch: Uint8Array[] = [];
      const sealMBps = throughput(() => void batch.push(w.seal(23, data)), REC);
      const c0 = cpuNowMs();
      for (const rec of batch) r.open(rec.subarray(0, 5), 23, rec.subarray(5));
      const openMBps = (batch.length * REC) / 1e6 / ((cpuNowMs() - c0) / 1000);
      const f = floorFn(kind);
      const fSeal = throughput(f.seal, REC);
      const fOpen = throughput(f.open, REC);
      // Loopback: the server decides ETM (node:tls/OpenSSL always agrees), so MtE has no loopback row.
      const lp = kind.endsWith('(MtE)') ? NaN : await loopback(rsa.port, pki.ca, LOOP_SUITE[kind], 'puretls');
      const ln = kind.endsWith('(MtE)') ? NaN : await loopback(rsa.port, pki.ca, LOOP_SUITE[kind], 'node');
      bulk.push([kind, fmt(fSeal, 0), fmt(sealMBps, 0), fmt(fOpen, 0), fmt(openMBps, 0), Number.isNaN(lp) ? '—' : fmt(lp, 0), Number.isNaN(ln) ? '—' : fmt(ln, 0)]);
    }
    out.push(`**TLS 1.2 bulk, 16 KiB records** (in memory: MB per CPU second; loopback: wall MB/s receiving ${LOOPBACK_BYTES >> 20} MiB from the node:tls server)`);
    out.push('');
    out.push(mdTable(['record protection', 'primitives seal', 'puretls seal', 'primitives open', 'puretls open', 'puretls loopback', 'node:tls loopback'], bulk));
  } finally {
    ecdsa.stop();
    rsa.stop();
  }
  return out.join('\n');
}
