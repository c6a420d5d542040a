/** CLI cold start: `node bin/puretls.js --help`, a fresh process each time. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median, msSince, nowNs, PROJECT_ROOT } from './util.js';

export function benchCliColdStart(runs = 10): { medianMs: number; runs: number } {
  const bin = join(PROJECT_ROOT, 'bin', 'puretls.js');
  const once = () => {
    const t0 = nowNs();
    const r = spawnSync(process.execPath, [bin, '--help'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 10_000 });
    const ms = msSince(t0);
    if (r.status !== 0) throw new Error(`puretls --help exited ${r.status}: ${r.stderr}`);
    return ms;
  };
  once(); // warm the file cache
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(once());
  return { medianMs: median(samples), runs };
}
