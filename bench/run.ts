/**
 * `npm run bench`: one run prints
 *   (a) full-handshake latency and client CPU, puretls vs node:tls, and the raw noble floor;
 *   (b) bulk throughput with 16 KiB records (AES-128-GCM, ChaCha20-Poly1305): the puretls
 *       record layer in memory vs raw noble AEAD, and puretls vs node:tls over loopback;
 *   (c) the CLI's cold start;
 *   (d) X.509 results from bench/x509.ts when that file is present.
 * as Markdown tables (for the README), and writes bench-results.json at the project root.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { testPki } from '../test/helpers/certs.js';
import { benchNodeLoopback, benchPuretlsLoopback, benchRecordLayer, SUITE_FOR, type RecordLayerStats } from './bulk.js';
import { benchCliColdStart } from './cli.js';
import { benchColdStart, coldTable, type ColdRow } from './cold.js';
import { benchMemory, type MemoryRow } from './memory.js';
import { aeadFloor, type AeadKind } from './floor.js';
import { describeOps, floorFunction, recordHandshake, timeFloor } from './honest-floor.js';
import { benchCoreHandshake, benchNodeHandshake, benchPuretlsHandshake, bestOf, HANDSHAKE_OPTIONS, type HandshakeStats } from './handshake.js';
import { sizeReport } from '../scripts/size.js';
import { BENCH_DIR, fmt, mdTable, msSince, nowNs, PROJECT_ROOT, round, startBenchServer } from './util.js';

/** Received over loopback by each client. */
const BULK_BYTES = 32 * 1024 * 1024;
/** Captured, then opened in memory, per round. */
const RECORD_LAYER_BYTES = 8 * 1024 * 1024;
const BULK_ROUNDS = 3;
const HANDSHAKE_ROUNDS = 3;

