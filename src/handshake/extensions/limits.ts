/**
 * Size-related extensions: max_fragment_length (RFC 6066 §4), record_size_limit (RFC 8449 §4)
 * and padding (RFC 7685 §3).
 *
 *     enum { 2^9(1), 2^10(2), 2^11(3), 2^12(4), (255) } MaxFragmentLength;
 *     uint16 RecordSizeLimit;
 *     struct { opaque zeros[extension_data length]; } padding;   // all zero bytes
 */
import { decodeError, peerError } from '../../errors.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';

/** MaxFragmentLength code → bytes. */
export const MAX_FRAGMENT_LENGTH: Readonly<Record<number, number>> = { 1: 512, 2: 1024, 3: 2048, 4: 4096 };

/** 512/1024/2048/4096 → code 1..4 (RangeError for other sizes: a local configuration mistake). */
export function maxFragmentLengthCode(bytes: number): number {
  for (const [code, n] of Object.entries(MAX_FRAGMENT_LENGTH)) if (n === bytes) return Number(code);
  throw new RangeError(`max_fragment_length: ${bytes} is not one of 512, 1024, 2048, 4096`);
}

export function encodeMaxFragmentLength(code: number): Uint8Array {
  return write((w) => w.u8(code));
}
/** Returns the code (1..4). RFC 6066 §4: any other value → illegal_parameter. */
export function decodeMaxFragmentLength(data: Uint8Array): number {
  const r = new Reader(data, 'max_fragment_length');
  const code = r.u8('MaxFragmentLength');
  r.end();
  // RFC 6066 §4: a value other than the allowed ones MUST be answered with illegal_parameter.
  if (!(code in MAX_FRAGMENT_LENGTH)) throw peerError('ILLEGAL_VALUE', 'max_fragment_length_value', `max_fragment_length: bad value ${code}`);
  return code;
}

export function encodeRecordSizeLimit(limit: number): Uint8Array {
  return write((w) => w.u16(limit));
}
export function decodeRecordSizeLimit(data: Uint8Array): number {
  const r = new Reader(data, 'record_size_limit');
  const v = r.u16('RecordSizeLimit');
  r.end();
  // RFC 8449 §4: a value smaller than 64 MUST be treated as a fatal error, illegal_parameter.
  if (v < 64) throw peerError('ILLEGAL_VALUE', 'record_size_limit_below_64', `record_size_limit: ${v} is below 64`);
  return v;
}

/** RFC 7685 §3: n zero bytes. */
export function encodePadding(n: number): Uint8Array {
  return new Uint8Array(n);
}
/** The padding length; RFC 7685 §3: the client MUST fill it with zero bytes. */
export function decodePadding(data: Uint8Array): number {
  for (const b of data) if (b !== 0) throw decodeError('padding_not_zero', 'padding: non-zero byte');
  return data.length;
}
