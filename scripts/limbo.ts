/**
 * x509-limbo harness (issue #5): runs every testcase of limbo.json through verifyChain and
 * compares with the expected result.
 *
 *   npm run limbo                      # ../shared/x509-limbo/limbo.json
 *   LIMBO_JSON=/path/limbo.json npm run limbo
 *   LIMBO_VERBOSE=1 npm run limbo      # list every failing testcase with the flags we raised
 *
 * Writes limbo-results.json (upstream's harness result format plus our flags) at the project
 * root and prints `N passed, M failed, K skipped` as its last line. Exits non-zero when fewer
 * testcases pass than x509-limbo-ratchet.json's minPassed. A missing limbo.json is a visible
 * skip, or a failure under PURETLS_REQUIRE_PEERS=1.
 *
 * Work is split over worker threads (one per core); each worker parses each unique PEM once, and
 * verifyChain caches signature results per (certificate, issuer key).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { pemToDer, verifyChain } from '../src/x509/index.js';

interface PeerName {
  kind: 'DNS' | 'IP' | 'RFC822';
  value: string;
}
interface Testcase {
  id: string;
  features: string[];
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  key_usage: string[];
  extended_key_usage: string[];
  expected_result: 'SUCCESS' | 'FAILURE';
  expected_peer_name: PeerName | null;
  max_chain_depth: number | null;
}
export interface LimboResult {
  id: string;
  expected_result: 'SUCCESS' | 'FAILURE';
  actual_result: 'SUCCESS' | 'FAILURE' | 'SKIPPED';
  context: string | null;
}

/**
 * Features we deliberately do not support (docs/x509-limbo.md says why). Everything else runs.
 */
export const SKIPPED_FEATURES: Record<string, string> = {
  'has-crl': 'CRLs are not consulted: a TLS client gets no CRLs, and puretls does no revocation checking',
  'pedantic-webpki-eku':
    'extKeyUsage follows RFC 5280 (absent means any purpose), not the CA/B-only rules; one of these cases conflicts with rfc5280::eku::ee-without-eku',
  'rfc5280-incompatible-with-webpki': 'we implement the Web PKI reading (non-critical nameConstraints are honoured), which these cases contradict by design',
  'pedantic-rfc5280':
    'a trust anchor is an input to validation (RFC 5280 §6.1.1(d)): a configured anchor is not required to carry an AKI (cve::cve-2024-0567 needs exactly that)',
  'pedantic-public-suffix-wildcard': 'no Public Suffix List is shipped; "*.co.uk"-style wildcards are only refused when they have fewer than three labels',
};

export function skipReason(tc: Testcase): string | undefined {
  if (tc.validation_kind === 'CLIENT') return 'CLIENT validation (RFC 822 peer names, clientAuth) is not a TLS-client feature';
  for (const f of tc.features) if (SKIPPED_FEATURES[f]) return `feature ${f}: ${SKIPPED_FEATURES[f]}`;
  return undefined;
}

const derCache = new Map<string, Uint8Array>();
function der(pem: string): Uint8Array {
  let d = derCache.get(pem);
  if (!d) {
    d = pemToDer(pem, 'limbo')[0]!;
    derCache.set(pem, d);
  }
  return d;
}

