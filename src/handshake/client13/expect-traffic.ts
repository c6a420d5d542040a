/**
 * TLS 1.3 client after the handshake (RFC 8446 §4.6): NewSessionTicket (kept for resumption),
 * KeyUpdate (new read key; answer update_requested with our own update, one answer for any
 * number of requests received while we sent nothing: RFC 8446 §4.6.3), and, when
 * `postHandshakeAuth` is set, post-handshake client authentication (RFC 8446 §4.6.2).
 */
import { createAead } from '../../crypto/aead.js';
import type { Tls13Suite } from '../../crypto/suites.js';
import { peerError } from '../../errors.js';
import { Tls13Protection } from '../../record/protection.js';
import { HandshakeType } from '../codec/types.js';
import { encodeHandshake } from '../codec/handshake.js';
import { decodeKeyUpdate, encodeKeyUpdate, KeyUpdateRequest } from '../messages/key-update.js';
import { decodeNewSessionTicket13 } from '../messages/new-session-ticket.js';
import { expectMessage, type HandshakeContext, type HandshakeMessage, type HandshakeState } from '../state.js';
import type { KeyScheduleTraffic } from './keys.js';
import type { Transcript } from '../transcript.js';
import type { HandshakeVerified } from '../verify.js';
import { decodeCertificateRequest13 } from '../messages/certificate-request.js';
import { encodeFinished } from '../messages/finished.js';
import { readCertRequest13, sendClientAuth13 } from './client-auth.js';

interface TrafficState {
  /** The transcript through our Finished: the context of post-handshake authentication (RFC 8446 §4.4.1). */
  transcript: Transcript;
  suite: Tls13Suite;
  /** The application traffic secrets, exporter and resumption master secret (no master secret). */
  keys: KeyScheduleTraffic;
}

export class ExpectTraffic implements HandshakeState {
  readonly name = 'ExpectTraffic';
  readonly afterServerFinished = true;
  /**
   * The write protection installed by our last KeyUpdate answer. While it has sealed nothing,
   * that answer is the last record we sent, and it answers every request received since.
   */
  private answeredWith: Tls13Protection | undefined;
  constructor(
    /** Only a verified handshake reaches traffic (handshake/verify.ts). */
    readonly proof: HandshakeVerified,
    private readonly t: TrafficState,
  ) {}

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    // RFC 8446 §4.6.2: a CertificateRequest after the handshake only when we offered post_handshake_auth.
    const pha = ctx.config.options.postHandshakeAuth === true;
    expectMessage(msg, HandshakeType.new_session_ticket, HandshakeType.key_update, ...(pha ? [HandshakeType.certificate_request] : []));
    if (msg.type === HandshakeType.new_session_ticket) return this.ticket(msg, ctx);
    if (msg.type === HandshakeType.certificate_request) return this.postHandshakeAuth(msg, ctx);
    return this.keyUpdate(msg, ctx);
  }

  private ticket(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    const nst = decodeNewSessionTicket13(msg.body);
    // RFC 8446 §4.6.1: lifetime MUST NOT exceed 7 days.
    if (nst.lifetime > 604800) {
      throw peerError('ILLEGAL_VALUE', 'ticket_lifetime_over_7_days', `NewSessionTicket lifetime ${nst.lifetime}s exceeds 7 days`);
    }
    ctx.noise('NewSessionTicket', 'tickets');
    // RFC 8446 §4.6.1: the ticket's PSK, from the resumption master secret and the nonce.
    const psk = this.t.keys.resumptionPsk(nst.nonce);
    ctx.emit({ type: 'session-ticket', lifetime: nst.lifetime, ageAdd: nst.ageAdd, ticketLength: nst.ticket.length });
    if (nst.lifetime > 0) {
      ctx.storeTicket({
        version: 'TLSv1.3',
        ticket: nst.ticket.slice(),
        lifetime: nst.lifetime,
        ageAdd: nst.ageAdd,
        nonce: nst.nonce.slice(),
        receivedAt: ctx.now().getTime(),
        suite: this.t.suite.code,
        psk,
        ...(nst.maxEarlyDataSize !== undefined ? { maxEarlyData: nst.maxEarlyDataSize } : {}),
        serverName: ctx.config.sni,
      });
    }
    return this;
  }

  /**
   * RFC 8446 §4.6.2: Certificate, CertificateVerify and Finished over the handshake transcript
   * plus this CertificateRequest; the Finished key comes from the current client application
   * traffic secret (§4.4, "Base Key"). Each request starts again from the transcript at our Finished.
   */
  private postHandshakeAuth(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    const req = readCertRequest13(decodeCertificateRequest13(msg.body));
    ctx.noise('post-handshake CertificateRequest');
    ctx.emit({ type: 'message', direction: 'received', name: 'certificate_request', length: msg.raw.length, summary: { postHandshake: true, certificateAuthorities: req.authorities.length } });
    const transcript = this.t.transcript.clone();
    transcript.add(msg.raw);
    return sendClientAuth13(ctx, req, transcript, true, (c, result) => {
      const verifyData = this.t.keys.clientFinished(transcript.current());
      c.sendHandshake(encodeHandshake(HandshakeType.finished, encodeFinished({ verifyData })), { postHandshake: true });
      c.emit({ type: 'check', what: 'post-handshake client authentication answered', ok: true, detail: result.subject ? `${result.subject} (${result.scheme})` : 'empty Certificate' });
      return this;
    });
  }

  private keyUpdate(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    const request = decodeKeyUpdate(msg.body).requestUpdate;
    ctx.noise('KeyUpdate');
    const updateRequested = request === KeyUpdateRequest.update_requested;
    ctx.emit({ type: 'key-update', direction: 'received', updateRequested });
    // RFC 8446 §4.6.3: the peer now sends under the next server secret.
    const nextServer = this.t.keys.nextServer();
    ctx.setReadProtection(new Tls13Protection(createAead(this.t.suite.aead, nextServer.key), nextServer.iv), 'server_application_traffic_secret_N+1');
    // RFC 8446 §4.6.3: "an implementation which receives multiple KeyUpdates while it is silent
    // [responds] with a single update". A storm of requests costs one answer, not one each.
    const answered = this.answeredWith !== undefined && this.answeredWith.sequenceNumber === 0n;
    if (updateRequested && answered) {
      ctx.emit({ type: 'check', what: 'KeyUpdate request already answered (nothing sent since our KeyUpdate)', ok: true });
    } else if (updateRequested) {
      // Answer with our own KeyUpdate (update_not_requested), then switch our write key.
      this.sendKeyUpdate(false, ctx);
    }
    return this;
  }

  /** RFC 8446 §4.6.3: KeyUpdate under the current key, then the next client secret. */
  sendKeyUpdate(requestPeer: boolean, ctx: HandshakeContext): void {
    const request = requestPeer ? KeyUpdateRequest.update_requested : KeyUpdateRequest.update_not_requested;
    ctx.sendHandshake(encodeHandshake(HandshakeType.key_update, encodeKeyUpdate({ requestUpdate: request })), {
      request: requestPeer ? 'update_requested' : 'update_not_requested',
    });
    ctx.emit({ type: 'key-update', direction: 'sent', updateRequested: requestPeer });
    const nextClient = this.t.keys.nextClient();
    this.answeredWith = new Tls13Protection(createAead(this.t.suite.aead, nextClient.key), nextClient.iv);
    ctx.setWriteProtection(this.answeredWith, 'client_application_traffic_secret_N+1');
  }
}
