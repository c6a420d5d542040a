/**
 * Full-handshake latency and client CPU: puretls `connect()` against node:tls `tls.connect()`,
 * both to the same loopback server running in a child process (so this process's CPU time is
 * the client's alone). TLS 1.3, x25519 only, TLS_AES_128_GCM_SHA256, a P-256 leaf signed by the
 * P-256 root given as the trust anchor. No resumption on either side.
 */
import tls from 'node:tls';
import { connect } from '../src/transport/node.js';
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

export async function benchPuretlsHandshake(port: number, ca: string, budgetMs = 2000, warmup = 3): Promise<HandshakeStats> {
  const one = async () => {
    const s = await connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca,
      minVersion: '1.3',
      ciphers: [SUITE],
      groups: ['x25519'],
      keyShareGroups: ['x25519'],
      timeout: 10_000,
    });
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
