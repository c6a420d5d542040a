/**
 * A small strict DER reader (ITU-T X.690 §8 and §10): enough for SubjectPublicKeyInfo, RSA
 * private keys and ECDSA signatures without pulling in pkijs (a PSK-only client must not pay for
 * it). Strict means: single-byte tags only, definite lengths in the minimal form (X.690 §10.1),
 * minimal INTEGER encodings (§8.3.2), BIT STRINGs with 0..7 unused bits (§8.6.2). Values are
 * `subarray`s of the input, never copies. Every failure is a DECODE_ERROR naming the field.
 */
import { decodeError } from '../errors.js';
import { bytesToBigInt } from './bigint.js';

export const DerTag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific constructed tag [n] (0xa0 | n). */
export const contextTag = (n: number): number => 0xa0 | n;

export interface Tlv {
  readonly tag: number;
  /** The contents octets. */
  readonly value: Uint8Array;
  /** The whole encoding (tag, length, value). */
  readonly raw: Uint8Array;
  /** Offset just past this element in the buffer it was read from. */
  readonly end: number;
}

/** Read one TLV at `offset`. */
export function readTlv(buf: Uint8Array, offset = 0, what = 'DER'): Tlv {
  if (offset + 2 > buf.length) throw decodeError(`${what}: truncated`);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw decodeError(`${what}: multi-byte tags are not supported`);
  let len = buf[offset + 1]!;
  let pos = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    // X.690 §8.1.3.6: 0x80 is the indefinite form, not allowed in DER (§10.1).
    if (n === 0 || n > 4) throw decodeError(`${what}: bad length`);
    if (pos + n > buf.length) throw decodeError(`${what}: truncated length`);
    if (buf[pos] === 0) throw decodeError(`${what}: non-minimal length`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + i]!;
    pos += n;
    // X.690 §10.1: the long form only for lengths of 128 and above.
    if (len < 0x80) throw decodeError(`${what}: non-minimal length`);
  }
  const end = pos + len;
  if (end > buf.length) throw decodeError(`${what}: truncated value`);
  return { tag, value: buf.subarray(pos, end), raw: buf.subarray(offset, end), end };
}

/** Parse `der` as exactly one element (no trailing bytes). */
export function readSingle(der: Uint8Array, what = 'DER'): Tlv {
  const t = readTlv(der, 0, what);
  if (t.end !== der.length) throw decodeError(`${what}: trailing data`);
  return t;
}

/** Parse `der` as exactly one SEQUENCE and return a reader over its contents. */
export function readSequence(der: Uint8Array, what = 'DER'): DerReader {
  const t = readSingle(der, what);
  if (t.tag !== DerTag.SEQUENCE) throw decodeError(`${what}: not a SEQUENCE`);
  return new DerReader(t.value, what);
}

/** X.690 §8.19: an OBJECT IDENTIFIER's contents to dotted form, e.g. 1.2.840.113549.1.1.1. */
export function oidToString(value: Uint8Array): string {
  if (value.length === 0) throw decodeError('OID: empty');
  const arcs: bigint[] = [];
  let acc = 0n;
  let started = false;
  for (let i = 0; i < value.length; i++) {
    const b = value[i]!;
    if (!started && b === 0x80) throw decodeError('OID: non-minimal subidentifier'); // §8.19.2
    started = true;
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(acc);
      acc = 0n;
      started = false;
    } else if (i === value.length - 1) {
      throw decodeError('OID: truncated subidentifier');
    }
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/** X.690 §8.3: INTEGER contents to a bigint. Rejects non-minimal encodings; negatives unless allowed. */
export function derIntegerToBigint(value: Uint8Array, opts: { allowNegative?: boolean } = {}): bigint {
  if (value.length === 0) throw decodeError('INTEGER: empty');
  // §8.3.2: the first nine bits must not be all zeros or all ones.
  if (value.length > 1 && ((value[0] === 0x00 && value[1]! < 0x80) || (value[0] === 0xff && value[1]! >= 0x80))) {
    throw decodeError('INTEGER: non-minimal encoding');
  }
  const negative = value[0]! >= 0x80;
  if (negative && !opts.allowNegative) throw decodeError('INTEGER: negative');
  const v = bytesToBigInt(value);
  return negative ? v - (1n << BigInt(value.length * 8)) : v;
}

/** Sequential reader over the contents of a constructed element. */
export class DerReader {
  private pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly what = 'DER',
  ) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** The next tag without consuming it (undefined at the end). */
  peekTag(): number | undefined {
    return this.done ? undefined : this.buf[this.pos];
  }

  /** The next element, whatever it is. */
  next(field = 'element'): Tlv {
    const t = readTlv(this.buf, this.pos, `${this.what}: ${field}`);
    this.pos = t.end;
    return t;
  }

  /** The next element's contents, which must carry `tag`. */
  expect(tag: number, field: string): Uint8Array {
    if (this.peekTag() !== tag) throw decodeError(`${this.what}: expected ${field}`);
    return this.next(field).value;
  }

  /** The next element if it carries `tag`, else undefined (for OPTIONAL / DEFAULT fields). */
  optional(tag: number, field: string): Uint8Array | undefined {
    return this.peekTag() === tag ? this.next(field).value : undefined;
  }

  sequence(field: string): DerReader {
    return new DerReader(this.expect(DerTag.SEQUENCE, field), `${this.what}: ${field}`);
  }

  integer(field: string): bigint {
    return derIntegerToBigint(this.expect(DerTag.INTEGER, field));
  }

  /** A small non-negative INTEGER as a number. */
  smallInteger(field: string): number {
    const v = this.integer(field);
    if (v > 0x7fffffffn) throw decodeError(`${this.what}: ${field} too large`);
    return Number(v);
  }

  oid(field: string): string {
    return oidToString(this.expect(DerTag.OID, field));
  }

  null(field: string): void {
    if (this.expect(DerTag.NULL, field).length !== 0) throw decodeError(`${this.what}: ${field} is not NULL`);
  }

  octetString(field: string): Uint8Array {
    return this.expect(DerTag.OCTET_STRING, field);
  }

  /** A BIT STRING that must hold whole bytes (no unused bits), as for keys and signatures. */
  bitStringBytes(field: string): Uint8Array {
    const v = this.expect(DerTag.BIT_STRING, field);
    if (v.length === 0 || v[0] !== 0) throw decodeError(`${this.what}: ${field} has unused bits`);
    return v.subarray(1);
  }

  /** Require that everything was consumed. */
  end(): void {
    if (!this.done) throw decodeError(`${this.what}: trailing data`);
  }
}
