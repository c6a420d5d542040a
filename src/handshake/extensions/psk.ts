/**
 * The TLS 1.3 PSK extensions: psk_key_exchange_modes (RFC 8446 §4.2.9), pre_shared_key
 * (§4.2.11) and early_data (§4.2.10).
 *
 *     enum { psk_ke(0), psk_dhe_ke(1), (255) } PskKeyExchangeMode;
 *     struct { PskKeyExchangeMode ke_modes<1..255>; } PskKeyExchangeModes;
 *
 *     struct { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; } PskIdentity;
 *     opaque PskBinderEntry<32..255>;
 *     struct { PskIdentity identities<7..2^16-1>; PskBinderEntry binders<33..2^16-1>; } OfferedPsks;
 *     struct {
 *         select (Handshake.msg_type) {
 *             case client_hello: OfferedPsks;
 *             case server_hello: uint16 selected_identity;
 *         };
 *     } PreSharedKeyExtension;
 *
 *     struct {
 *         select (Handshake.msg_type) {
 *             case new_session_ticket:   uint32 max_early_data_size;
 *             case client_hello:         Empty;
 *             case encrypted_extensions: Empty;
 *         };
 *     } EarlyDataIndication;
 *
 * Binders: the binder is an HMAC over the ClientHello truncated just before the binders list
 * (RFC 8446 §4.2.11.2). pre_shared_key is the last extension (§4.2.11), so the binders block
 * (its u16 length + entries) is the tail of the encoded ClientHello: `bindersBlockLength` gives
 * its size so the caller can hash `raw.subarray(0, raw.length - bindersBlockLength(...))`, then
 * encode again with the real binders (same lengths, so the same size).
 */
import { decodeError } from '../../errors.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';
import { decodeEmpty, decodeU8List, encodeEmpty, encodeU8List } from './common.js';

export const PskKeyExchangeMode = { psk_ke: 0, psk_dhe_ke: 1 } as const;

export function encodePskKeyExchangeModes(modes: readonly number[]): Uint8Array {
  return encodeU8List(modes);
}
export function decodePskKeyExchangeModes(data: Uint8Array): number[] {
  return decodeU8List(data, 'psk_key_exchange_modes', 1);
}

export interface PskIdentity {
  identity: Uint8Array;
  obfuscatedTicketAge: number;
}
export interface OfferedPsks {
  identities: PskIdentity[];
  binders: Uint8Array[];
}

/** ClientHello: OfferedPsks. */
export function encodeOfferedPsks(psks: OfferedPsks): Uint8Array {
  return write((w) => {
    w.u16Prefixed((w) =>
      psks.identities.forEach((id) => {
        w.vec16(id.identity);
        w.u32(id.obfuscatedTicketAge >>> 0);
      }),
    );
    w.u16Prefixed((w) => psks.binders.forEach((b) => w.vec8(b)));
  });
}
export function decodeOfferedPsks(data: Uint8Array): OfferedPsks {
  const r = new Reader(data, 'pre_shared_key');
  const ids = r.sub16('identities');
  const identities = ids.list((r) => ({
    identity: r.vec16('identity', 1),
    obfuscatedTicketAge: r.u32('obfuscated_ticket_age'),
  }));
  if (identities.length === 0) throw decodeError('empty_list', 'pre_shared_key: no identities');
  const bs = r.sub16('binders');
  const binders = bs.list((r) => {
    const b = r.vec8('PskBinderEntry');
    if (b.length < 32) throw decodeError('psk_binder_too_short', 'pre_shared_key: PskBinderEntry shorter than 32');
    return b;
  });
  if (binders.length === 0) throw decodeError('empty_list', 'pre_shared_key: no binders');
  r.end();
  // RFC 8446 §4.2.11: one binder per identity (a server answers illegal_parameter otherwise).
  if (binders.length !== identities.length) throw decodeError('psk_binders_mismatch_identities', 'pre_shared_key: binders do not match identities');
  return { identities, binders };
}

/** Bytes of the binders list at the end of the ClientHello: u16 length + (u8 length + binder) each. */
export function bindersBlockLength(binderLengths: readonly number[]): number {
  return 2 + binderLengths.reduce((n, l) => n + 1 + l, 0);
}

/** ServerHello: selected_identity. */
export function encodePreSharedKeyServer(selectedIdentity: number): Uint8Array {
  return write((w) => w.u16(selectedIdentity));
}
export function decodePreSharedKeyServer(data: Uint8Array): number {
  const r = new Reader(data, 'pre_shared_key');
  const v = r.u16('selected_identity');
  r.end();
  return v;
}

/** ClientHello / EncryptedExtensions: empty. */
export const encodeEarlyData = encodeEmpty;
export function decodeEarlyData(data: Uint8Array): void {
  decodeEmpty(data, 'early_data');
}
/** NewSessionTicket: max_early_data_size. */
export function encodeEarlyDataTicket(maxEarlyDataSize: number): Uint8Array {
  return write((w) => w.u32(maxEarlyDataSize >>> 0));
}
export function decodeEarlyDataTicket(data: Uint8Array): number {
  const r = new Reader(data, 'early_data');
  const v = r.u32('max_early_data_size');
  r.end();
  return v;
}
