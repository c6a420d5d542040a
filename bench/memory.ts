/**
 * JS heap per idle established connection: N connections are opened and kept, the heap is
 * measured after a full GC before and after, and the difference is divided by N (after a
 * discarded warm-up batch, so compiled code is not counted as connection state). Two rows: the
 * sans-IO core alone (ClientConnection objects that completed a replayed handshake: what the
 * library itself keeps) and puretls `connect()` over loopback (the Duplex, the socket and the
 * core), against node:tls `tls.connect()` to the same server. Runs in a child process started with
 * --expose-gc (`node --expose-gc dist/bench/memory.js <port> <caFile>` prints JSON).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { ClientConnection } from '../src/connection.js';
import { connect } from '../src/transport/node.js';
import { HANDSHAKE_OPTIONS } from './handshake.js';
import { recordHandshake } from './honest-floor.js';

export interface MemoryRow {
  what: string;
  bytesPerConnection: number;
  connections: number;
}

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc!;
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

async function measureChild(port: number, ca: string, n: number): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  // The core: replay one recorded server flight into n connections (a fixed random source keeps
  // our ClientHello, and so the flight, valid for every replay).
  const fixed = () => {
    let c = 1;
    return (k: number) => Uint8Array.from({ length: k }, () => (c++ * 131) & 0xff);
  };
  const { flight } = await recordHandshake(port, { ...HANDSHAKE_OPTIONS, ca, random: fixed() });
  const keep: unknown[] = [];
  const one = () => {
    const c = new ClientConnection({ ...HANDSHAKE_OPTIONS, ca, random: fixed() });
    c.takeOutput();
    c.feed(flight);
    c.takeOutput();
    if (!c.handshakeComplete) throw new Error('memory bench: replay did not complete');
    return c;
  };
  // A discarded batch first: the first connections also pay for compiled code and feedback
  // vectors, which are not per-connection state.
  for (let i = 0; i < n; i++) keep.push(one());
  keep.length = 0;
  let h0 = heap();
  for (let i = 0; i < n; i++) keep.push(one());
  rows.push({ what: 'puretls sans-IO core (ClientConnection after the handshake)', bytesPerConnection: (heap() - h0) / n, connections: n });
  keep.length = 0;

  const sockets: Array<{ destroy(): void }> = [];
  const pure = async () => {
    const s = await connect({ ...HANDSHAKE_OPTIONS, host: '127.0.0.1', port, ca, timeout: 10_000 });
    sockets.push(s);
  };
  for (let i = 0; i < Math.min(n, 50); i++) await pure();
  for (const s of sockets.splice(0)) s.destroy();
  await new Promise((r) => setTimeout(r, 200));
  h0 = heap();
  for (let i = 0; i < n; i++) await pure();
  await new Promise((r) => setTimeout(r, 200));
  rows.push({ what: 'puretls connect() (TLSSocket + net.Socket + core)', bytesPerConnection: (heap() - h0) / n, connections: n });
  for (const s of sockets.splice(0)) s.destroy();

  const nodeOne = () =>
    new Promise<void>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, minVersion: 'TLSv1.3', ecdhCurve: 'X25519' });
      s.once('secureConnect', () => (sockets.push(s), resolve()));
      s.once('error', reject);
    });
  for (let i = 0; i < Math.min(n, 50); i++) await nodeOne();
  for (const s of sockets.splice(0)) s.destroy();
  await new Promise((r) => setTimeout(r, 200));
  h0 = heap();
  for (let i = 0; i < n; i++) await nodeOne();
  await new Promise((r) => setTimeout(r, 200));
  rows.push({ what: 'node:tls tls.connect() (JS heap only; OpenSSL memory is outside it)', bytesPerConnection: (heap() - h0) / n, connections: n });
  for (const s of sockets.splice(0)) s.destroy();
  return rows;
}

/** Run the measurement in a child process with --expose-gc. */
export function benchMemory(port: number, caFile: string, n = 200): MemoryRow[] {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--expose-gc', self, String(port), caFile, String(n)], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`memory bench child exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as MemoryRow[];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.length >= 4) {
  const [port, caFile, n] = process.argv.slice(2);
  measureChild(Number(port), readFileSync(caFile!, 'utf8'), Number(n ?? 200)).then(
    (rows) => (process.stdout.write(JSON.stringify(rows)), process.exit(0)),
    (e) => (process.stderr.write(String(e instanceof Error ? e.stack : e)), process.exit(1)),
  );
}

