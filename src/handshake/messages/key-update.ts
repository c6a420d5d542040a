/**
 * KeyUpdate (RFC 8446 §4.6.3).
 *
 *     enum { update_not_requested(0), update_requested(1), (255) } KeyUpdateRequest;
 *     struct { KeyUpdateRequest request_update; } KeyUpdate;
 */
import { peerError } from '../../errors.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';

export const KeyUpdateRequest = { update_not_requested: 0, update_requested: 1 } as const;

export interface KeyUpdate {
  requestUpdate: 0 | 1;
}

export function encodeKeyUpdate(k: KeyUpdate): Uint8Array {
  return write((w) => w.u8(k.requestUpdate));
}
export function decodeKeyUpdate(body: Uint8Array): KeyUpdate {
  const r = new Reader(body, 'KeyUpdate');
  const v = r.u8('request_update');
  r.end();
  // RFC 8446 §4.6.3: If an implementation receives any other value, it MUST terminate the
  // connection with an "illegal_parameter" alert.
  if (v !== 0 && v !== 1) throw peerError('ILLEGAL_VALUE', 'key_update_bad_request', `KeyUpdate: bad request_update ${v}`);
  return { requestUpdate: v };
}
