/**
 * X.501 Names (RFC 5280 §4.1.2.4): parse, print (RFC 4514 style) and compare (RFC 5280 §7.1,
 * a simplified RFC 4518 preparation: case-folded, trimmed, inner whitespace collapsed).
 */
import { DerError, Tag, type Tlv, children, readAll, readOid } from '../wire/der.js';
import { toHex } from '../wire/bytes.js';

export interface AttributeValue {
  oid: string;
  tag: number;
  /** The decoded text for string types, undefined for others. */
  text: string | undefined;
  raw: Uint8Array;
}

export interface Name {
  der: Uint8Array;
  rdns: AttributeValue[][];
  /** RFC 4514 text (most specific RDN first), e.g. `CN=example.com,O=Example`. */
  text: string;
  /** Comparison key: two names chain (RFC 5280 §6.1.3(a)(4)) when their keys are equal. */
  key: string;
  /** Per-RDN comparison keys, for directoryName constraints (prefix match). */
  rdnKeys: string[];
}

const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export const OID_CN = '2.5.4.3';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decode a directory string of any ASN.1 string type; undefined when not a string type. */
export function decodeString(tag: number, v: Uint8Array): string | undefined {
  switch (tag) {
    case Tag.UTF8String:
      return utf8.decode(v);
    case Tag.PrintableString:
    case Tag.IA5String:
    case 0x12: // NumericString
    case 0x1a: // VisibleString
      for (const b of v) if (b > 0x7f) throw new DerError('non-ASCII byte in an ASCII string type');
      return String.fromCharCode(...v);
    case Tag.TeletexString:
      return String.fromCharCode(...v);
    case Tag.BMPString: {
      if (v.length % 2) throw new DerError('odd BMPString length');
      let s = '';
      for (let i = 0; i < v.length; i += 2) s += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
      return s;
    }
    case Tag.UniversalString: {
      if (v.length % 4) throw new DerError('bad UniversalString length');
      let s = '';
      for (let i = 0; i < v.length; i += 4) s += String.fromCodePoint(((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0);
      return s;
    }
    default:
      return undefined;
  }
}

function escape4514(s: string): string {
  let out = s.replace(/[\\,+"<>;=]/g, (c) => '\\' + c);
  if (out.startsWith(' ') || out.startsWith('#')) out = '\\' + out;
  if (out.endsWith(' ')) out = out.slice(0, -1) + '\\ ';
  return out;
}

/**
 * One attribute's comparison key. RFC 5280 §7.1 compares names RDN by RDN and attribute by
 * attribute, never as joined text: the value is JSON-quoted, so that no value can forge the
 * separators (`CN=a\,2.5.4.3=b`, one attribute, differs from `CN=a` + `CN=b`).
 */
function attrKey(a: AttributeValue): string {
  if (a.text !== undefined) return `${a.oid}=${JSON.stringify(a.text.trim().replace(/\s+/g, ' ').toLowerCase())}`;
  return `${a.oid}=#${toHex(a.raw)}`;
}

/** Parse a Name from its TLV (a SEQUENCE OF RelativeDistinguishedName). */
export function parseName(tlv: Tlv): Name {
  if (tlv.tag !== Tag.SEQUENCE) throw new DerError('Name: expected SEQUENCE');
  const rdns: AttributeValue[][] = [];
  for (const set of readAll(tlv)) {
    if (set.tag !== Tag.SET) throw new DerError('RDN: expected SET');
    const rdn: AttributeValue[] = [];
    for (const atv of readAll(set)) {
      if (atv.tag !== Tag.SEQUENCE) throw new DerError('AttributeTypeAndValue: expected SEQUENCE');
      const r = children(atv);
      const oid = readOid(r.read(), 'attribute type');
      const val = r.read();
      r.end('AttributeTypeAndValue');
      rdn.push({ oid, tag: val.tag, text: decodeString(val.tag, val.value), raw: val.raw });
    }
    if (rdn.length === 0) throw new DerError('empty RDN');
    rdns.push(rdn);
  }
  // A multi-valued RDN is a set: its attributes compare in any order (sorted), the RDNs in order.
  const rdnKeys = rdns.map((rdn) => JSON.stringify(rdn.map(attrKey).sort()));
  const text = rdns
    .slice()
    .reverse()
    .map((rdn) => rdn.map((a) => `${SHORT[a.oid] ?? a.oid}=${a.text !== undefined ? escape4514(a.text) : '#' + toHex(a.raw)}`).join('+'))
    .join(',');
  return { der: tlv.raw, rdns, text, key: JSON.stringify(rdnKeys), rdnKeys };
}

/** All values of one attribute type (e.g. the CNs), in order. */
export function attributeTexts(name: Name, oid: string): string[] {
  const out: string[] = [];
  for (const rdn of name.rdns) for (const a of rdn) if (a.oid === oid && a.text !== undefined) out.push(a.text);
  return out;
}
