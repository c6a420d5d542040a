/**
 * The generic extension block shared by ClientHello, ServerHello, EncryptedExtensions,
 * CertificateRequest, NewSessionTicket and CertificateEntry (RFC 8446 §4.2):
 *
 *     struct {
 *         ExtensionType extension_type;            // u16
 *         opaque extension_data<0..2^16-1>;
 *     } Extension;
 *     Extension extensions<0..2^16-1>;
 *
 * Decoding yields a `Map<type, extension_data>`; a Map keeps insertion order, so the wire order is
 * kept too (it matters: pre_shared_key MUST be last in a ClientHello, RFC 8446 §4.2.11).
 *
 * Duplicates: RFC 8446 §4.2 "There MUST NOT be more than one extension of the same type in a given
 * extension block" (RFC 5246 §7.4.1.4 says the same) without naming an alert. We send
 * illegal_parameter, as rustls (`InvalidMessage::DuplicateExtension` → IllegalParameter) and
 * OpenSSL (`tls_collect_extensions`) do.
 */
import { peerError } from '../../errors.js';
import type { Reader } from '../../wire/reader.js';
import { Writer, write } from '../../wire/writer.js';
import { extensionTypeName } from '../codec/types.js';

/** One extension: its type and its still-encoded extension_data. */
export interface Extension {
  type: number;
  data: Uint8Array;
}

/** A decoded extension block, in wire order. */
export type Extensions = Map<number, Uint8Array>;

/** What the encoders accept: a list (order kept) or a decoded block. */
export type ExtensionList = readonly Extension[] | ReadonlyMap<number, Uint8Array>;

function* entries(list: ExtensionList): Iterable<Extension> {
  if (list instanceof Map) for (const [type, data] of list) yield { type, data };
  else yield* list as readonly Extension[];
}

/** Write `Extension extensions<0..2^16-1>` (with its u16 length) into w. */
export function writeExtensions(w: Writer, list: ExtensionList): void {
  w.u16Prefixed((w) => {
    for (const e of entries(list)) {
      w.u16(e.type);
      w.vec16(e.data);
    }
  });
}

/** `Extension extensions<0..2^16-1>` with its u16 length prefix. */
export function encodeExtensions(list: ExtensionList): Uint8Array {
  return write((w) => writeExtensions(w, list));
}

/**
 * Read a u16-prefixed extension block from r. `where` names the message for errors
 * (e.g. 'ServerHello'). Duplicate types → ILLEGAL_VALUE.
 */
export function decodeExtensions(r: Reader, where: string): Extensions {
  const block = r.sub16(`${where}.extensions`);
  const out: Extensions = new Map();
  while (!block.isEmpty()) {
    const type = block.u16('extension_type');
    const data = block.vec16(`${extensionTypeName(type)} extension_data`);
    // RFC 8446 §4.2: There MUST NOT be more than one extension of the same type in a given block.
    if (out.has(type)) {
      throw peerError('ILLEGAL_VALUE', 'duplicate_extension', `${where}: duplicate ${extensionTypeName(type)} extension`, { detail: { extension: type } });
    }
    out.set(type, data);
  }
  return out;
}

/** Build an Extension row. */
export function ext(type: number, data: Uint8Array): Extension {
  return { type, data };
}
