/**
 * Fuzz target: the whole sans-IO connection fed a server's bytes. The client is deterministic
 * (fixed randomness and clock), so a flight recorded once from a real server (fuzz/seeds.ts)
 * replays to the end of the handshake, and mutations of it reach every state. The first byte
 * picks the profile the flight was recorded with (bit 0: TLS 1.2 or 1.3) and how the bytes are
 * cut (bit 7 set: chunks of 1 + 4·(bits 2..6) bytes).
 *
 * Certificate handshakes: each execution costs an X25519 key pair and shared secret and, when
 * the flight gets that far, a signature check, all in pure JS; the seeds use an RSA server key as
 * well as ECDSA (RSA verification with e = 65537 is the cheapest). connection-psk.ts fuzzes the
 * same connection with external PSKs (no public-key operation per execution).
 */
import type { ClientOptions } from '../../src/types.js';
import { feedConnection } from './connection-common.js';

export type CertProfile = '1.3' | '1.2';
export const CERT_PROFILES: readonly CertProfile[] = ['1.3', '1.2'];

/** Deterministic: the same ClientHello and key shares every run. */
export function deterministic(): Pick<ClientOptions, 'random' | 'now'> {
  let counter = 0;
  return {
    random: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = (counter++ * 131 + 7) & 0xff;
      return out;
    },
    now: () => new Date('2026-12-01T00:00:00Z'),
  };
}

/** The client options seeds are recorded with. */
export function fuzzClientOptions(version: CertProfile): ClientOptions {
  return {
    servername: 'localhost',
    verify: 'none',
    minVersion: version,
    maxVersion: version,
    // One X25519 share (no ML-KEM key generation per execution); P-256 stays offered, so a
    // HelloRetryRequest for it is reachable.
    groups: ['x25519', 'secp256r1'],
    keyShareGroups: ['x25519'],
    ...deterministic(),
  };
}

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  feedConnection(data, fuzzClientOptions(CERT_PROFILES[data[0]! & 1]!));
}
