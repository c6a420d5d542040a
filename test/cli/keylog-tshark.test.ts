/**
 * Key log proven (issue 14, part 5): tshark captures a loopback TLS 1.3 connection made with
 * `--keylog FILE` and a TLS 1.2 one made with the SSLKEYLOGFILE environment variable (CLI only);
 * tshark decrypts each capture with puretls' key log and the application data is in it — both
 * directions. Negative control: without the key log, tshark finds no plaintext.
 * tshark runs as root on `lo` with a port filter, each capture bounded by a duration.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { programMissing, skipFor } from '../helpers/env.js';
import { closeAll, pki, tlsServer, within } from '../transport/local-server.js';
import { runCli } from './io.js';

const missing = programMissing('tshark') ?? (process.getuid?.() === 0 ? null : 'capturing on lo needs root');

/** Start tshark on lo for one port; resolves once it captures. stop() ends it and waits. */
async function capture(port: number, file: string): Promise<{ stop: () => Promise<void> }> {
  const p = spawn('tshark', ['-i', 'lo', '-f', `tcp port ${port}`, '-a', 'duration:60', '-w', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  await within(
    new Promise<void>((resolve, reject) => {
      p.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (/Capturing on/.test(err)) resolve();
      });
      p.once('exit', (c) => reject(new Error(`tshark exited (${c}) before capturing: ${err}`)));
    }),
    20_000,
    'tshark start',
  );
  // "Capturing on" comes as the capture starts: give it a moment on a loaded machine.
  await new Promise((r) => setTimeout(r, 1000));
  return {
    stop: async () => {
      // Let the last packets reach the file, then end the capture.
      await new Promise((r) => setTimeout(r, 1000));
      p.kill('SIGINT');
      await within(exited, 20_000, 'tshark stop');
    },
  };
}

/** The decrypted TLS stream of the capture's TLS connection as tshark follows it (or its error text). */
function follow(file: string, keylog: string | undefined): string {
  const streams = spawnSync('tshark', ['-r', file, '-Y', 'tls.handshake.type == 1', '-T', 'fields', '-e', 'tcp.stream'], { encoding: 'utf8', timeout: 60_000 });
  const stream = streams.stdout.trim().split('\n')[0] ?? '';
  if (!/^\d+$/.test(stream)) return `no ClientHello in the capture: ${streams.stdout}${streams.stderr}`;
  const args = ['-r', file, ...(keylog ? ['-o', `tls.keylog_file:${keylog}`] : []), '-q', '-z', `follow,tls,ascii,${stream}`];
  const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 60_000 });
  return r.stdout + r.stderr;
}

describe.skipIf(skipFor(missing, 'key log decryption with tshark'))('key log decrypted by tshark', () => {
  let dir: string;
  let ca: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'puretls-keylog-'));
    ca = join(dir, 'ca.pem');
    writeFileSync(ca, (await pki()).ca.cert);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await closeAll();
    delete process.env['SSLKEYLOGFILE'];
  });

  for (const [version, how] of [
    ['1.3', '--keylog'],
    ['1.2', 'SSLKEYLOGFILE'],
  ] as const) {
    it(`TLS ${version}, key log from ${how}: the application data both ways`, async () => {
      const { port } = await tlsServer();
      const cap = join(dir, `tls${version}.pcapng`);
      const keylog = join(dir, `keys${version}.txt`);
      const tshark = await capture(port, cap);
      const payload = `puretls-secret-${version}-${Date.now()}`;
      const argv = ['connect', `localhost:${port}`, '--ca', ca, '--max-version', version, '--send', `${payload}\\r\\nQUIT\\r\\n`];
      if (how === '--keylog') argv.push('--keylog', keylog);
      else process.env['SSLKEYLOGFILE'] = keylog;
      const r = await within(runCli(argv), 20_000);
      await tshark.stop();
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`got: "${payload}\\r\\nQUIT\\r\\n"`);
      const lines = readFileSync(keylog, 'utf8').trim().split('\n');
      expect(lines.every((l) => /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64,96}$/.test(l))).toBe(true);
      expect(lines[0]!.split(' ')[0]).toBe(version === '1.3' ? 'CLIENT_HANDSHAKE_TRAFFIC_SECRET' : 'CLIENT_RANDOM');

      const clear = follow(cap, keylog);
      expect(clear, clear).toContain(payload); // what we sent
      expect(clear).toContain(`got: "${payload}`); // what the server sent back
      const blind = follow(cap, undefined);
      expect(blind).not.toContain(payload);
    });
  }
});
