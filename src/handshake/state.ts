/**
 * The contract between the connection and the handshake state machines (rustls' `State` +
 * `Output`, style-anchors examples 2 and 7). A state takes one handshake message and returns
 * the next state, or throws a TlsError. States never touch the connection's insides: they talk
 * to a `HandshakeContext` sink (send, set keys, emit trace events, complete).
 */
import type { ResolvedConfig } from '../config.js';
import { internalError, peerError } from '../errors.js';
import type { RecordProtection } from '../record/protection.js';
import type { HandshakeInfo, TraceEvent } from '../types.js';
import { handshakeTypeName } from './codec/types.js';
import type { HandshakeVerified } from './verify.js';

export interface HandshakeMessage {
  type: number;
  body: Uint8Array;
  /** The whole message with its 4-byte header, as the transcript hashes it. */
  raw: Uint8Array;
}

export interface StoredTicket {
  version: 'TLSv1.3' | 'TLSv1.2';
  ticket: Uint8Array;
  lifetime: number;
  ageAdd: number;
  nonce: Uint8Array;
  receivedAt: number;
  suite: number;
  /** TLS 1.3: the resumption PSK derived for this ticket (RFC 8446 §4.6.1). */
  psk?: Uint8Array;
  maxEarlyData?: number;
  serverName: string | undefined;
}

/**
 * What a completed handshake leaves for the application's channel bindings: the Finished
 * verify_data of each side (RFC 5929 tls-unique is the first Finished of a TLS 1.2 handshake)
 * and the keying material exporter (RFC 5705 / RFC 8446 §7.5), which keeps its secret in a
 * closure, never in a field.
 */
export interface SessionBindings {
  clientFinished: Uint8Array;
  serverFinished: Uint8Array;
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array;
}

export interface HandshakeContext {
  readonly config: ResolvedConfig;
  /** Send one handshake message (raw = header + body) under the current write protection. */
  sendHandshake(raw: Uint8Array, summary?: Record<string, unknown>): void;
  /** Send the ChangeCipherSpec record (TLS 1.2 always, TLS 1.3 middlebox compatibility). */
  sendChangeCipherSpec(): void;
  setReadProtection(p: RecordProtection, label: string): void;
  setWriteProtection(p: RecordProtection, label: string): void;
  /** The version the ServerHello selected (alert rules differ: RFC 8446 §6.2). */
  setVersion(v: '1.2' | '1.3'): void;
  /** The plaintext record version after the first ClientHello (RFC 8446 §5.1). */
  setPlaintextVersion(v: number): void;
  /**
   * Negotiated record sizes: max_fragment_length (RFC 6066 §4, both ways), the server's
   * record_size_limit (what we send) and ours, once acknowledged (what we accept), RFC 8449 §4.
   */
  setRecordLimits(l: { maxFragmentLength?: number; peerRecordSizeLimit?: number; ownRecordSizeLimit?: number }): void;
  emit(event: TraceEvent): void;
  /** A key log line (NSS format); no-op unless the user asked for it. */
  keyLog(label: string, clientRandom: Uint8Array, secret: Uint8Array): void;
  /**
   * The handshake is done: application data may flow. Only a state holding the proof that the
   * server's Finished, certificate and key were checked can call it (handshake/verify.ts).
   */
  complete(proof: HandshakeVerified, info: HandshakeInfo): void;
  /** A post-handshake event that counts towards a flood limit (KeyUpdate, CCS...; tickets have their own). */
  noise(what: string, budget?: 'records' | 'tickets'): void;
  /** Send a warning alert (TLS 1.2: no_renegotiation in answer to a HelloRequest, RFC 5746 §4.5). */
  sendWarningAlert(description: number): void;
  storeTicket(t: StoredTicket): void;
  /** The Finished values and exporter of the completed handshake (call before `complete`). */
  setBindings(b: SessionBindings): void;
  /** We answered a CertificateRequest: with a certificate (true) or an empty one (false). */
  noteClientCertificate(sent: boolean): void;
  /** The clock for certificate validity. */
  readonly now: () => Date;
}

/**
 * An operation the connection waits for (design.md: "the connection stops in a state that says
 * it waits for that operation, and the driver completes it and resumes the connection", as
 * BoringSSL's and mbedTLS's asynchronous private keys do). The core never awaits `result`: the
 * driver does, then calls `completeOperation(value)` or `failOperation(error)`.
 */
export interface PendingOperation {
  /** What is awaited: 'sign' (an asynchronous signer) or 'crypto' (the `crypto` provider's operation, src/crypto/provider.ts). */
  readonly kind: 'sign' | 'crypto';
  /** For traces: e.g. "CertificateVerify signature (ecdsa_secp256r1_sha256)". */
  readonly description: string;
  readonly result: PromiseLike<unknown>;
}

export interface HandshakeState {
  /** The state's name for traces (rustls' names: ExpectServerHello, ...). */
  readonly name: string;
  /** Set on a state that waits for an operation: no message is processed until it completes. */
  readonly pending?: PendingOperation;
  /** Continue with the operation's value (a throw is handled like one from `handle`). */
  resume?(value: unknown, ctx: HandshakeContext): HandshakeState;
  /** True once the server's Finished is verified (TLS 1.3 CCS tolerance ends there). */
  readonly afterServerFinished?: boolean;
  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState;
  /**
   * TLS 1.3 after the handshake: send a KeyUpdate (asking the peer to update too when
   * `requestPeer`) and switch our write key (RFC 8446 §4.6.3). Absent: no KeyUpdate here.
   */
  sendKeyUpdate?(requestPeer: boolean, ctx: HandshakeContext): void;
  /** TLS 1.2: a ChangeCipherSpec from the server moves the state on. Absent: TLS 1.3 rules apply. */
  handleChangeCipherSpec?(ctx: HandshakeContext): HandshakeState;
}

/** First line of every `handle`: an unexpected message is unexpected_message by construction. */
export function expectMessage(msg: HandshakeMessage, ...types: number[]): void {
  if (!types.includes(msg.type)) {
    throw peerError('UNEXPECTED_MESSAGE', 'unexpected_handshake_message', `expected ${types.map(handshakeTypeName).join(' or ')}, got ${handshakeTypeName(msg.type)}`, { detail: { expected: types.map(handshakeTypeName), got: handshakeTypeName(msg.type) } });
  }
}

/**
 * The state that waits for an asynchronous operation, then continues with `next(value)`.
 * `handle` cannot be reached: the connection processes nothing while a state is pending.
 */
export class AwaitingOperation implements HandshakeState {
  readonly name: string;
  constructor(
    readonly pending: PendingOperation,
    private readonly next: (value: unknown, ctx: HandshakeContext) => HandshakeState,
    name = 'AwaitingOperation',
  ) {
    this.name = name;
  }
  handle(): HandshakeState {
    throw internalError('dispatch_while_pending', `a message was dispatched while waiting for ${this.pending.description}`);
  }
  resume(value: unknown, ctx: HandshakeContext): HandshakeState {
    return this.next(value, ctx);
  }
}

export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as { then?: unknown }).then === 'function';
}