interface Results {
  environment: { node: string; cpu: string; cores: number; date: string };
  handshake?: {
    puretls: HandshakeStats;
    core: HandshakeStats;
    node: HandshakeStats;
    nobleFloorMs: number;
    ratios: { wall: number; cpu: number; cpuOverFloor: number; coreOverFloor: number };
  };
  bulk: Array<{
    aead: AeadKind;
    suite: string;
    noble: { sealMBps: number; openMBps: number };
    puretls: RecordLayerStats;
    puretlsLoopbackMBps: number;
    nodeLoopbackMBps: number;
    ratios: { seal: number; open: number; loopback: number };
  }>;
  cli?: { medianMs: number; runs: number };
  memory?: MemoryRow[];
  cold?: ColdRow[];
  /** `npm run size`'s tables (scripts/size.ts). */
  size?: string;
  /** What the honest floor counted from the recorded handshake's trace. */
  floorOps?: string;
  x509?: Array<{ name: string; puretlsMs: number; nodeMs: number; ratio: number }>;
  errors: string[];
  totalSeconds: number;
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

async function section<T>(name: string, errors: string[], fn: () => Promise<T> | T): Promise<T | undefined> {
  log(`${name}...`);
  try {
    return await fn();
  } catch (e) {
    const msg = `${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    errors.push(msg);
    log(`FAILED ${msg}`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const tStart = nowNs();
  const errors: string[] = [];
  const results: Results = {
    environment: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, date: new Date().toISOString() },
    bulk: [],
    errors,
    totalSeconds: 0,
  };

  const pki = testPki();
  // "Chain of two": a P-256 leaf signed by the P-256 root the client trusts, so the client
  // verifies two P-256 signatures (the leaf's, and CertificateVerify).
  const cred = pki.direct();
  const server = await startBenchServer(cred.keyPem, cred.chainPem);
  try {
    // (a) handshake
    // Interleaved rounds, best of each (a shared machine's load comes and goes).
    // The honest floor: the operations this very handshake performs, counted from its trace.
    const recorded = await recordHandshake(server.port, { ...HANDSHAKE_OPTIONS, ca: pki.ca });
    const floorFn = floorFunction(recorded.ops);
    results.floorOps = describeOps(recorded.ops);
    let floorMs: number | undefined;
    let node: HandshakeStats | undefined;
    let pure: HandshakeStats | undefined;
    let core: HandshakeStats | undefined;
    for (let round = 0; round < HANDSHAKE_ROUNDS; round++) {
      const r = ` (round ${round + 1})`;
      const f = await section('honest floor (counted operations, raw noble)' + r, errors, () => timeFloor(floorFn, round === 0 ? 20 : 3, 700));
      const n = await section('node:tls handshakes' + r, errors, () => benchNodeHandshake(server.port, pki.ca, 1200, round === 0 ? 20 : 5));
      const p = await section('puretls handshakes' + r, errors, () => benchPuretlsHandshake(server.port, pki.ca, 2500, round === 0 ? 5 : 2));
      const c = await section('puretls sans-IO core, replayed' + r, errors, () => benchCoreHandshake(server.port, pki.ca, 1200));
      if (!f || !n || !p || !c) break;
      floorMs = Math.min(floorMs ?? Infinity, f.ms);
      node = bestOf(node, n);
      pure = bestOf(pure, p);
      core = bestOf(core, c);
    }
    if (floorMs !== undefined && node && pure && core) {
      results.handshake = {
        puretls: pure,
        core,
        node,
        nobleFloorMs: floorMs,
        ratios: {
          wall: pure.wallMs / node.wallMs,
          cpu: pure.cpuMs / node.cpuMs,
          cpuOverFloor: pure.cpuMs / floorMs,
          coreOverFloor: core.cpuMs / floorMs,
        },
      };
    }

    // (b0) heap per idle connection and whole-process cold start, against the same server
    results.memory = await section('heap per idle connection', errors, () => benchMemory(server.port, pki.caFile));
    results.cold = await section('cold start (whole processes)', errors, () => benchColdStart(server.port, pki.caFile, 10));

    // (b) bulk
    for (const aead of ['aes-128-gcm', 'chacha20-poly1305'] as const) {
      const suite = SUITE_FOR[aead];
      // Interleaved rounds, best of each: the machine may be shared, and both sides should
      // see the same interference.
      let noble: { sealMBps: number; openMBps: number } | undefined;
      let rl: RecordLayerStats | undefined;
      // One discarded round first: the JIT warms up on both.
      await section(`warm-up ${aead}`, errors, async () => {
        aeadFloor(aead, 200, 300);
        await benchRecordLayer(server.port, pki.ca, suite, RECORD_LAYER_BYTES / 2, 200);
      });
      for (let round = 0; round < BULK_ROUNDS; round++) {
        const n = await section(`noble ${aead} 16 KiB (round ${round + 1})`, errors, () => aeadFloor(aead, 800, 50));
        const p = await section(`puretls record layer ${suite} (round ${round + 1})`, errors, () =>
          benchRecordLayer(server.port, pki.ca, suite, RECORD_LAYER_BYTES, 400),
        );
        if (!n || !p) break;
        noble = noble ? { sealMBps: Math.max(noble.sealMBps, n.sealMBps), openMBps: Math.max(noble.openMBps, n.openMBps) } : n;
        rl = rl ? { sealMBps: Math.max(rl.sealMBps, p.sealMBps), openMBps: Math.max(rl.openMBps, p.openMBps) } : p;
      }
      const pl = await section(`puretls loopback ${suite}`, errors, () => benchPuretlsLoopback(server.port, pki.ca, suite, BULK_BYTES));
      const nl = await section(`node:tls loopback ${suite}`, errors, () => benchNodeLoopback(server.port, pki.ca, suite, BULK_BYTES));
      if (noble && rl && pl !== undefined && nl !== undefined) {
        results.bulk.push({
          aead,
          suite,
          noble,
          puretls: rl,
          puretlsLoopbackMBps: pl,
          nodeLoopbackMBps: nl,
          ratios: { seal: rl.sealMBps / noble.sealMBps, open: rl.openMBps / noble.openMBps, loopback: pl / nl },
        });
      }
    }
  } finally {
    await server.stop();
  }

  // (c) CLI cold start
  results.cli = await section('CLI cold start', errors, () => benchCliColdStart(10));
  results.size = await section('bundle sizes', errors, sizeReport);

  // (d) X.509, when the other helper's file is built
  const x509Path = join(BENCH_DIR, 'x509.js');
  if (existsSync(x509Path)) {
    results.x509 = await section('x509', errors, async () => {
      const mod = (await import(pathToFileURL(x509Path).href)) as {
        benchX509?: () => Promise<Array<{ name: string; puretlsMs: number; nodeMs: number; ratio: number }>>;
      };
      if (typeof mod.benchX509 !== 'function') throw new Error('bench/x509.js does not export benchX509()');
      return mod.benchX509();
    });
  }
  // (e) TLS 1.2 (bench/tls12.ts): its own Markdown section, printed after the report.
  const tls12 = await section('TLS 1.2', errors, async () => (await import('./tls12.js')).benchTls12());
  // (f) post-quantum key exchange (bench/pq.ts): its own Markdown section.
  const pq = await section('post-quantum key exchange', errors, async () => (await import('./pq.js')).benchPq(pki.ca, cred));
  pki.cleanup();

  results.totalSeconds = round(msSince(tStart) / 1000, 1);
  process.stdout.write(report(results) + '\n');
  if (tls12) process.stdout.write('\n' + tls12 + '\n');
  if (pq) process.stdout.write('\n' + (await import('./pq.js')).pqReport(pq) + '\n');
  writeFileSync(join(PROJECT_ROOT, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n');
  log(`wrote bench-results.json (${results.totalSeconds} s)`);
  return errors.length === 0 ? 0 : 1;
}

function report(r: Results): string {
  const out: string[] = [];
  out.push(`Benchmarks: Node ${r.environment.node}, ${r.environment.cpu} (${r.environment.cores} cores), ${r.environment.date.slice(0, 10)}`);
  out.push('');
  out.push(`**Full handshake** (TLS 1.3, x25519, TLS_AES_128_GCM_SHA256, ECDSA P-256 leaf signed by the trusted P-256 CA; loopback server in a child process; best of ${HANDSHAKE_ROUNDS} interleaved rounds)`);
  out.push('');
  const h = r.handshake;
  if (h) {
    out.push(
      mdTable(
        ['client', 'wall ms (median)', 'client CPU ms / handshake', 'handshakes'],
        [
          ['puretls (connect() over loopback)', fmt(h.puretls.wallMs), fmt(h.puretls.cpuMs), h.puretls.iters],
          ['puretls sans-IO core (server flight replayed, no I/O)', '—', fmt(h.core.cpuMs), h.core.iters],
          ['node:tls (OpenSSL)', fmt(h.node.wallMs), fmt(h.node.cpuMs), h.node.iters],
          [`honest floor: the counted operations in raw noble (${r.floorOps ?? '?'}; CPU, no I/O)`, '—', fmt(h.nobleFloorMs), '—'],
        ],
      ),
    );
    out.push('');
    out.push(
      `puretls / node:tls: wall ${fmt(h.ratios.wall)}×, CPU ${fmt(h.ratios.cpu)}×; puretls connect() CPU / honest floor: ${fmt(h.ratios.cpuOverFloor)}× (sans-IO core: ${fmt(h.ratios.coreOverFloor)}×)`,
    );
  } else out.push('_handshake benchmark failed (see errors)_');
  out.push('');
  out.push(`**Bulk data, 16 KiB records** (record layer: in memory through ClientConnection, ${RECORD_LAYER_BYTES >> 20} MiB opened per round, best of ${BULK_ROUNDS} rounds interleaved with the noble floor; loopback: receive ${BULK_BYTES >> 20} MiB). In-memory columns are MB per CPU second of this process; loopback columns are wall-clock MB/s.`);
  out.push('');
  if (r.bulk.length) {
    out.push(
      mdTable(
        ['AEAD', 'noble seal MB/s', 'puretls seal MB/s', 'seal ratio', 'noble open MB/s', 'puretls open MB/s', 'open ratio', 'puretls loopback MB/s', 'node:tls loopback MB/s', 'puretls / node'],
        r.bulk.map((b) => [
          b.aead,
          fmt(b.noble.sealMBps, 1),
          fmt(b.puretls.sealMBps, 1),
          fmt(b.ratios.seal),
          fmt(b.noble.openMBps, 1),
          fmt(b.puretls.openMBps, 1),
          fmt(b.ratios.open),
          fmt(b.puretlsLoopbackMBps, 1),
          fmt(b.nodeLoopbackMBps, 1),
          fmt(b.ratios.loopback),
        ]),
      ),
    );
  } else out.push('_bulk benchmark failed (see errors)_');
  out.push('');
  out.push('**Heap per idle established connection** (TLS 1.3 as above; N connections kept open, full GC before and after, JS heap delta / N)');
  out.push('');
  out.push(r.memory ? mdTable(['client', 'heap bytes / connection', 'connections'], r.memory.map((m) => [m.what, Math.round(m.bytesPerConnection), m.connections])) : '_memory benchmark failed (see errors)_');
  out.push('');
  out.push('**Cold start, whole processes** (wall and CPU ms over runs, a fresh process each; the connect rows do a handshake with the loopback server, receive 100 bytes and exit)');
  out.push('');
  if (r.cold) {
    out.push(coldTable(r.cold));
  } else out.push('_cold-start benchmark failed (see errors)_');
  out.push('');
  out.push('**CLI cold start**');
  out.push('');
  out.push(
    r.cli
      ? mdTable(['command', `median ms (${r.cli.runs} spawns)`], [['node bin/puretls.js --help', fmt(r.cli.medianMs, 1)]])
      : '_CLI benchmark failed (see errors)_',
  );
  out.push('');
  out.push('**Bundle sizes** (`npm run size`: esbuild for the browser, minified, code splitting, gzip -9)');
  out.push('');
  out.push(r.size ?? '_bundle sizes failed (see errors)_');
  if (r.x509) {
    out.push('');
    out.push('**X.509**');
    out.push('');
    out.push(mdTable(['case', 'puretls ms', 'node ms', 'ratio'], r.x509.map((x) => [x.name, fmt(x.puretlsMs, 3), fmt(x.nodeMs, 3), fmt(x.ratio)])));
  }
  if (r.errors.length) {
    out.push('');
    out.push('Errors:');
    for (const e of r.errors) out.push(`- ${e.split('\n')[0]}`);
  }
  out.push('');
  out.push(`(total ${r.totalSeconds} s)`);
  return out.join('\n');
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
