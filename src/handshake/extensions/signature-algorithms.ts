/**
 * signature_algorithms and signature_algorithms_cert (RFC 8446 §4.2.3), and
 * certificate_authorities (RFC 8446 §4.2.4).
 *
 *     struct { SignatureScheme supported_signature_algorithms<2..2^16-2>; } SignatureSchemeList;
 *     opaque DistinguishedName<1..2^16-1>;
 *     struct { DistinguishedName authorities<3..2^16-1>; } CertificateAuthoritiesExtension;
 */
import { decodeError } from '../../errors.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';
import { decodeU16List, encodeU16List } from './common.js';

export function encodeSignatureAlgorithms(schemes: readonly number[]): Uint8Array {
  return encodeU16List(schemes);
}
export function decodeSignatureAlgorithms(data: Uint8Array): number[] {
  return decodeU16List(data, 'signature_algorithms', 1);
}
/** signature_algorithms_cert has the same body. */
export const encodeSignatureAlgorithmsCert = encodeSignatureAlgorithms;
export function decodeSignatureAlgorithmsCert(data: Uint8Array): number[] {
  return decodeU16List(data, 'signature_algorithms_cert', 1);
}

/** A list of DER DistinguishedNames with a u16 prefix (also TLS 1.2 CertificateRequest's list). */
export function encodeDistinguishedNames(names: readonly Uint8Array[]): Uint8Array {
  return write((w) => w.u16Prefixed((w) => names.forEach((n) => w.vec16(n))));
}
export function readDistinguishedNames(r: Reader, what: string): Uint8Array[] {
  return r.sub16(what).list((r) => r.vec16('DistinguishedName', 1));
}

export function encodeCertificateAuthorities(names: readonly Uint8Array[]): Uint8Array {
  return encodeDistinguishedNames(names);
}
export function decodeCertificateAuthorities(data: Uint8Array): Uint8Array[] {
  const r = new Reader(data, 'certificate_authorities');
  const out = readDistinguishedNames(r, 'authorities');
  if (out.length === 0) throw decodeError('empty_list', 'certificate_authorities: empty authorities');
  r.end();
  return out;
}
