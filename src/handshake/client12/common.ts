/**
 * What the TLS 1.2 client states carry from one to the next, and the rules every one of them
 * shares: a ChangeCipherSpec is a protocol step that only ExpectServerCcs accepts (RFC 5246
 * §7.1), and a HelloRequest during the handshake is ignored (RFC 5246 §7.4.1.1).
 */
import type { Tls12Suite } from '../../crypto/suites.js';
import { createAead } from '../../crypto/aead.js';
import { peerError } from '../../errors.js';
import { Tls12AeadProtection, Tls12CbcProtection } from '../../record/protection12.js';
import type { RecordProtection } from '../../record/protection.js';
import type { ResolvedConfig } from '../../config.js';
import { HandshakeType } from '../codec/types.js';
import { deriveKeyBlock12 } from '../prf12.js';
import { decodeHelloRequest } from '../messages/empty.js';
import type { Transcript } from '../transcript.js';
import { expectMessage, type HandshakeContext, type HandshakeMessage, type HandshakeState } from '../state.js';
import type { CertificateDecision, KeyProof } from '../verify.js';

export interface Handshake12 {
  suite: Tls12Suite;
  /** handshake_messages so far (RFC 5246 §7.4.9), hashed with the suite's PRF hash. */
  transcript: Transcript;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  /** RFC 7627: the server echoed extended_master_secret. */
  ems: boolean;
  /** RFC 7366: the server echoed encrypt_then_mac (CBC suites only). */
  etm: boolean;
  /** RFC 5077 §3.2: the server echoed session_ticket, so a NewSessionTicket precedes its CCS. */
  ticketPromised: boolean;
  /** RFC 6066 §8: the server acknowledged status_request, so a CertificateStatus may follow its Certificate. */
  statusPromised: boolean;
  alpn?: string;
  /** Client authentication: whether the server asked, and what we sent. */
  clientAuth?: { requested: boolean; subject?: string; scheme?: string };
}

/** After the Certificate: the certificate decision (its ServerKeyExchange signature is checked next). */
export interface CertAuthenticated12 extends Handshake12 {
  chain: CertificateDecision;
  psk?: undefined;
}
/**
 * A PSK suite (RFC 4279 §2): no certificate; the server proves it holds the key with its
 * Finished, which the master secret derived from the PSK keys.
 */
export interface PskAuthenticated12 extends Handshake12 {
  chain?: undefined;
  psk: { identity: string };
}
export type Authenticated12 = CertAuthenticated12 | PskAuthenticated12;

/** The client's half of the key exchange, ready to send once ServerHelloDone arrives. */
export interface KeyExchange12 {
  /** ClientKeyExchange body. */
  body: Uint8Array;
  preMasterSecret: Uint8Array;
  group: string | undefined;
  /** The server's ServerKeyExchange signature, (RSA key exchange) the key transport to its certificate, or the PSK it accepted. */
  keyProof: KeyProof;
  summary: Record<string, unknown>;
}

/** A ChangeCipherSpec where the state does not expect one (RFC 5246 §7.1: it is a protocol step). */
export function unexpectedCcs(state: string): never {
  throw peerError('UNEXPECTED_MESSAGE', 'unexpected_change_cipher_spec', `ChangeCipherSpec from the server in ${state}`);
}

/**
 * RFC 5246 §7.4.1.1: "This message will be ignored by the client if the client is currently
 * negotiating a session." It is not part of the transcript; it counts as noise (bounded).
 */
export function ignoredHelloRequest(msg: HandshakeMessage, ctx: HandshakeContext): boolean {
  if (msg.type !== HandshakeType.hello_request) return false;
  decodeHelloRequest(msg.body);
  ctx.noise('HelloRequest during the handshake');
  ctx.emit({ type: 'message', direction: 'received', name: 'hello_request', length: msg.raw.length, summary: { action: 'ignored (handshake in progress)' } });
  return true;
}

/**
 * The entry check of the 1.2 states before the server's CCS: false for a HelloRequest (ignored,
 * see above: the state stays as it is), else the message must be one of `types`
 * (unexpected_message otherwise) and true is returned.
 */
export function acceptMessage12(msg: HandshakeMessage, ctx: HandshakeContext, ...types: number[]): boolean {
  if (ignoredHelloRequest(msg, ctx)) return false;
  expectMessage(msg, ...types);
  return true;
}

/** The shared shape of every 1.2 state before the server's CCS. */
export abstract class State12 implements HandshakeState {
  abstract readonly name: string;
  abstract handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState;
  handleChangeCipherSpec(_ctx: HandshakeContext): HandshakeState {
    return unexpectedCcs(this.name);
  }
}

/**
 * RFC 5246 §6.3 key block → one record protection per direction. AEAD suites take the
 * implicit IV part (RFC 5288 §3, RFC 7905 §2); CBC suites take MAC keys and no IV (RFC 5246
 * §6.3: IVs are generated "only for implicit nonce techniques").
 */
export function protections12(
  config: ResolvedConfig,
  hs: Handshake12,
  masterSecret: Uint8Array,
): { client: Tls12AeadProtection | Tls12CbcProtection; server: RecordProtection } {
  const s = hs.suite;
  if (s.protection === 'aead') {
    const kb = deriveKeyBlock12(s.hash, masterSecret, hs.clientRandom, hs.serverRandom, 0, s.keyLength, s.fixedIvLength);
    return {
      client: new Tls12AeadProtection(createAead(s.aead, kb.clientKey), kb.clientIv),
      server: new Tls12AeadProtection(createAead(s.aead, kb.serverKey), kb.serverIv),
    };
  }
  const cbc = s.cbc;
  const kb = deriveKeyBlock12(s.hash, masterSecret, hs.clientRandom, hs.serverRandom, cbc.macKeyLength, s.keyLength, 0);
  const common = { macHash: cbc.macHash, encryptThenMac: hs.etm, random: config.random };
  return {
    client: new Tls12CbcProtection({ key: kb.clientKey, macKey: kb.clientMacKey, ...common }),
    server: new Tls12CbcProtection({ key: kb.serverKey, macKey: kb.serverMacKey, ...common }),
  };
}
