/**
 * The record layer (RFC 8446 §5, RFC 5246 §6): deframes the incoming stream, removes the
 * current read protection, and fragments + protects outgoing content. It knows nothing of
 * handshake messages; the connection decides what each content type means.
 */
import { peerError } from '../errors.js';
import { ContentType, MAX_PLAINTEXT } from './content-type.js';
import { RecordDeframer } from './deframer.js';
import { NullProtection, type RecordProtection } from './protection.js';

export interface InboundRecord {
  type: number;
  plaintext: Uint8Array;
  /** Whether the record was protected (decrypted) when it arrived. */
  encrypted: boolean;
  /** Length on the wire (for traces). */
  wireLength: number;
  /** The record as it arrived (header + fragment): a view, valid until the next push(). */
  wire: Uint8Array;
  /**
   * True when `plaintext` is a view of the input (plaintext records): valid only until the
   * next push(), so whoever keeps it must copy it. Decrypted records are fresh arrays.
   */
  aliased: boolean;
}

export class RecordLayer {
  private readonly deframer = new RecordDeframer();
  private readProt: RecordProtection = new NullProtection();
  private writeProt: RecordProtection;
  private readonly plain: NullProtection;
  /** The largest plaintext fragment we send in any record (max_fragment_length, RFC 6066 §4). */
  private maxSendFragment = MAX_PLAINTEXT;
  /** The largest plaintext we accept in any record (max_fragment_length). */
  private maxReceivePlaintext = MAX_PLAINTEXT;
  /**
   * record_size_limit (RFC 8449 §4), which binds protected records only: the peer's limit on
   * what we send and ours on what we accept, both counting TLS 1.3's content type byte and
   * padding (the TLSInnerPlaintext); Infinity while not negotiated.
   */
  private peerRecordLimit = Infinity;
  private ownRecordLimit = Infinity;
  /** TLS 1.3 padding policy (RFC 8446 §5.4): pad inner plaintexts to a multiple of this (0: none). */
  private padTo = 0;

  constructor() {
    // RFC 8446 §5.1: the first ClientHello may use 0x0301 for compatibility.
    this.plain = new NullProtection(0x0301);
    this.writeProt = this.plain;
    this.deframer.maxFragment = MAX_PLAINTEXT;
  }

  get readEncrypted(): boolean {
    return this.readProt.encrypted;
  }
  get writeEncrypted(): boolean {
    return this.writeProt.encrypted;
  }
  /** Bytes of an incomplete record waiting for more input. */
  get pendingInput(): number {
    return this.deframer.buffered;
  }

  setReadProtection(p: RecordProtection): void {
    this.readProt = p;
    this.deframer.maxFragment = p.maxFragment;
  }
  setWriteProtection(p: RecordProtection): void {
    this.writeProt = p;
    this.applySealLimits();
  }

  /** TLS 1.3 record padding: inner plaintexts padded to a multiple of `n` bytes (0: none). */
  setPadding(n: number): void {
    this.padTo = n;
    this.applySealLimits();
  }

  /**
   * Negotiated size limits. `maxFragmentLength` binds every record both ways; the
   * record_size_limit values bind protected records (RFC 8449 §4: "Unprotected messages are not
   * subject to this limit").
   */
  setLimits(l: { maxFragmentLength?: number; peerRecordSizeLimit?: number; ownRecordSizeLimit?: number }): void {
    if (l.maxFragmentLength !== undefined) {
      this.maxSendFragment = Math.min(MAX_PLAINTEXT, l.maxFragmentLength);
      this.maxReceivePlaintext = Math.min(MAX_PLAINTEXT, l.maxFragmentLength);
    }
    if (l.peerRecordSizeLimit !== undefined) this.peerRecordLimit = l.peerRecordSizeLimit;
    if (l.ownRecordSizeLimit !== undefined) this.ownRecordLimit = l.ownRecordSizeLimit;
    this.applySealLimits();
  }

