/**
 * A sample of x509-limbo run against the expected results: every non-BetterTLS testcase and 200
 * BetterTLS ones spread over the suite. The full run is `npm run limbo` (docs/x509-limbo.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR, sharedMissing, skipFor } from '../helpers/env.js';
import { runTestcase } from '../../scripts/limbo.js';

/** Deliberate differences, explained in docs/x509-limbo.md. */
const KNOWN_FAILURES = new Set([
  'rfc5280::ca-as-leaf',
  'pathlen::validation-ignores-pathlen-in-leaf',
  'webpki::cn::ipv4-hex-mismatch',
  'webpki::cn::ipv4-leading-zeros-mismatch',
  'webpki::cn::ipv6-uppercase-mismatch',
  'webpki::cn::ipv6-uncompressed-mismatch',
  'webpki::cn::ipv6-non-rfc5952-mismatch',
  'webpki::cn::punycode-not-in-san',
  'webpki::cn::utf8-vs-punycode-mismatch',
  'webpki::cn::not-in-san',
  'webpki::cn::case-mismatch',
]);

describe.skipIf(skipFor(sharedMissing('x509-limbo'), 'x509-limbo'))('x509-limbo sample', () => {
  it('matches the expected results', () => {
    const all = (JSON.parse(readFileSync(join(SHARED_DIR, 'x509-limbo', 'limbo.json'), 'utf8')) as { testcases: Array<{ id: string }> }).testcases;
    const native = all.filter((t) => !t.id.startsWith('bettertls::')).slice(0, 300);
    const better = all.filter((t) => t.id.startsWith('bettertls::'));
    const step = Math.floor(better.length / 200);
    const sample = [...native, ...better.filter((_, i) => i % step === 0).slice(0, 200)];
    const wrong: string[] = [];
    let skipped = 0;
    for (const tc of sample) {
      const r = runTestcase(tc as Parameters<typeof runTestcase>[0]);
      if (r.actual_result === 'SKIPPED') skipped++;
      else if (r.actual_result !== r.expected_result && !KNOWN_FAILURES.has(r.id)) wrong.push(`${r.id}: expected ${r.expected_result} (${r.context ?? ''})`);
    }
    expect(wrong).toEqual([]);
    expect(skipped).toBeLessThanOrEqual(27);
    expect(sample.length).toBeGreaterThanOrEqual(400);
  }, 120_000);
});
