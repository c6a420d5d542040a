/**
 * Certificate parsing (RFC 5280 §4.1): the TBSCertificate fields and the extensions the path
 * validator understands (§4.2.1). Structure errors and malformed known extensions make the
 * certificate unparsable (TlsError BAD_CERTIFICATE); profile questions that depend on where the
 * certificate sits in a path (serial number rules, AKI/SKI presence...) are left to verify.ts.
 */
import type { PublicKey } from '../crypto/types.js';
import { parseSpki } from '../crypto/spki.js';
import { TlsError } from '../errors.js';
import { type SignatureAlgorithmInfo, parseSignatureAlgorithm } from './algorithms.js';
import {
  DerError,
  DerReader,
  Tag,
  type Tlv,
  children,
  integerBytes,
  readSingle,
  readAll,
  readBitString,
  readBoolean,
  readOid,
  readSmallUint,
} from '../wire/der.js';
import { equalBytesCT, toHex } from '../wire/bytes.js';
import { type GeneralName, parseGeneralName, parseGeneralNames } from './general-names.js';
import { type Name, parseName } from './name.js';

export const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;
export type KeyUsageName = keyof typeof KeyUsageBit;

export interface Extension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

export interface GeneralSubtree {
  base: GeneralName;
  /** Set when the subtree is syntactically invalid for its name form (RFC 5280 §4.2.1.10). */
  invalid?: string;
}

export interface NameConstraints {
  permitted: GeneralSubtree[] | undefined;
  excluded: GeneralSubtree[] | undefined;
}

export interface AuthorityKeyIdentifier {
  keyIdentifier: Uint8Array | undefined;
  hasIssuer: boolean;
  hasSerial: boolean;
}

export interface Certificate {
  der: Uint8Array;
  tbs: Uint8Array;
  /** 1, 2 or 3 */
  version: number;
  serial: Uint8Array;
  serialHex: string;
  /** RFC 4514-style text. */
  subject: string;
  issuer: string;
  subjectName: Name;
  issuerName: Name;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  publicKey: PublicKey;
  /** The outer signatureAlgorithm (must equal the TBS one, RFC 5280 §4.1.1.2). */
  signatureAlgorithm: SignatureAlgorithmInfo;
  signatureAlgorithmsMatch: boolean;
  signature: Uint8Array;
  extensions: Extension[];
  sanDns: string[];
  sanIp: Uint8Array[];
  san: GeneralName[] | undefined;
  isCA: boolean;
  /** basicConstraints: undefined when the extension is absent. */
  basicConstraints: { critical: boolean; ca: boolean; pathLen: number | undefined } | undefined;
  /** keyUsage bits set, undefined when absent. */
  keyUsage: Set<KeyUsageName> | undefined;
  extKeyUsage: string[] | undefined;
  nameConstraints: NameConstraints | undefined;
  subjectKeyId: Uint8Array | undefined;
  authorityKeyId: AuthorityKeyIdentifier | undefined;
  /** subject == issuer (RFC 5280 §3.2 "self-issued"). */
  selfIssued: boolean;
}

// ---- time (RFC 5280 §4.1.2.5.1, §4.1.2.5.2) ----

