/**
 * A cursor over TLS's presentation-language vectors (RFC 8446 §3): u8/u16/u24/u32 integers and
 * length-prefixed opaque vectors. Readers hand out `subarray`s and never copy.
 * Every failure is a TlsError `MALFORMED_MESSAGE` (alert decode_error) that names the field.
 */
import { decodeError } from '../errors.js';

export class Reader {
  private pos = 0;
  constructor(
    readonly buf: Uint8Array,
    /** What is being read, for error messages. */
    readonly what = 'message',
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }
  get offset(): number {
    return this.pos;
  }
  isEmpty(): boolean {
    return this.pos >= this.buf.length;
  }

  private need(n: number, field: string): void {
    if (this.buf.length - this.pos < n) throw decodeError('truncated', `${this.what}: truncated ${field}`);
  }
  u8(field = 'u8'): number {
    this.need(1, field);
    return this.buf[this.pos++]!;
  }
  u16(field = 'u16'): number {
    this.need(2, field);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u24(field = 'u24'): number {
    this.need(3, field);
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!;
    this.pos += 3;
    return v;
  }
  u32(field = 'u32'): number {
    this.need(4, field);
    const v =
      this.buf[this.pos]! * 0x1000000 +
      ((this.buf[this.pos + 1]! << 16) | (this.buf[this.pos + 2]! << 8) | this.buf[this.pos + 3]!);
    this.pos += 4;
    return v;
  }
  /** Exactly n bytes (a subarray, not a copy). */
  bytes(n: number, field = 'bytes'): Uint8Array {
    this.need(n, field);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  rest(): Uint8Array {
    const v = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return v;
  }
  /** opaque x<min..2^8-1> */
  vec8(field = 'vector', min = 0): Uint8Array {
    const n = this.u8(`${field} length`);
    if (n < min) throw decodeError('vector_too_short', `${this.what}: ${field} shorter than ${min}`);
    return this.bytes(n, field);
  }
  /** opaque x<min..2^16-1> */
  vec16(field = 'vector', min = 0): Uint8Array {
    const n = this.u16(`${field} length`);
    if (n < min) throw decodeError('vector_too_short', `${this.what}: ${field} shorter than ${min}`);
    return this.bytes(n, field);
  }
  /** opaque x<min..2^24-1> */
  vec24(field = 'vector', min = 0): Uint8Array {
    const n = this.u24(`${field} length`);
    if (n < min) throw decodeError('vector_too_short', `${this.what}: ${field} shorter than ${min}`);
    return this.bytes(n, field);
  }
  /** A sub-reader over a u8/u16/u24-prefixed block. */
  sub8(field: string): Reader {
    return new Reader(this.vec8(field), `${this.what}.${field}`);
  }
  sub16(field: string): Reader {
    return new Reader(this.vec16(field), `${this.what}.${field}`);
  }
  sub24(field: string): Reader {
    return new Reader(this.vec24(field), `${this.what}.${field}`);
  }
  /** Read a list of items until this reader is exhausted. */
  list<T>(item: (r: Reader) => T): T[] {
    const out: T[] = [];
    while (!this.isEmpty()) out.push(item(this));
    return out;
  }
  /** Require that everything was consumed. */
  end(): void {
    if (!this.isEmpty()) throw decodeError('trailing_bytes', `${this.what}: ${this.remaining} trailing byte(s)`);
  }
}
