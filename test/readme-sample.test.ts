/**
 * The README's sans-IO sample runs as written: extracted from README.md, its import of 'puretls'
 * pointed at the built package (dist/), run with node against `openssl s_server -www` (TLS 1.3
 * and TLS 1.2), which answers GET / with a status page and then sends close_notify.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslCredArgs, testPki, type TestPki } from './helpers/certs.js';
import { PROJECT_ROOT, programMissing, skipFor } from './helpers/env.js';
import { startOpenSslServer, stopAllPeers } from './helpers/peers.js';

/** The first ```js block of the README section "The sans-IO core". */
export function readmeSample(): string {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### The sans-IO core'));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README: no js sample in "The sans-IO core"');
  return m[1]!;
}

const dist = join(PROJECT_ROOT, 'dist/bundle/index.js'); // what package.json's exports give for 'puretls'
const missing = programMissing('openssl') ?? (existsSync(dist) ? null : 'dist/ is not built (run npm run build)');

describe.skipIf(skipFor(missing, 'the README sample'))('the README sans-IO sample', () => {
  let pki: TestPki;
  let dir: string;
  beforeAll(() => {
    pki = testPki();
    dir = mkdtempSync(join(tmpdir(), 'puretls-readme-'));
  });
  afterAll(async () => {
    await stopAllPeers();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const v of ['-tls1_3', '-tls1_2']) {
    it(`runs as written against openssl s_server -www ${v}`, async () => {
      const code = readmeSample().replace(/from 'puretls'/, `from ${JSON.stringify(pathToFileURL(dist).href)}`);
      expect(code).not.toMatch(/from 'puretls'/);
      const file = join(dir, `sample${v}.mjs`);
      writeFileSync(file, code);
      const peer = await startOpenSslServer([v, '-www', ...opensslCredArgs(pki.leaf('p256'))]);
      try {
        const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = execFile(
            process.execPath,
            [file],
            { env: { ...process.env, TLS_HOST: '127.0.0.1', TLS_PORT: String(peer.port), TLS_NAME: 'localhost', TLS_CA_PEM: pki.ca }, timeout: 30_000 },
            (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
          );
        });
        expect(r.stderr).toMatch(new RegExp(`^TLSv1\\.${v.endsWith('3') ? 3 : 2} \\S+ \\S+ records<=4096\\n$`));
        expect(r.stdout.startsWith('HTTP/1.0 200 ok\r\n')).toBe(true);
        expect(r.stdout).toContain(v.endsWith('3') ? 'New, TLSv1.3' : 'New, TLSv1.2');
        expect(r.code).toBe(0);
      } finally {
        await peer.stop();
      }
    }, 60_000);
  }
});
