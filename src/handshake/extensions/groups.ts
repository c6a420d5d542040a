/**
 * supported_groups (RFC 8446 §4.2.7, RFC 8422 §5.1.1) and ec_point_formats (RFC 8422 §5.1.2).
 *
 *     struct { NamedGroup named_group_list<2..2^16-1>; } NamedGroupList;
 *     enum { uncompressed(0), deprecated(1..2), reserved(248..255), (255) } ECPointFormat;
 *     struct { ECPointFormat ec_point_format_list<1..2^8-1> } ECPointFormatList;
 */
import { decodeU16List, decodeU8List, encodeU16List, encodeU8List } from './common.js';

export function encodeSupportedGroups(groups: readonly number[]): Uint8Array {
  return encodeU16List(groups);
}
export function decodeSupportedGroups(data: Uint8Array): number[] {
  return decodeU16List(data, 'supported_groups', 1);
}

export const ECPointFormat = { uncompressed: 0 } as const;

export function encodeEcPointFormats(formats: readonly number[] = [ECPointFormat.uncompressed]): Uint8Array {
  return encodeU8List(formats);
}
export function decodeEcPointFormats(data: Uint8Array): number[] {
  return decodeU8List(data, 'ec_point_formats', 1);
}
