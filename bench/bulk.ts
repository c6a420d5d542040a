/**
 * Bulk throughput with 16 KiB records.
 *
 * - puretls record layer, in memory: a real `ClientConnection` completes a handshake with the
 *   child server over loopback; the server then sends N bytes, whose records we capture without
 *   processing. Timed afterwards: `feed()` + `read()` over the captured bytes (open), and
 *   `write(16 KiB)` + `takeOutput()` (seal). No I/O inside the timed loops.
 * - puretls and node:tls over loopback: the time to receive N bytes from the same server.
 * The raw noble AEAD floor is in floor.ts.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { ClientConnection } from '../src/connection.js';
import { connectAsync as connect } from '../src/transport/node.js';
import type { ClientOptions } from '../src/types.js';
import { cpuNowMs, msSince, nowNs } from './util.js';

export const SUITE_FOR = {
  'aes-128-gcm': 'TLS_AES_128_GCM_SHA256',
  'chacha20-poly1305': 'TLS_CHACHA20_POLY1305_SHA256',
} as const;

export interface RecordLayerStats {
  openMBps: number;
  sealMBps: number;
}

function clientOptions(ca: string, suite: string): ClientOptions {
  return { servername: 'localhost', ca, minVersion: '1.3', ciphers: [suite] };
}

/** Handshake a ClientConnection over `sock` with a sans-IO loop; resolves when it is complete. */
function handshake(conn: ClientConnection, sock: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const flush = () => {
      for (let o = conn.takeOutput(); o !== null; o = conn.takeOutput()) sock.write(o);
    };
    const onData = (d: Buffer) => {
      try {
        conn.feed(d);
      } catch (e) {
        flush();
        cleanup();
        reject(e);
        return;
      }
      flush();
      if (conn.handshakeComplete) {
        cleanup();
        resolve();
      }
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    // Pause on the way out: nothing may be emitted while no one listens.
    const cleanup = () => {
      sock.pause();
      sock.off('data', onData);
      sock.off('error', onError);
    };
    sock.on('data', onData);
    sock.once('error', onError);
    sock.once('connect', flush);
  });
}

export async function benchRecordLayer(port: number, ca: string, suite: string, bytes: number, sealBudgetMs = 1000): Promise<RecordLayerStats> {
  const sock = net.connect({ host: '127.0.0.1', port });
  sock.setNoDelay(true);
  const conn = new ClientConnection(clientOptions(ca, suite));
  try {
    await handshake(conn, sock);
    if (conn.info?.cipher !== suite) throw new Error(`bench: negotiated ${conn.info?.cipher}, wanted ${suite}`);

    // Ask for the data, then capture every byte until the server closes.
    conn.write(new TextEncoder().encode(`S ${bytes}\n`));
    for (let o = conn.takeOutput(); o !== null; o = conn.takeOutput()) sock.write(o);
    const captured: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      sock.on('data', (d: Buffer) => captured.push(d));
      sock.once('end', () => resolve());
      sock.once('error', reject);
      sock.resume();
    });

    // open: feed + read over the captured records
    // (CPU time, not wall: the loops are synchronous and the machine may be shared.)
    let got = 0;
    const c0 = cpuNowMs();
    for (const c of captured) {
      conn.feed(c);
      for (let p = conn.read(); p !== null; p = conn.read()) got += p.length;
    }
    const openMs = cpuNowMs() - c0;
    if (got !== bytes) throw new Error(`bench: record layer delivered ${got} of ${bytes} bytes`);
    if (!conn.peerClosed) throw new Error('bench: no close_notify at the end of the captured stream');

    // seal: write 16 KiB + takeOutput, output discarded (the socket is done)
    const chunk = new Uint8Array(16 * 1024).fill(0x62);
    for (let i = 0; i < 20; i++) {
      conn.write(chunk);
      conn.takeOutput();
    }
    let sealed = 0;
    let wire = 0;
    const c1 = cpuNowMs();
    let el = 0;
    while (el < sealBudgetMs) {
      conn.write(chunk);
      const o = conn.takeOutput();
      wire += o ? o.length : 0;
      sealed += chunk.length;
      el = cpuNowMs() - c1;
    }
    if (wire < sealed) throw new Error('bench: sealed output shorter than its input');
    return { openMBps: bytes / 1e6 / (openMs / 1000), sealMBps: sealed / 1e6 / (el / 1000) };
  } finally {
    sock.destroy();
  }
}

/** Ask the bench server for `bytes` and time their arrival, to the server's end: MB/s (wall). */
async function timeReceive(s: Duplex, bytes: number, who: string): Promise<number> {
  let got = 0;
  const t0 = nowNs();
  await new Promise<void>((resolve, reject) => {
    s.on('data', (d: Buffer) => (got += d.length));
    s.once('end', () => resolve());
    s.once('error', reject);
    s.write(`S ${bytes}\n`);
  });
  const ms = msSince(t0);
  if (got !== bytes) throw new Error(`bench: ${who} loopback received ${got} of ${bytes}`);
  return bytes / 1e6 / (ms / 1000);
}

/** puretls connect() over loopback: MB/s to receive `bytes` (request to close_notify). */
export async function benchPuretlsLoopback(port: number, ca: string, suite: string, bytes: number): Promise<number> {
  const s = await connect({ host: '127.0.0.1', port, timeout: 10_000, ...clientOptions(ca, suite) });
  try {
    if (s.info?.cipher !== suite) throw new Error(`bench: negotiated ${s.info?.cipher}, wanted ${suite}`);
    return await timeReceive(s, bytes, 'puretls');
  } finally {
    s.destroy();
  }
}

/** node:tls over loopback: MB/s to receive `bytes`. */
export async function benchNodeLoopback(port: number, ca: string, suite: string, bytes: number): Promise<number> {
  const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, minVersion: 'TLSv1.3', ciphers: suite });
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('secureConnect', () => resolve());
      s.once('error', reject);
    });
    if (s.getCipher().standardName !== suite) throw new Error(`bench: node negotiated ${s.getCipher().standardName}`);
    return await timeReceive(s, bytes, 'node');
  } finally {
    s.destroy();
  }
}
