/**
 * puretls/roots: generated at build time by scripts/gen-roots.mjs from the running Node's
 * `tls.rootCertificates` (Mozilla's NSS list). Reproducible (two runs, identical bytes), the
 * same list as Node's, every root accepted by puretls' own trust-anchor loader, no imports in
 * the module, and nothing in src imports it (only a user who asks for it pays for it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTrustAnchors } from '../src/x509/index.js';
import { PROJECT_ROOT } from './helpers/env.js';

const dir = mkdtempSync(join(tmpdir(), 'puretls-roots-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function generate(out: string): string {
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts/gen-roots.mjs'), out], { stdio: 'pipe' });
  return readFileSync(join(out, 'index.js'), 'utf8');
}

function srcFiles(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? srcFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('puretls/roots', () => {
  it('is generated reproducibly from Node’s tls.rootCertificates and every root loads', async () => {
    const a = generate(join(dir, 'a'));
    const b = generate(join(dir, 'b'));
    expect(a).toBe(b);
    expect(a).not.toMatch(/^\s*import\b/m);
    const mod = (await import(pathToFileURL(join(dir, 'a', 'index.js')).href)) as { roots: string[]; source: string };
    expect(mod.roots.length).toBe(rootCertificates.length);
    expect(mod.roots.map((r) => r.trim())).toEqual(rootCertificates.map((r) => r.trim()));
    expect(mod.source).toContain(process.version);
    expect(loadTrustAnchors(mod.roots).length).toBe(rootCertificates.length);
  });

  it('nothing in src imports it', () => {
    const importers = srcFiles(join(PROJECT_ROOT, 'src')).filter((f) => /from\s+'[^']*roots(\/index)?(\.js)?'/.test(readFileSync(f, 'utf8')));
    expect(importers).toEqual([]);
  });
});
