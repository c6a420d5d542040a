/**
 * application_layer_protocol_negotiation (RFC 7301 §3.1).
 *
 *     opaque ProtocolName<1..2^8-1>;
 *     struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
 *
 * The server's answer is the same structure with exactly one name (RFC 7301 §3.1: "MUST contain
 * exactly one"); anything else is a decode_error here, as Go and BoringSSL treat it.
 */
import { decodeError } from '../../errors.js';
import { utf8 } from '../../wire/bytes.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';

const asBytes = (p: string | Uint8Array): Uint8Array => (typeof p === 'string' ? utf8(p) : p);

/** ClientHello: the protocols offered, most preferred first. */
export function encodeAlpn(protocols: readonly (string | Uint8Array)[]): Uint8Array {
  return write((w) => w.u16Prefixed((w) => protocols.forEach((p) => w.vec8(asBytes(p)))));
}
export function decodeAlpn(data: Uint8Array): Uint8Array[] {
  const r = new Reader(data, 'alpn');
  const list = r.sub16('protocol_name_list');
  if (list.isEmpty()) throw decodeError('empty_list', 'alpn: empty protocol_name_list');
  const out = list.list((r) => r.vec8('ProtocolName', 1));
  r.end();
  return out;
}

/** ServerHello / EncryptedExtensions: the one selected protocol. */
export function encodeAlpnServer(protocol: string | Uint8Array): Uint8Array {
  return encodeAlpn([protocol]);
}
export function decodeAlpnServer(data: Uint8Array): Uint8Array {
  const list = decodeAlpn(data);
  if (list.length !== 1) throw decodeError('alpn_not_exactly_one', 'alpn: server must select exactly one protocol');
  return list[0]!;
}

/**
 * Protocol IDs registered with IANA ("TLS Application-Layer Protocol Negotiation (ALPN)
 * Protocol IDs"). Unregistered IDs are allowed (private protocols); one within one edit of a
 * registered ID, or equal to one but for case, is refused as a likely typo (config.ts).
 */
export const REGISTERED_ALPN_IDS: readonly string[] = [
  // the most used first: a tie in edit distance goes to the earlier entry
  'http/1.1', 'h2', 'h3', 'http/1.0', 'http/0.9', 'spdy/1', 'spdy/2', 'spdy/3', 'stun.turn', 'stun.nat-discovery',
  'h2c', 'webrtc', 'c-webrtc', 'ftp', 'imap', 'pop3', 'managesieve', 'coap', 'xmpp-client',
  'xmpp-server', 'acme-tls/1', 'mqtt', 'dot', 'ntske/1', 'sunrpc', 'smb', 'irc', 'nntp',
  'nnsp', 'doq', 'sip/2', 'tds/8.0', 'dicom', 'postgresql', 'radius/1.0', 'radius/1.1',
];
