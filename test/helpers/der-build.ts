/**
 * A minimal DER writer for hostile certificates the openssl CLI will not make: RSA keys with
 * any modulus and exponent, names with any attributes, signatures of any bytes. Nothing here is
 * signed for real; the tests use these certificates to check what the verifier does *before*
 * (or instead of) a signature check.
 */
import { randomBytes } from 'node:crypto';

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  return new Uint8Array([tag, ...lengthBytes(body.length), ...body]);
}

export const seq = (...p: Uint8Array[]): Uint8Array => tlv(0x30, ...p);
export const set = (...p: Uint8Array[]): Uint8Array => tlv(0x31, ...p);
export const explicit = (n: number, ...p: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...p);
export const octets = (b: Uint8Array): Uint8Array => tlv(0x04, b);
export const bitString = (b: Uint8Array): Uint8Array => tlv(0x03, Uint8Array.of(0), b);
export const nullValue = (): Uint8Array => Uint8Array.of(0x05, 0x00);
export const utf8 = (s: string): Uint8Array => tlv(0x0c, new TextEncoder().encode(s));
export const bool = (v: boolean): Uint8Array => Uint8Array.of(0x01, 0x01, v ? 0xff : 0x00);

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((x) => BigInt(x));
  const out: number[] = [];
  const push = (v: bigint): void => {
    const bytes: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) bytes.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...bytes);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, Uint8Array.from(out));
}

/** A non-negative INTEGER. */
export function integer(v: bigint): Uint8Array {
  let hex = v.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let b = Buffer.from(hex, 'hex');
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.of(0), b]);
  return tlv(0x02, b);
}

/** An odd number of exactly `bits` bits. */
export function oddOfBits(bits: number): bigint {
  const b = randomBytes(Math.ceil(bits / 8));
  let v = BigInt('0x' + b.toString('hex'));
  v &= (1n << BigInt(bits)) - 1n;
  return v | (1n << BigInt(bits - 1)) | 1n;
}

/** A Name: one RDN per entry, each RDN a set of (attribute OID, UTF8String) pairs. */
export function name(rdns: Array<Array<[string, string]>>): Uint8Array {
  return seq(...rdns.map((rdn) => set(...rdn.map(([o, v]) => seq(oid(o), utf8(v))))));
}
export const CN = '2.5.4.3';
export const cnName = (cn: string): Uint8Array => name([[[CN, cn]]]);

export const OIDS = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

export function rsaSpki(n: bigint, e: bigint): Uint8Array {
  return seq(seq(oid(OIDS.rsaEncryption), nullValue()), bitString(seq(integer(n), integer(e))));
}

export function extension(o: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(o), bool(true), octets(value)) : seq(oid(o), octets(value));
}

function utcTime(d: Date): Uint8Array {
  const p = (x: number): string => String(x).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, new TextEncoder().encode(s));
}

export interface CraftSpec {
  subject: Uint8Array;
  issuer: Uint8Array;
  spki: Uint8Array;
  extensions?: Uint8Array[];
  /** The signature bytes (sha256WithRSAEncryption is declared). */
  signature: Uint8Array;
  serial?: bigint;
}

/** An X.509 v3 certificate (RFC 5280 §4.1) with the given parts, "signed" with arbitrary bytes. */
export function craftCertificate(c: CraftSpec): Uint8Array {
  const alg = seq(oid(OIDS.sha256WithRSA), nullValue());
  const now = Date.now();
  const tbs = seq(
    explicit(0, integer(2n)),
    integer(c.serial ?? BigInt('0x' + randomBytes(8).toString('hex')) | 1n),
    alg,
    c.issuer,
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 30 * 86_400_000))),
    c.subject,
    c.spki,
    ...(c.extensions && c.extensions.length > 0 ? [explicit(3, seq(...c.extensions))] : []),
  );
  return seq(tbs, alg, bitString(c.signature));
}

/** A signature-sized value smaller than any modulus of `bits` bits. */
export function fakeSignature(bits: number): Uint8Array {
  const s = randomBytes(Math.ceil(bits / 8));
  s[0] = 0x01;
  return new Uint8Array(s);
}

export const caExtensions = (ski: Uint8Array): Uint8Array[] => [
  extension(OIDS.basicConstraints, true, seq(bool(true))),
  extension(OIDS.subjectKeyId, false, octets(ski)),
  extension(OIDS.authorityKeyId, false, seq(tlv(0x80, ski))),
];

export const leafExtensions = (dns: string, aki: Uint8Array): Uint8Array[] => [
  extension(OIDS.subjectAltName, false, seq(tlv(0x82, new TextEncoder().encode(dns)))),
  extension(OIDS.authorityKeyId, false, seq(tlv(0x80, aki))),
];
