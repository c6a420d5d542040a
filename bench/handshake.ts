/**
 * Full-handshake latency and client CPU: puretls `connect()` against node:tls `tls.connect()`,
 * both to the same loopback server running in a child process (so this process's CPU time is
 * the client's alone). TLS 1.3, x25519 only, TLS_AES_128_GCM_SHA256, a P-256 leaf signed by the
 * P-256 root given as the trust anchor. No resumption on either side.
 */
import tls from 'node:tls';
import { connectAsync as connect } from '../src/transport/node.js';
import { cpuMsSince, median, msSince, nowNs } from './util.js';

export interface HandshakeStats {
  /** Median wall time of one handshake (connect → handshake complete), ms. */
  wallMs: number;
  /** Client CPU per handshake (user + system), ms. */
  cpuMs: number;
  iters: number;
}

const SUITE = 'TLS_AES_128_GCM_SHA256';

async function measure(one: () => Promise<void>, warmup: number, budgetMs: number, maxIters: number): Promise<HandshakeStats> {
  for (let i = 0; i < warmup; i++) await one();
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = nowNs();
  while ((msSince(t0) < budgetMs && samples.length < maxIters) || samples.length < 5) {
    const t = nowNs();
    await one();
    samples.push(msSince(t));
  }
  const cpu = cpuMsSince(cpu0);
  return { wallMs: median(samples), cpuMs: cpu / samples.length, iters: samples.length };
}

/** The client options of every TLS 1.3 handshake measured here (the honest floor counts the same handshake). */
export const HANDSHAKE_OPTIONS = {
  servername: 'localhost',
  minVersion: '1.3' as const,
  ciphers: [SUITE],
  groups: ['x25519'],
  keyShareGroups: ['x25519'],
};

export async function benchPuretlsHandshake(port: number, ca: string, budgetMs = 2000, warmup = 3): Promise<HandshakeStats> {
  const one = async () => {
    const s = await connect({ ...HANDSHAKE_OPTIONS, host: '127.0.0.1', port, ca, timeout: 10_000 });
    if (s.info?.group !== 'x25519' || s.info.signatureScheme !== 'ecdsa_secp256r1_sha256') {
      throw new Error(`bench: unexpected handshake ${s.info?.group} ${s.info?.signatureScheme}`);
    }
    s.destroy();
  };
  return measure(one, warmup, budgetMs, 300);
}

export async function benchNodeHandshake(port: number, ca: string, budgetMs = 1000, warmup = 10): Promise<HandshakeStats> {
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const s = tls.connect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca,
        minVersion: 'TLSv1.3',
        ciphers: SUITE,
        ecdhCurve: 'X25519',
      });
      s.once('secureConnect', () => {
        if (!s.authorized) reject(new Error(`node:tls did not verify: ${String(s.authorizationError)}`));
        s.destroy();
        resolve();
      });
      s.once('error', reject);
    });
  return measure(one, warmup, budgetMs, 1000);
}

/** The better of two measurements of the same thing (lower wall median, lower CPU). */
export function bestOf(a: HandshakeStats | undefined, b: HandshakeStats): HandshakeStats {
  if (!a) return b;
  return { wallMs: Math.min(a.wallMs, b.wallMs), cpuMs: Math.min(a.cpuMs, b.cpuMs), iters: a.iters + b.iters };
}

/**
 * The sans-IO core alone: one real handshake with the bench server is recorded (with a fixed
 * random source, so our ClientHello and key share are the same every time), then the server's
 * bytes are replayed into fresh ClientConnections. Every replay does the whole client-side
 * work — key share, ECDH, certificate parsing and path validation, CertificateVerify, the key
 * schedule, Finished — with no socket, stream or event loop in the way. Client CPU ms.
 */
export async function benchCoreHandshake(port: number, ca: string, budgetMs = 1500): Promise<HandshakeStats> {
  const { ClientConnection } = await import('../src/connection.js');
  const net = await import('node:net');
  const fixedRandom = () => {
    let c = 1;
    return (n: number) => {
      const o = new Uint8Array(n);
      for (let i = 0; i < n; i++) o[i] = (c++ * 131) & 0xff;
      return o;
    };
  };
  const options = { ...HANDSHAKE_OPTIONS, ca };
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const conn = new ClientConnection({ ...options, random: fixedRandom() });
    const s = net.connect(port, '127.0.0.1', () => s.write(conn.takeOutput()!));
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      try {
        conn.feed(d);
      } catch (e) {
        s.destroy();
        reject(e);
        return;
      }
      const o = conn.takeOutput();
      if (o) s.write(o);
      if (conn.handshakeComplete) {
        s.destroy();
        resolve();
      }
    });
    s.once('error', reject);
  });
  const flight = new Uint8Array(Buffer.concat(chunks));
  const one = () => {
    const c = new ClientConnection({ ...options, random: fixedRandom() });
    c.takeOutput();
    c.feed(flight);
    if (!c.handshakeComplete) throw new Error('bench: replayed handshake did not complete');
  };
  for (let i = 0; i < 5; i++) one();
  // Mean CPU per handshake, garbage collection included (like the connect() figure).
  let iters = 0;
  const cpu0 = process.cpuUsage();
  const t0 = nowNs();
  while (msSince(t0) < budgetMs || iters < 5) {
    one();
    iters++;
  }
  return { wallMs: NaN, cpuMs: cpuMsSince(cpu0) / iters, iters };
}
