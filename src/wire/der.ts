/**
 * The one strict DER reader (ITU-T X.690 §8 and §10), shared by the key and signature code
 * (src/crypto: SubjectPublicKeyInfo, private keys, ECDSA signatures) and by the certificate
 * parser (src/x509, RFC 5280 §4.1: certificates are DER, so the bytes a signature covers are the
 * bytes we interpret). Strict means: single-byte tags only, definite lengths in the minimal form
 * (§10.1), minimal INTEGER (§8.3.2) and OBJECT IDENTIFIER (§8.19.2) encodings, BOOLEAN 0x00/0xFF
 * (§11.1), BIT STRINGs with 0..7 zero unused bits (§8.6.2, §11.2). Values are `subarray`s of the
 * input, never copies.
 *
 * Every failure is a `DerError`: a plain error (no TLS meaning) whose `fault` is the bare fault,
 * so that its callers report it in their own words (x509: BAD_CERTIFICATE; crypto: a malformed
 * key). A reader made with a context (`what`) names it, and the field, in its faults; one made
 * without reports the bare fault and its caller adds the context.
 */
import { toHex } from './bytes.js';

export class DerError extends Error {
  override readonly name = 'DerError';
  /** The fault without the "malformed" framing, e.g. "tbsCertificate: trailing data". */
  readonly fault: string;
  constructor(fault: string) {
    super(`malformed ${fault}`);
    this.fault = fault;
  }
}

/** Universal tags (X.690 §8.x) used by X.509 and the key formats. */
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

/** Context-specific constructed tag [n] (0xa0 | n). */
export const contextTag = (n: number): number => 0xa0 | n;

/** One TLV: `tag` is the identifier octet, `value` the contents, `raw` the whole encoding. */
export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
  readonly raw: Uint8Array;
  /** Offset just past this element in the buffer it was read from. */
  readonly end: number;
}

const at = (where: string | undefined, fault: string): string => (where === undefined ? fault : `${where}: ${fault}`);

/** Read one TLV at `offset`; `where` (if given) prefixes the faults. */
export function readTlv(buf: Uint8Array, offset = 0, where?: string): Tlv {
  if (offset + 2 > buf.length) throw new DerError(at(where, 'truncated TLV'));
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(at(where, 'high tag numbers are not used in X.509'));
  let p = offset + 1;
  let len = buf[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    // X.690 §8.1.3.6: 0x80 is the indefinite form, not allowed in DER (§10.1).
    if (n === 0) throw new DerError(at(where, 'indefinite length is not DER'));
    if (n > 4) throw new DerError(at(where, 'length too large'));
    if (p + n > buf.length) throw new DerError(at(where, 'truncated length'));
    if (buf[p] === 0) throw new DerError(at(where, 'non-minimal length'));
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
    // X.690 §10.1: the long form only for lengths of 128 and above.
    if (len < 0x80) throw new DerError(at(where, 'non-minimal length'));
  }
  const end = p + len;
  if (end > buf.length) throw new DerError(at(where, 'truncated value'));
  return { tag, value: buf.subarray(p, end), raw: buf.subarray(offset, end), end };
}

