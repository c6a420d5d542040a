/**
 * CertificateVerify (RFC 8446 §4.4.3; the TLS 1.2 message of RFC 5246 §7.4.8 has the same
 * `digitally-signed` shape), and the TLS 1.2 digitally-signed element of ServerKeyExchange.
 *
 *     struct {
 *         SignatureScheme algorithm;
 *         opaque signature<0..2^16-1>;
 *     } CertificateVerify;
 */
import { Reader } from '../../wire/reader.js';
import type { Writer } from '../../wire/writer.js';
import { write } from '../../wire/writer.js';

export interface CertificateVerify {
  scheme: number;
  signature: Uint8Array;
}

export function writeDigitallySigned(w: Writer, cv: CertificateVerify): void {
  w.u16(cv.scheme);
  w.vec16(cv.signature);
}
export function readDigitallySigned(r: Reader): CertificateVerify {
  const scheme = r.u16('algorithm');
  const signature = r.vec16('signature');
  return { scheme, signature };
}

export function encodeCertificateVerify(cv: CertificateVerify): Uint8Array {
  return write((w) => writeDigitallySigned(w, cv));
}
export function decodeCertificateVerify(body: Uint8Array): CertificateVerify {
  const r = new Reader(body, 'CertificateVerify');
  const cv = readDigitallySigned(r);
  r.end();
  return cv;
}
