/**
 * The TLS 1.3 key schedule (RFC 8446 §7.1-§7.5), as three phases:
 *
 *                 0
 *                 |
 *       PSK ->  HKDF-Extract = Early Secret         → EarlySecretPhase (binder keys, c e traffic)
 *                 |
 *           Derive-Secret(., "derived", "")
 *                 |
 *  (EC)DHE -> HKDF-Extract = Handshake Secret       → HandshakeSecretPhase (c/s hs traffic)
 *                 |
 *           Derive-Secret(., "derived", "")
 *                 |
 *       0 -> HKDF-Extract = Master Secret           → MasterSecretPhase (c/s ap traffic, exporter, resumption)
 *
 * Each phase only offers the secrets of its stage, so code holding a HandshakeSecretPhase cannot
 * ask for application secrets (rustls' KeySchedule typestates). Transcript hashes are passed in
 * already hashed (`Transcript.current()`). RFC 8448 reproduces these byte for byte
 * (test/handshake/rfc8448-simple-1rtt.test.ts).
 */
import { type HashName, HASH_LEN, hash, hkdfExpand, hkdfExtract, hmac } from '../crypto/hash.js';
import { utf8 } from '../wire/bytes.js';
import { write } from '../wire/writer.js';

const EMPTY = new Uint8Array(0);

/**
 * RFC 8446 §7.1:
 *     HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length)
 *     struct { uint16 length = Length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255> = Context; } HkdfLabel;
 */
export function hkdfExpandLabel(h: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const full = utf8('tls13 ' + label);
  if (full.length > 255 || context.length > 255) throw new RangeError('hkdfExpandLabel: label or context too long');
  const info = write((w) => {
    w.u16(length);
    w.vec8(full);
    w.vec8(context);
  });
  return hkdfExpand(h, secret, info, length);
}

/** RFC 8446 §7.1: Derive-Secret(Secret, Label, Messages) with Transcript-Hash(Messages) given. */
export function deriveSecret(h: HashName, secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
  return hkdfExpandLabel(h, secret, label, transcriptHash, HASH_LEN[h]);
}

/** Transcript-Hash("") = Hash of no messages. */
export function emptyHash(h: HashName): Uint8Array {
  return hash(h, EMPTY);
}

/** The early secret: from a PSK, or from Hash.length zeros when there is none (§7.1). */
export class EarlySecretPhase {
  readonly secret: Uint8Array;
  constructor(
    readonly hash: HashName,
    psk?: Uint8Array | null,
  ) {
    const zeros = new Uint8Array(HASH_LEN[hash]);
    this.secret = hkdfExtract(hash, zeros, psk ?? zeros);
  }
  /** "ext binder" (external PSK) or "res binder" (resumption), over Hash(""). */
  binderKey(kind: 'external' | 'resumption'): Uint8Array {
    return deriveSecret(this.hash, this.secret, kind === 'external' ? 'ext binder' : 'res binder', emptyHash(this.hash));
  }
  /** client_early_traffic_secret = Derive-Secret(., "c e traffic", ClientHello). */
  clientEarlyTrafficSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'c e traffic', th);
  }
  /** early_exporter_master_secret = Derive-Secret(., "e exp master", ClientHello). */
  earlyExporterMasterSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'e exp master', th);
  }
  /** Derive-Secret(., "derived", ""): the salt of the next extract. */
  derived(): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'derived', emptyHash(this.hash));
  }
  /** Next phase, from the (EC)DHE shared secret (zeros for psk_ke without (EC)DHE). */
  handshakeSecret(sharedSecret: Uint8Array | null): HandshakeSecretPhase {
    return new HandshakeSecretPhase(this.hash, this.derived(), sharedSecret ?? new Uint8Array(HASH_LEN[this.hash]));
  }
}

export class HandshakeSecretPhase {
  readonly secret: Uint8Array;
  constructor(
    readonly hash: HashName,
    salt: Uint8Array,
    sharedSecret: Uint8Array,
  ) {
    this.secret = hkdfExtract(hash, salt, sharedSecret);
  }
  /** Derive-Secret(., "c hs traffic", ClientHello...ServerHello). */
  clientHandshakeTrafficSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'c hs traffic', th);
  }
  /** Derive-Secret(., "s hs traffic", ClientHello...ServerHello). */
  serverHandshakeTrafficSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 's hs traffic', th);
  }
  derived(): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'derived', emptyHash(this.hash));
  }
  /** Next phase: HKDF-Extract(derived, 0). */
  masterSecret(): MasterSecretPhase {
    return new MasterSecretPhase(this.hash, this.derived());
  }
}

export class MasterSecretPhase {
  readonly secret: Uint8Array;
  constructor(
    readonly hash: HashName,
    salt: Uint8Array,
  ) {
    this.secret = hkdfExtract(hash, salt, new Uint8Array(HASH_LEN[hash]));
  }
  /** Derive-Secret(., "c ap traffic", ClientHello...server Finished). */
  clientApplicationTrafficSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'c ap traffic', th);
  }
  /** Derive-Secret(., "s ap traffic", ClientHello...server Finished). */
  serverApplicationTrafficSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 's ap traffic', th);
  }
  /** Derive-Secret(., "exp master", ClientHello...server Finished). */
  exporterMasterSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'exp master', th);
  }
  /** Derive-Secret(., "res master", ClientHello...client Finished). */
  resumptionMasterSecret(th: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'res master', th);
  }
}

/** RFC 8446 §4.4.4: finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length). */
export function finishedKey(h: HashName, baseKey: Uint8Array): Uint8Array {
  return hkdfExpandLabel(h, baseKey, 'finished', EMPTY, HASH_LEN[h]);
}

/**
 * RFC 8446 §4.4.4: verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*)).
 * Also the PSK binder (§4.2.11.2) with the binder key as BaseKey and the truncated ClientHello's hash.
 */
export function finishedVerifyData(h: HashName, baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  return hmac(h, finishedKey(h, baseKey), transcriptHash);
}

/** RFC 8446 §7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length). */
export function nextApplicationTrafficSecret(h: HashName, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(h, secret, 'traffic upd', EMPTY, HASH_LEN[h]);
}

/** RFC 8446 §7.3: write_key = HKDF-Expand-Label(Secret, "key", "", key_length); write_iv likewise with "iv". */
export function trafficKeys(h: HashName, secret: Uint8Array, keyLen: number, ivLen: number): { key: Uint8Array; iv: Uint8Array } {
  return {
    key: hkdfExpandLabel(h, secret, 'key', EMPTY, keyLen),
    iv: hkdfExpandLabel(h, secret, 'iv', EMPTY, ivLen),
  };
}

/** RFC 8446 §4.6.1: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
export function resumptionPsk(h: HashName, resumptionMasterSecret: Uint8Array, ticketNonce: Uint8Array): Uint8Array {
  return hkdfExpandLabel(h, resumptionMasterSecret, 'resumption', ticketNonce, HASH_LEN[h]);
}

/**
 * RFC 8446 §7.5: TLS-Exporter(label, context_value, key_length) =
 *     HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value), key_length)
 * (Derive-Secret over "" means Transcript-Hash of no messages = Hash("").)
 */
export function exportKeyingMaterial13(
  h: HashName,
  exporterMasterSecret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const s = deriveSecret(h, exporterMasterSecret, label, emptyHash(h));
  return hkdfExpandLabel(h, s, 'exporter', hash(h, context), length);
}
