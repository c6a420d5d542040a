/**
 * Record protection: the per-direction keys and sequence numbers (RFC 8446 §5.2-§5.3 for
 * TLS 1.3; the TLS 1.2 variants live beside this file). A protection object turns one
 * plaintext fragment into one complete record (header included) and back.
 */
import type { Aead } from '../crypto/types.js';
import { internalError, peerError } from '../errors.js';
import { ContentType, MAX_CIPHERTEXT_13, MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from './content-type.js';

export interface OpenedRecord {
  type: number;
  plaintext: Uint8Array;
  /** TLS 1.3: the TLSInnerPlaintext length (content, type byte and padding), RFC 8449 §4's measure. */
  innerLength?: number;
}

export interface RecordProtection {
  readonly encrypted: boolean;
  /** The largest fragment this protection accepts on the wire. */
  readonly maxFragment: number;
  /** Build one complete record carrying `plaintext` (≤ 2^14) of content `type`. */
  seal(type: number, plaintext: Uint8Array): Uint8Array;
  /** Decrypt and authenticate one record; throws a TlsError (bad_record_mac, record_overflow...). */
  open(header: Uint8Array, type: number, fragment: Uint8Array): OpenedRecord;
  /**
   * TLS 1.3 only: the record layer's limits on what `seal` builds — pad inner plaintexts to a
   * multiple of `padTo` (0: no padding, RFC 8446 §5.4), never beyond `maxInner` bytes (the
   * peer's record_size_limit, RFC 8449 §4).
   */
  setSealLimits?(padTo: number, maxInner: number): void;
}

/** Write the 5-byte record header (RFC 8446 §5.1, RFC 5246 §6.2.1): type, version, length. */
export function writeRecordHeader(out: Uint8Array, type: number, version: number, length: number): void {
  out[0] = type;
  out[1] = version >>> 8;
  out[2] = version & 0xff;
  out[3] = length >>> 8;
  out[4] = length & 0xff;
}

/** No protection (before keys are set): TLSPlaintext. */
export class NullProtection implements RecordProtection {
  readonly encrypted = false;
  readonly maxFragment = MAX_PLAINTEXT;
  /** legacy_record_version of the records we send: 0x0301 for the first ClientHello, then 0x0303 (RFC 8446 §5.1). */
  constructor(public version = 0x0303) {}
  seal(type: number, plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(RECORD_HEADER_LENGTH + plaintext.length);
    writeRecordHeader(out, type, this.version, plaintext.length);
    out.set(plaintext, RECORD_HEADER_LENGTH);
    return out;
  }
  open(_header: Uint8Array, type: number, fragment: Uint8Array): OpenedRecord {
    return { type, plaintext: fragment };
  }
}

/** The per-record nonce: the IV XORed with the 64-bit sequence number, left-padded (RFC 8446 §5.3). */
export function xorNonce(iv: Uint8Array, seq: bigint, out: Uint8Array): Uint8Array {
  out.set(iv);
  let s = seq;
  for (let i = out.length - 1; i >= out.length - 8; i--) {
    out[i]! ^= Number(s & 0xffn);
    s >>= 8n;
  }
  return out;
}

/** RFC 8446 §5.5: the sequence number must not wrap; we stop long before. */
const SEQ_LIMIT = (1n << 64n) - 1n;

/** TLS 1.3 AEAD protection (RFC 8446 §5.2). */
export class Tls13Protection implements RecordProtection {
  readonly encrypted = true;
  readonly maxFragment = MAX_CIPHERTEXT_13;
  private seq = 0n;
  private readonly nonce: Uint8Array;

  constructor(
    private readonly aead: Aead,
    private readonly iv: Uint8Array,
    /** Pad inner plaintexts to a multiple of this many bytes (0: no padding). RFC 8446 §5.4. */
    private padTo = 0,
  ) {
    this.nonce = new Uint8Array(iv.length);
  }

  /** The largest TLSInnerPlaintext we build: 2^14 + 1, or the peer's record_size_limit. */
  private maxInner = MAX_PLAINTEXT + 1;

  get sequenceNumber(): bigint {
    return this.seq;
  }

  setSealLimits(padTo: number, maxInner: number): void {
    this.padTo = padTo;
    this.maxInner = Math.min(maxInner, MAX_PLAINTEXT + 1);
  }

  private padding(innerLen: number): number {
    if (this.padTo <= 0) return 0;
    const r = innerLen % this.padTo;
    return r === 0 ? 0 : Math.max(0, Math.min(this.padTo - r, this.maxInner - innerLen));
  }

  private nextNonce(): Uint8Array {
    if (this.seq >= SEQ_LIMIT) throw internalError('sequence_number_exhausted', 'record sequence number exhausted');
    const n = xorNonce(this.iv, this.seq, this.nonce);
    this.seq++;
    return n;
  }

  seal(type: number, plaintext: Uint8Array): Uint8Array {
    // TLSInnerPlaintext: content || ContentType type || uint8 zeros[length_of_padding],
    // built in place inside the record; the 3 leading spare bytes put the AEAD input at a
    // 4-byte-aligned offset (noble copies unaligned input).
    const pad = this.padding(plaintext.length + 1);
    const innerLen = plaintext.length + 1 + pad;
    const ctLen = innerLen + this.aead.tagLength;
    const buf = new Uint8Array(3 + RECORD_HEADER_LENGTH + ctLen);
    const record = buf.subarray(3);
    // opaque_type = application_data, legacy_record_version = 0x0303 (RFC 8446 §5.2)
    writeRecordHeader(record, ContentType.application_data, 0x0303, ctLen);
    const body = record.subarray(RECORD_HEADER_LENGTH);
    body.set(plaintext);
    body[plaintext.length] = type;
    this.aead.sealInPlace(this.nextNonce(), record.subarray(0, RECORD_HEADER_LENGTH), body, innerLen);
    return record;
  }

  open(hdr: Uint8Array, type: number, fragment: Uint8Array): OpenedRecord {
    // RFC 8446 §5.2: protected records carry opaque_type application_data.
    if (type !== ContentType.application_data) {
      throw peerError('UNEXPECTED_MESSAGE', 'plaintext_record_after_encryption', `unencrypted record of type ${type} after encryption started`);
    }
    if (fragment.length > MAX_CIPHERTEXT_13) {
      throw peerError('RECORD_OVERFLOW', 'ciphertext_too_long', `encrypted record of ${fragment.length} bytes exceeds 2^14+256`);
    }
    const inner = this.aead.open(this.nextNonce(), hdr, fragment);
    if (inner === null) {
      throw peerError('RECORD_AUTH_FAILED', 'record_authentication_failed', 'record failed authentication (wrong key, tampering or corruption)');
    }
    // Strip the zero padding; the last non-zero byte is the real content type.
    let i = inner.length - 1;
    while (i >= 0 && inner[i] === 0) i--;
    if (i < 0) {
      throw peerError('UNEXPECTED_MESSAGE', 'no_inner_content_type', 'encrypted record has no non-zero content type');
    }
    // RFC 8446 §5.4: TLSInnerPlaintext length over 2^14 + 1 is record_overflow.
    if (inner.length > MAX_PLAINTEXT + 1 || i > MAX_PLAINTEXT) {
      throw peerError('RECORD_OVERFLOW', 'plaintext_too_long', `decrypted record of ${i} bytes exceeds 2^14`);
    }
    return { type: inner[i]!, plaintext: inner.subarray(0, i), innerLength: inner.length };
  }
}
