/**
 * status_request / OCSP stapling (RFC 6066 §8; RFC 8446 §4.4.2.1 for TLS 1.3).
 *
 *     struct {
 *         CertificateStatusType status_type;     // ocsp(1)
 *         select (status_type) { case ocsp: OCSPStatusRequest; } request;
 *     } CertificateStatusRequest;
 *     struct { ResponderID responder_id_list<0..2^16-1>; Extensions request_extensions; } OCSPStatusRequest;
 *     opaque ResponderID<1..2^16-1>;
 *     opaque Extensions<0..2^16-1>;
 *
 *     struct {
 *         CertificateStatusType status_type;
 *         select (status_type) { case ocsp: OCSPResponse; } response;
 *     } CertificateStatus;
 *     opaque OCSPResponse<1..2^24-1>;
 *
 * The server's acknowledgement in a TLS 1.2 ServerHello is empty; the response then comes in a
 * CertificateStatus handshake message (type 22). In TLS 1.3 a CertificateStatus is the
 * extension_data of the status_request extension of the leaf's CertificateEntry.
 */
import { peerError } from '../../errors.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';
import { decodeEmpty, encodeEmpty } from './common.js';

export const CertificateStatusType = { ocsp: 1 } as const;

export interface OcspStatusRequest {
  responderIds: Uint8Array[];
  requestExtensions: Uint8Array;
}

/** ClientHello: an OCSP request, by default with no responder ids and no extensions (01 0000 0000). */
export function encodeStatusRequest(req: OcspStatusRequest = { responderIds: [], requestExtensions: new Uint8Array(0) }): Uint8Array {
  return write((w) => {
    w.u8(CertificateStatusType.ocsp);
    w.u16Prefixed((w) => req.responderIds.forEach((id) => w.vec16(id)));
    w.vec16(req.requestExtensions);
  });
}
export function decodeStatusRequest(data: Uint8Array): OcspStatusRequest {
  const r = new Reader(data, 'status_request');
  const t = r.u8('status_type');
  if (t !== CertificateStatusType.ocsp) throw peerError('ILLEGAL_VALUE', 'unknown_status_type', `status_request: unknown status_type ${t}`);
  const responderIds = r.sub16('responder_id_list').list((r) => r.vec16('ResponderID', 1));
  const requestExtensions = r.vec16('request_extensions');
  r.end();
  return { responderIds, requestExtensions };
}

/** TLS 1.2 ServerHello: empty. */
export const encodeStatusRequestServer = encodeEmpty;
export function decodeStatusRequestServer(data: Uint8Array): void {
  decodeEmpty(data, 'status_request');
}

/** CertificateStatus (TLS 1.3 CertificateEntry extension, or TLS 1.2 message body): the OCSP response DER. */
export function encodeCertificateStatus(ocspResponse: Uint8Array): Uint8Array {
  return write((w) => {
    w.u8(CertificateStatusType.ocsp);
    w.vec24(ocspResponse);
  });
}
export function decodeCertificateStatus(data: Uint8Array): Uint8Array {
  const r = new Reader(data, 'CertificateStatus');
  const t = r.u8('status_type');
  if (t !== CertificateStatusType.ocsp) throw peerError('ILLEGAL_VALUE', 'unknown_status_type', `CertificateStatus: unknown status_type ${t}`);
  const resp = r.vec24('OCSPResponse', 1);
  r.end();
  return resp;
}
