/**
 * key_share (RFC 8446 §4.2.8).
 *
 *     struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry;
 *     struct { KeyShareEntry client_shares<0..2^16-1>; } KeyShareClientHello;
 *     struct { NamedGroup selected_group; } KeyShareHelloRetryRequest;
 *     struct { KeyShareEntry server_share; } KeyShareServerHello;
 */
import { peerError } from '../../errors.js';
import { Reader } from '../../wire/reader.js';
import type { Writer } from '../../wire/writer.js';
import { write } from '../../wire/writer.js';

export interface KeyShareEntry {
  group: number;
  keyExchange: Uint8Array;
}

function writeEntry(w: Writer, e: KeyShareEntry): void {
  w.u16(e.group);
  w.vec16(e.keyExchange);
}
function readEntry(r: Reader): KeyShareEntry {
  const group = r.u16('KeyShareEntry.group');
  const keyExchange = r.vec16('KeyShareEntry.key_exchange', 1);
  return { group, keyExchange };
}

/** ClientHello: client_shares (may be empty, RFC 8446 §4.2.8). */
export function encodeKeyShareClientHello(shares: readonly KeyShareEntry[]): Uint8Array {
  return write((w) => w.u16Prefixed((w) => shares.forEach((e) => writeEntry(w, e))));
}
export function decodeKeyShareClientHello(data: Uint8Array): KeyShareEntry[] {
  const r = new Reader(data, 'key_share');
  const out = r.sub16('client_shares').list(readEntry);
  r.end();
  // RFC 8446 §4.2.8: Clients MUST NOT offer multiple KeyShareEntry values for the same group
  // (servers MAY check and answer illegal_parameter).
  const seen = new Set<number>();
  for (const e of out) {
    if (seen.has(e.group)) throw peerError('ILLEGAL_VALUE', 'duplicate_key_share_group', `key_share: two shares for group 0x${e.group.toString(16)}`);
    seen.add(e.group);
  }
  return out;
}

/** ServerHello: server_share. */
export function encodeKeyShareServerHello(share: KeyShareEntry): Uint8Array {
  return write((w) => writeEntry(w, share));
}
export function decodeKeyShareServerHello(data: Uint8Array): KeyShareEntry {
  const r = new Reader(data, 'key_share');
  const e = readEntry(r);
  r.end();
  return e;
}

/** HelloRetryRequest: selected_group. */
export function encodeKeyShareHelloRetryRequest(selectedGroup: number): Uint8Array {
  return write((w) => w.u16(selectedGroup));
}
export function decodeKeyShareHelloRetryRequest(data: Uint8Array): number {
  const r = new Reader(data, 'key_share');
  const g = r.u16('selected_group');
  r.end();
  return g;
}
