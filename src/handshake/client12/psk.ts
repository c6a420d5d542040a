/**
 * TLS 1.2 client, PSK suites (RFC 4279 §2, RFC 5489 §2): no Certificate. After the ServerHello:
 *
 *     PSK:        [ServerKeyExchange (hint)] ServerHelloDone
 *     ECDHE_PSK:  ServerKeyExchange (hint, ECDH parameters, unsigned) ServerHelloDone
 *
 * then ClientKeyExchange (our identity [+ ECDH share]), ChangeCipherSpec, Finished. The hint
 * goes to a `psk` callback, which picks the key. The server is authenticated by its Finished,
 * which only a holder of the PSK can compute (the master secret comes from it).
 */
import { computeSharedSecret, generateKeyShare } from '../../crypto/groups.js';
import { peerError } from '../../errors.js';
import { withPeerValue } from '../crypto-errors.js';
import { pskAccepted } from '../verify.js';
import { pskFor, type ExternalPsk } from '../../identity/psk.js';
import { HandshakeType } from '../codec/types.js';
import { decodeServerHelloDone } from '../messages/empty.js';
import { decodeServerKeyExchangePsk, encodeClientKeyExchangePsk, pskPremasterSecret } from '../messages/key-exchange-psk.js';
import type { HandshakeContext, HandshakeMessage, HandshakeState } from '../state.js';
import { acceptMessage12, State12, type Handshake12, type KeyExchange12, type PskAuthenticated12 } from './common.js';
import { sendClientFlight } from './client-flight.js';

function thePsk(ctx: HandshakeContext, hint: string | undefined): ExternalPsk {
  const psk = pskFor(ctx.config.psk, hint);
  if (!psk) {
    throw peerError('NEGOTIATION_FAILED', 'psk_not_found_for_hint', `the server chose a PSK suite, but the \`psk\` callback gave no key${hint !== undefined ? ` for the identity hint "${hint}"` : ''}`);
  }
  return psk;
}

export class ExpectPskServerKeyExchange extends State12 {
  readonly name = 'ExpectServerKeyExchange';
  constructor(private readonly hs: Handshake12) {
    super();
  }

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    const ecdhe = this.hs.suite.kx === 'ecdhe_psk';
    // RFC 4279 §2: a plain PSK server without a hint omits ServerKeyExchange; RFC 5489 §2: ECDHE_PSK always sends it.
    const types = ecdhe ? [HandshakeType.server_key_exchange] : [HandshakeType.server_key_exchange, HandshakeType.server_hello_done];
    if (!acceptMessage12(msg, ctx, ...types)) return this;
    if (msg.type === HandshakeType.server_hello_done) {
      return new ExpectPskServerHelloDone(this.hs, undefined).handle(msg, ctx);
    }
    const ske = decodeServerKeyExchangePsk(msg.body, ecdhe);
    this.hs.transcript.add(msg.raw);
    // RFC 4279 §5.2: the hint is UTF-8 text; an empty one means "no hint".
    const hint = ske.hint.length > 0 ? new TextDecoder().decode(ske.hint) : undefined;
    ctx.emit({ type: 'message', direction: 'received', name: 'server_key_exchange', length: msg.raw.length, summary: { pskIdentityHint: hint ?? '-', ...(ske.ecdh ? { group: ske.ecdh.group } : {}) } });
    return new ExpectPskServerHelloDone(this.hs, { hint, ...(ske.ecdh ? { ecdh: ske.ecdh } : {}) });
  }
}

export class ExpectPskServerHelloDone extends State12 {
  readonly name = 'ExpectServerHelloDone';
  constructor(
    private readonly hs: Handshake12,
    private readonly ske: { hint: string | undefined; ecdh?: { group: number; publicKey: Uint8Array } } | undefined,
  ) {
    super();
  }

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    if (!acceptMessage12(msg, ctx, HandshakeType.server_hello_done)) return this;
    decodeServerHelloDone(msg.body);
    this.hs.transcript.add(msg.raw);
    ctx.emit({ type: 'message', direction: 'received', name: 'server_hello_done', length: msg.raw.length, summary: {} });
    const psk = thePsk(ctx, this.ske?.hint);
    let kx: KeyExchange12;
    const e = this.ske?.ecdh;
    if (e) {
      // RFC 5489 §2 / RFC 8422 §5.4: the curve MUST be one we offered; the point is validated.
      const group = ctx.config.groups.find((g) => g.code === e.group && g.kind === 'ecdhe');
      if (!group) {
        throw peerError('ILLEGAL_VALUE', 'server_key_exchange_unoffered_group', `ServerKeyExchange uses group 0x${e.group.toString(16).padStart(4, '0')}, which we did not offer`);
      }
      const share = generateKeyShare(group, ctx.config.random);
      const shared = withPeerValue(() => computeSharedSecret(share, e.publicKey));
      ctx.emit({ type: 'check', what: `server ${group.name} public value is valid`, ok: true });
      kx = { body: encodeClientKeyExchangePsk(psk.identity, share.publicKey), preMasterSecret: pskPremasterSecret(psk.key, shared), group: group.name, keyProof: pskAccepted(psk.identityText), summary: { pskIdentity: psk.identityText, group: group.name } };
    } else {
      kx = { body: encodeClientKeyExchangePsk(psk.identity), preMasterSecret: pskPremasterSecret(psk.key), group: undefined, keyProof: pskAccepted(psk.identityText), summary: { pskIdentity: psk.identityText } };
    }
    ctx.emit({ type: 'check', what: `PSK identity "${psk.identityText}" for ${this.hs.suite.name}`, ok: true, detail: 'no certificate: the server proves the key with its Finished' });
    const hs: PskAuthenticated12 = { ...this.hs, psk: { identity: psk.identityText } };
    return sendClientFlight(ctx, hs, kx, undefined);
  }
}
