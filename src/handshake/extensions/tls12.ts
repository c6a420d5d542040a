/**
 * Extensions that matter only for TLS 1.2: extended_master_secret (RFC 7627 §5.1),
 * encrypt_then_mac (RFC 7366 §2), renegotiation_info (RFC 5746 §3.2) and session_ticket
 * (RFC 5077 §3.2).
 *
 *     extended_master_secret, encrypt_then_mac: extension_data is empty.
 *     struct { opaque renegotiated_connection<0..255>; } RenegotiationInfo;
 *     session_ticket: extension_data is the ticket itself (ClientHello; empty = ask for one),
 *                     empty in ServerHello.
 */
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';
import { decodeEmpty, encodeEmpty } from './common.js';

export const encodeExtendedMasterSecret = encodeEmpty;
export function decodeExtendedMasterSecret(data: Uint8Array): void {
  decodeEmpty(data, 'extended_master_secret'); // RFC 7627 §5.1: "The "extension_data" field ... MUST be empty"
}

export const encodeEncryptThenMac = encodeEmpty;
export function decodeEncryptThenMac(data: Uint8Array): void {
  decodeEmpty(data, 'encrypt_then_mac'); // RFC 7366 §2: "extension_data" field ... empty
}

/**
 * RFC 5746 §3.4-3.5: on an initial handshake renegotiated_connection is empty; in the server's
 * answer to a renegotiation it is client_verify_data + server_verify_data.
 */
export function encodeRenegotiationInfo(renegotiatedConnection: Uint8Array = new Uint8Array(0)): Uint8Array {
  return write((w) => w.vec8(renegotiatedConnection));
}
export function decodeRenegotiationInfo(data: Uint8Array): Uint8Array {
  const r = new Reader(data, 'renegotiation_info');
  const v = r.vec8('renegotiated_connection');
  r.end();
  return v;
}

/** ClientHello: the ticket (opaque, may be empty). */
export function encodeSessionTicket(ticket: Uint8Array = new Uint8Array(0)): Uint8Array {
  return ticket.slice();
}
export function decodeSessionTicket(data: Uint8Array): Uint8Array {
  return data;
}
/** ServerHello: empty (RFC 5077 §3.2: "the server ... SHOULD send an empty SessionTicket extension"). */
export const encodeSessionTicketServer = encodeEmpty;
export function decodeSessionTicketServer(data: Uint8Array): void {
  decodeEmpty(data, 'session_ticket');
}
