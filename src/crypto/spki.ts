/**
 * SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) to a `PublicKey`, with our own DER reader (der.ts).
 * Key formats: rsaEncryption (RFC 3279 §2.3.1), id-RSASSA-PSS (RFC 4055 §1.2, §3.1),
 * id-ecPublicKey with a named curve (RFC 5480 §2), Ed25519 / Ed448 (RFC 8410 §4). Anything else is
 * `{ kind: 'unsupported' }` so the caller can say which algorithm it met. A malformed encoding of a
 * key type we do know is a CryptoError 'malformed_key' (x509 reports it as BAD_CERTIFICATE).
 */
import { CURVE_BITS, NIST } from './nist.js';
import { CryptoError } from './errors.js';
import { DerError } from '../wire/der.js';
import { bitLength } from './bigint.js';
import { rsaPublicKeyProblem } from './rsa-bounds.js';
import { DerReader, Tag, children, contextTag, readOid, readSequence, type Tlv } from '../wire/der.js';
import type { HashName } from './hash.js';
import type { NamedCurve, PublicKey, RsaPssParams } from './types.js';

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

/** RFC 5480 §2.1.1.1 named curves. */
export const CURVE_BY_OID: Record<string, NamedCurve> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

export const HASH_BY_OID: Record<string, HashName> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};


class Unsupported {
  constructor(readonly algorithm: string) {}
}

function bad(explanation: string, cause?: unknown): CryptoError {
  return new CryptoError('malformed_key', 'public_key_malformed', `public key: ${explanation}`, { cause });
}

/** Parse a DER SubjectPublicKeyInfo. */
export function parseSpki(der: Uint8Array): PublicKey {
  let algorithm = '';
  try {
    const spki = readSequence(der, 'SubjectPublicKeyInfo');
    const algId = spki.sequence('algorithm');
    algorithm = algId.oid('algorithm');
    const params = algId.done ? undefined : algId.read('parameters');
    algId.end();
    const keyBits = spki.bitStringBytes('subjectPublicKey');
    spki.end();
    return parseKey(algorithm, params, keyBits);
  } catch (e) {
    if (e instanceof Unsupported) return { kind: 'unsupported', algorithm: e.algorithm };
    if (e instanceof CryptoError) throw e;
    throw bad(e instanceof DerError ? e.message : 'malformed', e);
  }
}

function parseKey(oid: string, params: Tlv | undefined, key: Uint8Array): PublicKey {
  switch (oid) {
    case OID.rsaEncryption: {
      // RFC 3279 §2.3.1: parameters MUST be NULL (absent parameters are tolerated, as by most stacks).
      if (params && !(params.tag === Tag.NULL && params.value.length === 0)) throw bad('rsaEncryption parameters');
      return parseRsaPublicKey(key);
    }
    case OID.rsassaPss: {
      const rsa = parseRsaPublicKey(key);
      // RFC 4055 §1.2: absent parameters mean "any PSS parameters"; present ones bind the key.
      const p = params ? parsePssParams(params) : undefined;
      return { ...rsa, pss: p ? { restricted: true as const, params: p } : { restricted: true as const } };
    }
    case OID.ecPublicKey: {
      // RFC 5480 §2.1.1: only namedCurve; implicit and explicit curves are not supported.
      if (!params || params.tag !== Tag.OID) throw new Unsupported(oid);
      const curveOid = readOid(params, 'namedCurve');
      const curve = CURVE_BY_OID[curveOid];
      if (!curve) throw new Unsupported(`${oid} (curve ${curveOid})`);
      return { kind: 'ec', curve, point: decodePoint(curve, key), bits: CURVE_BITS[curve] };
    }
    case OID.ed25519:
    case OID.ed448: {
      // RFC 8410 §3: the parameters MUST be absent.
      if (params) throw bad('EdDSA parameters must be absent');
      const ed25519 = oid === OID.ed25519;
      if (key.length !== (ed25519 ? 32 : 57)) throw bad(`${ed25519 ? 'Ed25519' : 'Ed448'} key length ${key.length}`);
      return ed25519 ? { kind: 'ed25519', raw: key, bits: 256 } : { kind: 'ed448', raw: key, bits: 456 };
    }
    default:
      throw new Unsupported(oid);
  }
}

