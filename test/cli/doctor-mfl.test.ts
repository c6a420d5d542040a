/**
 * `puretls doctor` against a server that ignores max_fragment_length (issue 14, mbedTLS's
 * -0x7200): it neither acknowledges our offer nor limits its records, and sends a full 16 KiB
 * record to a client that asked for 512-byte ones. puretls itself accepts that record (when the
 * server does not acknowledge, the limit stays 2^14: RFC 6066 §4), so the doctor must say that
 * the connection works here but fails for a client with a 512-byte receive buffer, name the cause
 * and the fix, and exit 1.
 *
 * node:tls (OpenSSL) honours max_fragment_length, so the ignoring server is the test's scripted
 * TLS 1.3 server (test/helpers/fake-server13.ts on a socket), which knows nothing of the
 * extension; node:tls is the control: the same request there is honoured and the doctor says so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS } from '../../src/cli/doctor.js';
import { appRec, CT } from '../helpers/fake-server13.js';
import { startFakeServer13, type NetFakeServer } from '../helpers/fake-server13-net.js';
import { closeAll, pki, tlsServer, within } from '../transport/local-server.js';
import { runCli } from './io.js';

afterEach(closeAll);

let dir: string;
let fake: NetFakeServer;
let fakeCa: string;
let nodeCa: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'puretls-doctor-mfl-'));
  // After its handshake the scripted server sends one full 16 KiB record, whatever we asked for.
  fake = await startFakeServer13({ cred: 'p256', afterHandshake: (s) => void s.send(appRec(CT.appData, new Uint8Array(16384).fill(0x61))) });
  fakeCa = join(dir, 'fake-ca.pem');
  writeFileSync(fakeCa, fake.ca);
  nodeCa = join(dir, 'node-ca.pem');
  writeFileSync(nodeCa, (await pki()).ca.cert);
});
afterAll(async () => {
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const connections = (stdout: string): number => Number(/^\((\d+) connections made\)$/m.exec(stdout)?.[1]);

describe('doctor: a server that ignores max_fragment_length', () => {
  it('asked for 512-byte records, got a 16 KiB one: names the cause (-0x7200) and the fix, exit 1', async () => {
    const before = fake.completed;
    const r = await within(runCli(['doctor', `localhost:${fake.port}`, '--ca', fakeCa, '--max-frag', '512', '--timeout', '5000']), 60_000);
    expect(fake.completed, r.stdout).toBeGreaterThan(before);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/^connection as asked: OK$/m);
    expect(r.stdout).toMatch(/^ {2}but: the server sent a 16384-byte record though we asked for at most 512$/m);
    expect(r.stdout).toMatch(/^verdict: the connection works for puretls, but FAILS for a client that can only receive 512-byte records\.$/m);
    expect(r.stdout).toMatch(
      /^cause: the server ignored max_fragment_length: we asked for records of at most 512 bytes, it did not acknowledge it \(RFC 6066 §4: then the limit stays 2\^14\) and sent a record of 16384 bytes; a client with a 512-byte receive buffer fails there \(mbedTLS: -0x7200, MBEDTLS_ERR_SSL_INVALID_RECORD, record too large\)$/m,
    );
    expect(r.stdout).toMatch(/^fix: make the server honour max_fragment_length \(RFC 6066\), or support record_size_limit \(RFC 8449\)/m);
    expect(r.stdout).toMatch(/^fix: or give the client a 16 KiB receive buffer/m);
    expect(connections(r.stdout)).toBeGreaterThan(0);
    expect(connections(r.stdout)).toBeLessThanOrEqual(MAX_ATTEMPTS);
  });

  it('the same server without --max-frag: the connection works, exit 0, no such diagnosis', async () => {
    const r = await within(runCli(['doctor', `localhost:${fake.port}`, '--ca', fakeCa, '--timeout', '5000']), 60_000);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^verdict: the connection works\.$/m);
    expect(r.stdout).not.toMatch(/max_fragment_length/);
  });

  it('control: node:tls honours max_fragment_length (records of 512 bytes), so the doctor finds nothing wrong', async () => {
    const { port } = await tlsServer({}, (s: TLSSocket) => void s.write(Buffer.alloc(16384, 0x61)));
    const r = await within(runCli(['doctor', `localhost:${port}`, '--ca', nodeCa, '--max-frag', '512', '--timeout', '5000']), 60_000);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^verdict: the connection works\.$/m);
    expect(r.stdout).not.toMatch(/ignored max_fragment_length/);
  });
});
