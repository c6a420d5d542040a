/**
 * The TLS 1.3 key schedule as the client walks it (RFC 8446 §7.1), with every secret reported
 * as a trace event (where it came from) and to the key log. The derivation functions live in
 * ../key-schedule13.ts; this file sequences them for one connection.
 *
 *   0 → HKDF-Extract(0, 0) = Early Secret → Derive-Secret(., "derived", "")
 *     → HKDF-Extract(., (EC)DHE) = Handshake Secret → c/s hs traffic (CH..SH)
 *     → Derive-Secret(., "derived", "") → HKDF-Extract(., 0) = Master Secret
 *     → c/s ap traffic, exporter, resumption (CH..server Finished / client Finished)
 */
import { hkdfExtract, HASH_LEN } from '../../crypto/hash.js';
import type { Tls13Suite } from '../../crypto/suites.js';
import { toHex } from '../../wire/bytes.js';
import { deriveSecret, emptyHash, finishedVerifyData, trafficKeys, nextApplicationTrafficSecret } from '../key-schedule13.js';
import type { HandshakeContext } from '../state.js';

export interface TrafficKeys {
  secret: Uint8Array;
  key: Uint8Array;
  iv: Uint8Array;
}

function report(ctx: HandshakeContext, label: string, from: string, secret: Uint8Array, clientRandom: Uint8Array, keyLogLabel?: string): void {
  const verbose = ctx.config.options.onEvent !== undefined;
  if (verbose) ctx.emit({ type: 'key', label, from, secret });
  if (keyLogLabel) ctx.keyLog(keyLogLabel, clientRandom, secret);
}

export class HandshakeKeySchedule13 {
  readonly clientHandshake: TrafficKeys;
  readonly serverHandshake: TrafficKeys;
  private readonly handshakeSecret: Uint8Array;
  private readonly hashLen: number;

  constructor(
    readonly suite: Tls13Suite,
    /** The (EC)DHE shared secret; null for psk_ke (RFC 8446 §7.1: zeros). */
    sharedSecretOrNull: Uint8Array | null,
    /** Transcript-Hash(ClientHello..ServerHello) */
    helloHash: Uint8Array,
    private readonly clientRandom: Uint8Array,
    private readonly ctx: HandshakeContext,
    /** An external PSK (RFC 8446 §7.1: the IKM of the Early Secret). */
    psk?: Uint8Array,
  ) {
    const h = suite.hash;
    this.hashLen = HASH_LEN[h];
    const zeros = new Uint8Array(this.hashLen);
    const sharedSecret = sharedSecretOrNull ?? zeros;
    const early = hkdfExtract(h, new Uint8Array(0), psk ?? zeros);
    report(ctx, 'early_secret', psk ? 'HKDF-Extract(salt=0, IKM=PSK)' : 'HKDF-Extract(salt=0, IKM=0) (no PSK)', early, clientRandom);
    const derived = deriveSecret(h, early, 'derived', emptyHash(h));
    this.handshakeSecret = hkdfExtract(h, derived, sharedSecret);
    report(ctx, 'handshake_secret', `HKDF-Extract(Derive-Secret(early_secret, "derived"), (EC)DHE shared secret ${sharedSecret.length} bytes)`, this.handshakeSecret, clientRandom);
    const chts = deriveSecret(h, this.handshakeSecret, 'c hs traffic', helloHash);
    const shts = deriveSecret(h, this.handshakeSecret, 's hs traffic', helloHash);
    report(ctx, 'client_handshake_traffic_secret', `Derive-Secret(handshake_secret, "c hs traffic", H(ClientHello..ServerHello)=${toHex(helloHash).slice(0, 16)}…)`, chts, clientRandom, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    report(ctx, 'server_handshake_traffic_secret', 'Derive-Secret(handshake_secret, "s hs traffic", H(ClientHello..ServerHello))', shts, clientRandom, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
    this.clientHandshake = this.traffic(chts);
    this.serverHandshake = this.traffic(shts);
  }

  traffic(secret: Uint8Array): TrafficKeys {
    const { key, iv } = trafficKeys(this.suite.hash, secret, this.suite.keyLength, 12);
    return { secret, key, iv };
  }

  /** The Finished value a party with this base key must send over this transcript hash. */
  finished(baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
    return finishedVerifyData(this.suite.hash, baseKey, transcriptHash);
  }

  /** Master secret and the application traffic secrets (transcript: CH..server Finished). */
  application(serverFinishedHash: Uint8Array): { client: TrafficKeys; server: TrafficKeys; exporter: Uint8Array; master: Uint8Array } {
    const h = this.suite.hash;
    const derived = deriveSecret(h, this.handshakeSecret, 'derived', emptyHash(h));
    const master = hkdfExtract(h, derived, new Uint8Array(this.hashLen));
    report(this.ctx, 'master_secret', 'HKDF-Extract(Derive-Secret(handshake_secret, "derived"), 0)', master, this.clientRandom);
    const cats = deriveSecret(h, master, 'c ap traffic', serverFinishedHash);
    const sats = deriveSecret(h, master, 's ap traffic', serverFinishedHash);
    const exporter = deriveSecret(h, master, 'exp master', serverFinishedHash);
    report(this.ctx, 'client_application_traffic_secret_0', 'Derive-Secret(master_secret, "c ap traffic", H(ClientHello..server Finished))', cats, this.clientRandom, 'CLIENT_TRAFFIC_SECRET_0');
    report(this.ctx, 'server_application_traffic_secret_0', 'Derive-Secret(master_secret, "s ap traffic", H(ClientHello..server Finished))', sats, this.clientRandom, 'SERVER_TRAFFIC_SECRET_0');
    report(this.ctx, 'exporter_master_secret', 'Derive-Secret(master_secret, "exp master", H(ClientHello..server Finished))', exporter, this.clientRandom, 'EXPORTER_SECRET');
    return { client: this.traffic(cats), server: this.traffic(sats), exporter, master };
  }

  /** RFC 8446 §7.2: application_traffic_secret_N+1. */
  next(secret: Uint8Array): TrafficKeys {
    return this.traffic(nextApplicationTrafficSecret(this.suite.hash, secret));
  }
}
