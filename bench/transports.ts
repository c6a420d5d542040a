/**
 * `npm run bench:transports`: receive throughput of the same download through the three ways
 * of driving puretls, against one node:tls server on 127.0.0.1 (TLS 1.3, AES-128-GCM, the
 * demo PKI): the node Duplex (`connectAsync` → TLSSocket), Web Streams (`connectStreams` over
 * `Duplex.toWeb(net.Socket)`), and the sans-IO core driven by hand on a net.Socket (feed, read,
 * takeOutput), which is the floor the adapters add to. Median of 3 runs of 32 MiB each.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { ClientConnection } from '../src/connection.js';
import { makeDemoPki } from '../src/demo/pki.js';
import { connectAsync } from '../src/transport/node.js';
import { connectStreams } from '../src/transport/web.js';

const BYTES = 32 * 1024 * 1024;
const RUNS = 3;

async function server(): Promise<{ port: number; ca: string; close(): void }> {
  const p = await makeDemoPki();
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const s = tls.createServer({ cert: p.leaf.cert, key: p.leaf.key, minVersion: 'TLSv1.3' }, (sock) => {
    sock.on('error', () => {});
    sock.once('data', () => {
      let left = BYTES;
      const more = (): void => {
        while (left > 0) {
          left -= chunk.length;
          if (!sock.write(chunk)) return void sock.once('drain', more);
        }
        sock.end();
      };
      more();
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { port: (s.address() as net.AddressInfo).port, ca: p.ca.cert, close: () => s.close() };
}

const opts = (ca: string) => ({ servername: 'localhost', ca, ciphers: ['TLS_AES_128_GCM_SHA256'], minVersion: '1.3' as const });

async function viaDuplex(port: number, ca: string): Promise<number> {
  const s = await connectAsync({ host: '127.0.0.1', port, ...opts(ca) });
  const t0 = performance.now();
  let n = 0;
  s.on('data', (d: Buffer) => (n += d.length));
  s.write('go');
  await new Promise((r) => s.once('end', r));
  if (n !== BYTES) throw new Error(`duplex: got ${n}`);
  s.destroy();
  return performance.now() - t0;
}

async function viaWebStreams(port: number, ca: string): Promise<number> {
  const tcp = net.connect({ host: '127.0.0.1', port });
  await new Promise((r) => tcp.once('connect', r));
  const pair = Duplex.toWeb(tcp) as unknown as { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> };
  const t = await connectStreams(pair, opts(ca));
  const t0 = performance.now();
  const w = t.writable.getWriter();
  await w.write(new TextEncoder().encode('go'));
  let n = 0;
  for await (const c of t.readable as unknown as AsyncIterable<Uint8Array>) n += c.length;
  if (n !== BYTES) throw new Error(`web streams: got ${n}`);
  tcp.destroy();
  return performance.now() - t0;
}

async function viaCore(port: number, ca: string): Promise<number> {
  const conn = new ClientConnection(opts(ca));
  const tcp = net.connect({ host: '127.0.0.1', port });
  const flush = (): void => {
    for (let o = conn.takeOutput(); o !== null; o = conn.takeOutput()) tcp.write(o);
  };
  tcp.once('connect', flush);
  let t0 = 0;
  let n = 0;
  await new Promise<void>((resolve, reject) => {
    tcp.on('data', (d: Buffer) => {
      try {
        const was = conn.handshakeComplete;
        conn.feed(d);
        if (!was && conn.handshakeComplete) {
          t0 = performance.now();
          conn.write(new TextEncoder().encode('go'));
        }
        for (let r = conn.read(); r !== null; r = conn.read()) n += r.length;
        flush();
      } catch (e) {
        reject(e);
      }
    });
    tcp.on('end', () => resolve());
    tcp.on('error', reject);
  });
  if (n !== BYTES) throw new Error(`core: got ${n}`);
  tcp.destroy();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const srv = await server();
  const rows: Array<[string, number]> = [];
  for (const [name, f] of [
    ['sans-IO core, driven by hand', viaCore],
    ['node Duplex (TLSSocket)', viaDuplex],
    ['Web Streams (connectStreams over Duplex.toWeb)', viaWebStreams],
  ] as const) {
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) ms.push(await f(srv.port, srv.ca));
    ms.sort((a, b) => a - b);
    rows.push([name, BYTES / 1048576 / (ms[1]! / 1000)]);
  }
  srv.close();
  const core = rows[0]![1];
  console.log(`receive throughput, ${BYTES / 1048576} MiB, TLS 1.3 AES-128-GCM, median of ${RUNS} (load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`);
  console.log('| path | MB/s | vs core |\n|---|---|---|');
  for (const [name, mbps] of rows) console.log(`| ${name} | ${mbps.toFixed(1)} | ${(mbps / core).toFixed(2)}× |`);
}

void main();
