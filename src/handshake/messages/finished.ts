/**
 * Finished (RFC 8446 §4.4.4; RFC 5246 §7.4.9).
 *
 *     struct { opaque verify_data[Hash.length]; } Finished;     // TLS 1.3
 *     struct { opaque verify_data[verify_data_length]; } Finished;   // TLS 1.2: 12 bytes
 *
 * verify_data has no length prefix: the body is all of it. With `expectedLength`, a body of any
 * other length is a decode_error (it cannot be a Finished of this handshake).
 */
import { decodeError } from '../../errors.js';

export interface Finished {
  verifyData: Uint8Array;
}

export function encodeFinished(f: Finished): Uint8Array {
  return f.verifyData.slice();
}
export function decodeFinished(body: Uint8Array, expectedLength?: number): Finished {
  if (expectedLength !== undefined && body.length !== expectedLength) {
    throw decodeError('finished_length', `Finished: verify_data of ${body.length} bytes, expected ${expectedLength}`);
  }
  return { verifyData: body };
}
