/**
 * Shared by the runtime tests (Deno, Bun, workerd, Chromium): the runtime binaries that the npm
 * devDependencies ship (node_modules/.bin; nothing is downloaded at run time), an esbuild bundle
 * of a runtime's entry file (for `platform: 'browser'`, so a Node built-in in the graph fails the
 * build), two `openssl s_server -www` peers (TLS 1.3 only and TLS 1.2 only) with a chain under the
 * test CA, a bounded child-process runner, and the assertions on the bytes each runtime received.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect } from 'vitest';
import { opensslCredArgs, testPki } from '../helpers/certs.js';
import { PROJECT_ROOT, programMissing } from '../helpers/env.js';
import { startOpenSslServer, stopAllPeers } from '../helpers/peers.js';
import type { ExchangeRequest, ExchangeResult } from './client.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** node_modules/.bin/<name> (the `deno`, `bun` and `workerd` devDependencies). */
export function runtimeBin(name: string): string {
  return join(PROJECT_ROOT, 'node_modules', '.bin', name);
}

/** null when the runtime's binary runs (`--version`), else why not. */
export function runtimeMissing(name: string): string | null {
  const r = spawnSync(runtimeBin(name), ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) return `node_modules/.bin/${name} does not run (${r.error.message}); the ${name} devDependency installs it (npm ci)`;
  if (r.status !== 0) return `${name} --version exited ${r.status}: ${(r.stderr ?? '').slice(0, 200)}`;
  return programMissing('openssl');
}

const dirs: string[] = [];
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'puretls-runtime-'));
  dirs.push(d);
  return d;
}

/** Bundle test/runtimes/<entry> into <dir>/<out> (ESM unless `iife`). */
export async function bundle(entry: string, dir: string, out: string, opts: { external?: string[]; format?: 'esm' | 'iife' } = {}): Promise<string> {
  const outfile = join(dir, out);
  await build({
    entryPoints: [join(HERE, entry)],
    bundle: true,
    format: opts.format ?? 'esm',
    platform: 'browser',
    target: 'es2022',
    external: opts.external ?? [],
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/**
 * Two openssl s_server -www peers, one TLS 1.3 only, one TLS 1.2 only (P-256 leaf, chain to the
 * test CA), and three exchanges: TLS 1.3 and TLS 1.2 trusting the test CA, then TLS 1.3 trusting
 * an unrelated CA (made here), which must be refused.
 */
export async function opensslPeers(dir: string): Promise<ExchangeRequest[]> {
  const pki = testPki();
  const leaf = pki.leaf('p256');
  const s13 = await startOpenSslServer([...opensslCredArgs(leaf), '-tls1_3', '-www']);
  const s12 = await startOpenSslServer([...opensslCredArgs(leaf), '-tls1_2', '-www']);
  const other = join(dir, 'other-ca.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'other-ca.key'),
    '-subj', '/CN=an unrelated CA', '-days', '2', '-out', other], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`openssl req: ${r.stderr}`);
  return [
    { ca: pki.ca, version: '1.3', port: s13.port, trusted: true },
    { ca: pki.ca, version: '1.2', port: s12.port, trusted: true },
    { ca: readFileSync(other, 'utf8'), version: '1.3', port: s13.port, trusted: false },
  ];
}

const children = new Set<ChildProcess>();

/** Run a program to its end, bounded: killed (and the promise rejected) after `timeoutMs`. */
export function runProcess(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(p);
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.slice(0, 2).join(' ')} did not finish within ${opts.timeoutMs ?? 45_000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 45_000);
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      children.delete(p);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Start a long-running program (workerd), tracked for `cleanUp()`. */
export function startProcess(cmd: string, args: string[], cwd: string): { proc: ChildProcess; output: () => string } {
  const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(p);
  let out = '';
  p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  p.on('close', () => children.delete(p));
  return { proc: p, output: () => out };
}

/** Kill what the test started, stop the peers, remove the temp dirs (afterAll). */
export async function cleanUp(): Promise<void> {
  await Promise.all(
    [...children].map(
      (p) =>
        new Promise<void>((r) => {
          if (p.exitCode !== null || p.signalCode !== null) return r();
          p.once('close', () => r());
          p.kill('SIGKILL');
        }),
    ),
  );
  await stopAllPeers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** OpenSSL's name for an IANA TLS 1.2 suite name (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 → ECDHE-ECDSA-AES128-GCM-SHA256). */
function opensslName12(iana: string): string {
  return iana
    .replace(/^TLS_/, '')
    .replace('_WITH_', '_')
    .replace(/AES_(128|256)/, 'AES$1')
    .replace(/_/g, '-');
}

/**
 * The exchanges, in order (each request through each transport). A trusted one: the version
 * asked for was negotiated, the chain verified against the test CA, and the reply is openssl
 * s_server's -www page for this very connection (its protocol and its cipher as the server saw
 * them). An untrusted one: refused with CERT_VERIFY_FAILED before any application data.
 */
export function expectExchanges(results: ExchangeResult[], requests: ExchangeRequest[], transports: string[]): void {
  const want = requests.flatMap((q) => transports.map((t) => `${q.version} ${q.trusted ? 'trusted' : 'untrusted'} ${t}`));
  expect(results.map((r) => `${r.version} ${r.trusted ? 'trusted' : 'untrusted'} ${r.transport}`)).toEqual(want);
  for (const r of results) {
    const what = `${r.runtime} ${r.transport} TLS ${r.version}${r.trusted ? '' : ' (unrelated CA)'}`;
    if (!r.trusted) {
      expect(r.error, what).toBe('CERT_VERIFY_FAILED');
      expect(r.reply, what).toBe('');
      continue;
    }
    expect(r.error, what).toBeUndefined();
    expect(r.protocol, what).toBe(`TLSv${r.version}`);
    expect(r.verify, what).toBe('ok');
    expect(r.reply, what).toMatch(/^HTTP\/1\.0 200 ok\r\n/);
    expect(r.reply, what).toMatch(new RegExp(`Protocol +: TLSv${r.version.replace('.', '\\.')}\\n`));
    const cipher = r.version === '1.3' ? r.cipher : opensslName12(r.cipher);
    expect(r.reply, what).toContain(`New, TLSv${r.version}, Cipher is ${cipher}\n`);
    expect(r.reply.trimEnd(), what).toMatch(/<\/HTML>$/i);
  }
}
