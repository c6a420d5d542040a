/**
 * Interop: external pre-shared keys against `openssl s_server -psk HEX -psk_identity ID -nocert`.
 * TLS 1.3 with psk_dhe_ke and (with -allow_no_dhe_kex) psk_ke; TLS 1.2 with each PSK suite and an
 * identity hint given to the `psk` callback. The -www page shows the server's view (OpenSSL
 * reports a TLS 1.3 PSK handshake as "Reused"; in TLS 1.2 the PSK identity it received).
 * A wrong key fails with the cause named.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import { TlsError } from '../../src/errors.js';
import type { ClientOptions } from '../../src/types.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { exchange, startOpenSslServer, stopAllPeers } from '../helpers/peers.js';

const skip = skipFor(programMissing('openssl'), 'PSK interop with openssl s_server');
const GET = 'GET / HTTP/1.0\r\n\r\n';
const KEY = randomBytes(32).toString('hex');
const ID = 'device-0042';

const TLS12_SUITES: Array<{ openssl: string; iana: string; ecdhe: boolean }> = [
  { openssl: 'PSK-AES128-GCM-SHA256', iana: 'TLS_PSK_WITH_AES_128_GCM_SHA256', ecdhe: false },
  { openssl: 'PSK-AES256-GCM-SHA384', iana: 'TLS_PSK_WITH_AES_256_GCM_SHA384', ecdhe: false },
  { openssl: 'PSK-CHACHA20-POLY1305', iana: 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256', ecdhe: false },
  { openssl: 'ECDHE-PSK-CHACHA20-POLY1305', iana: 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256', ecdhe: true },
  { openssl: 'PSK-AES128-CBC-SHA256', iana: 'TLS_PSK_WITH_AES_128_CBC_SHA256', ecdhe: false },
  { openssl: 'ECDHE-PSK-AES128-CBC-SHA256', iana: 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256', ecdhe: true },
];

describe.skipIf(skip)('interop: external PSK with openssl s_server -nocert', () => {
  afterAll(stopAllPeers);
  const opts = (port: number, o: ClientOptions): ClientOptions & { host: string; port: number } => ({ host: '127.0.0.1', port, ...o });

  describe('TLS 1.3', () => {
    it('psk_dhe_ke (default): no certificate, an (EC)DHE group, the server reports the PSK handshake', async () => {
      const peer = await startOpenSslServer(['-tls1_3', '-psk', KEY, '-psk_identity', ID, '-nocert', '-www']);
      try {
        const r = await exchange(connect, opts(peer.port, { minVersion: '1.3', psk: { identity: ID, key: KEY } }), GET);
        expect(r.info.protocol).toBe('TLSv1.3');
        expect(r.info.pskIdentity).toBe(ID);
        expect(r.info.group).toBeDefined();
        expect(r.info.signatureScheme).toBeUndefined();
        expect(r.info.verify.peerCertificates).toHaveLength(0);
        expect(r.events.some((e) => e.type === 'message' && e.direction === 'received' && e.name === 'certificate')).toBe(false);
        expect(r.data.toString('latin1')).toMatch(/Reused, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256/);
      } finally {
        await peer.stop();
      }
    });

    it('psk_ke (pskMode, with -allow_no_dhe_kex): no key exchange at all', async () => {
      const peer = await startOpenSslServer(['-tls1_3', '-psk', KEY, '-psk_identity', ID, '-nocert', '-allow_no_dhe_kex', '-www']);
      try {
        const r = await exchange(connect, opts(peer.port, { minVersion: '1.3', psk: { identity: ID, key: KEY }, pskMode: 'psk_ke' }), GET);
        expect(r.info.pskIdentity).toBe(ID);
        expect(r.info.group).toBeUndefined();
        expect(r.events.some((e) => e.type === 'check' && /psk_ke: no \(EC\)DHE/.test(e.detail ?? ''))).toBe(true);
        expect(r.data.toString('latin1')).toMatch(/Reused, TLSv1\.3/);
      } finally {
        await peer.stop();
      }
    });

    it('a wrong key fails cleanly, naming the PSK as the cause', async () => {
      const peer = await startOpenSslServer(['-tls1_3', '-psk', KEY, '-psk_identity', ID, '-nocert', '-www']);
      try {
        const err = await exchange(connect, opts(peer.port, { minVersion: '1.3', psk: { identity: ID, key: randomBytes(32) } }), GET).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(TlsError);
        expect((err as TlsError).code).toBe('PEER_ALERT');
        expect((err as TlsError).explanation).toMatch(/rejected our pre-shared key: check that `psk`/);
      } finally {
        await peer.stop();
      }
    });
  });

  describe('TLS 1.2', () => {
    for (const s of TLS12_SUITES) {
      it(`${s.iana}, with the identity hint handed to the psk callback`, async () => {
        const peer = await startOpenSslServer(['-tls1_2', '-psk', KEY, '-psk_identity', ID, '-psk_hint', 'fleet-7', '-nocert', '-cipher', s.openssl, '-www']);
        try {
          const hints: Array<string | undefined> = [];
          const r = await exchange(
            connect,
            opts(peer.port, { maxVersion: '1.2', psk: (hint) => (hints.push(hint), { identity: ID, key: KEY }) }),
            GET,
          );
          expect(r.info.protocol).toBe('TLSv1.2');
          expect(r.info.cipher).toBe(s.iana);
          expect(r.info.pskIdentity).toBe(ID);
          expect(hints).toEqual(['fleet-7']);
          expect(r.info.group !== undefined).toBe(s.ecdhe);
          const page = r.data.toString('latin1');
          expect(page).toContain(`Cipher is ${s.openssl}`);
          expect(page).toMatch(new RegExp(`PSK identity: ${ID}`));
        } finally {
          await peer.stop();
        }
      });
    }

    it('a wrong key fails cleanly, naming the PSK as the cause', async () => {
      const peer = await startOpenSslServer(['-tls1_2', '-psk', KEY, '-psk_identity', ID, '-nocert', '-cipher', 'PSK-AES128-GCM-SHA256', '-www']);
      try {
        const err = await exchange(connect, opts(peer.port, { maxVersion: '1.2', psk: { identity: ID, key: randomBytes(32) } }), GET).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((err as TlsError).code).toBe('PEER_ALERT');
        expect((err as TlsError).explanation).toMatch(/rejected our pre-shared key/);
      } finally {
        await peer.stop();
      }
    });
  });
});

describe('psk option checks (BAD_CONFIG before any byte)', () => {
  it('malformed keys', async () => {
    const { ClientConnection } = await import('../../src/connection.js');
    const bad = (psk: unknown) => {
      try {
        new ClientConnection({ host: 'x', psk: psk as never, verify: 'none' });
      } catch (e) {
        expect((e as TlsError).code).toBe('BAD_CONFIG');
        return (e as TlsError).explanation;
      }
      throw new Error('accepted');
    };
    expect(bad({ identity: 'a', key: 'zz' })).toMatch(/not hex/);
    expect(bad({ identity: 'a', key: '' })).toMatch(/empty/);
    expect(bad({ identity: 'a', key: 'abc' })).toMatch(/odd number/);
    expect(bad({ identity: 'a', key: '00112233' })).toMatch(/too short: 4 bytes, at least 16/);
    expect(bad({ identity: '', key: KEY })).toMatch(/identity must be 1 to 65535/);
    expect(bad({ identity: 'a', key: KEY, hash: 'md5' })).toMatch(/hash/);
    expect(() => new ClientConnection({ host: 'x', verify: 'none', ciphers: ['TLS_PSK_WITH_AES_128_GCM_SHA256'], maxVersion: '1.2' })).toThrow(/needs a pre-shared key/);
  });
});
