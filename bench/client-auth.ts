/**
 * `npm run bench:auth`: what client authentication and pre-shared keys cost the client.
 *
 *   (a) signing cost per key type: one CertificateVerify signature as the handshake makes it
 *       (ClientIdentity.sign + finishSignature: RSA with CRT, blinding and its self-check; ECDSA and
 *       EdDSA verified after signing), ms per signature;
 *   (b) client CPU per handshake against `openssl s_server` (a child process, so this process's
 *       CPU is the client's alone): a full certificate handshake (P-256 chain of two verified)
 *       vs an external-PSK handshake without certificates, TLS 1.3 (psk_dhe_ke, psk_ke) and TLS
 *       1.2 (ECDHE_ECDSA vs ECDHE_PSK and PSK suites); the PSK handshake is the shape a resumed
 *       handshake has (no certificate, no signature).
 */
import { randomBytes } from 'node:crypto';
import { connectAsync as connect } from '../src/transport/node.js';
import { identityFromOptions } from '../src/identity/load.js';
import { secureRandom } from '../src/crypto/random.js';
import type { ClientOptions } from '../src/types.js';
import { clientPki, type ClientKeyKind } from '../test/helpers/client-certs.js';
import { opensslCredArgs, testPki } from '../test/helpers/certs.js';
import { startOpenSslServer, stopAllPeers } from '../test/helpers/peers.js';
import { cpuMsSince, fmt, mdTable, median, msSince, nowNs } from './util.js';

const MSG = randomBytes(130); // the size of a TLS 1.3 CertificateVerify content with SHA-256

function signingCost(kind: ClientKeyKind, budgetMs = 800): { scheme: string; ms: number; iters: number } {
  const c = clientPki().cred(kind);
  const id = identityFromOptions({ cert: c.certPem, key: c.keyPem })!;
  const scheme = id.signableSchemes('1.3')[0]!;
  const one = () => id.finishSignature(scheme, MSG, '1.3', id.sign(scheme, MSG, '1.3', secureRandom) as Uint8Array);
  for (let i = 0; i < 3; i++) one();
  const samples: number[] = [];
  const t0 = nowNs();
  while (msSince(t0) < budgetMs || samples.length < 5) {
    const t = nowNs();
    one();
    samples.push(msSince(t));
  }
  return { scheme: scheme.name, ms: median(samples), iters: samples.length };
}

async function handshakeCpu(args: string[], options: ClientOptions & { port?: number }, rounds = 40): Promise<{ cpuMs: number; wallMs: number; info: string }> {
  const peer = await startOpenSslServer(args);
  try {
    let info = '';
    const one = async () => {
      const s = await connect({ host: 'localhost', port: peer.port, timeout: 10_000, ...options });
      info = `${s.info!.protocol} ${s.info!.cipher} ${s.info!.group ?? 'no (EC)DHE'}${s.info!.pskIdentity ? ' psk' : ''}`;
      s.destroy();
    };
    for (let i = 0; i < 3; i++) await one();
    const walls: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < rounds; i++) {
      const t = nowNs();
      await one();
      walls.push(msSince(t));
    }
    return { cpuMs: cpuMsSince(cpu0) / rounds, wallMs: median(walls), info };
  } finally {
    await peer.stop();
  }
}

async function main(): Promise<void> {
  const kinds: ClientKeyKind[] = ['p256', 'p384', 'p521', 'ed25519', 'ed448', 'rsa2048', 'rsapss'];
  const sig = kinds.map((k) => ({ k, ...signingCost(k) }));
  console.log('### Client signing cost (one CertificateVerify, sign + check)\n');
  console.log(mdTable(['key', 'scheme', 'ms / signature'], sig.map((r) => [r.k, r.scheme, fmt(r.ms, 2)])));

  const pki = testPki();
  const server = pki.direct(); // P-256 leaf issued by the root: the client verifies a chain of two
  const cred = opensslCredArgs(server);
  const key = randomBytes(32).toString('hex');
  const psk = { identity: 'bench', key };
  const pskArgs = ['-psk', key, '-psk_identity', 'bench', '-nocert'];
  const ca = pki.ca;
  const rows: Array<[string, string, { cpuMs: number; wallMs: number; info: string }]> = [];
  const run = async (label: string, version: string, args: string[], o: ClientOptions) => rows.push([label, version, await handshakeCpu(args, o)]);
  await run('full: certificate (P-256, chain of two verified)', '1.3', ['-tls1_3', '-groups', 'X25519', ...cred], { ca, minVersion: '1.3', groups: ['x25519'], keyShareGroups: ['x25519'] });
  await run('PSK, psk_dhe_ke (x25519)', '1.3', ['-tls1_3', '-groups', 'X25519', ...pskArgs], { psk, minVersion: '1.3', groups: ['x25519'], keyShareGroups: ['x25519'] });
  await run('PSK, psk_ke (no (EC)DHE)', '1.3', ['-tls1_3', '-allow_no_dhe_kex', ...pskArgs], { psk, pskMode: 'psk_ke', minVersion: '1.3', groups: ['x25519'], keyShareGroups: ['x25519'] });
  await run('full: ECDHE_ECDSA (P-256, chain of two verified)', '1.2', ['-tls1_2', '-groups', 'X25519', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256', ...cred], { ca, maxVersion: '1.2', groups: ['x25519', 'secp256r1'] });
  await run('ECDHE_PSK (x25519)', '1.2', ['-tls1_2', '-groups', 'X25519', '-cipher', 'ECDHE-PSK-CHACHA20-POLY1305', ...pskArgs], { psk, maxVersion: '1.2', groups: ['x25519'] });
  await run('PSK (no (EC)DHE)', '1.2', ['-tls1_2', '-cipher', 'PSK-AES128-GCM-SHA256', ...pskArgs], { psk, maxVersion: '1.2' });
  await stopAllPeers();
  console.log('\n### Client CPU per handshake: full vs pre-shared key (against openssl s_server on loopback)\n');
  const full = (v: string) => rows.find((r) => r[1] === v && r[0].startsWith('full'))![2].cpuMs;
  console.log(
    mdTable(
      ['handshake', 'TLS', 'client CPU ms', 'vs full', 'wall ms', 'negotiated'],
      rows.map(([label, v, r]) => [label, v, fmt(r.cpuMs, 2), label.startsWith('full') ? '1' : fmt(r.cpuMs / full(v), 2), fmt(r.wallMs, 2), r.info]),
    ),
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
