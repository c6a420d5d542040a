/**
 * A device-style test: the mosquitto MQTT broker (Debian's package) on 127.0.0.1 with two TLS
 * listeners — one with `require_certificate true` (mutual TLS with the client CA), one with
 * `psk_hint` + `psk_file` (pre-shared keys) — and puretls as the device, exchanging an MQTT 3.1.1
 * CONNECT (hand-written bytes) for the broker's CONNACK, once with a client certificate (an
 * encrypted key, as devices store it) and once with a PSK.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import type { ClientOptions } from '../../src/types.js';
import { testPki } from '../helpers/certs.js';
import { clientPki, PASSPHRASE } from '../helpers/client-certs.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { freePort, readAtLeast, waitForPort, within } from '../helpers/peers.js';

const MOSQUITTO = '/usr/sbin/mosquitto';
const skip = skipFor(programMissing(MOSQUITTO) ?? programMissing('openssl'), 'mosquitto device test (Debian package mosquitto)');

/** MQTT 3.1.1 CONNECT (§3.1): protocol "MQTT", level 4, clean session, keep-alive 60 s, a client id. */
function mqttConnect(clientId: string): Uint8Array {
  const id = new TextEncoder().encode(clientId);
  const variable = [0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c];
  const payload = [id.length >> 8, id.length & 0xff, ...id];
  const remaining = variable.length + payload.length; // < 128: one length byte
  return Uint8Array.from([0x10, remaining, ...variable, ...payload]);
}
/** MQTT 3.1.1 CONNACK (§3.2): 0x20 0x02, session present 0, return code 0 (accepted). */
const CONNACK_OK = [0x20, 0x02, 0x00, 0x00];

describe.skipIf(skip)('device: mosquitto broker with mutual TLS and PSK listeners', () => {
  let dir: string;
  let broker: ChildProcess | undefined;
  let log = '';
  let certPort = 0;
  let pskPort = 0;
  const pskKey = randomBytes(32).toString('hex');

  beforeAll(async () => {
    const pki = testPki();
    const server = pki.leaf('p256');
    dir = mkdtempSync(join(tmpdir(), 'puretls-mosquitto-'));
    certPort = await freePort();
    pskPort = await freePort();
    // mosquitto drops root privileges to its own user: it reads copies in a directory it may enter.
    writeFileSync(join(dir, 'psk.txt'), `sensor-17:${pskKey}\n`);
    writeFileSync(join(dir, 'client-ca.pem'), clientPki().caPem);
    writeFileSync(join(dir, 'server.pem'), server.chainPem);
    writeFileSync(join(dir, 'server.key'), server.keyPem);
    const conf = [
      'per_listener_settings true',
      'log_dest stdout',
      'log_type all',
      'persistence false',
      `listener ${certPort} 127.0.0.1`,
      'allow_anonymous true',
      `cafile ${join(dir, 'client-ca.pem')}`,
      `certfile ${join(dir, 'server.pem')}`,
      `keyfile ${join(dir, 'server.key')}`,
      'require_certificate true',
      'use_identity_as_username true',
      `listener ${pskPort} 127.0.0.1`,
      'allow_anonymous true',
      'psk_hint puretls-fleet',
      `psk_file ${join(dir, 'psk.txt')}`,
      'use_identity_as_username true',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'mosquitto.conf'), conf);
    chmodSync(dir, 0o755);
    for (const f of ['psk.txt', 'client-ca.pem', 'server.pem', 'server.key', 'mosquitto.conf']) chmodSync(join(dir, f), 0o644);
    broker = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    broker.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    broker.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const alive = () => broker!.exitCode === null;
    await waitForPort(certPort, 15_000, alive).catch((e: Error) => {
      throw new Error(`${e.message}; mosquitto log:\n${log}`);
    });
    await waitForPort(pskPort, 15_000, alive).catch((e: Error) => {
      throw new Error(`${e.message}; mosquitto log:\n${log}`);
    });
  }, 60_000);

  afterAll(async () => {
    if (broker && broker.exitCode === null) {
      const exited = new Promise((r) => broker!.once('exit', r));
      broker.kill('SIGTERM');
      await within(exited, 10_000, 'mosquitto exit').catch(() => broker!.kill('SIGKILL'));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function connectAndConnack(port: number, o: ClientOptions, clientId: string) {
    const sock = await within(connect({ host: 'localhost', port, timeout: 15_000, ...o }), 20_000, 'TLS handshake with mosquitto');
    try {
      sock.write(mqttConnect(clientId));
      const reply = await readAtLeast(sock, 4, 15_000);
      expect([...reply.subarray(0, 4)]).toEqual(CONNACK_OK);
      return sock.info!;
    } finally {
      sock.destroy();
    }
  }

  for (const v of ['1.3', '1.2'] as const) {
    it(`TLS ${v}: a client certificate with an encrypted key → CONNACK accepted (the broker requires the certificate)`, async () => {
      const c = clientPki().cred('p256');
      const info = await connectAndConnack(certPort, { ca: testPki().ca, minVersion: v, maxVersion: v, cert: c.certPem, key: c.encryptedPem, passphrase: PASSPHRASE }, `dev-cert-${v}`);
      expect(info.clientAuth?.subject).toBe('CN=device-p256');
    });
  }

  for (const v of ['1.3', '1.2'] as const) {
    it(`TLS ${v}: no client certificate: the broker refuses, CLIENT_CERT_REQUIRED`, async () => {
      // Nothing is written: in TLS 1.3 the refusal comes after our Finished, and a CONNECT sent
      // into the closing socket would make the broker's kernel reset it before its alert is read.
      const err = await within(
        (async () => {
          try {
            const sock = await connect({ host: 'localhost', port: certPort, ca: testPki().ca, minVersion: v, maxVersion: v, timeout: 15_000 });
            return await new Promise<unknown>((resolve) => {
              sock.once('error', resolve);
              sock.once('end', () => resolve(new Error('ended without an error')));
            });
          } catch (e) {
            return e;
          }
        })(),
        20_000,
        'the broker refusing',
      );
      expect((err as { code?: string }).code).toBe('CLIENT_CERT_REQUIRED');
    });
  }

  for (const v of ['1.3', '1.2'] as const) {
    it(`TLS ${v}: a PSK (identity sensor-17) → CONNACK accepted`, async () => {
      const hints: Array<string | undefined> = [];
      const info = await connectAndConnack(
        pskPort,
        { minVersion: v, maxVersion: v, psk: (hint) => (hints.push(hint), { identity: 'sensor-17', key: pskKey }) },
        `dev-psk-${v}`,
      );
      expect(info.pskIdentity).toBe('sensor-17');
      if (v === '1.2') expect(hints).toEqual(['puretls-fleet']);
    });
  }
});
