/**
 * The TLS 1.3 key schedule as the client walks it (RFC 8446 §7.1), as typestates (rustls'
 * KeyScheduleHandshake → KeyScheduleTraffic): each stage holds only the secrets of its stage,
 * and the way to the next stage asks for what must be true before it.
 *
 *   KeyScheduleHandshake        early secret (PSK or 0) → handshake secret → c/s hs traffic
 *     .intoTraffic(FinishedVerified, H(CH..server Finished))
 *   KeyScheduleFinishedPending  master secret → c/s ap traffic 0, exporter master secret
 *     .intoTraffic(H(CH..client Finished))
 *   KeyScheduleTraffic          c/s ap traffic N, exporter, resumption master secret
 *
 * The application traffic secrets exist only once the server's Finished has verified (the
 * proof is demanded), and the master secret lives only between that and our own Finished: the
 * resumption master secret (RFC 8446 §7.1: over the transcript through the client Finished) is
 * derived then, and the master secret is zeroed. The derivation functions live in
 * ../key-schedule13.ts; this file sequences them for one connection.
 *
 * Every secret is reported: to the key log (the NSS labels) when `keyLog` is set, and to
 * `onEvent` as a `key` event carrying a copy of the secret only with `traceSecrets: true`
 * (otherwise the event names the secret and where it came from, without its bytes).
 */
import { HASH_LEN } from '../../crypto/hash.js';
import type { Tls13Suite } from '../../crypto/suites.js';
import { toHex } from '../../wire/bytes.js';
import {
  EarlySecretPhase,
  exportKeyingMaterial13,
  finishedVerifyData,
  nextApplicationTrafficSecret,
  resumptionPsk,
  trafficKeys,
  type MasterSecretPhase,
} from '../key-schedule13.js';
import { internalError } from '../../errors.js';
import type { HandshakeContext } from '../state.js';
import { verifyFinished, type FinishedVerified } from '../verify.js';

/** The record protection keys of one traffic secret (RFC 8446 §7.3). */
export interface TrafficKeys {
  key: Uint8Array;
  iv: Uint8Array;
}

/** Where the secrets are reported: the key log, and the trace (secret bytes only by opt-in). */
export type SecretSink = Pick<HandshakeContext, 'emit' | 'keyLog' | 'config'>;

function report(sink: SecretSink, clientRandom: Uint8Array, label: string, from: string, secret: Uint8Array, keyLogLabel?: string): void {
  const opts = sink.config.options;
  if (opts.onEvent !== undefined) {
    // Secret bytes go to observers only on request, and as a copy (zeroing it breaks nothing).
    sink.emit(opts.traceSecrets === true ? { type: 'key', label, from, secret: secret.slice() } : { type: 'key', label, from });
  }
  if (keyLogLabel) sink.keyLog(keyLogLabel, clientRandom, secret);
}

function keysOf(suite: Tls13Suite, secret: Uint8Array): TrafficKeys {
  return trafficKeys(suite.hash, secret, suite.keyLength, 12);
}

/** After ServerHello: the handshake traffic keys and the Finished keys (RFC 8446 §7.1, §4.4.4). */
export class KeyScheduleHandshake {
  readonly clientHandshake: TrafficKeys;
  readonly serverHandshake: TrafficKeys;
  /** Hash.length: the size of a Finished verify_data. */
  readonly hashLength: number;
  readonly #clientSecret: Uint8Array;
  readonly #serverSecret: Uint8Array;
  readonly #handshake: ReturnType<EarlySecretPhase['handshakeSecret']>;

