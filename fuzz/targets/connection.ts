/**
 * Fuzz target: the whole sans-IO connection fed a server's bytes. The client is deterministic
 * (fixed randomness and clock), so a flight recorded once from a real server (fuzz/seeds.ts)
 * replays to the end of the handshake, and mutations of it reach every state: the first byte
 * picks TLS 1.3 or 1.2 (the options the seed was recorded with) and how the bytes are cut.
 */
import { ClientConnection } from '../../src/connection.js';
import type { ClientOptions } from '../../src/types.js';
import { onlyTlsErrors } from '../common.js';

/** The client options seeds are recorded with; `version` picks minVersion/maxVersion. */
export function fuzzClientOptions(version: '1.2' | '1.3'): ClientOptions {
  let counter = 0;
  return {
    servername: 'localhost',
    verify: 'none',
    minVersion: version,
    maxVersion: version,
    // Deterministic: the same ClientHello and key shares every run.
    random: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = (counter++ * 131 + 7) & 0xff;
      return out;
    },
    now: () => new Date('2026-12-01T00:00:00Z'),
  };
}

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const version = data[0]! & 1 ? '1.2' : '1.3';
  const chunk = data[0]! & 0x80 ? 1 + (data[0]! >> 1) : data.length;
  const body = data.subarray(1);
  onlyTlsErrors(() => {
    const c = new ClientConnection(fuzzClientOptions(version));
    c.takeOutput();
    for (let off = 0; off < body.length; off += chunk) {
      c.feed(body.subarray(off, off + chunk));
      c.takeOutput();
      c.read();
    }
    c.close();
    c.takeOutput();
  });
}
