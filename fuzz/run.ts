/**
 * `npm run fuzz`: coverage-guided fuzzing with Jazzer.js (libFuzzer) of every target in
 * fuzz/targets/, each for a time or a number of runs:
 *
 *   npm run fuzz -- [--time SECONDS] [--runs N] [--targets a,b] [--max-len BYTES]
 *
 * Corpora live in .fuzz/corpus/<target>/ (seeded at run time by fuzz/seeds.ts; not committed),
 * crashers in .fuzz/crashes/ (copy a real one to test/fuzz/crashers/<target>/ to keep it as a
 * regression input: test/fuzz/replay.test.ts replays them). Prints executions per target and writes
 * fuzz-results.json; exits 1 when a target found a crash, a hang or an escaping non-TlsError.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patchGlibc238 } from './glibc-compat.js';
import { makeSeeds } from './seeds.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TARGETS = ['deframer', 'handshake-messages', 'extensions', 'x509', 'pem', 'ocsp', 'connection', 'connection-psk'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Make sure Jazzer.js's native libFuzzer addon loads here (see glibc-compat.ts). */
function ensureAddon(jazzer: string): void {
  const probe = spawnSync(process.execPath, [jazzer, '--help'], { encoding: 'utf8' });
  if (probe.status === 0) return;
  if (!/GLIBC_2\.38|GLIBCXX_3\.4\.32/.test(probe.stderr)) throw new Error(`jazzer does not start:\n${probe.stderr}`);
  const req = createRequire(join(root, 'package.json'));
  const addon = join(dirname(req.resolve('@jazzer.js/fuzzer/package.json')), 'prebuilds', 'fuzzer-linux-x64.node');
  console.log(`fuzz: patching ${addon} for this glibc: ${patchGlibc238(addon).join('; ')}`);
}

async function main(): Promise<void> {
  const time = Number(arg('time') ?? (arg('runs') ? 0 : 10));
  const runs = Number(arg('runs') ?? -1);
  const targets = (arg('targets') ?? TARGETS.join(',')).split(',');
  const jazzer = join(root, 'node_modules', '@jazzer.js', 'core', 'dist', 'cli.js');
  ensureAddon(jazzer);
  const corpusRoot = join(root, '.fuzz', 'corpus');
  const crashes = join(root, '.fuzz', 'crashes');
  mkdirSync(crashes, { recursive: true });
  const needSeeds = targets.some((t) => !existsSync(join(corpusRoot, t)) || readdirSync(join(corpusRoot, t)).length === 0);
  if (needSeeds) {
    const seeds = await makeSeeds();
    for (const [t, list] of Object.entries(seeds)) {
      mkdirSync(join(corpusRoot, t), { recursive: true });
      list.forEach((s, i) => writeFileSync(join(corpusRoot, t, `seed-${i}`), s));
    }
  }
  const results: Record<string, { executions: number; seconds: number; ok: boolean; corpus: number }> = {};
  let failed = false;
  for (const t of targets) {
    const target = join(root, 'dist', 'fuzz', 'targets', `${t}.js`);
    const lf = [`-max_total_time=${time}`, `-runs=${runs}`, '-timeout=10', '-rss_limit_mb=2560', `-max_len=${arg('max-len') ?? 20000}`, `-artifact_prefix=${crashes}/${t}-`];
    const t0 = Date.now();
    // libFuzzer's progress goes to .fuzz/<target>.log as it runs (`tail -f` it on a long run).
    const logPath = join(root, '.fuzz', `${t}.log`);
    const fd = openSync(logPath, 'w');
    const r = spawnSync(process.execPath, [jazzer, target, join(corpusRoot, t), '--sync', '--', ...lf], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const seconds = (Date.now() - t0) / 1000;
    const out = readFileSync(logPath, 'utf8');
    const done = /Done (\d+) runs in (\d+) second/.exec(out) ?? /#(\d+)\s+DONE/.exec(out);
    const last = [...out.matchAll(/^#(\d+)\s/gm)].at(-1);
    const executions = Number(done?.[1] ?? last?.[1] ?? 0);
    const ok = r.status === 0;
    if (!ok) {
      failed = true;
      console.log(out.split('\n').slice(-40).join('\n'));
    }
    results[t] = { executions, seconds, ok, corpus: readdirSync(join(corpusRoot, t)).length };
    console.log(`fuzz: ${t}: ${executions.toLocaleString('en')} executions in ${seconds.toFixed(0)} s, corpus ${results[t]!.corpus}: ${ok ? 'no crash' : `FAILED (exit ${r.status})`}`);
  }
  writeFileSync(join(root, 'fuzz-results.json'), JSON.stringify({ date: new Date().toISOString(), time, runs, results }, null, 2) + '\n');
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
