/**
 * Cold start, as whole processes (hyperfine-style: several runs of each, min / median / max wall
 * ms, a fresh `node` every time): bare Node, importing the root entry `puretls` (what an
 * application pays before its first byte: package.json's exports give dist/bundle/index.js, the
 * bundled build), the same entry unbundled (dist/src/index.js: one module per source file, for
 * comparison), `puretls/node`, and one `puretls connect` to a local server (handshake, one
 * request, the server closes) against `openssl s_client` doing the same when it is installed.
 *
 * Each node row also reports the process's own CPU time (user + system, read by a preloaded
 * CommonJS hook at exit), less sensitive than wall time to a loaded machine. The import rows are
 * reported over bare Node. `npm run bench:cold` runs this alone (bench/cold-main.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, msSince, nowNs, PROJECT_ROOT } from './util.js';

export interface ColdRow {
  what: string;
  minMs: number;
  medianMs: number;
  maxMs: number;
  /** Median CPU ms (user + system) of the process; node rows only. */
  cpuMedianMs?: number;
  runs: number;
}

let hookFile: string | undefined;
/** A `--require` hook that prints the process's CPU time to stderr when it exits. */
function cpuHook(): string {
  if (hookFile === undefined) {
    hookFile = join(mkdtempSync(join(tmpdir(), 'puretls-cold-')), 'cpu.cjs');
    writeFileSync(hookFile, "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\nCPU_US ' + (u.user + u.system) + '\\n'); });\n");
  }
  return hookFile;
}

function run(cmd: string, args: string[], runs: number, input?: string): ColdRow {
  const isNode = cmd === process.execPath;
  const argv = isNode ? ['--require', cpuHook(), ...args] : args;
  const once = (): [number, number | undefined] => {
    const t0 = nowNs();
    const r = spawnSync(cmd, argv, { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 30_000, input });
    const ms = msSince(t0);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr ?? '').slice(0, 400)}`);
    const cpu = /CPU_US (\d+)/.exec(r.stderr ?? '');
    return [ms, cpu ? Number(cpu[1]) / 1000 : undefined];
  };
  once(); // the file cache
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [w, c] = once();
    wall.push(w);
    if (c !== undefined) cpu.push(c);
  }
  return {
    what: `${isNode ? 'node' : cmd} ${args.join(' ')}`,
    minMs: Math.min(...wall),
    medianMs: median(wall),
    maxMs: Math.max(...wall),
    ...(cpu.length ? { cpuMedianMs: median(cpu) } : {}),
    runs,
  };
}

/** `port` serves the bench server's "S <n>" protocol (bench/server.ts); `caFile` is its CA. */
export function benchColdStart(port: number, caFile: string, runs = 10): ColdRow[] {
  const node = process.execPath;
  const rows: ColdRow[] = [];
  const imp = (spec: string) => ['--input-type=module', '-e', `import ${JSON.stringify(spec)}`];
  rows.push({ ...run(node, ['-e', '0'], runs), what: 'node -e 0 (bare Node)' });
  rows.push({ ...run(node, imp('puretls'), runs), what: "node -e \"import 'puretls'\" (dist/bundle)" });
  rows.push({ ...run(node, imp('./dist/src/index.js'), runs), what: 'the same, unbundled (dist/src/index.js)' });
  rows.push({ ...run(node, imp('puretls/node'), runs), what: "node -e \"import 'puretls/node'\"" });
  const bin = join(PROJECT_ROOT, 'bin', 'puretls.js');
  rows.push({
    ...run(node, [bin, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', caFile, '--send', 'S 100\n', '--quiet'], runs),
    what: 'puretls connect (handshake, 100 bytes, close)',
  });
  const ossl = spawnSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' });
  if (ossl.status === 0) {
    rows.push({
      ...run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', caFile, '-quiet', '-verify_return_error'], runs, 'S 100\n'),
      what: 'openssl s_client (the same)',
    });
  }
  return rows;
}

/** The Markdown table bench/run.ts and bench/cold-main.ts print. */
export function coldTable(rows: ColdRow[]): string {
  const bare = rows[0]!;
  const over = (r: ColdRow, v: number | undefined, b: number | undefined) =>
    r.what.startsWith('node -e "import') || r.what.startsWith('the same') ? (v !== undefined && b !== undefined ? (v - b).toFixed(1) : '—') : '—';
  const lines = [
    '| command | wall min | wall median | wall max | median over bare node | CPU median | CPU over bare node | runs |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.what} | ${r.minMs.toFixed(1)} | ${r.medianMs.toFixed(1)} | ${r.maxMs.toFixed(1)} | ${over(r, r.medianMs, bare.medianMs)} | ${r.cpuMedianMs?.toFixed(1) ?? '—'} | ${over(r, r.cpuMedianMs, bare.cpuMedianMs)} | ${r.runs} |`,
    );
  }
  return lines.join('\n');
}
