/**
 * Loading Wycheproof vector files from ../shared/wycheproof in place (never copied), and tallying
 * outcomes: every `valid` must pass, every `invalid` must fail, `acceptable` may go either way
 * (when it passes with an output, the output must still be right).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR, sharedMissing, skipFor } from '../helpers/env.js';
import type { HashName } from '../../src/crypto/hash.js';

export const WYCHEPROOF_DIR = join(SHARED_DIR, 'wycheproof');
/** True when the tests must be skipped (throws under PURETLS_REQUIRE_PEERS=1). */
export const SKIP_WYCHEPROOF = skipFor(sharedMissing('wycheproof'), 'wycheproof');

export interface WTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid' | 'acceptable';
  [k: string]: unknown;
}
export interface WGroup {
  type: string;
  tests: WTest[];
  [k: string]: unknown;
}
export interface WFile {
  algorithm: string;
  numberOfTests: number;
  testGroups: WGroup[];
}

export function loadVectors(name: string): WFile {
  return JSON.parse(readFileSync(join(WYCHEPROOF_DIR, name), 'utf8')) as WFile;
}

export function hex(s: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(String(s), 'hex'));
}

export function hashName(sha: unknown): HashName {
  const m: Record<string, HashName> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
  const h = m[String(sha)];
  if (!h) throw new Error(`unexpected hash ${String(sha)}`);
  return h;
}

export class Tally {
  valid = 0;
  invalid = 0;
  acceptablePassed = 0;
  acceptableFailed = 0;
  skipped = 0;
  readonly failures: string[] = [];
  constructor(readonly file: string) {}

  /**
   * Record one outcome. `ok` is whether our implementation accepted / produced a result;
   * `right` whether that result equals the expected output (ignored when !ok).
   */
  record(t: WTest, ok: boolean, right = true): void {
    const where = `${this.file} tcId ${t.tcId} (${t.result}; ${t.comment}; ${t.flags.join(',')})`;
    if (ok && !right) this.failures.push(`${where}: wrong output`);
    else if (t.result === 'valid') ok ? this.valid++ : this.failures.push(`${where}: rejected`);
    else if (t.result === 'invalid') ok ? this.failures.push(`${where}: accepted`) : this.invalid++;
    else ok ? this.acceptablePassed++ : this.acceptableFailed++;
  }

  skip(count = 1): void {
    this.skipped += count;
  }

  summary(): string {
    return `${this.file}: valid ${this.valid} ok, invalid ${this.invalid} rejected, acceptable ${this.acceptablePassed} accepted / ${this.acceptableFailed} rejected, skipped ${this.skipped}, failures ${this.failures.length}`;
  }
}

/** Run `check` over every test of a file; print the tally and return it. */
export function runFile(file: string, check: (g: WGroup, t: WTest, tally: Tally) => void): Tally {
  const tally = new Tally(file);
  const data = loadVectors(file);
  for (const g of data.testGroups) for (const t of g.tests) check(g, t, tally);
  console.log(tally.summary());
  return tally;
}
