/**
 * Issue 8, truncation in the CLI: `puretls connect` must not exit 0 when the server ends the TCP
 * stream without close_notify after the handshake (the output may be cut): it prints
 * `error: TRUNCATED: ...` and exits 1, as `openssl s_client` reports it. A clean close
 * (close_notify, node:tls `end()`) still exits 0. Before the fix both exited 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, pki, tlsServer, within } from '../transport/local-server.js';
import { runCli } from './io.js';

let dir: string;
let caFile: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'puretls-cli-trunc-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, (await pki()).ca.cert);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(closeAll);

/** Send `text`, then end the TCP stream under TLS without a close_notify. */
function cutAfter(text: string) {
  return (s: TLSSocket): void => {
    s.once('data', () => {
      s.write(text, () => {
        // The TCP socket under the TLS socket: its end() sends FIN, and no TLS alert goes out.
        const tcp = (s as unknown as { _parent?: import('node:net').Socket })._parent;
        if (tcp) tcp.end();
        else s.destroy();
      });
    });
  };
}

describe('puretls connect: truncation', () => {
  it('a TCP end without close_notify after the handshake: error: TRUNCATED, exit 1, the data still printed', async () => {
    const { port } = await tlsServer({}, cutAfter('first half'));
    const r = await within(runCli(['connect', `localhost:${port}`, '--ca', caFile, '--quiet', '--send', 'GO\\r\\n']));
    expect(r.stdout).toBe('first half');
    expect(r.stderr).toMatch(/^error: TRUNCATED: .*without close_notify/m);
    expect(r.code).toBe(1);
  });

  it('a clean close (close_notify) still exits 0', async () => {
    const { port } = await tlsServer({}, (s) => s.once('data', () => s.end('all of it\n')));
    const r = await within(runCli(['connect', `localhost:${port}`, '--ca', caFile, '--quiet', '--send', 'GO\\r\\n']));
    expect(r.stdout).toBe('all of it\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
