/**
 * TLS 1.2 client, the server's last flight (RFC 5246 §7.4.9, RFC 5077 §3.3):
 *
 *     [NewSessionTicket] ChangeCipherSpec Finished
 *
 * The CCS switches the read side to the new keys; the server's Finished is compared in
 * constant time; then the handshake is complete.
 */
import { internalError, peerError } from '../../errors.js';
import type { RecordProtection } from '../../record/protection.js';
import type { HandshakeInfo } from '../../types.js';
import { HandshakeType } from '../codec/types.js';
import { decodeFinished } from '../messages/finished.js';
import { decodeNewSessionTicket12 } from '../messages/new-session-ticket.js';
import { finished12, exportKeyingMaterial12 } from '../prf12.js';
import { expectMessage, type HandshakeContext, type HandshakeMessage, type HandshakeState } from '../state.js';
import { handshakeVerified, PskAccepted, SignatureVerified, verifyFinished, verifyReport, type FinishedVerified, type HandshakeVerified } from '../verify.js';
import { acceptMessage12, ignoredHelloRequest, State12, type Authenticated12, type KeyExchange12 } from './common.js';
import { ExpectTraffic12 } from './expect-traffic.js';

/** After our Finished: everything needed to check the server's. */
export type Keyed12 = Authenticated12 & {
  kx: KeyExchange12;
  masterSecret: Uint8Array;
  serverProtection: RecordProtection;
  /** Our Finished verify_data (RFC 5929 tls-unique for a full handshake). */
  clientFinished: Uint8Array;
  /** Our write protection after ChangeCipherSpec (ExpectTraffic12 reads its sequence number). */
  clientProtection: RecordProtection & { readonly sequenceNumber: bigint };
  /**
   * RFC 5077 §3.3: the NewSessionTicket received before the server's CCS. It is only kept
   * (storeTicket) once the server's Finished has verified: until then nothing authenticates it.
   */
  ticket?: { lifetimeHint: number; ticket: Uint8Array };
};

/** The Finished proof with the server's authentication: its certificate and key proof, or the PSK. */
function serverVerified12(finished: FinishedVerified, hs: Keyed12): HandshakeVerified {
  const key = hs.kx.keyProof;
  if (key instanceof PskAccepted) return handshakeVerified(finished, undefined, key);
  if (hs.chain === undefined) throw internalError('key_proof_without_certificate', 'a certificate key proof without a certificate decision');
  return handshakeVerified(finished, hs.chain, key);
}

export class ExpectNewSessionTicket12 extends State12 {
  readonly name = 'ExpectNewSessionTicket';
  constructor(private readonly hs: Keyed12) {
    super();
  }

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    // RFC 5077 §3.3: having sent session_ticket in ServerHello, the server MUST send this
    // message (a zero-length ticket when it changed its mind).
    if (!acceptMessage12(msg, ctx, HandshakeType.new_session_ticket)) return this;
    const nst = decodeNewSessionTicket12(msg.body);
    this.hs.transcript.add(msg.raw);
    ctx.emit({ type: 'message', direction: 'received', name: 'new_session_ticket', length: msg.raw.length, summary: { lifetimeHint: nst.lifetimeHint, ticketLength: nst.ticket.length } });
    // Kept aside: stored only after the server's Finished verifies (as Go and rustls do).
    return new ExpectServerCcs({ ...this.hs, ticket: { lifetimeHint: nst.lifetimeHint, ticket: nst.ticket.slice() } });
  }
}

