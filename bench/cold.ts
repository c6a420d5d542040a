/**
 * Cold start, as whole processes (hyperfine-style: several runs of each, min / median / max wall
 * ms, a fresh `node` every time): bare Node, importing the root entry `puretls` (what an
 * application pays before its first byte), `puretls/node`, and one `puretls connect` to a local
 * server (handshake, one request, the server closes) against `openssl s_client` doing the same
 * when it is installed. The import rows are also reported over bare Node.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median, msSince, nowNs, PROJECT_ROOT } from './util.js';

export interface ColdRow {
  what: string;
  minMs: number;
  medianMs: number;
  maxMs: number;
  runs: number;
}

function run(cmd: string, args: string[], runs: number, input?: string): ColdRow & { ok: boolean } {
  const once = () => {
    const t0 = nowNs();
    const r = spawnSync(cmd, args, { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 30_000, input });
    const ms = msSince(t0);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr ?? '').slice(0, 400)}`);
    return ms;
  };
  once(); // the file cache
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(once());
  return { what: `${cmd === process.execPath ? 'node' : cmd} ${args.join(' ')}`, minMs: Math.min(...xs), medianMs: median(xs), maxMs: Math.max(...xs), runs, ok: true };
}

/** `port` serves the bench server's "S <n>" protocol (bench/server.ts); `caFile` is its CA. */
export function benchColdStart(port: number, caFile: string, runs = 10): ColdRow[] {
  const node = process.execPath;
  const rows: ColdRow[] = [];
  rows.push({ ...run(node, ['-e', '0'], runs), what: 'node -e 0 (bare Node)' });
  rows.push({ ...run(node, ['--input-type=module', '-e', "import 'puretls'"], runs), what: "node -e \"import 'puretls'\"" });
  rows.push({ ...run(node, ['--input-type=module', '-e', "import 'puretls/node'"], runs), what: "node -e \"import 'puretls/node'\"" });
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
