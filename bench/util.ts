/** Small helpers shared by the benchmark files: timing, statistics, the child server. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** dist/bench/ → the project root. */
export const PROJECT_ROOT = join(BENCH_DIR, '..', '..');

export function nowNs(): bigint {
  return process.hrtime.bigint();
}
export function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** CPU ms (user + system) used by this process since `prev`. */
export function cpuMsSince(prev: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(prev);
  return (d.user + d.system) / 1000;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** This process's CPU time (user + system) in ms: unlike wall time, it does not count the time
 * other processes on a shared machine take from us. */
export function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Run `fn` repeatedly for about `ms` of CPU time (at least `minIters` times); returns iterations and CPU ms. */
export function timeLoop(fn: () => void, ms: number, minIters = 3): { iters: number; ms: number } {
  const c0 = cpuNowMs();
  let iters = 0;
  let el = 0;
  while (iters < minIters || el < ms) {
    fn();
    iters++;
    el = cpuNowMs() - c0;
  }
  return { iters, ms: el };
}

export interface BenchServer {
  port: number;
  stop(): Promise<void>;
}

/**
 * Start bench/server.js in a child process with this credential; resolves once it listens.
 * `node` runs it under another Node binary (the post-quantum bench uses Node 26 / OpenSSL 3.5).
 */
export function startBenchServer(keyPem: string, certPem: string, node: string = process.execPath): Promise<BenchServer> {
  const child: ChildProcess = spawn(node, [join(BENCH_DIR, 'server.js')], {
    env: { ...process.env, BENCH_KEY: keyPem, BENCH_CERT: certPem },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      kill();
      reject(new Error('bench server did not start within 10 s'));
    }, 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench server exited with ${code}`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTEN (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          port: Number(m[1]),
          stop: () =>
            new Promise<void>((r) => {
              if (child.exitCode !== null) return r();
              child.once('exit', () => r());
              child.kill('SIGTERM');
              setTimeout(kill, 2000).unref();
            }),
        });
      }
    });
  });
}

/** A Markdown table. */
export function mdTable(head: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x.toFixed(digits);
}