export class ExpectServerCcs implements HandshakeState {
  readonly name = 'ExpectServerChangeCipherSpec';
  constructor(private readonly hs: Keyed12) {}

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    if (ignoredHelloRequest(msg, ctx)) return this;
    // RFC 5246 §7.4.9: the server's Finished must come after its ChangeCipherSpec.
    throw peerError('UNEXPECTED_MESSAGE', 'finished_before_change_cipher_spec', `expected the server's ChangeCipherSpec, got ${msg.type === HandshakeType.finished ? 'an unprotected Finished' : `handshake message ${msg.type}`}`);
  }

  handleChangeCipherSpec(ctx: HandshakeContext): HandshakeState {
    ctx.emit({ type: 'message', direction: 'received', name: 'change_cipher_spec', length: 1, summary: {} });
    // RFC 5246 §7.1: "the receiver instructs the record layer to immediately copy the read
    // pending state into the read current state".
    ctx.setReadProtection(this.hs.serverProtection, `server write key (${this.hs.suite.name})`);
    return new ExpectServerFinished(this.hs);
  }
}

export class ExpectServerFinished extends State12 {
  readonly name = 'ExpectFinished';
  constructor(private readonly hs: Keyed12) {
    super();
  }

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    expectMessage(msg, HandshakeType.finished);
    const { suite, transcript, masterSecret } = this.hs;
    // RFC 5246 §7.4.9: verify_data is 12 bytes for every suite we implement.
    const received = decodeFinished(msg.body, 12).verifyData;
    const expected = finished12(suite.hash, masterSecret, 'server finished', transcript.current());
    const finished = verifyFinished(expected, received);
    transcript.add(msg.raw);
    ctx.emit({ type: 'message', direction: 'received', name: 'finished', length: msg.raw.length, summary: {} });
    ctx.emit({ type: 'check', what: 'server Finished (PRF over the transcript, constant-time compare)', ok: true });
    this.storeTicket(ctx);

    const { chain, kx } = this.hs;
    const proof = serverVerified12(finished, this.hs);
    const info: HandshakeInfo = {
      protocol: 'TLSv1.2',
      cipher: suite.name,
      group: kx.group,
      signatureScheme: kx.keyProof instanceof SignatureVerified ? kx.keyProof.scheme.name : undefined,
      alpn: this.hs.alpn,
      resumed: false,
      helloRetry: false,
      verify: chain ? verifyReport(chain) : { status: 'skipped', flags: [], certificates: [], peerCertificates: [], verifiedChain: [] },
      serverName: ctx.config.sni,
      extendedMasterSecret: this.hs.ems,
      ...(suite.protection === 'cbc' ? { encryptThenMac: this.hs.etm } : {}),
      ...(chain?.ocsp ? { ocsp: chain.ocsp } : {}),
      ...(this.hs.clientAuth ? { clientAuth: this.hs.clientAuth } : {}),
      ...(this.hs.psk ? { pskIdentity: this.hs.psk.identity } : {}),
    };
    const next = new ExpectTraffic12(proof, this.hs.clientProtection);
    const { clientRandom, serverRandom } = this.hs;
    ctx.setBindings({
      clientFinished: this.hs.clientFinished,
      serverFinished: received.slice(),
      // RFC 5705 §4.
      exportKeyingMaterial: (label, context, length) =>
        exportKeyingMaterial12(suite.hash, masterSecret, label, clientRandom, serverRandom, context, length),
    });
    ctx.complete(proof, info);
    return next;
  }

  /** The ticket of ExpectNewSessionTicket12, now that the handshake it belongs to is authenticated. */
  private storeTicket(ctx: HandshakeContext): void {
    const t = this.hs.ticket;
    if (!t) return;
    ctx.emit({ type: 'session-ticket', lifetime: t.lifetimeHint, ageAdd: 0, ticketLength: t.ticket.length });
    // RFC 5077 §3.3: a zero-length ticket means the server issues none after all.
    if (t.ticket.length === 0) return;
    ctx.storeTicket({
      version: 'TLSv1.2',
      ticket: t.ticket,
      lifetime: t.lifetimeHint,
      ageAdd: 0,
      nonce: new Uint8Array(0),
      receivedAt: ctx.now().getTime(),
      suite: this.hs.suite.code,
      // The 1.2 ticket resumes with the master secret (RFC 5077 §3.4); kept like the 1.3 PSK.
      psk: this.hs.masterSecret.slice(),
      serverName: ctx.config.sni,
    });
  }
}
