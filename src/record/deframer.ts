/**
 * Splits the byte stream from the peer into records (RFC 8446 §5.1, RFC 5246 §6.2): the
 * transport may cut and join records anywhere. Checks the 5-byte header before waiting for a
 * body, so an oversize length is refused at once with record_overflow instead of buffering
 * up to 64 KiB and waiting.
 */
import { peerError } from '../errors.js';
import { isKnownContentType, RECORD_HEADER_LENGTH } from './content-type.js';

/** Bytes of a non-TLS stream kept in the error's detail (enough for a status line or a banner). */
const PEER_BYTES_KEPT = 64;

export interface RawRecord {
  type: number;
  version: number;
  /** The 5-byte header (the TLS 1.3 AEAD additional data). */
  header: Uint8Array;
  fragment: Uint8Array;
}

export class RecordDeframer {
  private buf = new Uint8Array(0);
  private start = 0;
  private end = 0;
  /**
   * Zero-copy path: when nothing is buffered, records are parsed straight out of the caller's
   * chunk (`ext`). Only a partial record left at its end is copied into `buf`, so a chunk of
   * whole records costs no copy. The caller must drain next() to null before it reuses the
   * chunk (the connection does, within one feed()).
   */
  private ext: Uint8Array | null = null;
  private extPos = 0;

  /** The largest fragment accepted (set by the record layer: plaintext vs ciphertext limits). */
  maxFragment = (1 << 14) + 2048;

  get buffered(): number {
    return this.end - this.start + (this.ext ? this.ext.length - this.extPos : 0);
  }

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    if (this.ext) this.spill();
    if (this.end === this.start) {
      this.start = this.end = 0;
      this.ext = data;
      this.extPos = 0;
      return;
    }
    this.append(data);
  }

  /** Move the unparsed rest of the caller's chunk into our own buffer. */
  private spill(): void {
    const rest = this.ext!.subarray(this.extPos);
    this.ext = null;
    this.extPos = 0;
    this.append(rest);
  }

  private append(data: Uint8Array): void {
    if (data.length === 0) return;
    const have = this.end - this.start;
    if (this.end + data.length > this.buf.length) {
      if (have + data.length <= this.buf.length && this.start > 0) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const nb = new Uint8Array(Math.max(have + data.length, this.buf.length * 2, 4096));
        nb.set(this.buf.subarray(this.start, this.end));
        this.buf = nb;
      }
      this.start = 0;
      this.end = have;
    }
    this.buf.set(data, this.end);
    this.end += data.length;
  }

  /**
   * The next complete record, or null when more bytes are needed. The returned arrays are views
   * (into the internal buffer or the pushed chunk) that stay valid until the next push().
   */
  next(): RawRecord | null {
    if (this.ext) {
      const r = this.parse(this.ext, this.extPos, this.ext.length);
      if (r) {
        this.extPos += r.header.length + r.fragment.length;
        if (this.extPos === this.ext.length) this.ext = null;
        return r;
      }
      this.spill();
      return null;
    }
    const r = this.parse(this.buf, this.start, this.end);
    if (!r) return null;
    this.start += r.header.length + r.fragment.length;
    if (this.start === this.end) this.start = this.end = 0;
    return r;
  }

  /** One record from b[s..e), or null when incomplete; header checks happen before the body arrives. */
  private parse(b: Uint8Array, s: number, e: number): RawRecord | null {
    const avail = e - s;
    if (avail < RECORD_HEADER_LENGTH) {
      if (avail > 0) this.checkType(b[s]!, b.subarray(s, e));
      return null;
    }
    const type = b[s]!;
    this.checkType(type, b.subarray(s, e));
    const version = (b[s + 1]! << 8) | b[s + 2]!;
    // RFC 8446 §5.1: legacy_record_version; anything that is not 3.x is not TLS at all.
    if (b[s + 1] !== 3) {
      throw peerError('MALFORMED_MESSAGE', 'record_version_not_tls', `record header has version 0x${version.toString(16)}: the peer is not speaking TLS`, {
        detail: { peerBytes: b.slice(s, Math.min(e, s + PEER_BYTES_KEPT)) },
      });
    }
    const length = (b[s + 3]! << 8) | b[s + 4]!;
    if (length > this.maxFragment) {
      throw peerError('RECORD_OVERFLOW', 'record_too_long', `record of ${length} bytes exceeds the limit of ${this.maxFragment}`);
    }
    if (avail < RECORD_HEADER_LENGTH + length) return null;
    return {
      type,
      version,
      header: b.subarray(s, s + RECORD_HEADER_LENGTH),
      fragment: b.subarray(s + RECORD_HEADER_LENGTH, s + RECORD_HEADER_LENGTH + length),
    };
  }

  private checkType(type: number, bytes: Uint8Array): void {
    // RFC 8446 §5: an unknown content type MUST be answered with unexpected_message.
    if (!isKnownContentType(type)) {
      throw peerError('UNEXPECTED_MESSAGE', 'unknown_content_type', `record of unknown content type ${type}`, {
        // The first bytes, so a diagnosis can say what the peer speaks instead (HTTP, SSH...).
        detail: { peerBytes: bytes.slice(0, PEER_BYTES_KEPT) },
      });
    }
  }
}
