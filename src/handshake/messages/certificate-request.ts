/**
 * CertificateRequest, TLS 1.3 (RFC 8446 §4.3.2) and TLS 1.2 (RFC 5246 §7.4.4).
 *
 *     // TLS 1.3
 *     struct {
 *         opaque certificate_request_context<0..2^8-1>;
 *         Extension extensions<2..2^16-1>;
 *     } CertificateRequest;
 *
 *     // TLS 1.2
 *     enum { rsa_sign(1), dss_sign(2), rsa_fixed_dh(3), dss_fixed_dh(4), ..., ecdsa_sign(64), (255) } ClientCertificateType;
 *     opaque DistinguishedName<1..2^16-1>;
 *     struct {
 *         ClientCertificateType certificate_types<1..2^8-1>;
 *         SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
 *         DistinguishedName certificate_authorities<0..2^16-1>;
 *     } CertificateRequest;
 *
 * (RFC 5246 prints the algorithm list as `<2^16-1>`; we read it as the u16-length list of u16
 * pairs it is on the wire, and require an even length.)
 */
import { decodeError } from '../../errors.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';
import { type ExtensionList, type Extensions, decodeExtensions, writeExtensions } from '../extensions/block.js';
import { readDistinguishedNames } from '../extensions/signature-algorithms.js';

export interface CertificateRequest13 {
  context: Uint8Array;
  extensions: Extensions;
}

export function encodeCertificateRequest13(c: { context: Uint8Array; extensions: ExtensionList }): Uint8Array {
  return write((w) => {
    w.vec8(c.context);
    writeExtensions(w, c.extensions);
  });
}
export function decodeCertificateRequest13(body: Uint8Array): CertificateRequest13 {
  const r = new Reader(body, 'CertificateRequest');
  const context = r.vec8('certificate_request_context');
  const extensions = decodeExtensions(r, 'CertificateRequest');
  r.end();
  // RFC 8446 §4.3.2: The "signature_algorithms" extension MUST be specified (checked by the state
  // machine, which answers missing_extension); extensions<2..> is syntax and is checked here.
  if (extensions.size === 0) throw decodeError('empty_list', 'CertificateRequest: no extensions');
  return { context, extensions };
}

export const ClientCertificateType = { rsa_sign: 1, dss_sign: 2, rsa_fixed_dh: 3, dss_fixed_dh: 4, ecdsa_sign: 64 } as const;

export interface CertificateRequest12 {
  certificateTypes: number[];
  signatureAlgorithms: number[];
  certificateAuthorities: Uint8Array[];
}

export function encodeCertificateRequest12(c: CertificateRequest12): Uint8Array {
  return write((w) => {
    w.u8Prefixed((w) => c.certificateTypes.forEach((t) => w.u8(t)));
    w.u16Prefixed((w) => c.signatureAlgorithms.forEach((s) => w.u16(s)));
    w.u16Prefixed((w) => c.certificateAuthorities.forEach((n) => w.vec16(n)));
  });
}
export function decodeCertificateRequest12(body: Uint8Array): CertificateRequest12 {
  const r = new Reader(body, 'CertificateRequest');
  const types = r.sub8('certificate_types');
  if (types.isEmpty()) throw decodeError('empty_list', 'CertificateRequest: empty certificate_types');
  const certificateTypes = types.list((r) => r.u8('ClientCertificateType'));
  const algs = r.sub16('supported_signature_algorithms');
  // RFC 5246 §7.4.4: supported_signature_algorithms<2..2^16-2>: an empty list is malformed.
  if (algs.isEmpty()) throw decodeError('empty_list', 'CertificateRequest: empty supported_signature_algorithms');
  if (algs.remaining % 2 !== 0) throw decodeError('bad_list_length', 'CertificateRequest: odd supported_signature_algorithms');
  const signatureAlgorithms = algs.list((r) => r.u16('SignatureAndHashAlgorithm'));
  const certificateAuthorities = readDistinguishedNames(r, 'certificate_authorities');
  r.end();
  return { certificateTypes, signatureAlgorithms, certificateAuthorities };
}