export function parseTime(t: Tlv): Date {
  const s = String.fromCharCode(...t.value);
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === Tag.UTCTime) {
    m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
    if (!m) throw new DerError(`bad UTCTime ${JSON.stringify(s)}`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (t.tag === Tag.GeneralizedTime) {
    m = /^(\d\d\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
    if (!m) throw new DerError(`bad GeneralizedTime ${JSON.stringify(s)}`);
    year = Number(m[1]);
  } else throw new DerError('Validity: expected UTCTime or GeneralizedTime');
  const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) throw new DerError(`bad time ${s}`);
  const ms = Date.UTC(year, mo - 1, d, h, mi, se);
  const back = new Date(ms);
  if (back.getUTCDate() !== d) throw new DerError(`bad date ${s}`);
  // Date.UTC maps years 0..99 to 1900..1999
  if (year < 100) back.setUTCFullYear(year);
  return back;
}

// ---- extensions ----

function parseBasicConstraints(v: Uint8Array): { ca: boolean; pathLen: number | undefined } {
  const t = readSingle(v, 'basicConstraints');
  if (t.tag !== Tag.SEQUENCE) throw new DerError('basicConstraints: expected SEQUENCE');
  const r = children(t);
  let ca = false;
  const b = r.optional(Tag.BOOLEAN);
  if (b) ca = readBoolean(b, 'cA');
  const p = r.optional(Tag.INTEGER);
  const pathLen = p ? readSmallUint(p, 'pathLenConstraint') : undefined;
  r.end('basicConstraints');
  return { ca, pathLen };
}

function parseKeyUsage(v: Uint8Array): Set<KeyUsageName> {
  const { bytes } = readBitString(readSingle(v, 'keyUsage'), 'keyUsage');
  const set = new Set<KeyUsageName>();
  for (const [name, bit] of Object.entries(KeyUsageBit) as Array<[KeyUsageName, number]>) {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && byte & (0x80 >> (bit & 7))) set.add(name);
  }
  // RFC 5280 §4.2.1.3: "When the keyUsage extension appears in a certificate, at least one of
  // the bits MUST be set to 1."
  if (set.size === 0) throw new DerError('keyUsage: no bit set');
  return set;
}

function parseEku(v: Uint8Array): string[] {
  const t = readSingle(v, 'extKeyUsage');
  if (t.tag !== Tag.SEQUENCE) throw new DerError('extKeyUsage: expected SEQUENCE');
  const oids = readAll(t).map((x) => readOid(x, 'KeyPurposeId'));
  if (oids.length === 0) throw new DerError('extKeyUsage: empty'); // SIZE (1..MAX)
  return oids;
}

function isValidIpConstraint(v: Uint8Array): boolean {
  if (v.length !== 8 && v.length !== 32) return false;
  const half = v.length / 2;
  // the mask must be a contiguous prefix of ones (RFC 5280 §4.2.1.10, CIDR)
  let zero = false;
  for (let i = half; i < v.length; i++) {
    for (let bit = 7; bit >= 0; bit--) {
      const one = (v[i]! >> bit) & 1;
      if (zero && one) return false;
      if (!one) zero = true;
    }
  }
  return true;
}

function parseSubtrees(t: Tlv): GeneralSubtree[] {
  const items = readAll(t);
  if (items.length === 0) throw new DerError('nameConstraints: empty GeneralSubtrees'); // SIZE (1..MAX)
  return items.map((st) => {
    if (st.tag !== Tag.SEQUENCE) throw new DerError('GeneralSubtree: expected SEQUENCE');
    const r = children(st);
    const base = parseGeneralName(r.read());
    const min = r.optional(0x80);
    if (min && !(min.value.length === 1 && min.value[0] === 0)) throw new DerError('GeneralSubtree: minimum must be 0');
    if (r.optional(0x81)) throw new DerError('GeneralSubtree: maximum must be absent');
    r.end('GeneralSubtree');
    const sub: GeneralSubtree = { base };
    if (base.type === 'ip' && !isValidIpConstraint(base.value)) sub.invalid = 'iPAddress constraint is not an address and a CIDR mask';
    if (base.type === 'dns') {
      // RFC 5280 §4.2.1.10: a dNSName constraint is a domain name (no wildcard, no leading period).
      const d = base.value;
      if (d !== '' && !/^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(d)) {
        sub.invalid = `dNSName constraint ${JSON.stringify(d)} is not a domain name`;
      }
    }
    return sub;
  });
}

function parseNameConstraints(v: Uint8Array): NameConstraints {
  const t = readSingle(v, 'nameConstraints');
  if (t.tag !== Tag.SEQUENCE) throw new DerError('nameConstraints: expected SEQUENCE');
  const r = children(t);
  const p = r.optional(0xa0);
  const e = r.optional(0xa1);
  r.end('nameConstraints');
  // RFC 5280 §4.2.1.10: "Conforming CAs MUST NOT issue certificates where name constraints is an
  // empty sequence."
  if (!p && !e) throw new DerError('nameConstraints: empty');
  return { permitted: p ? parseSubtrees(p) : undefined, excluded: e ? parseSubtrees(e) : undefined };
}

