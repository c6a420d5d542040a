/**
 * Interop for negotiated record sizes.
 *
 * max_fragment_length (RFC 6066 §4) against `openssl s_server -WWW -trace` (OpenSSL 3 knows
 * max_fragment_length, not record_size_limit): for each value and each version the server sends
 * a 1 MiB file, and its own trace says how long every record it sent and received was. No
 * protected record after the handshake may carry more plaintext than the negotiated size, in
 * either direction (our request is padded past the limit so that it has to be split too).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import { opensslCredArgs, testPki, type TestPki } from '../helpers/certs.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { exchange, startOpenSslServer, stopAllPeers, waitUntil } from '../helpers/peers.js';

const MIB = 1 << 20;

/**
 * Records in an `openssl -trace` log, in order: direction, outer content type, length. Read line
 * by line: s_server's stderr lines ("FILE:big.bin") may land between the lines of one record.
 */
export function traceRecords(trace: string): Array<{ dir: 'Sent' | 'Received'; type: number; length: number }> {
  const out: Array<{ dir: 'Sent' | 'Received'; type: number; length: number }> = [];
  let dir: 'Sent' | 'Received' | undefined;
  let type: number | undefined;
  for (const line of trace.split('\n')) {
    const head = /^(Sent|Received) Record$/.exec(line);
    if (head) {
      dir = head[1] as 'Sent' | 'Received';
      type = undefined;
      continue;
    }
    const ct = /^\s+Content Type = \w+ \((\d+)\)$/.exec(line);
    if (ct && dir) type = Number(ct[1]);
    const len = /^\s+Length = (\d+)$/.exec(line);
    if (len && dir && type !== undefined) {
      out.push({ dir, type, length: Number(len[1]) });
      dir = undefined;
    }
  }
  return out;
}

describe.skipIf(skipFor(programMissing('openssl'), 'openssl interop'))('interop: max_fragment_length with openssl s_server -WWW -trace', () => {
  let pki: TestPki;
  let dir: string;
  let file: Buffer;
  beforeAll(() => {
    pki = testPki();
    dir = mkdtempSync(join(tmpdir(), 'puretls-mfl-'));
    file = randomBytes(MIB);
    writeFileSync(join(dir, 'big.bin'), file);
  });
  afterAll(async () => {
    await stopAllPeers();
    rmSync(dir, { recursive: true, force: true });
  });

  // Plaintext of a protected record = wire length − overhead: TLS 1.3 AES-GCM adds the inner
  // content type and a 16-byte tag; TLS 1.2 AES-GCM an 8-byte explicit nonce and the tag.
  const versions = [
    { v: '1.3' as const, args: ['-tls1_3', '-ciphersuites', 'TLS_AES_128_GCM_SHA256'], overhead: 17 },
    { v: '1.2' as const, args: ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256'], overhead: 24 },
  ];
  for (const { v, args, overhead } of versions) {
    for (const n of [512, 1024, 2048, 4096] as const) {
      it(`TLS ${v}, ${n} bytes: a 1 MiB file arrives in records of at most ${n} plaintext bytes, and ours are split too`, async ({ expect }) => {
        const peer = await startOpenSslServer([...args, '-WWW', '-trace', ...opensslCredArgs(pki.leaf('p256'))], { cwd: dir, lineBuffered: true });
        try {
          // A request longer than the limit: s_server reads the first line; the header after it pads.
          const request = `GET /big.bin HTTP/1.0\r\nX-Pad: ${'p'.repeat(n + 100)}\r\n\r\n`;
          const r = await exchange(connect, { host: '127.0.0.1', port: peer.port, servername: 'localhost', ca: pki.ca, maxFragmentLength: n, minVersion: v, maxVersion: v }, request, 60_000);
          expect(r.info.protocol).toBe(`TLSv${v}`);
          expect(r.info.recordLimits).toMatchObject({ sendFragment: n, receiveFragment: n });
          const body = r.data.subarray(r.data.indexOf('\r\n\r\n') + 4);
          expect(body.length).toBe(MIB);
          expect(createHash('sha256').update(body).digest('hex')).toBe(createHash('sha256').update(file).digest('hex'));

          // The trace reaches us through a pipe: wait until it accounts for the whole file.
          const sentBytes = () => traceRecords(peer.output()).filter((x) => x.dir === 'Sent' && x.type === 23).reduce((a, x) => a + x.length - overhead, 0);
          await waitUntil(() => sentBytes() >= MIB, 30_000, 'the server trace of the whole file');
          const trace = peer.output();
          expect(trace).toMatch(new RegExp(`max_fragment_length := 2\\^\\d+ \\(${n} bytes\\)`));
          const recs = traceRecords(trace);
          const sentData = recs.filter((x) => x.dir === 'Sent' && x.type === 23);
          // The file alone needs at least 1 MiB / n records.
          expect(sentData.length).toBeGreaterThanOrEqual(MIB / n);
          const largestSent = Math.max(...sentData.map((x) => x.length - overhead));
          expect(largestSent).toBe(n);
          const receivedData = recs.filter((x) => x.dir === 'Received' && x.type === 23);
          const largestReceived = Math.max(...receivedData.map((x) => x.length - overhead));
          expect(largestReceived).toBe(n);
          // Our own trace agrees: no record we sent was longer than n + overhead.
          const ours = r.events.filter((e) => e.type === 'record' && e.direction === 'sent' && e.encrypted);
          expect(Math.max(...ours.map((e) => (e.type === 'record' ? e.length - 5 - overhead : 0)))).toBeLessThanOrEqual(n);
        } finally {
          await peer.stop();
        }
      }, 90_000);
    }
  }
});
