/**
 * Signature AlgorithmIdentifiers (RFC 5280 §4.1.1.2) mapped onto the crypto seam's
 * SignatureAlgorithm. OIDs: RFC 3279, RFC 4055 (RSASSA-PSS), RFC 5758 (ECDSA), RFC 8410 (EdDSA).
 */
import type { HashName, SignatureAlgorithm } from '../crypto/types.js';
import { DerError, DerReader, Tag, type Tlv, children, readOid, readSmallUint } from '../wire/der.js';

export interface SignatureAlgorithmInfo {
  /** Human name, e.g. `ecdsa-with-SHA256`. */
  name: string;
  /** undefined when the algorithm is not supported (MD5, DSA, unknown OIDs...). */
  alg: SignatureAlgorithm | undefined;
  /** The hash, for policy (SHA-1 is refused unless the policy allows it). */
  hash: HashName | 'md5' | 'md2' | 'sha224' | undefined;
  /** Why it cannot be used, when alg is undefined. */
  reason?: string;
}

const HASH_OIDS: Record<string, HashName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const OID_MGF1 = '1.2.840.113549.1.1.8';
const OID_RSA_PSS = '1.2.840.113549.1.1.10';

const RSA_PKCS1: Record<string, [string, HashName | 'md5' | 'md2' | 'sha224']> = {
  '1.2.840.113549.1.1.2': ['md2WithRSAEncryption', 'md2'],
  '1.2.840.113549.1.1.4': ['md5WithRSAEncryption', 'md5'],
  '1.2.840.113549.1.1.5': ['sha1WithRSAEncryption', 'sha1'],
  '1.2.840.113549.1.1.11': ['sha256WithRSAEncryption', 'sha256'],
  '1.2.840.113549.1.1.12': ['sha384WithRSAEncryption', 'sha384'],
  '1.2.840.113549.1.1.13': ['sha512WithRSAEncryption', 'sha512'],
  '1.2.840.113549.1.1.14': ['sha224WithRSAEncryption', 'sha224'],
};
const ECDSA: Record<string, [string, HashName | 'sha224']> = {
  '1.2.840.10045.4.1': ['ecdsa-with-SHA1', 'sha1'],
  '1.2.840.10045.4.3.1': ['ecdsa-with-SHA224', 'sha224'],
  '1.2.840.10045.4.3.2': ['ecdsa-with-SHA256', 'sha256'],
  '1.2.840.10045.4.3.3': ['ecdsa-with-SHA384', 'sha384'],
  '1.2.840.10045.4.3.4': ['ecdsa-with-SHA512', 'sha512'],
};
const DSA: Record<string, string> = {
  '1.2.840.10040.4.3': 'dsa-with-sha1',
  '2.16.840.1.101.3.4.3.1': 'dsa-with-sha224',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-sha256',
};

function supportedHash(h: string): h is HashName {
  return h === 'sha1' || h === 'sha256' || h === 'sha384' || h === 'sha512';
}

/** A hash AlgorithmIdentifier: parameters absent or NULL (RFC 4055 §2.1). */
function readHashAlg(tlv: Tlv): HashName {
  const r = children(tlv);
  const oid = readOid(r.read(), 'hash algorithm');
  const nul = r.optional(Tag.NULL);
  if (nul && nul.value.length !== 0) throw new DerError('bad NULL');
  r.end('hash AlgorithmIdentifier');
  const h = HASH_OIDS[oid];
  if (!h) throw new DerError(`unsupported PSS hash ${oid}`);
  return h;
}

/** RSASSA-PSS-params (RFC 4055 §3.1). */
function readPssParams(params: Tlv | undefined): { hash: HashName; mgfHash: HashName; saltLength: number } {
  if (!params || params.tag !== Tag.SEQUENCE) throw new DerError('RSASSA-PSS: parameters required');
  const r = children(params);
  let hash: HashName = 'sha1';
  let mgfHash: HashName = 'sha1';
  let saltLength = 20;
  const h = r.optional(0xa0);
  if (h) {
    const hr = children(h);
    hash = readHashAlg(hr.read());
    hr.end('hashAlgorithm');
  }
  const m = r.optional(0xa1);
  if (m) {
    const mr = children(m);
    const mgf = mr.expect(Tag.SEQUENCE, 'maskGenAlgorithm');
    mr.end('maskGenAlgorithm');
    const gr = children(mgf);
    if (readOid(gr.read(), 'MGF') !== OID_MGF1) throw new DerError('RSASSA-PSS: only MGF1 is defined');
    mgfHash = readHashAlg(gr.read());
    gr.end('MGF1 parameters');
  }
  const s = r.optional(0xa2);
  if (s) {
    const sr = children(s);
    saltLength = readSmallUint(sr.read(), 'saltLength');
    sr.end('saltLength');
  }
  const t = r.optional(0xa3);
  if (t) {
    const tr = children(t);
    if (readSmallUint(tr.read(), 'trailerField') !== 1) throw new DerError('RSASSA-PSS: trailerField must be 1');
    tr.end('trailerField');
  }
  r.end('RSASSA-PSS-params');
  return { hash, mgfHash, saltLength };
}

/** Interpret a signature AlgorithmIdentifier TLV. Throws DerError only for malformed encodings. */
export function parseSignatureAlgorithm(tlv: Tlv): SignatureAlgorithmInfo {
  if (tlv.tag !== Tag.SEQUENCE) throw new DerError('AlgorithmIdentifier: expected SEQUENCE');
  const r: DerReader = children(tlv);
  const oid = readOid(r.read(), 'algorithm');
  const params = r.done ? undefined : r.read();
  r.end('AlgorithmIdentifier');
  const noParams = (name: string): void => {
    if (params) throw new DerError(`${name}: parameters must be absent`);
  };

  const pk = RSA_PKCS1[oid];
  if (pk) {
    const [name, hash] = pk;
    // RFC 4055 §5: the parameters MUST be NULL (absent is tolerated, as most verifiers do).
    if (params && (params.tag !== Tag.NULL || params.value.length !== 0)) throw new DerError(`${name}: parameters must be NULL`);
    if (!supportedHash(hash)) return { name, alg: undefined, hash, reason: `${name} is not accepted` };
    return { name, alg: { kind: 'rsa-pkcs1', hash }, hash };
  }
  if (oid === OID_RSA_PSS) {
    const p = readPssParams(params);
    return { name: `RSASSA-PSS(${p.hash})`, alg: { kind: 'rsa-pss', ...p }, hash: p.hash };
  }
  const ec = ECDSA[oid];
  if (ec) {
    const [name, hash] = ec;
    noParams(name); // RFC 5758 §3.2
    if (!supportedHash(hash)) return { name, alg: undefined, hash, reason: `${name} is not accepted` };
    return { name, alg: { kind: 'ecdsa', hash }, hash };
  }
  if (oid === '1.3.101.112') {
    noParams('Ed25519'); // RFC 8410 §3
    return { name: 'Ed25519', alg: { kind: 'ed25519' }, hash: undefined };
  }
  if (oid === '1.3.101.113') {
    noParams('Ed448');
    return { name: 'Ed448', alg: { kind: 'ed448' }, hash: undefined };
  }
  const dsa = DSA[oid];
  if (dsa) return { name: dsa, alg: undefined, hash: undefined, reason: 'DSA signatures are not accepted' };
  return { name: oid, alg: undefined, hash: undefined, reason: `unknown signature algorithm ${oid}` };
}
