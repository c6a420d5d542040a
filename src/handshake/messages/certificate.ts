/**
 * Certificate, in its TLS 1.3 form (RFC 8446 §4.4.2) and its TLS 1.2 form (RFC 5246 §7.4.2).
 *
 *     // TLS 1.3
 *     struct {
 *         select (certificate_type) {
 *             case RawPublicKey: opaque ASN1_subjectPublicKeyInfo<1..2^24-1>;
 *             case X509:         opaque cert_data<1..2^24-1>;
 *         };
 *         Extension extensions<0..2^16-1>;
 *     } CertificateEntry;
 *     struct {
 *         opaque certificate_request_context<0..2^8-1>;
 *         CertificateEntry certificate_list<0..2^24-1>;
 *     } Certificate;
 *
 *     // TLS 1.2
 *     opaque ASN.1Cert<1..2^24-1>;
 *     struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
 *
 * An empty list is well-formed here; "the server sent no certificate" is the state machine's
 * decision (RFC 8446 §4.4.2.4: decode_error for a server's empty Certificate).
 */
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';
import { type ExtensionList, type Extensions, decodeExtensions, writeExtensions } from '../extensions/block.js';

export interface CertificateEntry {
  /** DER of the certificate (or the SubjectPublicKeyInfo for raw public keys). */
  data: Uint8Array;
  extensions: Extensions;
}
export interface Certificate13 {
  context: Uint8Array;
  entries: CertificateEntry[];
}

export function encodeCertificate13(c: {
  context: Uint8Array;
  entries: readonly { data: Uint8Array; extensions: ExtensionList }[];
}): Uint8Array {
  return write((w) => {
    w.vec8(c.context);
    w.u24Prefixed((w) =>
      c.entries.forEach((e) => {
        w.vec24(e.data);
        writeExtensions(w, e.extensions);
      }),
    );
  }, 4096);
}
export function decodeCertificate13(body: Uint8Array): Certificate13 {
  const r = new Reader(body, 'Certificate');
  const context = r.vec8('certificate_request_context');
  const list = r.sub24('certificate_list');
  const entries = list.list((r) => {
    const data = r.vec24('cert_data', 1);
    const extensions = decodeExtensions(r, 'CertificateEntry');
    return { data, extensions };
  });
  r.end();
  return { context, entries };
}

export interface Certificate12 {
  certificates: Uint8Array[];
}

export function encodeCertificate12(c: { certificates: readonly Uint8Array[] }): Uint8Array {
  return write((w) => w.u24Prefixed((w) => c.certificates.forEach((d) => w.vec24(d))), 4096);
}
export function decodeCertificate12(body: Uint8Array): Certificate12 {
  const r = new Reader(body, 'Certificate');
  const certificates = r.sub24('certificate_list').list((r) => r.vec24('ASN.1Cert', 1));
  r.end();
  return { certificates };
}