/** Run one testcase. */
export function runTestcase(tc: Testcase): LimboResult {
  const base = { id: tc.id, expected_result: tc.expected_result };
  const skip = skipReason(tc);
  if (skip) return { ...base, actual_result: 'SKIPPED', context: skip };
  try {
    const r = verifyChain([der(tc.peer_certificate)], {
      trustAnchors: tc.trusted_certs.map(der),
      intermediates: tc.untrusted_intermediates.map(der),
      name: tc.expected_peer_name ? { kind: tc.expected_peer_name.kind === 'IP' ? 'ip' : 'dns', value: tc.expected_peer_name.value } : undefined,
      now: tc.validation_time ? new Date(tc.validation_time) : new Date(),
      keyUsage: tc.key_usage.includes('digitalSignature') ? 'digitalSignature' : tc.key_usage.includes('keyEncipherment') ? 'keyEncipherment' : undefined,
      eku: tc.extended_key_usage[0] ?? 'serverAuth',
      maxDepth: tc.max_chain_depth ?? undefined,
    });
    const context = r.ok ? null : r.certificates.flatMap((c) => c.reasons.map((x) => `depth ${c.depth}: ${x}`)).join('; ');
    return { ...base, actual_result: r.ok ? 'SUCCESS' : 'FAILURE', context };
  } catch (e) {
    return { ...base, actual_result: 'FAILURE', context: `threw: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function loadCases(path: string): Testcase[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { testcases: Testcase[] }).testcases;
}

async function main(): Promise<number> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const path = process.env.LIMBO_JSON ?? resolve(root, '..', 'shared', 'x509-limbo', 'limbo.json');
  if (!existsSync(path)) {
    const msg = `x509-limbo: ${path} is absent`;
    if (process.env.PURETLS_REQUIRE_PEERS === '1') {
      console.error(`${msg} and PURETLS_REQUIRE_PEERS=1: failing`);
      return 1;
    }
    console.log(`[skip] ${msg}; set LIMBO_JSON to run the suite`);
    return 0;
  }
  const t0 = performance.now();
  const total = loadCases(path).length;
  const n = Math.max(1, Math.min(Number(process.env.LIMBO_WORKERS ?? availableParallelism()), 16));
  const shards = await Promise.all(
    Array.from(
      { length: n },
      (_, shard) =>
        new Promise<LimboResult[]>((res, rej) => {
          const w = new Worker(fileURLToPath(import.meta.url), { workerData: { path, shard, of: n } });
          w.once('message', res);
          w.once('error', rej);
        }),
    ),
  );
  const results = shards.flat();
  const order = new Map(loadCases(path).map((t, i) => [t.id, i]));
  results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const passed = results.filter((r) => r.actual_result === r.expected_result).length;
  const skipped = results.filter((r) => r.actual_result === 'SKIPPED').length;
  const failed = results.length - passed - skipped;
  writeFileSync(resolve(root, 'limbo-results.json'), JSON.stringify({ version: 1, harness: 'puretls', results }, null, 1) + '\n');

  const failures = results.filter((r) => r.actual_result !== 'SKIPPED' && r.actual_result !== r.expected_result);
  if (process.env.LIMBO_VERBOSE) {
    for (const r of failures) console.log(`FAIL ${r.id}: expected ${r.expected_result}, got ${r.actual_result}${r.context ? ` (${r.context})` : ''}`);
  } else if (failures.length > 0) {
    console.log(`failing: ${failures.map((r) => r.id).slice(0, 40).join(', ')}${failures.length > 40 ? ', ...' : ''}`);
  }
  let minPassed = 0;
  const ratchet = resolve(root, 'x509-limbo-ratchet.json');
  if (existsSync(ratchet)) minPassed = (JSON.parse(readFileSync(ratchet, 'utf8')) as { minPassed: number }).minPassed;
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`x509-limbo: ${total} testcases in ${secs}s on ${n} worker(s); results in limbo-results.json; ratchet minPassed ${minPassed}`);
  if (results.length !== total) {
    console.error(`only ${results.length} of ${total} testcases produced a result`);
    console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
    return 1;
  }
  if (passed < minPassed) console.error(`x509-limbo: ${passed} passed is below the ratchet (${minPassed}): failing`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return passed < minPassed ? 1 : 0;
}

if (!isMainThread) {
  const { path, shard, of } = workerData as { path: string; shard: number; of: number };
  const cases = loadCases(path);
  const out: LimboResult[] = [];
  for (let i = shard; i < cases.length; i += of) out.push(runTestcase(cases[i]!));
  parentPort!.postMessage(out);
} else if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
