/**
 * TLS 1.3 client authentication (RFC 8446 §4.3.2, §4.4.2, §4.4.3, §4.6.2): our Certificate and
 * CertificateVerify in answer to a CertificateRequest, during the handshake or after it
 * (post_handshake_auth). The caller sends the Finished that follows.
 */
import { peerError } from '../../errors.js';
import { HandshakeType, ExtensionType } from '../codec/types.js';
import { encodeHandshake } from '../codec/handshake.js';
import { decodeCertificateAuthorities, decodeSignatureAlgorithms } from '../extensions/index.js';
import type { CertificateRequest13 } from '../messages/certificate-request.js';
import { encodeCertificate13 } from '../messages/certificate.js';
import { encodeCertificateVerify } from '../messages/certificate-verify.js';
import type { Transcript } from '../transcript.js';
import type { HandshakeContext, HandshakeState } from '../state.js';
import { chooseClientAuth, requestInfo, signThen } from '../client-auth.js';
import type { HandshakeInfo } from '../../types.js';

/** What we keep of a CertificateRequest until our flight. */
export interface CertRequest13 {
  context: Uint8Array;
  schemes: number[];
  authorities: Uint8Array[];
}

/** RFC 8446 §4.3.2: signature_algorithms MUST be present; certificate_authorities MAY be. */
export function readCertRequest13(req: CertificateRequest13): CertRequest13 {
  const sa = req.extensions.get(ExtensionType.signature_algorithms);
  if (!sa) throw peerError('MISSING_EXTENSION', 'certificate_request_no_signature_algorithms', 'CertificateRequest without signature_algorithms');
  const ca = req.extensions.get(ExtensionType.certificate_authorities);
  return { context: req.context.slice(), schemes: decodeSignatureAlgorithms(sa), authorities: ca ? decodeCertificateAuthorities(ca) : [] };
}

/** RFC 8446 §4.4.3: 64 spaces, the client's context string, a zero byte, the transcript hash. */
export function clientCertificateVerifyContent(transcriptHash: Uint8Array): Uint8Array {
  const context = 'TLS 1.3, client CertificateVerify';
  const out = new Uint8Array(64 + context.length + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  for (let i = 0; i < context.length; i++) out[64 + i] = context.charCodeAt(i);
  out.set(transcriptHash, 64 + context.length + 1);
  return out;
}

export type ClientAuthResult = NonNullable<HandshakeInfo['clientAuth']>;

/**
 * Send Certificate (+ CertificateVerify when we have a fitting identity), adding them to
 * `transcript`, then continue with `then`. RFC 8446 §4.4.2: with no suitable certificate, the
 * Certificate message has an empty certificate_list.
 */
export function sendClientAuth13(
  ctx: HandshakeContext,
  req: CertRequest13,
  transcript: Transcript,
  postHandshake: boolean,
  then: (ctx: HandshakeContext, result: ClientAuthResult) => HandshakeState,
): HandshakeState {
  const info = requestInfo('1.3', req.schemes, req.authorities, postHandshake);
  const choice = chooseClientAuth(ctx, info, req.schemes);
  const entries = choice ? choice.identity.certificates.map((data) => ({ data, extensions: [] })) : [];
  const certMsg = encodeHandshake(HandshakeType.certificate, encodeCertificate13({ context: req.context, entries }));
  ctx.sendHandshake(certMsg, { certificates: entries.length, ...(choice ? { subject: choice.identity.subject } : {}) });
  transcript.add(certMsg);
  if (!choice) {
    ctx.noteClientCertificate(false);
    return then(ctx, { requested: true });
  }
  ctx.noteClientCertificate(true);
  const content = clientCertificateVerifyContent(transcript.current());
  return signThen(ctx, choice, content, '1.3', (signature, c) => {
    const cv = encodeHandshake(HandshakeType.certificate_verify, encodeCertificateVerify({ scheme: choice.scheme.code, signature }));
    c.sendHandshake(cv, { scheme: choice.scheme.name, signatureLength: signature.length });
    transcript.add(cv);
    return then(c, { requested: true, subject: choice.identity.subject, scheme: choice.scheme.name });
  });
}