function parseAki(v: Uint8Array): AuthorityKeyIdentifier {
  const t = readSingle(v, 'authorityKeyIdentifier');
  if (t.tag !== Tag.SEQUENCE) throw new DerError('authorityKeyIdentifier: expected SEQUENCE');
  const r = children(t);
  const kid = r.optional(0x80);
  const iss = r.optional(0xa1);
  if (iss) parseGeneralNames({ ...iss, tag: Tag.SEQUENCE }, 'authorityCertIssuer');
  const ser = r.optional(0x82);
  r.end('authorityKeyIdentifier');
  if ((iss === undefined) !== (ser === undefined)) throw new DerError('authorityKeyIdentifier: issuer and serial go together');
  return { keyIdentifier: kid?.value, hasIssuer: iss !== undefined, hasSerial: ser !== undefined };
}

/** AuthorityInfoAccessSyntax (RFC 5280 §4.2.2.1): structure only. */
function checkAia(v: Uint8Array): void {
  const t = readSingle(v, 'authorityInfoAccess');
  if (t.tag !== Tag.SEQUENCE) throw new DerError('authorityInfoAccess: expected SEQUENCE');
  const items = readAll(t);
  if (items.length === 0) throw new DerError('authorityInfoAccess: empty');
  for (const ad of items) {
    if (ad.tag !== Tag.SEQUENCE) throw new DerError('AccessDescription: expected SEQUENCE');
    const r = children(ad);
    readOid(r.read(), 'accessMethod');
    parseGeneralName(r.read());
    r.end('AccessDescription');
  }
}

/** Parse a DER certificate. Throws TlsError('BAD_CERTIFICATE') when it cannot be understood. */
export function parseCertificate(der: Uint8Array): Certificate {
  try {
    return parseCertificateInner(der);
  } catch (e) {
    if (e instanceof TlsError) throw e;
    const why = e instanceof DerError ? e.fault : e instanceof Error ? e.message : String(e);
    throw new TlsError('BAD_CERTIFICATE', 'certificate_unparsable', `unparsable certificate: ${why}`, { cause: e });
  }
}