/** Sequential reader over consecutive TLVs (the contents of a constructed element). */
export class DerReader {
  private pos = 0;
  constructor(
    readonly buf: Uint8Array,
    /** What is being read, for fault messages; absent: bare faults. */
    readonly what?: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** The next tag without consuming it (undefined at the end). */
  peekTag(): number | undefined {
    return this.done ? undefined : this.buf[this.pos];
  }

  private where(field: string | undefined): string | undefined {
    return this.what === undefined ? undefined : field === undefined ? this.what : `${this.what}: ${field}`;
  }

  /** The next element, whatever it is. */
  read(field?: string): Tlv {
    const t = readTlv(this.buf, this.pos, this.where(field));
    this.pos = t.end;
    return t;
  }

  /** The next element, which must carry `tag`. */
  expect(tag: number, field: string): Tlv {
    const t = this.peekTag();
    if (t !== tag) {
      const got = t === undefined ? 'end' : `0x${t.toString(16)}`;
      throw new DerError(at(this.what, `${field}: expected tag 0x${tag.toString(16)}, got ${got}`));
    }
    return this.read(field);
  }

  /** The next element if it carries `tag`, else undefined (for OPTIONAL / DEFAULT fields). */
  optional(tag: number, field?: string): Tlv | undefined {
    return this.peekTag() === tag ? this.read(field) : undefined;
  }

  /** A SEQUENCE, as a reader over its contents. */
  sequence(field: string): DerReader {
    return new DerReader(this.expect(Tag.SEQUENCE, field).value, this.where(field));
  }

  integer(field: string): bigint {
    return derIntegerToBigint(this.expect(Tag.INTEGER, field).value, { what: this.where(field) });
  }

  /** A small non-negative INTEGER (below 2^31) as a number. */
  smallInteger(field: string): number {
    const v = this.integer(field);
    if (v > 0x7fffffffn) throw new DerError(at(this.what, `${field} too large`));
    return Number(v);
  }

  oid(field: string): string {
    return readOid(this.expect(Tag.OID, field), at(this.what, field));
  }

  null(field: string): void {
    if (this.expect(Tag.NULL, field).value.length !== 0) throw new DerError(at(this.what, `${field} is not NULL`));
  }

  octetString(field: string): Uint8Array {
    return this.expect(Tag.OCTET_STRING, field).value;
  }

  /** A BIT STRING that must hold whole bytes (no unused bits), as for keys and signatures. */
  bitStringBytes(field: string): Uint8Array {
    const { unused, bytes } = readBitString(this.expect(Tag.BIT_STRING, field), at(this.what, field));
    if (unused !== 0) throw new DerError(at(this.what, `${field} has unused bits`));
    return bytes;
  }

  /** Require that everything was consumed. */
  end(what = this.what ?? 'DER'): void {
    if (!this.done) throw new DerError(`${what}: trailing data`);
  }
}

/** Parse `der` as exactly one element (no trailing bytes). */
export function readSingle(der: Uint8Array, what = 'DER'): Tlv {
  const r = new DerReader(der, what);
  const t = r.read();
  r.end();
  return t;
}

/** Parse `der` as exactly one SEQUENCE and return a reader over its contents. */
export function readSequence(der: Uint8Array, what = 'DER'): DerReader {
  const t = readSingle(der, what);
  if (t.tag !== Tag.SEQUENCE) throw new DerError(`${what}: not a SEQUENCE`);
  return new DerReader(t.value, what);
}

/** The contents of `tlv` as a reader over its children (for SEQUENCE/SET/constructed tags). */
export function children(tlv: Tlv, what?: string): DerReader {
  if (!(tlv.tag & 0x20)) throw new DerError(at(what, 'expected a constructed value'));
  return new DerReader(tlv.value, what);
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
    if (acc === 0n && c === 0x80) throw new DerError('non-minimal OID arc'); // §8.19.2
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

/** INTEGER contents, checked minimal (X.690 §8.3.2: the first nine bits are not all equal). */
export function integerBytes(tlv: Pick<Tlv, 'value'>, what: string): Uint8Array {
  const v = tlv.value;
  if (v.length === 0) throw new DerError(`${what}: empty INTEGER`);
  if (v.length > 1 && ((v[0] === 0 && !(v[1]! & 0x80)) || (v[0] === 0xff && v[1]! & 0x80))) {
    throw new DerError(`${what}: non-minimal INTEGER`);
  }
  return v;
}

/** INTEGER contents to a bigint (minimal encodings only; negatives only when allowed). */
export function derIntegerToBigint(value: Uint8Array, opts: { allowNegative?: boolean; what?: string | undefined } = {}): bigint {
  const what = opts.what ?? 'INTEGER';
  integerBytes({ value }, what);
  const negative = value[0]! >= 0x80;
  if (negative && !opts.allowNegative) throw new DerError(`${what}: negative`);
  const v = BigInt('0x' + toHex(value));
  return negative ? v - (1n << BigInt(value.length * 8)) : v;
}

/** A small non-negative INTEGER (at most 6 contents octets) as a number. */
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
