/**
 * The cost of the hybrid post-quantum key exchange (draft-ietf-tls-ecdhe-mlkem): client CPU per
 * TLS 1.3 handshake with the default shares (X25519MLKEM768 + x25519, the hybrid agreed) against
 * x25519 alone, both to the same Node 26 / OpenSSL 3.5 server in a child process (bench/server.ts
 * under that binary), in interleaved rounds; the CPU of building the first ClientHello (the key
 * shares) in the sans-IO core; and the ClientHello's size. Without the Node 26 binary
 * (`npm run peers`) the handshake rows are skipped and say why.
 */
import { ClientConnection } from '../src/connection.js';
import type { ClientOptions } from '../src/types.js';
import { connectAsync as connect } from '../src/transport/node.js';
import { node26Missing, NODE26 } from '../test/helpers/node26.js';
import { fmt, mdTable, median, startBenchServer, timeLoop } from './util.js';
import { cpuMsSince } from './util.js';

interface Variant {
  name: string;
  options: Partial<ClientOptions>;
  group: string;
}
const VARIANTS: Variant[] = [
  { name: 'default: X25519MLKEM768 + x25519 shares, X25519MLKEM768 agreed', options: {}, group: 'X25519MLKEM768' },
  { name: "groups: ['x25519'] (no post-quantum share)", options: { groups: ['x25519'] }, group: 'x25519' },
];

export interface PqResult {
  handshakes?: Array<{ name: string; cpuMs: number; wallMs: number; iters: number }>;
  skipped?: string;
  firstFlight: Array<{ name: string; cpuMs: number; clientHelloBytes: number }>;
}

function helloSize(options: Partial<ClientOptions>): number {
  const c = new ClientConnection({ host: 'localhost', verify: 'none', ...options });
  return c.takeOutput()!.length;
}

export async function benchPq(ca: string, cred: { keyPem: string; chainPem: string }, rounds = 3, perRound = 120): Promise<PqResult> {
  const firstFlight: PqResult['firstFlight'] = [];
  for (const [name, options] of [
    ['default (X25519MLKEM768 + x25519)', {}],
    ["groups: ['x25519']", { groups: ['x25519'] }],
    ['before post-quantum: x25519 + secp256r1 shares', { groups: ['x25519', 'secp256r1'], keyShareGroups: ['x25519', 'secp256r1'] }],
    ["maxVersion: '1.2' (no key_share)", { maxVersion: '1.2' }],
  ] as Array<[string, Partial<ClientOptions>]>) {
    const make = () => new ClientConnection({ host: 'localhost', verify: 'none', ...options }).takeOutput();
    timeLoop(make, 200);
    const t = timeLoop(make, 600);
    firstFlight.push({ name, cpuMs: t.ms / t.iters, clientHelloBytes: helloSize(options) });
  }
  const missing = node26Missing();
  if (missing) return { skipped: missing, firstFlight };

  const server = await startBenchServer(cred.keyPem, cred.chainPem, NODE26);
  try {
    const stats = VARIANTS.map(() => ({ cpu: 0, n: 0, wall: [] as number[] }));
    const one = async (v: Variant) => {
      const s = await connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca, minVersion: '1.3', ciphers: ['TLS_AES_128_GCM_SHA256'], timeout: 10_000, ...v.options });
      if (s.info?.group !== v.group) throw new Error(`bench pq: expected ${v.group}, got ${s.info?.group}`);
      s.destroy();
    };
    for (const v of VARIANTS) for (let i = 0; i < 10; i++) await one(v); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < VARIANTS.length; k++) {
        const v = VARIANTS[k]!;
        const c0 = process.cpuUsage();
        for (let i = 0; i < perRound; i++) {
          const t = performance.now();
          await one(v);
          stats[k]!.wall.push(performance.now() - t);
        }
        stats[k]!.cpu += cpuMsSince(c0);
        stats[k]!.n += perRound;
      }
    }
    return {
      firstFlight,
      handshakes: VARIANTS.map((v, k) => ({ name: v.name, cpuMs: stats[k]!.cpu / stats[k]!.n, wallMs: median(stats[k]!.wall), iters: stats[k]!.n })),
    };
  } finally {
    await server.stop();
  }
}

export function pqReport(r: PqResult): string {
  const out: string[] = [];
  out.push('**Post-quantum key exchange** (TLS 1.3, TLS_AES_128_GCM_SHA256, P-256 leaf and CA; Node 26 / OpenSSL 3.5 server in a child process; rounds interleaved)');
  out.push('');
  if (r.handshakes) {
    out.push(mdTable(['puretls connect()', 'client CPU ms / handshake', 'wall ms (median)', 'handshakes'], r.handshakes.map((h) => [h.name, fmt(h.cpuMs), fmt(h.wallMs), h.iters])));
  } else {
    out.push(`handshakes skipped: ${r.skipped}`);
  }
  out.push('');
  out.push(mdTable(['first flight (sans-IO: key shares + ClientHello)', 'CPU ms', 'ClientHello record bytes'], r.firstFlight.map((f) => [f.name, fmt(f.cpuMs), f.clientHelloBytes])));
  return out.join('\n');
}