function parseCertificateInner(der: Uint8Array): Certificate {
  const cert = readSingle(der, 'Certificate');
  if (cert.tag !== Tag.SEQUENCE) throw new DerError('Certificate: expected SEQUENCE');
  const cr = children(cert);
  const tbsTlv = cr.expect(Tag.SEQUENCE, 'tbsCertificate');
  const sigAlgTlv = cr.expect(Tag.SEQUENCE, 'signatureAlgorithm');
  const sigTlv = cr.expect(Tag.BIT_STRING, 'signatureValue');
  cr.end('Certificate');
  const sig = readBitString(sigTlv, 'signatureValue');
  if (sig.unused !== 0) throw new DerError('signatureValue: unused bits');

  const r = new DerReader(tbsTlv.value);
  let version = 1;
  const v = r.optional(0xa0);
  if (v) {
    const vr = children(v);
    version = readSmallUint(vr.read(), 'version') + 1;
    vr.end('version');
    if (version > 3) throw new DerError(`unknown version ${version}`);
    if (version === 1) throw new DerError('version v1 must be omitted (DER DEFAULT)');
  }
  const serialTlv = r.expect(Tag.INTEGER, 'serialNumber');
  const serial = integerBytes(serialTlv, 'serialNumber');
  const innerSigAlg = r.expect(Tag.SEQUENCE, 'signature');
  const issuerName = parseName(r.expect(Tag.SEQUENCE, 'issuer'));
  const validity = r.expect(Tag.SEQUENCE, 'validity');
  const vr = children(validity);
  const notBefore = parseTime(vr.read());
  const notAfter = parseTime(vr.read());
  vr.end('validity');
  const subjectName = parseName(r.expect(Tag.SEQUENCE, 'subject'));
  const spkiTlv = r.expect(Tag.SEQUENCE, 'subjectPublicKeyInfo');
  if (r.optional(0x81) && version < 2) throw new DerError('issuerUniqueID needs v2 or v3');
  if (r.optional(0x82) && version < 2) throw new DerError('subjectUniqueID needs v2 or v3');
  const extsTlv = r.optional(0xa3);
  r.end('tbsCertificate');
  if (extsTlv && version !== 3) throw new DerError('extensions need v3');

  const signatureAlgorithm = parseSignatureAlgorithm(sigAlgTlv);
  parseSignatureAlgorithm(innerSigAlg);
  const signatureAlgorithmsMatch = equalBytesCT(sigAlgTlv.raw, innerSigAlg.raw);

  let publicKey: PublicKey;
  try {
    publicKey = parseSpki(spkiTlv.raw);
  } catch (e) {
    publicKey = { kind: 'unsupported', algorithm: `unparsable key: ${e instanceof Error ? e.message : String(e)}` };
  }

  const extensions: Extension[] = [];
  if (extsTlv) {
    const er = children(extsTlv);
    const list = er.expect(Tag.SEQUENCE, 'extensions');
    er.end('extensions');
    const seen = new Set<string>();
    for (const ext of readAll(list)) {
      if (ext.tag !== Tag.SEQUENCE) throw new DerError('Extension: expected SEQUENCE');
      const xr = children(ext);
      const oid = readOid(xr.read(), 'extnID');
      const c = xr.optional(Tag.BOOLEAN);
      const critical = c ? readBoolean(c, 'critical') : false;
      const value = xr.expect(Tag.OCTET_STRING, 'extnValue').value;
      xr.end('Extension');
      // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
      if (seen.has(oid)) throw new DerError(`duplicate extension ${oid}`);
      seen.add(oid);
      extensions.push({ oid, critical, value });
    }
    if (extensions.length === 0) throw new DerError('extensions: empty'); // SIZE (1..MAX)
  }

  const out: Certificate = {
    der,
    tbs: tbsTlv.raw,
    version,
    serial,
    serialHex: toHex(serial),
    subject: subjectName.text,
    issuer: issuerName.text,
    subjectName,
    issuerName,
    notBefore,
    notAfter,
    spki: spkiTlv.raw,
    publicKey,
    signatureAlgorithm,
    signatureAlgorithmsMatch,
    signature: sig.bytes,
    extensions,
    sanDns: [],
    sanIp: [],
    san: undefined,
    isCA: false,
    basicConstraints: undefined,
    keyUsage: undefined,
    extKeyUsage: undefined,
    nameConstraints: undefined,
    subjectKeyId: undefined,
    authorityKeyId: undefined,
    selfIssued: subjectName.key === issuerName.key,
  };

  for (const ext of extensions) {
    switch (ext.oid) {
      case OID.basicConstraints: {
        const bc = parseBasicConstraints(ext.value);
        out.basicConstraints = { critical: ext.critical, ...bc };
        out.isCA = bc.ca;
        break;
      }
      case OID.keyUsage:
        out.keyUsage = parseKeyUsage(ext.value);
        break;
      case OID.extKeyUsage:
        out.extKeyUsage = parseEku(ext.value);
        break;
      case OID.subjectAltName: {
        const san = parseGeneralNames(readSingle(ext.value, 'subjectAltName'), 'subjectAltName');
        for (const n of san) {
          if (n.type === 'dns') out.sanDns.push(n.value);
          else if (n.type === 'ip') {
            if (n.value.length !== 4 && n.value.length !== 16) throw new DerError('subjectAltName: iPAddress must be 4 or 16 bytes');
            out.sanIp.push(n.value);
          }
        }
        out.san = san;
        break;
      }
      case OID.nameConstraints:
        out.nameConstraints = parseNameConstraints(ext.value);
        break;
      case OID.subjectKeyIdentifier: {
        const t = readSingle(ext.value, 'subjectKeyIdentifier');
        if (t.tag !== Tag.OCTET_STRING) throw new DerError('subjectKeyIdentifier: expected OCTET STRING');
        out.subjectKeyId = t.value;
        break;
      }
      case OID.authorityKeyIdentifier:
        out.authorityKeyId = parseAki(ext.value);
        break;
      case OID.authorityInfoAccess:
        checkAia(ext.value);
        break;
      default:
        break;
    }
  }
  return out;
}
