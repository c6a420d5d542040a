/**
 * Benchmark: validating a 3-certificate chain (root → intermediate → leaf), ECDSA P-256 and
 * RSA-2048, with puretls' verifyChain next to node's X509Certificate (parse + verify each link +
 * checkHost) as the anchor. Every iteration works on fresh copies of the DER, so neither side
 * gains from a cache. Certificates are made once with the openssl CLI in a temporary directory.
 *
 *   npm run build && node dist/bench/x509.js
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pemToDer, verifyChain } from '../src/x509/index.js';

export interface Row {
  name: string;
  puretlsMs: number;
  nodeMs: number;
  ratio: number;
}

interface Chain {
  root: Uint8Array;
  ica: Uint8Array;
  leaf: Uint8Array;
}

function makeChain(dir: string, prefix: string, newkey: string[]): Chain {
  const ca = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign', 'subjectKeyIdentifier=hash'];
  const issue = (name: string, subject: string, ext: string[], issuer?: string): Uint8Array => {
    const all = issuer ? [...ext, 'authorityKeyIdentifier=keyid:always'] : ext;
    writeFileSync(join(dir, `${name}.cnf`), `[req]\ndistinguished_name=dn\nprompt=no\n[dn]\n[v3]\n${all.join('\n')}\n`);
    const signing = issuer ? ['-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`] : [];
    execFileSync('openssl', ['req', '-x509', '-config', `${name}.cnf`, '-extensions', 'v3', ...newkey, '-nodes', '-keyout', `${name}.key`,
      '-subj', subject, ...signing, '-sha256', '-days', '30', '-out', `${name}.pem`], { cwd: dir, stdio: 'pipe' });
    return pemToDer(readFileSync(join(dir, `${name}.pem`), 'utf8'), name)[0]!;
  };
  const root = issue(`${prefix}-root`, `/CN=${prefix} bench root`, ca);
  const ica = issue(`${prefix}-ica`, `/CN=${prefix} bench ICA`, ca, `${prefix}-root`);
  const leaf = issue(`${prefix}-leaf`, `/CN=bench.example`, ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth', 'subjectAltName=DNS:bench.example', 'subjectKeyIdentifier=hash'], `${prefix}-ica`);
  return { root, ica, leaf };
}

function timeMs(iterations: number, fn: () => void): number {
  fn(); // warm up
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return (performance.now() - t0) / iterations;
}

function benchOne(name: string, c: Chain, iterations: number): Row {
  const puretlsMs = timeMs(iterations, () => {
    const r = verifyChain([c.leaf.slice(), c.ica.slice()], { trustAnchors: [c.root.slice()], name: { kind: 'dns', value: 'bench.example' } });
    if (!r.ok) throw new Error(`bench chain did not verify: ${r.flags.join(',')}`);
  });
  const nodeMs = timeMs(iterations, () => {
    const root = new X509Certificate(c.root.slice());
    const ica = new X509Certificate(c.ica.slice());
    const leaf = new X509Certificate(c.leaf.slice());
    const ok = leaf.verify(ica.publicKey) && ica.verify(root.publicKey) && leaf.checkHost('bench.example') !== undefined;
    if (!ok) throw new Error('node: bench chain did not verify');
  });
  return { name, puretlsMs, nodeMs, ratio: puretlsMs / nodeMs };
}

export async function benchX509(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'puretls-bench-x509-'));
  try {
    const ec = makeChain(dir, 'ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    const rsa = makeChain(dir, 'rsa', ['-newkey', 'rsa:2048']);
    return [
      benchOne('x509: verify 3-cert chain, ECDSA P-256', ec, 50),
      benchOne('x509: verify 3-cert chain, RSA-2048', rsa, 50),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchX509().then((rows) => {
    for (const r of rows) console.log(`${r.name.padEnd(44)} puretls ${r.puretlsMs.toFixed(3)} ms  node ${r.nodeMs.toFixed(3)} ms  ×${r.ratio.toFixed(1)}`);
  });
}