/** RFC 8017 §A.1.1 RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
export function parseRsaPublicKey(der: Uint8Array): Extract<PublicKey, { kind: 'rsa' }> {
  const r = readSequence(der, 'RSAPublicKey');
  const n = r.integer('modulus');
  const e = r.integer('publicExponent');
  r.end();
  // Bounded here, where every RSA key enters (rsa-bounds.ts): a key outside is never used.
  const problem = rsaPublicKeyProblem(n, e);
  if (problem) throw new CryptoError('unusable_key', 'rsa_key_out_of_bounds', `public key: ${problem}`);
  return { kind: 'rsa', n, e, bits: bitLength(n) };
}

/** SEC1 §2.3.4: uncompressed or compressed point, validated on the curve; returned uncompressed. */
function decodePoint(curve: NamedCurve, key: Uint8Array): Uint8Array {
  try {
    const point = NIST[curve].Point.fromBytes(key);
    point.assertValidity();
    return key[0] === 0x04 ? key : point.toBytes(false);
  } catch (e) {
    throw bad(`not a valid ${curve} point`, e);
  }
}

/** A hash AlgorithmIdentifier (RFC 4055 §2.1: parameters NULL or absent). */
function hashAlgorithm(r: DerReader, field: string): HashName {
  const id = r.sequence(field);
  const oid = id.oid('algorithm');
  if (!id.done) id.null('parameters');
  id.end();
  const h = HASH_BY_OID[oid];
  if (!h) throw new Unsupported(`${OID.rsassaPss} (hash ${oid})`);
  return h;
}

/**
 * RFC 4055 §3.1 RSASSA-PSS-params ::= SEQUENCE {
 *   hashAlgorithm [0] HashAlgorithm DEFAULT sha1, maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
 *   saltLength [2] INTEGER DEFAULT 20, trailerField [3] TrailerField DEFAULT trailerFieldBC }
 */
export function parsePssParams(params: Tlv): RsaPssParams {
  if (params.tag !== Tag.SEQUENCE) throw bad('RSASSA-PSS parameters are not a SEQUENCE');
  const r = new DerReader(params.value, 'RSASSA-PSS-params');
  let hash: HashName = 'sha1';
  let mgfHash: HashName = 'sha1';
  let saltLength = 20;
  const h = r.optional(contextTag(0), 'hashAlgorithm');
  if (h) {
    const e = children(h, 'hashAlgorithm');
    hash = hashAlgorithm(e, 'hashAlgorithm');
    e.end();
  }
  const m = r.optional(contextTag(1), 'maskGenAlgorithm');
  if (m) {
    const e = children(m, 'maskGenAlgorithm');
    const mgf = e.sequence('maskGenAlgorithm');
    const mgfOid = mgf.oid('algorithm');
    if (mgfOid !== OID.mgf1) throw new Unsupported(`${OID.rsassaPss} (mgf ${mgfOid})`);
    mgfHash = hashAlgorithm(mgf, 'mgf1 hash');
    mgf.end();
    e.end();
  }
  const s = r.optional(contextTag(2), 'saltLength');
  if (s) {
    const e = children(s, 'saltLength');
    saltLength = e.smallInteger('saltLength');
    e.end();
  }
  const t = r.optional(contextTag(3), 'trailerField');
  if (t) {
    const e = children(t, 'trailerField');
    if (e.integer('trailerField') !== 1n) throw bad('RSASSA-PSS trailerField must be 1'); // RFC 4055 §3.1
    e.end();
  }
  r.end();
  return { hash, mgfHash, saltLength };
}
