/**
 * TLS 1.2 client, our flight after ServerHelloDone (RFC 5246 §7.4.6-§7.4.9, §8.1):
 *
 *     [Certificate (empty)] ClientKeyExchange ChangeCipherSpec Finished
 *
 * and the master secret: the extended one (RFC 7627 §4) over the session hash when the server
 * agreed, the classic one (RFC 5246 §8.1) otherwise.
 */
import { HandshakeType } from '../codec/types.js';
import { encodeHandshake } from '../codec/handshake.js';
import { encodeCertificate12 } from '../messages/certificate.js';
import { encodeFinished } from '../messages/finished.js';
import { encodeCertificateVerify } from '../messages/certificate-verify.js';
import type { CertificateRequest12 } from '../messages/certificate-request.js';
import { chooseClientAuth, requestInfo, signThen, type ClientAuthChoice } from '../client-auth.js';
import { extendedMasterSecret12, finished12, masterSecret12 } from '../prf12.js';
import type { HandshakeContext, HandshakeState } from '../state.js';
import { protections12, type Authenticated12, type KeyExchange12 } from './common.js';
import { ExpectNewSessionTicket12, ExpectServerCcs, type Keyed12 } from './expect-finished.js';

export function sendClientFlight(ctx: HandshakeContext, hs: Authenticated12, kx: KeyExchange12, certRequest: CertificateRequest12 | undefined): HandshakeState {
  const { transcript, suite } = hs;
  let choice: ClientAuthChoice | undefined;
  if (certRequest) {
    const info = requestInfo('1.2', certRequest.signatureAlgorithms, certRequest.certificateAuthorities, false, certRequest.certificateTypes);
    choice = chooseClientAuth(ctx, info, certRequest.signatureAlgorithms, certRequest.certificateTypes);
    // RFC 5246 §7.4.6: our chain, or, with no suitable certificate, "a certificate message
    // containing no certificates".
    const certificates = choice ? choice.identity.certificates : [];
    const cert = encodeHandshake(HandshakeType.certificate, encodeCertificate12({ certificates }));
    ctx.sendHandshake(cert, { certificates: certificates.length, ...(choice ? { subject: choice.identity.subject } : {}) });
    transcript.add(cert);
    ctx.noteClientCertificate(choice !== undefined);
  }
  const cke = encodeHandshake(HandshakeType.client_key_exchange, kx.body);
  ctx.sendHandshake(cke, kx.summary);
  transcript.add(cke);

  // RFC 7627 §4: session_hash = Hash(handshake_messages through ClientKeyExchange).
  const masterSecret = hs.ems
    ? extendedMasterSecret12(suite.hash, kx.preMasterSecret, transcript.current())
    : masterSecret12(suite.hash, kx.preMasterSecret, hs.clientRandom, hs.serverRandom);
  kx.preMasterSecret.fill(0);
  ctx.keyLog('CLIENT_RANDOM', hs.clientRandom, masterSecret);
  ctx.emit({ type: 'key', label: hs.ems ? 'extended master secret (RFC 7627)' : 'master secret (RFC 5246 §8.1)', from: 'pre_master_secret' });

  const clientAuth = certRequest ? { requested: true, ...(choice ? { subject: choice.identity.subject, scheme: choice.scheme.name } : {}) } : undefined;
  const rest = (c: HandshakeContext) => finishFlight(c, { ...hs, ...(clientAuth ? { clientAuth } : {}) }, kx, masterSecret);
  if (!choice) return rest(ctx);
  // RFC 5246 §7.4.8: CertificateVerify signs handshake_messages from ClientHello up to (not
  // including) itself, with a scheme the server listed.
  const c = choice;
  return signThen(ctx, c, transcript.messages(), '1.2', (signature, cx) => {
    const cv = encodeHandshake(HandshakeType.certificate_verify, encodeCertificateVerify({ scheme: c.scheme.code, signature }));
    cx.sendHandshake(cv, { scheme: c.scheme.name, signatureLength: signature.length });
    transcript.add(cv);
    return rest(cx);
  });
}

/** ChangeCipherSpec and Finished (RFC 5246 §7.1, §7.4.9), then wait for the server's. */
function finishFlight(ctx: HandshakeContext, hs: Authenticated12, kx: KeyExchange12, masterSecret: Uint8Array): HandshakeState {
  const { transcript, suite } = hs;
  const prot = protections12(ctx.config, hs, masterSecret);
  // RFC 5246 §7.1: ChangeCipherSpec, then everything we send is under the new keys.
  ctx.sendChangeCipherSpec();
  ctx.setWriteProtection(prot.client, `client write key (${suite.name})`);
  // RFC 5246 §7.4.9: verify_data = PRF(master_secret, "client finished", Hash(handshake_messages))[0..11].
  const verifyData = finished12(suite.hash, masterSecret, 'client finished', transcript.current());
  const fin = encodeHandshake(HandshakeType.finished, encodeFinished({ verifyData }));
  ctx.sendHandshake(fin, {});
  transcript.add(fin);

  const keyed: Keyed12 = { ...hs, kx, masterSecret, serverProtection: prot.server, clientFinished: verifyData, clientProtection: prot.client };
  // RFC 5077 §3.3: a server that echoed session_ticket sends NewSessionTicket before its CCS.
  return hs.ticketPromised ? new ExpectNewSessionTicket12(keyed) : new ExpectServerCcs(keyed);
}
