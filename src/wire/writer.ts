/**
 * The writing half of the codec: integers and length-prefixed blocks whose length is computed
 * from what the callback writes (like cryptobyte's AddUint16LengthPrefixed).
 */

export class Writer {
  private buf: Uint8Array;
  private pos = 0;
  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.pos));
    this.buf = nb;
  }
  get length(): number {
    return this.pos;
  }
  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u24(v: number): this {
    this.ensure(3);
    this.buf[this.pos++] = (v >>> 16) & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.buf[this.pos++] = (v >>> 24) & 0xff;
    this.buf[this.pos++] = (v >>> 16) & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  private prefixed(lenBytes: 1 | 2 | 3, max: number, fn: (w: this) => void): this {
    this.ensure(lenBytes);
    const at = this.pos;
    this.pos += lenBytes;
    fn(this);
    const n = this.pos - at - lenBytes;
    if (n > max) throw new RangeError(`Writer: block of ${n} bytes exceeds its ${lenBytes}-byte length prefix`);
    for (let i = 0; i < lenBytes; i++) this.buf[at + i] = (n >>> (8 * (lenBytes - 1 - i))) & 0xff;
    return this;
  }
  u8Prefixed(fn: (w: this) => void): this {
    return this.prefixed(1, 0xff, fn);
  }
  u16Prefixed(fn: (w: this) => void): this {
    return this.prefixed(2, 0xffff, fn);
  }
  u24Prefixed(fn: (w: this) => void): this {
    return this.prefixed(3, 0xffffff, fn);
  }
  vec8(b: Uint8Array): this {
    return this.u8Prefixed((w) => w.bytes(b));
  }
  vec16(b: Uint8Array): this {
    return this.u16Prefixed((w) => w.bytes(b));
  }
  vec24(b: Uint8Array): this {
    return this.u24Prefixed((w) => w.bytes(b));
  }
  /** The bytes written (a copy of exactly `length` bytes). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Convenience: run fn on a fresh writer and return its bytes. */
export function write(fn: (w: Writer) => void, initial = 256): Uint8Array {
  const w = new Writer(initial);
  fn(w);
  return w.finish();
}
