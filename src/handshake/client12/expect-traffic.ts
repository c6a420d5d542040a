/**
 * TLS 1.2 client after the handshake. puretls never renegotiates: a HelloRequest
 * (RFC 5246 §7.4.1.1) is answered with a no_renegotiation warning (RFC 5246 §7.2.2, RFC 5746
 * §4.5) and counted towards the flood limit; HelloRequests received while we sent nothing since
 * our last warning get no second warning (§7.4.1.1: the client MAY ignore them), so a flood of
 * them costs at most one alert per record we send. Every other handshake message, and a
 * ChangeCipherSpec, is unexpected_message.
 */
import { AlertDescription } from '../../errors.js';
import { HandshakeType } from '../codec/types.js';
import { decodeHelloRequest } from '../messages/empty.js';
import { expectMessage, type HandshakeContext, type HandshakeMessage, type HandshakeState } from '../state.js';
import { unexpectedCcs } from './common.js';
import type { HandshakeVerified } from '../verify.js';

export class ExpectTraffic12 implements HandshakeState {
  readonly name = 'ExpectTraffic';
  readonly afterServerFinished = true;
  /** Our write sequence number right after our last no_renegotiation warning. */
  private warnedAt: bigint | undefined;
  constructor(
    /** Only a verified handshake reaches traffic (handshake/verify.ts). */
    readonly proof: HandshakeVerified,
    private readonly write: { readonly sequenceNumber: bigint },
  ) {}

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    expectMessage(msg, HandshakeType.hello_request);
    decodeHelloRequest(msg.body);
    ctx.noise('HelloRequest');
    const silent = this.warnedAt !== undefined && this.warnedAt === this.write.sequenceNumber;
    ctx.emit({ type: 'message', direction: 'received', name: 'hello_request', length: msg.raw.length, summary: { answer: silent ? 'ignored (already answered)' : 'no_renegotiation warning' } });
    if (silent) return this;
    ctx.sendWarningAlert(AlertDescription.no_renegotiation);
    this.warnedAt = this.write.sequenceNumber;
    return this;
  }

  handleChangeCipherSpec(_ctx: HandshakeContext): HandshakeState {
    return unexpectedCcs(this.name);
  }
}
