/**
 * Interop: KeyUpdate sent by puretls, seen in `openssl s_server -trace`, with data still flowing
 * both ways after it — through the API (`updateKeys`, `keyUpdateAfterBytes`) and the CLI (a line
 * "K" on stdin, `--key-update-after`).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import type { TraceEvent } from '../../src/types.js';
import { opensslCredArgs, testPki, type TestPki } from '../helpers/certs.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { readAtLeast, startOpenSslServer, stopAllPeers, waitUntil, within } from '../helpers/peers.js';
import { runCli } from '../cli/io.js';

/** KeyUpdate messages in s_server's trace, one direction: their request_update, as traced. */
function tracedKeyUpdates(trace: string, dir: 'Received' | 'Sent'): string[] {
  const out: string[] = [];
  for (const block of trace.split(/^(?=Sent Record|Received Record)/m)) {
    if (!block.startsWith(`${dir} Record`)) continue;
    const m = /KeyUpdate, Length=1\n\s*(\w+ \(\d\))/.exec(block);
    if (m) out.push(m[1]!);
  }
  return out;
}

describe.skipIf(skipFor(programMissing('openssl'), 'openssl interop'))('interop: our KeyUpdate in openssl s_server -trace', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = testPki();
  });
  afterAll(stopAllPeers);

  it('updateKeys() and updateKeys({ requestPeer }) are traced by s_server; data flows both ways after each', async ({ expect }) => {
    const peer = await startOpenSslServer(['-tls1_3', '-trace', ...opensslCredArgs(pki.leaf('p256'))], { lineBuffered: true });
    try {
      const events: TraceEvent[] = [];
      const sock = await within(
        connect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', ca: pki.ca, timeout: 10_000, onEvent: (e) => events.push(e) }),
        15_000,
        'connect',
      );
      try {
        sock.write('before-update\n');
        await peer.waitForOutput(/before-update/);

        sock.updateKeys();
        sock.write('after-update-1\n');
        await peer.waitForOutput(/after-update-1/);
        peer.send('server-after-1\n');
        expect((await readAtLeast(sock, 15)).toString()).toBe('server-after-1\n');

        sock.updateKeys({ requestPeer: true });
        sock.write('after-update-2\n');
        await peer.waitForOutput(/after-update-2/);
        // OpenSSL sends its answering KeyUpdate(update_not_requested) with its next data.
        peer.send('server-after-2\n');
        expect((await readAtLeast(sock, 15)).toString()).toBe('server-after-2\n');
        await waitUntil(() => events.some((e) => e.type === 'key-update' && e.direction === 'received'), 10_000, "s_server's answering KeyUpdate");

        const trace = peer.output();
        expect(tracedKeyUpdates(trace, 'Received')).toEqual(['update_not_requested (0)', 'update_requested (1)']);
        expect(tracedKeyUpdates(trace, 'Sent')).toEqual(['update_not_requested (0)']);
        expect(events.filter((e) => e.type === 'key-update')).toEqual([
          { type: 'key-update', direction: 'sent', updateRequested: false },
          { type: 'key-update', direction: 'sent', updateRequested: true },
          { type: 'key-update', direction: 'received', updateRequested: false },
        ]);
      } finally {
        sock.destroy();
      }
    } finally {
      await peer.stop();
    }
  }, 60_000);

  it('keyUpdateAfterBytes: a KeyUpdate every N bytes, all traced by s_server, the data intact', async ({ expect }) => {
    const peer = await startOpenSslServer(['-tls1_3', '-trace', ...opensslCredArgs(pki.leaf('p256'))], { lineBuffered: true });
    try {
      const sock = await connect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', ca: pki.ca, timeout: 10_000, keyUpdateAfterBytes: 4096 });
      try {
        for (let i = 0; i < 5; i++) sock.write(`${String(i).repeat(3000)}\n`);
        sock.write('done-writing\n');
        await peer.waitForOutput(/done-writing/, 15_000);
        const out = peer.output();
        for (let i = 0; i < 5; i++) expect(out).toContain(String(i).repeat(3000));
        // 3001-byte writes: before the 3rd and the 5th write, 6002 bytes (≥ 4096) having gone out under one key.
        expect(tracedKeyUpdates(out, 'Received')).toEqual(['update_not_requested (0)', 'update_not_requested (0)']);
        peer.send('still-alive\n');
        expect((await readAtLeast(sock, 12)).toString()).toBe('still-alive\n');
      } finally {
        sock.destroy();
      }
    } finally {
      await peer.stop();
    }
  }, 60_000);

  it('CLI: a line "K" on stdin sends KeyUpdate(update_requested); the next line still arrives', async ({ expect }) => {
    const peer = await startOpenSslServer(['-tls1_3', '-trace', ...opensslCredArgs(pki.leaf('p256'))], { lineBuffered: true });
    try {
      const run = runCli(['connect', `127.0.0.1:${peer.port}`, '--ca', pki.caFile, '--servername', 'localhost'], ['cli-before\n', 'K\n', 'cli-after\n']);
      await peer.waitForOutput(/cli-after/, 15_000);
      peer.send('Q\n'); // s_server quits, closing the connection (without close_notify: the CLI then says so)
      const r = await within(run, 15_000, 'the CLI');
      expect(r.stderr).not.toMatch(/KEYUPDATE refused/);
      expect(r.stderr).toContain('KEYUPDATE (update_requested)');
      expect(tracedKeyUpdates(peer.output(), 'Received')).toEqual(['update_requested (1)']);
    } finally {
      await peer.stop();
    }
  }, 60_000);
});
