/**
 * Messages with an empty body: HelloRequest (RFC 5246 §7.4.1.1), ServerHelloDone (§7.4.5) and
 * EndOfEarlyData (RFC 8446 §4.5).
 *
 *     struct { } HelloRequest;  struct { } ServerHelloDone;  struct {} EndOfEarlyData;
 */
import { decodeError } from '../../errors.js';
import { handshakeTypeName } from '../codec/types.js';

export function encodeEmptyMessage(): Uint8Array {
  return new Uint8Array(0);
}
/** `type` names the message in the error. */
export function decodeEmptyMessage(body: Uint8Array, type: number): void {
  if (body.length !== 0) throw decodeError('body_not_empty', `${handshakeTypeName(type)}: body must be empty`);
}

export const encodeHelloRequest = encodeEmptyMessage;
export const encodeServerHelloDone = encodeEmptyMessage;
export const encodeEndOfEarlyData = encodeEmptyMessage;
export function decodeHelloRequest(body: Uint8Array): void {
  decodeEmptyMessage(body, 0);
}
export function decodeServerHelloDone(body: Uint8Array): void {
  decodeEmptyMessage(body, 14);
}
export function decodeEndOfEarlyData(body: Uint8Array): void {
  decodeEmptyMessage(body, 5);
}
