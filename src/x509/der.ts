/**
 * A strict DER reader (ITU-T X.690 §10): definite, minimal lengths only, so that the bytes we
 * verify a signature over are the bytes we interpret (RFC 5280 §4.1: certificates are DER).
 * Every error is a `DerError`; certificate.ts turns it into TlsError('BAD_CERTIFICATE').
 */

export class DerError extends Error {
  override readonly name = 'DerError';
}

/** Universal tags used by X.509 (X.690 §8.x). */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8String: 0x0c,
  PrintableString: 0x13,
  TeletexString: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  UniversalString: 0x1c,
  BMPString: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One TLV: `tag` is the identifier octet, `value` the contents, `raw` the whole encoding. */
export interface Tlv {
  tag: number;
  value: Uint8Array;
  raw: Uint8Array;
}

/** Reads consecutive TLVs from a byte string. */
export class DerReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** The tag of the next TLV, or -1 at the end. */
  peekTag(): number {
    return this.done ? -1 : this.buf[this.pos]!;
  }

  read(): Tlv {
    const b = this.buf;
    const start = this.pos;
    if (start + 2 > b.length) throw new DerError('truncated TLV');
    const tag = b[start]!;
    if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used in X.509');
    let p = start + 1;
    let len = b[p++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0) throw new DerError('indefinite length is not DER');
      if (n > 4) throw new DerError('length too large');
      if (p + n > b.length) throw new DerError('truncated length');
      if (b[p] === 0) throw new DerError('non-minimal length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
      if (len < 0x80) throw new DerError('non-minimal length');
    }
    if (p + len > b.length) throw new DerError('truncated value');
    this.pos = p + len;
    return { tag, value: b.subarray(p, p + len), raw: b.subarray(start, p + len) };
  }

  /** Read a TLV that must have this tag. */
  expect(tag: number, what: string): Tlv {
    const t = this.peekTag();
    if (t !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got ${t < 0 ? 'end' : '0x' + t.toString(16)}`);
    return this.read();
  }

  /** Read the TLV if its tag matches, else undefined. */
  optional(tag: number): Tlv | undefined {
    return this.peekTag() === tag ? this.read() : undefined;
  }

  end(what: string): void {
    if (!this.done) throw new DerError(`${what}: trailing data`);
  }
}

/** The contents of `tlv` as a reader over its children (for SEQUENCE/SET/constructed tags). */
export function children(tlv: Tlv): DerReader {
  if (!(tlv.tag & 0x20)) throw new DerError('expected a constructed value');
  return new DerReader(tlv.value);
}

/** Parse exactly one TLV covering all of `bytes`. */
export function parseOne(bytes: Uint8Array, what: string): Tlv {
  const r = new DerReader(bytes);
  const t = r.read();
  r.end(what);
  return t;
}

/** All children of a SEQUENCE/SET as a list. */
export function readAll(tlv: Tlv): Tlv[] {
  const r = children(tlv);
  const out: Tlv[] = [];
  while (!r.done) out.push(r.read());
  return out;
}

/** OBJECT IDENTIFIER contents → dotted text (X.690 §8.19), minimal base-128 arcs. */
export function oidToString(v: Uint8Array): string {
  if (v.length === 0) throw new DerError('empty OID');
  const arcs: string[] = [];
  let acc = 0n;
  let first = true;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (acc === 0n && c === 0x80) throw new DerError('non-minimal OID arc');
    acc = (acc << 7n) | BigInt(c & 0x7f);
    if (!(c & 0x80)) {
      if (first) {
        const a = acc < 40n ? 0n : acc < 80n ? 1n : 2n;
        arcs.push(a.toString(), (acc - a * 40n).toString());
        first = false;
      } else arcs.push(acc.toString());
      acc = 0n;
    } else if (i === v.length - 1) throw new DerError('truncated OID');
  }
  return arcs.join('.');
}

export function readOid(tlv: Tlv, what: string): string {
  if (tlv.tag !== Tag.OID) throw new DerError(`${what}: expected OID`);
  return oidToString(tlv.value);
}

/** DER BOOLEAN: 0x00 or 0xFF only. */
export function readBoolean(tlv: Tlv, what: string): boolean {
  if (tlv.tag !== Tag.BOOLEAN || tlv.value.length !== 1) throw new DerError(`${what}: bad BOOLEAN`);
  const b = tlv.value[0]!;
  if (b !== 0 && b !== 0xff) throw new DerError(`${what}: BOOLEAN not DER`);
  return b === 0xff;
}

/** INTEGER contents, checked minimal (X.690 §8.3.2). */
export function integerBytes(tlv: Tlv, what: string): Uint8Array {
  const v = tlv.value;
  if (v.length === 0) throw new DerError(`${what}: empty INTEGER`);
  if (v.length > 1 && ((v[0] === 0 && !(v[1]! & 0x80)) || (v[0] === 0xff && v[1]! & 0x80))) {
    throw new DerError(`${what}: non-minimal INTEGER`);
  }
  return v;
}

/** A small non-negative INTEGER as a number. */
export function readSmallUint(tlv: Tlv, what: string): number {
  if (tlv.tag !== Tag.INTEGER) throw new DerError(`${what}: expected INTEGER`);
  const v = integerBytes(tlv, what);
  if (v[0]! & 0x80) throw new DerError(`${what}: negative`);
  if (v.length > 6) throw new DerError(`${what}: too large`);
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

/** BIT STRING → { unused bits, bytes } (X.690 §8.6, DER §11.2: unused bits are zero). */
export function readBitString(tlv: Tlv, what: string): { unused: number; bytes: Uint8Array } {
  if (tlv.tag !== Tag.BIT_STRING || tlv.value.length === 0) throw new DerError(`${what}: bad BIT STRING`);
  const unused = tlv.value[0]!;
  if (unused > 7 || (unused > 0 && tlv.value.length === 1)) throw new DerError(`${what}: bad BIT STRING`);
  const bytes = tlv.value.subarray(1);
  if (unused > 0 && bytes[bytes.length - 1]! & ((1 << unused) - 1)) throw new DerError(`${what}: BIT STRING padding not zero`);
  return { unused, bytes };
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