  /** The limits in force, for `info` and traces. */
  get limits(): { sendFragment: number; receiveFragment: number; peerRecordSizeLimit: number | undefined; ownRecordSizeLimit: number | undefined } {
    const fin = (n: number): number | undefined => (Number.isFinite(n) ? n : undefined);
    return {
      sendFragment: this.maxSendFragment,
      receiveFragment: this.maxReceivePlaintext,
      peerRecordSizeLimit: fin(this.peerRecordLimit),
      ownRecordSizeLimit: fin(this.ownRecordLimit),
    };
  }

  private applySealLimits(): void {
    this.writeProt.setSealLimits?.(this.padTo, this.peerRecordLimit);
  }

  /** The largest content we put in one record under the current write protection. */
  get maxSendContent(): number {
    if (!this.writeProt.encrypted || !Number.isFinite(this.peerRecordLimit)) return this.maxSendFragment;
    // TLS 1.3 counts the content type byte in the limit (RFC 8449 §4); TLS 1.2 caps at 2^14.
    const contentLimit = this.writeProt.setSealLimits ? this.peerRecordLimit - 1 : this.peerRecordLimit;
    return Math.max(1, Math.min(this.maxSendFragment, contentLimit));
  }
  /** After the first ClientHello, plaintext records use 0x0303. */
  setPlaintextVersion(v: number): void {
    this.plain.version = v;
  }

  push(data: Uint8Array): void {
    this.deframer.push(data);
  }

  /** The next record with its protection removed, or null when more bytes are needed. */
  next(): InboundRecord | null {
    const raw = this.deframer.next();
    if (!raw) return null;
    const encrypted = this.readProt.encrypted;
    let opened;
    if (encrypted && raw.type === ContentType.change_cipher_spec) {
      // A plaintext CCS may arrive between encrypted records in TLS 1.3 (RFC 8446 §5): let the
      // connection decide whether it is allowed at this point.
      opened = { type: raw.type, plaintext: raw.fragment };
    } else {
      opened = this.readProt.open(raw.header, raw.type, raw.fragment);
    }
    // RFC 6066 §4 / RFC 8449 §4: a record above the negotiated limit is record_overflow.
    if (opened.plaintext.length > this.maxReceivePlaintext) {
      throw peerError('RECORD_OVERFLOW', 'record_exceeds_negotiated_limit', `record plaintext of ${opened.plaintext.length} bytes exceeds the negotiated max_fragment_length ${this.maxReceivePlaintext}`);
    }
    if (encrypted && raw.type !== ContentType.change_cipher_spec) {
      const inner = opened.innerLength ?? opened.plaintext.length;
      if (inner > this.ownRecordLimit) {
        throw peerError('RECORD_OVERFLOW', 'record_exceeds_own_size_limit', `protected record of ${inner} plaintext bytes exceeds our record_size_limit ${this.ownRecordLimit}`);
      }
    }
    return {
      type: opened.type,
      plaintext: opened.plaintext,
      encrypted: encrypted && raw.type !== ContentType.change_cipher_spec,
      wireLength: raw.fragment.length + 5,
      // The header and the fragment are adjacent views of one buffer (deframer.ts).
      wire: new Uint8Array(raw.header.buffer, raw.header.byteOffset, raw.header.length + raw.fragment.length),
      aliased: opened.plaintext.buffer === raw.fragment.buffer,
    };
  }

  /** Fragment `data` into records within the negotiated limits and protect each one. */
  encode(type: number, data: Uint8Array, out: Uint8Array[]): void {
    const max = this.maxSendContent;
    if (data.length === 0) {
      out.push(this.writeProt.seal(type, data));
      return;
    }
    for (let off = 0; off < data.length; off += max) {
      out.push(this.writeProt.seal(type, data.subarray(off, Math.min(data.length, off + max))));
    }
  }

  /** A record sent in the clear regardless of the write state (TLS 1.3 compatibility CCS). */
  encodePlain(type: number, data: Uint8Array, out: Uint8Array[]): void {
    out.push(this.plain.seal(type, data)); // one byte (the compatibility CCS): within every limit
  }
}
