/**
 * `npm run bogo`: run BoringSSL's TLS test runner (BoGo) against puretls' shim (bogo/shim.sh),
 * with bogo/config.json, and print pass / fail / unimplemented / disabled counts.
 *
 *   BOGO_RUNNER=/path/to/runner.test npm run bogo [-- -test 'Basic-Client-*']
 *
 * The runner is not part of this repository (bogo/README.md says how to build it). Without
 * BOGO_RUNNER this says so and exits 0. BOGO_TESTS names the runner's test list (tests.tsv:
 * name, side, protocol, flags) to count the disabled client tests; default ../shared/bogo/tests.tsv.
 * Results: bogo-results.json (the runner's JSON) and bogo-results.txt (its -pipe output).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, createWriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runner = process.env.BOGO_RUNNER;
if (!runner) {
  console.log('bogo: SKIPPED: BOGO_RUNNER is not set (the path of a BoringSSL ssl/test/runner binary; see bogo/README.md)');
  process.exit(0);
}
if (!existsSync(runner)) {
  console.error(`bogo: BOGO_RUNNER=${runner} does not exist`);
  process.exit(2);
}

const config = join(root, 'bogo', 'config.json');
const json = join(root, 'bogo-results.json');
const args = [
  '-test.run', 'TestAll',
  '-shim-path', join(root, 'bogo', 'shim.sh'),
  '-shim-config', config,
  '-num-workers', process.env.BOGO_WORKERS ?? '2',
  '-allow-unimplemented',
  '-pipe',
  '-json-output', json,
  ...process.argv.slice(2),
];
console.log(`bogo: ${runner} ${args.join(' ')}`);
const log = createWriteStream(join(root, 'bogo-results.txt'));
const child = spawn(runner, args, { stdio: ['ignore', 'pipe', 'pipe'] });
child.stdout.pipe(log);
child.stderr.pipe(process.stderr);
let failedLines = 0;
child.stdout.on('data', (d: Buffer) => {
  for (const line of d.toString().split('\n')) {
    if (line.startsWith('FAILED (')) {
      failedLines++;
      process.stdout.write(line + '\n');
    }
  }
});
child.on('close', (status) => {
  log.end();
  if (!existsSync(json)) {
    console.error(`bogo: the runner wrote no results (exit ${status})`);
    process.exit(status || 1);
  }
  const r = JSON.parse(readFileSync(json, 'utf8')) as { tests: Record<string, { actual: string }> };
  const counts = { PASS: 0, FAIL: 0, SKIP: 0 };
  for (const t of Object.values(r.tests)) counts[t.actual as keyof typeof counts]++;
  console.log(`bogo: ${counts.PASS} passed, ${counts.FAIL} failed, ${counts.SKIP} unimplemented (exit 89: server/DTLS/QUIC tests and unsupported features)`);
  const disabled = countDisabled(Object.keys(r.tests));
  if (disabled) console.log(`bogo: ${disabled}`);
  process.exit(counts.FAIL > 0 || failedLines > 0 ? 1 : 0);
});

/** Go's filepath.Match for the runner's globs (only * and ? are used in the config). */
function globToRegExp(glob: string): RegExp {
  return new RegExp('^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
}

function countDisabled(ran: string[]): string | undefined {
  const list = process.env.BOGO_TESTS ?? join(root, '..', 'shared', 'bogo', 'tests.tsv');
  if (!existsSync(list)) return undefined;
  const cfg = JSON.parse(readFileSync(config, 'utf8')) as { DisabledTests: Record<string, string> };
  const globs = Object.keys(cfg.DisabledTests).map(globToRegExp);
  const ranSet = new Set(ran);
  let clientTls = 0;
  let disabledClientTls = 0;
  let disabledAll = 0;
  for (const line of readFileSync(list, 'utf8').split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const [name, side, protocol] = line.split('\t');
    const disabled = !ranSet.has(name!) && globs.some((g) => g.test(name!));
    if (disabled) disabledAll++;
    if (side === 'client' && protocol === 'tls') {
      clientTls++;
      if (disabled) disabledClientTls++;
    }
  }
  return `${disabledAll} disabled by bogo/config.json, of which ${disabledClientTls} are TLS client tests (of ${clientTls})`;
}
