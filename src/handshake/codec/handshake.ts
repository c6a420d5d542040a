/**
 * Handshake message framing (RFC 8446 §4, RFC 5246 §7.4):
 *
 *     struct {
 *         HandshakeType msg_type;    // u8
 *         uint24 length;             // bytes in body
 *         select (msg_type) { ... } body;
 *     } Handshake;
 *
 * Records and handshake messages are independent: one message may span many records and one
 * record may carry many messages (RFC 8446 §5.1). `HandshakeJoiner` turns record fragments into
 * whole messages, each with its `raw` bytes (header included) because the transcript hash is over
 * exactly those bytes (RFC 8446 §4.4.1).
 *
 * Oversized messages: RFC 8446 names no alert for a message larger than we will buffer. rustls
 * reports `InvalidMessage::HandshakePayloadTooLarge`, which its `From<InvalidMessage> for
 * AlertDescription` maps to decode_error; OpenSSL sends illegal_parameter (EXCESSIVE_MESSAGE_SIZE)
 * and Go internal_error. We follow rustls: MALFORMED_MESSAGE / decode_error, reason
 * 'handshake_message_too_large', raised as soon as the 4-byte header is seen (nothing more is
 * buffered for it).
 */
import { peerError } from '../../errors.js';
import { Reader } from '../../wire/reader.js';
import { handshakeTypeName } from './types.js';

/** One whole handshake message. `raw` = header + body, the bytes the transcript hashes. */
export interface HandshakeMessage {
  type: number;
  body: Uint8Array;
  raw: Uint8Array;
}

/** Default limit on one handshake message body: 64 KiB + 1 KiB (certificate chains are the big ones). */
export const DEFAULT_MAX_HANDSHAKE_SIZE = 0x10000 + 1024;

const MAX_U24 = 0xffffff;

/** Frame a body as a handshake message: msg_type u8, length u24, body. */
export function encodeHandshake(type: number, body: Uint8Array): Uint8Array {
  if (!Number.isInteger(type) || type < 0 || type > 0xff) throw new RangeError(`encodeHandshake: bad type ${type}`);
  if (body.length > MAX_U24) throw new RangeError(`encodeHandshake: body of ${body.length} bytes exceeds 2^24-1`);
  const out = new Uint8Array(4 + body.length);
  out[0] = type;
  out[1] = (body.length >>> 16) & 0xff;
  out[2] = (body.length >>> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, 4);
  return out;
}

/** Read exactly one handshake message from `bytes` (no trailing bytes). */
export function decodeHandshake(bytes: Uint8Array): HandshakeMessage {
  const r = new Reader(bytes, 'Handshake');
  const type = r.u8('msg_type');
  const body = r.vec24('body');
  r.end();
  return { type, body, raw: bytes };
}

export interface HandshakeJoinerOptions {
  /** Largest accepted body length; larger → MALFORMED_MESSAGE. Default DEFAULT_MAX_HANDSHAKE_SIZE. */
  maxMessageSize?: number;
  /**
   * Largest Certificate / CertificateRequest body (the messages that carry certificate chains
   * and CA name lists); default `maxMessageSize`. OpenSSL bounds both by max_cert_list.
   */
  maxCertificateSize?: number;
}

/** HandshakeType certificate (11) and certificate_request (13). */
const CERTIFICATE_TYPES: ReadonlySet<number> = new Set([11, 13]);

/**
 * Joins record fragments of content type handshake into whole messages.
 * `push()` fragments in arrival order, then call `next()` until it returns null.
 */
export class HandshakeJoiner {
  private buf = new Uint8Array(0);
  private start = 0;
  private end = 0;
  readonly maxMessageSize: number;
  readonly maxCertificateSize: number;

  constructor(opts: HandshakeJoinerOptions = {}) {
    this.maxMessageSize = opts.maxMessageSize ?? DEFAULT_MAX_HANDSHAKE_SIZE;
    this.maxCertificateSize = opts.maxCertificateSize ?? this.maxMessageSize;
  }

  /** Bytes buffered (complete messages not yet taken plus any partial one). */
  get buffered(): number {
    return this.end - this.start;
  }

  /**
   * True when any byte is buffered: a partial message, or whole messages not yet taken by
   * `next()`. RFC 8446 §5.1: handshake messages MUST NOT span a key change; the connection
   * checks this before changing keys and answers unexpected_message.
   */
  hasPartial(): boolean {
    return this.end > this.start;
  }

  /** Append one record's handshake fragment. Throws MALFORMED_MESSAGE if the head message is too large. */
  push(fragment: Uint8Array): void {
    if (fragment.length === 0) return;
    const have = this.end - this.start;
    if (this.end + fragment.length > this.buf.length) {
      // Compact, and grow if needed (amortised: capacity doubles).
      let cap = Math.max(this.buf.length, 256);
      while (cap < have + fragment.length) cap *= 2;
      if (cap === this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const nb = new Uint8Array(cap);
        nb.set(this.buf.subarray(this.start, this.end));
        this.buf = nb;
      }
      this.start = 0;
      this.end = have;
    }
    this.buf.set(fragment, this.end);
    this.end += fragment.length;
    this.checkHead();
  }

  /** The next whole message, or null if none is complete yet. */
  next(): HandshakeMessage | null {
    const len = this.checkHead();
    if (len < 0 || this.end - this.start < 4 + len) return null;
    const raw = this.buf.slice(this.start, this.start + 4 + len); // a copy: the buffer is reused
    this.start += 4 + len;
    if (this.start === this.end) this.start = this.end = 0;
    return { type: raw[0]!, body: raw.subarray(4), raw };
  }

  /** Length of the head message's body, or -1 if its header is incomplete. */
  private checkHead(): number {
    if (this.end - this.start < 4) return -1;
    const b = this.buf;
    const s = this.start;
    const len = (b[s + 1]! << 16) | (b[s + 2]! << 8) | b[s + 3]!;
    const max = CERTIFICATE_TYPES.has(b[s]!) ? this.maxCertificateSize : this.maxMessageSize;
    if (len > max) {
      const hint = CERTIFICATE_TYPES.has(b[s]!) ? ' (raise `maxHandshakeSize` to accept it)' : '';
      throw peerError('MALFORMED_MESSAGE', 'handshake_message_too_large', `${handshakeTypeName(b[s]!)} message of ${len} bytes exceeds the limit of ${max}${hint}`, {
        detail: { reason: 'handshake message too large', type: b[s]!, length: len },
      });
    }
    return len;
  }
}
