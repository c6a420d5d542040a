/**
 * supported_versions (RFC 8446 §4.2.1).
 *
 *     struct {
 *         select (Handshake.msg_type) {
 *             case client_hello:  ProtocolVersion versions<2..254>;
 *             case server_hello:  ProtocolVersion selected_version;   // and HelloRetryRequest
 *         };
 *     } SupportedVersions;
 */
import { decodeError } from '../../errors.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';

/** ClientHello: versions<2..254>, a u8 byte length of u16 versions. */
export function encodeSupportedVersionsClient(versions: readonly number[]): Uint8Array {
  return write((w) => w.u8Prefixed((w) => versions.forEach((v) => w.u16(v))));
}
export function decodeSupportedVersionsClient(data: Uint8Array): number[] {
  const r = new Reader(data, 'supported_versions');
  const list = r.sub8('versions');
  if (list.remaining < 2 || list.remaining % 2 !== 0) throw decodeError('bad_list_length', 'supported_versions: bad versions length');
  const out = list.list((r) => r.u16('ProtocolVersion'));
  r.end();
  return out;
}

/** ServerHello / HelloRetryRequest: selected_version. */
export function encodeSupportedVersionsServer(version: number): Uint8Array {
  return write((w) => w.u16(version));
}
export function decodeSupportedVersionsServer(data: Uint8Array): number {
  const r = new Reader(data, 'supported_versions');
  const v = r.u16('selected_version');
  r.end();
  return v;
}
