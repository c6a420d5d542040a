/**
 * NewSessionTicket, TLS 1.3 (RFC 8446 §4.6.1) and TLS 1.2 (RFC 5077 §3.3).
 *
 *     // TLS 1.3
 *     struct {
 *         uint32 ticket_lifetime;
 *         uint32 ticket_age_add;
 *         opaque ticket_nonce<0..255>;
 *         opaque ticket<1..2^16-1>;
 *         Extension extensions<0..2^16-2>;
 *     } NewSessionTicket;
 *
 *     // TLS 1.2
 *     struct {
 *         uint32 ticket_lifetime_hint;
 *         opaque ticket<0..2^16-1>;
 *     } NewSessionTicket;
 */
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';
import { ExtensionType } from '../codec/types.js';
import { type ExtensionList, type Extensions, decodeExtensions, writeExtensions } from '../extensions/block.js';
import { decodeEarlyDataTicket } from '../extensions/psk.js';

export interface NewSessionTicket13 {
  /** Seconds; RFC 8446 §4.6.1: servers MUST NOT use a value above 604800 (checked by the state machine). */
  lifetime: number;
  ageAdd: number;
  nonce: Uint8Array;
  ticket: Uint8Array;
  extensions: Extensions;
  /** From the early_data extension, when present (RFC 8446 §4.2.10). */
  maxEarlyDataSize?: number;
}

export function encodeNewSessionTicket13(t: {
  lifetime: number;
  ageAdd: number;
  nonce: Uint8Array;
  ticket: Uint8Array;
  extensions: ExtensionList;
}): Uint8Array {
  return write((w) => {
    w.u32(t.lifetime >>> 0);
    w.u32(t.ageAdd >>> 0);
    w.vec8(t.nonce);
    w.vec16(t.ticket);
    writeExtensions(w, t.extensions);
  });
}
export function decodeNewSessionTicket13(body: Uint8Array): NewSessionTicket13 {
  const r = new Reader(body, 'NewSessionTicket');
  const lifetime = r.u32('ticket_lifetime');
  const ageAdd = r.u32('ticket_age_add');
  const nonce = r.vec8('ticket_nonce');
  const ticket = r.vec16('ticket', 1);
  const extensions = decodeExtensions(r, 'NewSessionTicket');
  r.end();
  const out: NewSessionTicket13 = { lifetime, ageAdd, nonce, ticket, extensions };
  const ed = extensions.get(ExtensionType.early_data);
  if (ed !== undefined) out.maxEarlyDataSize = decodeEarlyDataTicket(ed);
  return out;
}

export interface NewSessionTicket12 {
  lifetimeHint: number;
  ticket: Uint8Array;
}

export function encodeNewSessionTicket12(t: NewSessionTicket12): Uint8Array {
  return write((w) => {
    w.u32(t.lifetimeHint >>> 0);
    w.vec16(t.ticket);
  });
}
export function decodeNewSessionTicket12(body: Uint8Array): NewSessionTicket12 {
  const r = new Reader(body, 'NewSessionTicket');
  const lifetimeHint = r.u32('ticket_lifetime_hint');
  const ticket = r.vec16('ticket');
  r.end();
  return { lifetimeHint, ticket };
}