  constructor(
    readonly suite: Tls13Suite,
    /** The (EC)DHE shared secret; null for psk_ke (RFC 8446 §7.1: zeros). */
    sharedSecret: Uint8Array | null,
    /** Transcript-Hash(ClientHello..ServerHello) */
    helloHash: Uint8Array,
    private readonly clientRandom: Uint8Array,
    private readonly sink: SecretSink,
    /** An external PSK (RFC 8446 §7.1: the IKM of the Early Secret). */
    psk?: Uint8Array,
  ) {
    const h = suite.hash;
    this.hashLength = HASH_LEN[h];
    const early = new EarlySecretPhase(h, psk);
    report(sink, clientRandom, 'early_secret', psk ? 'HKDF-Extract(salt=0, IKM=PSK)' : 'HKDF-Extract(salt=0, IKM=0) (no PSK)', early.secret);
    this.#handshake = early.handshakeSecret(sharedSecret);
    const ikm = sharedSecret ? `(EC)DHE shared secret ${sharedSecret.length} bytes` : '0 (psk_ke: no (EC)DHE)';
    report(sink, clientRandom, 'handshake_secret', `HKDF-Extract(Derive-Secret(early_secret, "derived"), ${ikm})`, this.#handshake.secret);
    this.#clientSecret = this.#handshake.clientHandshakeTrafficSecret(helloHash);
    this.#serverSecret = this.#handshake.serverHandshakeTrafficSecret(helloHash);
    report(sink, clientRandom, 'client_handshake_traffic_secret', `Derive-Secret(handshake_secret, "c hs traffic", H(ClientHello..ServerHello)=${toHex(helloHash).slice(0, 16)}…)`, this.#clientSecret, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    report(sink, clientRandom, 'server_handshake_traffic_secret', 'Derive-Secret(handshake_secret, "s hs traffic", H(ClientHello..ServerHello))', this.#serverSecret, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
    this.clientHandshake = keysOf(suite, this.#clientSecret);
    this.serverHandshake = keysOf(suite, this.#serverSecret);
  }

  /** RFC 8446 §4.4.4: the server's Finished over Transcript-Hash(.. CertificateVerify), compared in constant time. */
  verifyServerFinished(transcriptHash: Uint8Array, received: Uint8Array): FinishedVerified {
    return verifyFinished(finishedVerifyData(this.suite.hash, this.#serverSecret, transcriptHash), received);
  }

  /** RFC 8446 §4.4.4: our Finished over Transcript-Hash(.. our CertificateVerify). */
  clientFinished(transcriptHash: Uint8Array): Uint8Array {
    return finishedVerifyData(this.suite.hash, this.#clientSecret, transcriptHash);
  }

  /**
   * The server's Finished verified (the proof is demanded): the master secret, the application
   * traffic secrets and the exporter master secret (transcript: CH..server Finished).
   */
  intoTraffic(_serverFinished: FinishedVerified, serverFinishedHash: Uint8Array): KeyScheduleFinishedPending {
    const master = this.#handshake.masterSecret();
    report(this.sink, this.clientRandom, 'master_secret', 'HKDF-Extract(Derive-Secret(handshake_secret, "derived"), 0)', master.secret);
    return new KeyScheduleFinishedPending(this.suite, master, serverFinishedHash, this.clientRandom, this.sink);
  }
}

/** Between the server's Finished and ours: the application keys, and the master secret still held. */
export class KeyScheduleFinishedPending {
  readonly client: TrafficKeys;
  readonly server: TrafficKeys;
  readonly #master: MasterSecretPhase;
  readonly #clientSecret: Uint8Array;
  readonly #serverSecret: Uint8Array;
  readonly #exporter: Uint8Array;

  constructor(
    readonly suite: Tls13Suite,
    master: MasterSecretPhase,
    serverFinishedHash: Uint8Array,
    private readonly clientRandom: Uint8Array,
    private readonly sink: SecretSink,
  ) {
    this.#master = master;
    this.#clientSecret = master.clientApplicationTrafficSecret(serverFinishedHash);
    this.#serverSecret = master.serverApplicationTrafficSecret(serverFinishedHash);
    this.#exporter = master.exporterMasterSecret(serverFinishedHash);
    report(sink, clientRandom, 'client_application_traffic_secret_0', 'Derive-Secret(master_secret, "c ap traffic", H(ClientHello..server Finished))', this.#clientSecret, 'CLIENT_TRAFFIC_SECRET_0');
    report(sink, clientRandom, 'server_application_traffic_secret_0', 'Derive-Secret(master_secret, "s ap traffic", H(ClientHello..server Finished))', this.#serverSecret, 'SERVER_TRAFFIC_SECRET_0');
    report(sink, clientRandom, 'exporter_master_secret', 'Derive-Secret(master_secret, "exp master", H(ClientHello..server Finished))', this.#exporter, 'EXPORTER_SECRET');
    this.client = keysOf(suite, this.#clientSecret);
    this.server = keysOf(suite, this.#serverSecret);
  }

  /**
   * Our Finished is sent: the resumption master secret over CH..client Finished (RFC 8446 §7.1),
   * then the master secret is zeroed: nothing after this point can derive from it.
   */
  intoTraffic(clientFinishedHash: Uint8Array): KeyScheduleTraffic {
    if (this.#master.secret.every((b) => b === 0)) throw internalError('master_secret_used_twice', 'the TLS 1.3 master secret was asked for after it was dropped');
    const resumption = this.#master.resumptionMasterSecret(clientFinishedHash);
    report(this.sink, this.clientRandom, 'resumption_master_secret', 'Derive-Secret(master_secret, "res master", H(ClientHello..client Finished))', resumption);
    this.#master.secret.fill(0);
    return new KeyScheduleTraffic(this.suite, this.#clientSecret, this.#serverSecret, this.#exporter, resumption);
  }
}

/**
 * The connection's keys after the handshake: the current application traffic secrets (KeyUpdate
 * steps them, RFC 8446 §7.2), the exporter (RFC 8446 §7.5) and the resumption master secret
 * (RFC 8446 §4.6.1: the PSK of each NewSessionTicket). No master secret.
 */
export class KeyScheduleTraffic {
  #client: Uint8Array;
  #server: Uint8Array;
  readonly #exporter: Uint8Array;
  readonly #resumption: Uint8Array;

  constructor(
    readonly suite: Tls13Suite,
    client: Uint8Array,
    server: Uint8Array,
    exporter: Uint8Array,
    resumption: Uint8Array,
  ) {
    this.#client = client;
    this.#server = server;
    this.#exporter = exporter;
    this.#resumption = resumption;
  }

  /** RFC 8446 §7.2: our next application traffic secret, and its keys. */
  nextClient(): TrafficKeys {
    this.#client = nextApplicationTrafficSecret(this.suite.hash, this.#client);
    return keysOf(this.suite, this.#client);
  }

  /** RFC 8446 §7.2: the server's next application traffic secret, and its keys. */
  nextServer(): TrafficKeys {
    this.#server = nextApplicationTrafficSecret(this.suite.hash, this.#server);
    return keysOf(this.suite, this.#server);
  }

  /** RFC 8446 §4.4 (post-handshake authentication): Finished keyed from the current client application traffic secret. */
  clientFinished(transcriptHash: Uint8Array): Uint8Array {
    return finishedVerifyData(this.suite.hash, this.#client, transcriptHash);
  }

  /** RFC 8446 §7.5: TLS-Exporter(label, context, length). */
  exportKeyingMaterial(label: string, context: Uint8Array, length: number): Uint8Array {
    return exportKeyingMaterial13(this.suite.hash, this.#exporter, label, context, length);
  }

  /**
   * RFC 8446 §4.6.1: the PSK a NewSessionTicket with this nonce stands for,
   * HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
   * A fresh array, for the session store; the resumption master secret itself never leaves.
   */
  resumptionPsk(ticketNonce: Uint8Array): Uint8Array {
    return resumptionPsk(this.suite.hash, this.#resumption, ticketNonce);
  }
}
