/**
 * Test environment helpers shared by every test file:
 * - `SHARED_DIR`: ../shared beside the clone (Wycheproof, x509-limbo), read in place, never copied.
 * - `REQUIRE_PEERS`: under PURETLS_REQUIRE_PEERS=1 a missing peer or missing ../shared data is a
 *   failure, not a skip.
 * - `needs(reason | null)`: returns a vitest `describe`/`it` modifier. Usage:
 *     const missing = sharedMissing('wycheproof');
 *     describe.skipIf(skipFor(missing))('...', () => {...});
 *     requireOrSkip(missing) // call at module top level: throws under PURETLS_REQUIRE_PEERS=1
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DIR = process.env.PURETLS_SHARED_DIR ?? resolve(PROJECT_ROOT, '..', 'shared');
export const REQUIRE_PEERS = process.env.PURETLS_REQUIRE_PEERS === '1';

/** null when ../shared/<sub> exists, else the reason it is missing. */
export function sharedMissing(sub: string): string | null {
  const p = join(SHARED_DIR, sub);
  return existsSync(p) ? null : `${p} is absent (../shared is only beside the project's own clones)`;
}

/** null when the program is on PATH, else the reason. */
export function programMissing(name: string): string | null {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'pipe' });
    return null;
  } catch {
    return `${name} is not installed`;
  }
}

/**
 * Decide whether to skip for a missing prerequisite. Prints the reason visibly; under
 * PURETLS_REQUIRE_PEERS=1 it throws instead, so the suite fails rather than skips.
 */
export function skipFor(missing: string | null, what = 'tests'): boolean {
  if (missing === null) return false;
  if (REQUIRE_PEERS) throw new Error(`PURETLS_REQUIRE_PEERS=1 but ${what} cannot run: ${missing}`);
  console.warn(`[skip] ${what}: ${missing}`);
  return true;
}
