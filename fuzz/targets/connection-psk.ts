/**
 * Fuzz target: the whole sans-IO connection with an external PSK, fed a server's bytes (see
 * connection.ts): TLS 1.3 psk_ke and TLS 1.2 plain PSK suites, so no certificate and no key
 * exchange: an execution costs hashes and an AEAD, and this target reaches the record layer, key
 * schedules, Finished, tickets, KeyUpdate, application data and closure at many times the rate
 * of the certificate handshakes. Bit 0 of the first byte picks the profile; bit 7 the chunking,
 * as in connection.ts.
 */
import type { ClientOptions } from '../../src/types.js';
import { deterministic } from './connection.js';
import { feedConnection } from './connection-common.js';

export type PskProfile = '1.3-psk_ke' | '1.2-psk';
export const PSK_PROFILES: readonly PskProfile[] = ['1.3-psk_ke', '1.2-psk'];

/** The PSK seeds are recorded with (openssl s_server -psk, fuzz/seeds.ts). */
export const FUZZ_PSK = { identity: 'fuzz', key: '00112233445566778899aabbccddeeff' };

export function fuzzPskOptions(profile: PskProfile): ClientOptions {
  const v = profile.startsWith('1.3') ? '1.3' : '1.2';
  return {
    servername: 'localhost',
    verify: 'none',
    minVersion: v,
    maxVersion: v,
    psk: FUZZ_PSK,
    // psk_ke: no (EC)DHE, so no key share to make (RFC 8446 §4.2.8 lets client_shares be empty).
    ...(v === '1.3' ? { pskMode: 'psk_ke' as const, keyShareGroups: [] } : {}),
    ...(profile === '1.2-psk' ? { ciphers: ['TLS_PSK_WITH_AES_128_GCM_SHA256', 'TLS_PSK_WITH_AES_128_CBC_SHA256'] } : {}),
    groups: ['x25519'],
    ...deterministic(),
  };
}

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  feedConnection(data, fuzzPskOptions(PSK_PROFILES[data[0]! & 1]!));
}
