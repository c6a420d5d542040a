/**
 * Small shared pieces of the extension codecs: empty extension_data, and lists of u8/u16 code
 * points (NamedGroup, SignatureScheme, ProtocolVersion, ECPointFormat, PskKeyExchangeMode).
 */
import { decodeError } from '../../errors.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';

export const EMPTY: Uint8Array = new Uint8Array(0);

/** Extensions whose extension_data is empty (e.g. extended_master_secret, RFC 7627 §5.1). */
export function encodeEmpty(): Uint8Array {
  return new Uint8Array(0);
}
export function decodeEmpty(data: Uint8Array, what: string): void {
  if (data.length !== 0) throw decodeError('extension_data_not_empty', `${what}: extension_data must be empty`);
}

/** `uint16 list<min..max>` with a u16 byte-length prefix. */
export function encodeU16List(values: readonly number[]): Uint8Array {
  return write((w) => w.u16Prefixed((w) => values.forEach((v) => w.u16(v))));
}
export function decodeU16List(data: Uint8Array, what: string, minItems: number): number[] {
  const r = new Reader(data, what);
  const list = r.sub16('list');
  if (list.remaining % 2 !== 0) throw decodeError('bad_list_length', `${what}: odd length list`);
  if (list.remaining < 2 * minItems) throw decodeError('list_too_short', `${what}: list shorter than ${minItems}`);
  const out = list.list((r) => r.u16('item'));
  r.end();
  return out;
}

/** `uint8 list<min..255>` with a u8 byte-length prefix. */
export function encodeU8List(values: readonly number[]): Uint8Array {
  return write((w) => w.u8Prefixed((w) => values.forEach((v) => w.u8(v))));
}
export function decodeU8List(data: Uint8Array, what: string, minItems: number): number[] {
  const r = new Reader(data, what);
  const list = r.sub8('list');
  if (list.remaining < minItems) throw decodeError('list_too_short', `${what}: list shorter than ${minItems}`);
  const out = list.list((r) => r.u8('item'));
  r.end();
  return out;
}
