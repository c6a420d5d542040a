/**
 * puretls/mqtt: MQTT.js (the real library) over puretls against `mosquitto` (Debian's) with a
 * TLS listener on 127.0.0.1: CONNECT, SUBSCRIBE, PUBLISH, and the message coming back. Also
 * the synchronous stream builder's failure path: an untrusted certificate is an 'error' on
 * the client (not MQTT.js's "connack timeout").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { mqttStreamBuilder } from '../../src/transport/mqtt.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { freePort } from '../helpers/peers.js';
import { otherPki, pki, within } from './local-server.js';

const missing = programMissing('mosquitto');
let broker: ChildProcess | undefined;
let brokerPort: number | undefined;
let dir: string | undefined;
afterAll(() => {
  broker?.kill('SIGKILL');
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** mosquitto with one TLS listener on 127.0.0.1 (a free port; retried if taken). */
async function startBroker(): Promise<number> {
  const p = await pki();
  dir = mkdtempSync(join(tmpdir(), 'puretls-mqtt-'));
  writeFileSync(join(dir, 'cert.pem'), p.leaf.cert);
  writeFileSync(join(dir, 'key.pem'), p.leaf.key);
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const conf = join(dir, 'mosquitto.conf');
    // `user root`: stay the user we run as (mosquitto would switch from root to "mosquitto").
    writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', `certfile ${join(dir, 'cert.pem')}`, `keyfile ${join(dir, 'key.pem')}`, 'user root', ''].join('\n'));
    const proc = spawn('mosquitto', ['-c', conf, '-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const ok = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 10_000);
      const onData = (d: Buffer): void => {
        out += d.toString();
        if (/running/.test(out)) {
          clearTimeout(t);
          resolve(true);
        }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('exit', () => {
        clearTimeout(t);
        resolve(false);
      });
    });
    if (ok) {
      broker = proc;
      brokerPort = port;
      return port;
    }
    proc.kill('SIGKILL');
    if (!/Address already in use/i.test(out)) throw new Error(`mosquitto did not start:\n${out}`);
  }
  throw new Error('mosquitto: no free port after 5 attempts');
}

describe.skipIf(skipFor(missing, 'MQTT.js against mosquitto'))('puretls/mqtt: MQTT.js against mosquitto', () => {
  it('CONNECT, SUBSCRIBE, PUBLISH and the message back, over TLS 1.3', async () => {
    const port = await startBroker();
    const ca = (await pki()).ca.cert;
    let socketProtocol: string | null = null;
    const build = mqttStreamBuilder({ host: 'localhost', port, ca });
    const client = new MqttClient(() => {
      const s = build();
      s.once('secureConnect', () => (socketProtocol = s.getProtocol()));
      return s;
    }, { clientId: 'puretls-test', protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 20_000 });
    try {
      await within(new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      }), 20_000, 'CONNACK');
      expect(socketProtocol).toBe('TLSv1.3');
      const got = new Promise<[string, string]>((resolve) => client.once('message', (t, m) => resolve([t, m.toString()])));
      await within(client.subscribeAsync('puretls/test', { qos: 1 }), 10_000, 'SUBACK');
      await within(client.publishAsync('puretls/test', 'hello through mosquitto', { qos: 1 }), 10_000, 'PUBACK');
      expect(await within(got, 10_000, 'the message')).toEqual(['puretls/test', 'hello through mosquitto']);
    } finally {
      await client.endAsync(true);
    }
  });

  it('an untrusted broker certificate is an error on the client at once', async () => {
    const port = brokerPort ?? (await startBroker());
    const client = new MqttClient(mqttStreamBuilder({ host: 'localhost', port, ca: (await otherPki()).ca.cert }), {
      clientId: 'puretls-untrusted',
      reconnectPeriod: 0,
      connectTimeout: 60_000,
    });
    try {
      const err = (await within(new Promise<Error>((resolve) => client.once('error', resolve)), 10_000, 'the error')) as Error & { code?: string };
      expect(err.code).toBe('CERT_VERIFY_FAILED');
    } finally {
      await client.endAsync(true);
    }
  });
});
