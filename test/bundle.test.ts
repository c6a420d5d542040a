/**
 * The published entries (package.json "exports" → dist/bundle, built by scripts/bundle.mjs after
 * tsc): every export's file exists; one copy of each class is shared by all entries (an error
 * from `puretls/node` or `puretls/x509` is an `instanceof` the root entry's `TlsError`); the
 * root entry's up-front files import no Node built-in and not pkijs (the encrypted-key reader is
 * a chunk loaded by `import()` when a key needs decrypting). Run in a child `node` with the
 * package's own name, as an application would import it; and the published CLI (bin → the
 * bundle, whose AES tables are built on first use) against openssl s_server with AES-GCM and
 * AES-CBC.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { opensslCredArgs, testPki } from './helpers/certs.js';
import { PROJECT_ROOT, programMissing, skipFor } from './helpers/env.js';
import { startOpenSslServer, stopAllPeers } from './helpers/peers.js';

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | { default: string }>; bin: Record<string, string> };
const built = existsSync(join(PROJECT_ROOT, 'dist', 'bundle', 'index.js')) ? null : 'dist/bundle is not built (npm run build)';

/** The files `file` imports statically (relative), transitively, itself included. */
function upFront(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  for (const m of code.matchAll(/(?:^|[;}])\s*(?:import|export)\s*(?:[\w$*{},\s]*?from\s*)?"(\.[^"]+)"/g)) upFront(resolve(dirname(file), m[1]!), seen);
  return seen;
}

describe.skipIf(skipFor(built, 'the published bundle'))('the published entries (dist/bundle)', () => {
  afterAll(stopAllPeers);

  it('every export resolves to a built file', () => {
    for (const [name, target] of Object.entries(pkg.exports)) {
      const file = typeof target === 'string' ? target : target.default;
      expect(existsSync(join(PROJECT_ROOT, file)), `${name} → ${file}`).toBe(true);
      if (name !== './roots' && name !== './package.json') expect(file, name).toMatch(/^\.\/dist\/bundle\/[a-z0-9]+\.js$/);
    }
    const bin = readFileSync(join(PROJECT_ROOT, pkg.bin.puretls!), 'utf8');
    expect(bin).toContain("from '../dist/bundle/cli.js'");
  });

  it("the root entry's up-front files import no Node built-in and no pkijs", () => {
    const files = [...upFront(join(PROJECT_ROOT, 'dist', 'bundle', 'index.js'))];
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) {
      const code = readFileSync(f, 'utf8');
      expect(code, f).not.toMatch(/from\s*"node:|import\("node:|require\(/);
      expect(code, f).not.toMatch(/pkijs\.engine|AuthenticatedSafe/); // pkijs' own names
    }
  });

  it('all entries share one copy of each class (TlsError from puretls/node and puretls/x509 is the root one)', () => {
    const script = `
      import { TlsError, ClientConnection } from 'puretls';
      import { connectAsync } from 'puretls/node';
      import { loadCertificates } from 'puretls/x509';
      import * as websocket from 'puretls/websocket';
      const out = {};
      try { loadCertificates('not a certificate', 'ca'); } catch (e) { out.x509 = [e instanceof TlsError, typeof e.code]; }
      try { await connectAsync({ host: '127.0.0.1', port: 9, bogus: 1 }); } catch (e) { out.node = [e instanceof TlsError, e.code]; }
      try { new ClientConnection({ host: 'localhost', bogus: 1 }); } catch (e) { out.root = [e instanceof TlsError, e.code]; }
      out.websocket = typeof websocket.connectWebSocket;
      console.log(JSON.stringify(out));`;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 20_000 });
    expect(JSON.parse(stdout)).toEqual({ x509: [true, 'string'], node: [true, 'BAD_CONFIG'], root: [true, 'BAD_CONFIG'], websocket: 'function' });
  });

  // scripts/bundle.mjs builds @noble/ciphers' AES tables on first use: the published CLI must
  // still encrypt and decrypt with AES-GCM (forward tables) and AES-CBC (the inverse tables too).
  it.skipIf(skipFor(programMissing('openssl'), 'the bundled CLI against openssl'))('the bundled CLI runs AES-GCM and AES-CBC against openssl s_server', async () => {
    const pki = testPki();
    const run = promisify(execFile);
    for (const [args, ciphers, protocol, expected] of [
      [['-tls1_3', '-ciphersuites', 'TLS_AES_256_GCM_SHA384'], 'TLS_AES_256_GCM_SHA384', 'TLSv1.3', 'Cipher is TLS_AES_256_GCM_SHA384'],
      [['-tls1_2'], 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLSv1.2', 'Cipher is ECDHE-ECDSA-AES128-GCM-SHA256'],
      [['-tls1_2'], 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'TLSv1.2', 'Cipher is ECDHE-ECDSA-AES128-SHA\n'], // OpenSSL labels this suite TLSv1.0
    ] as const) {
      const server = await startOpenSslServer([...opensslCredArgs(pki.leaf('p256')), ...args, '-www']);
      const r = await run(process.execPath, [join(PROJECT_ROOT, 'bin', 'puretls.js'), 'connect', `127.0.0.1:${server.port}`, '--servername', 'localhost', '--ca', pki.caFile, '--ciphers', ciphers, '--send', 'GET / HTTP/1.0\\r\\n\\r\\n', '--quiet'], { cwd: PROJECT_ROOT, timeout: 30_000 });
      expect(r.stdout, ciphers).toContain(expected);
      expect(r.stdout, ciphers).toMatch(new RegExp(`Protocol +: ${protocol.replace('.', '\\.')}\\n`));
      await server.stop();
    }
  }, 90_000);
});
