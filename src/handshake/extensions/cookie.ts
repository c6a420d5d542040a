/**
 * cookie (RFC 8446 §4.2.2): sent by the server in HelloRetryRequest, echoed by the client in the
 * second ClientHello.
 *
 *     struct { opaque cookie<1..2^16-1>; } Cookie;
 */
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';

export function encodeCookie(cookie: Uint8Array): Uint8Array {
  return write((w) => w.vec16(cookie));
}
export function decodeCookie(data: Uint8Array): Uint8Array {
  const r = new Reader(data, 'cookie');
  const c = r.vec16('cookie', 1);
  r.end();
  return c;
}
