/**
 * The record layer (RFC 8446 §5, RFC 5246 §6): deframes the incoming stream, removes the
 * current read protection, and fragments + protects outgoing content. It knows nothing of
 * handshake messages; the connection decides what each content type means.
 */
import { TlsError } from '../errors.js';
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
  /** The largest plaintext fragment we send (max_fragment_length / record_size_limit lower it). */
  maxSendFragment = MAX_PLAINTEXT;
  /** The largest plaintext we accept (max_fragment_length negotiated lowers it). */
  maxReceivePlaintext = MAX_PLAINTEXT;

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
    if (opened.plaintext.length > this.maxReceivePlaintext) {
      throw new TlsError('RECORD_OVERFLOW', `record plaintext of ${opened.plaintext.length} bytes exceeds ${this.maxReceivePlaintext}`, {
        alert: 'record_overflow',
      });
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

  /** Fragment `data` into records of at most maxSendFragment and protect each one. */
  encode(type: number, data: Uint8Array, out: Uint8Array[]): void {
    const max = this.maxSendFragment;
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
    out.push(this.plain.seal(type, data));
  }
}
