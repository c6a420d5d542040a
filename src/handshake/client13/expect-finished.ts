/**
 * TLS 1.3 client: the server's Finished, then our flight (RFC 8446 §4.4.4, §4.4.2, §7.1):
 * verify the server Finished (constant time), derive the application secrets, send
 * [CCS] [Certificate] Finished, switch to the application keys.
 */
import { createAead } from '../../crypto/aead.js';
import { Tls13Protection } from '../../record/protection.js';
import { HandshakeType } from '../codec/types.js';
import { encodeHandshake } from '../codec/handshake.js';
import { decodeFinished, encodeFinished } from '../messages/finished.js';
import { sendClientAuth13, type ClientAuthResult } from './client-auth.js';
import { expectMessage, type HandshakeContext, type HandshakeMessage, type HandshakeState } from '../state.js';
import { handshakeVerified, verifyReport, type CertificateDecision, type HandshakeVerified, type FinishedVerified, type PskAccepted, type SignatureVerified } from '../verify.js';
import type { VerifyReport } from '../../types.js';
import type { Handshake13 } from './expect-server-params.js';
import { ExpectTraffic } from './expect-traffic.js';
import type { KeyScheduleFinishedPending } from './keys.js';

/**
 * How the server proved who it is: a verified chain and CertificateVerify signature, or the
 * external PSK it accepted (its Finished, checked here, is keyed from that PSK).
 */
export type ServerAuth13 = { kind: 'certificate'; chain: CertificateDecision; sig: SignatureVerified } | { kind: 'psk'; psk: PskAccepted };

/** The Finished proof with the server's authentication (certificate and signature, or the PSK). */
function serverVerified13(finished: FinishedVerified, auth: ServerAuth13): HandshakeVerified {
  return auth.kind === 'certificate' ? handshakeVerified(finished, auth.chain, auth.sig) : handshakeVerified(finished, undefined, auth.psk);
}

/** A PSK handshake has no certificate to verify: 'skipped', with nothing in it. */
const pskVerify = (): VerifyReport => ({ status: 'skipped', flags: [], certificates: [], peerCertificates: [], verifiedChain: [] });

export class ExpectFinished implements HandshakeState {
  readonly name = 'ExpectFinished';
  constructor(
    private readonly hs: Handshake13,
    private readonly auth: ServerAuth13,
  ) {}

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    expectMessage(msg, HandshakeType.finished);
    const { keys, transcript } = this.hs;
    const received = decodeFinished(msg.body, keys.hashLength).verifyData;
    // RFC 8446 §4.4.4: verify_data = HMAC(finished_key, Transcript-Hash(.. CertificateVerify)).
    const finished = keys.verifyServerFinished(transcript.current(), received);
    const proof = serverVerified13(finished, this.auth);
    ctx.emit({ type: 'message', direction: 'received', name: 'finished', length: msg.raw.length, summary: {} });
    ctx.emit({ type: 'check', what: 'server Finished (HMAC over the transcript, constant-time compare)', ok: true });
    transcript.add(msg.raw);

    // The application secrets come from the key schedule only with the Finished proof.
    const app = keys.intoTraffic(finished, transcript.current());

    // Our flight. RFC 8446 Appendix D.4: the compatibility CCS precedes our first encrypted record.
    if (ctx.config.middleboxCompat && !this.hs.sentCcs) ctx.sendChangeCipherSpec();
    // RFC 8446 §4.4: [Certificate, CertificateVerify] answer a CertificateRequest, before Finished.
    if (this.hs.certRequest) {
      return sendClientAuth13(ctx, this.hs.certRequest, transcript, false, (c, clientAuth) => this.sendFinished(c, proof, app, clientAuth, received));
    }
    return this.sendFinished(ctx, proof, app, undefined, received);
  }

  /** Our Finished, the application keys, and the handshake's end. */
  private sendFinished(
    ctx: HandshakeContext,
    proof: HandshakeVerified,
    app: KeyScheduleFinishedPending,
    clientAuth: ClientAuthResult | undefined,
    received: Uint8Array,
  ): HandshakeState {
    const { keys, transcript, suite } = this.hs;
    const verifyData = keys.clientFinished(transcript.current());
    const fin = encodeHandshake(HandshakeType.finished, encodeFinished({ verifyData }));
    ctx.sendHandshake(fin, {});
    transcript.add(fin);

    ctx.setWriteProtection(new Tls13Protection(createAead(suite.aead, app.client.key), app.client.iv), 'client_application_traffic_secret_0');
    ctx.setReadProtection(new Tls13Protection(createAead(suite.aead, app.server.key), app.server.iv), 'server_application_traffic_secret_0');

    const info = {
      protocol: 'TLSv1.3' as const,
      cipher: suite.name,
      group: this.hs.group?.name,
      signatureScheme: this.auth.kind === 'certificate' ? this.auth.sig.scheme.name : undefined,
      alpn: this.hs.alpn,
      resumed: false,
      helloRetry: this.hs.helloRetry,
      verify: this.auth.kind === 'certificate' ? verifyReport(this.auth.chain) : pskVerify(),
      serverName: ctx.config.sni,
      ...(this.auth.kind === 'certificate' && this.auth.chain.ocsp ? { ocsp: this.auth.chain.ocsp } : {}),
      ...(clientAuth ? { clientAuth } : {}),
      ...(this.auth.kind === 'psk' ? { pskIdentity: this.auth.psk.identity } : {}),
    };
    // RFC 8446 §7.1: resumption_master_secret covers the transcript through the client Finished;
    // the master secret is dropped once it is derived.
    const traffic = app.intoTraffic(transcript.current());
    const next = new ExpectTraffic(proof, { transcript, suite, keys: traffic });
    ctx.setBindings({
      clientFinished: verifyData,
      serverFinished: received.slice(),
      // RFC 8446 §7.5: no distinction between an absent and an empty context.
      exportKeyingMaterial: (label, context, length) => traffic.exportKeyingMaterial(label, context ?? new Uint8Array(0), length),
    });
    ctx.complete(proof, info);
    return next;
  }
}
