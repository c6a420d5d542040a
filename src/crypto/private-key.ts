/**
 * Private keys for client authentication, from DER: PKCS#8 PrivateKeyInfo (RFC 5208 §5, RFC 5958)
 * holding RSA, RSASSA-PSS, EC or Ed25519/Ed448 keys; PKCS#1 RSAPrivateKey (RFC 8017 §A.1.2); SEC1
 * ECPrivateKey (RFC 5915 §3). Also the matching public key, so a certificate can be checked
 * against its key before the handshake.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { CURVE_BITS, NIST, SCALAR_LEN } from './nist.js';
import { CryptoError } from './errors.js';
import { DerError, DerReader, Tag, children, contextTag, readOid, readSequence, readSingle } from '../wire/der.js';
import { parseRsaPrivateKey, type RsaPrivateKey } from './rsa.js';
import { CURVE_BY_OID, OID } from './spki.js';
import type { NamedCurve, PublicKey } from './types.js';

export type PrivateKey =
  | { kind: 'ec'; curve: NamedCurve; /** the scalar, big-endian, padded to the curve's length */ d: Uint8Array }
  | { kind: 'ed25519'; /** RFC 8032 §5.1.5 32-byte secret */ seed: Uint8Array }
  | { kind: 'ed448'; /** RFC 8032 §5.2.5 57-byte secret */ seed: Uint8Array }
  | { kind: 'rsa'; key: RsaPrivateKey };


const malformedKey = (what: string): CryptoError => new CryptoError('malformed_key', 'private_key_malformed', `malformed ${what}`);

/** RFC 5915 §3 ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters, [1] publicKey } */
function parseSec1(der: Uint8Array, curveFromAlg: NamedCurve | undefined): PrivateKey {
  const r = readSequence(der, 'ECPrivateKey');
  if (r.integer('version') !== 1n) throw malformedKey('ECPrivateKey: version must be 1');
  const d = r.octetString('privateKey');
  let curve = curveFromAlg;
  const params = r.optional(contextTag(0), 'parameters');
  if (params) {
    const oid = children(params, 'parameters').oid('namedCurve');
    curve = CURVE_BY_OID[oid];
    if (!curve) throw malformedKey(`ECPrivateKey: unsupported curve ${oid}`);
    if (curveFromAlg && curveFromAlg !== curve) throw malformedKey('ECPrivateKey: curve differs from the algorithm');
  }
  if (!curve) throw malformedKey('ECPrivateKey: no curve');
  const len = SCALAR_LEN[curve];
  if (d.length > len) throw malformedKey('ECPrivateKey: scalar too long');
  const padded = new Uint8Array(len);
  padded.set(d, len - d.length);
  if (!NIST[curve].utils.isValidSecretKey(padded)) throw malformedKey('ECPrivateKey: scalar out of range');
  return { kind: 'ec', curve, d: padded };
}

/** A private key from DER (PKCS#8, PKCS#1 RSA or SEC1 EC). Throws a CryptoError 'malformed_key' when it is none of them. */
export function parsePrivateKey(der: Uint8Array): PrivateKey {
  try {
    return parsePrivateKeyDer(der);
  } catch (e) {
    if (e instanceof DerError) throw new CryptoError('malformed_key', 'private_key_malformed', e.message, { cause: e });
    throw e;
  }
}

function parsePrivateKeyDer(der: Uint8Array): PrivateKey {
  const top = readSingle(der, 'private key');
  if (top.tag !== Tag.SEQUENCE) throw malformedKey('private key: not a SEQUENCE');
  const r = new DerReader(top.value, 'private key');
  const version = r.integer('version');
  const next = r.peekTag();
  if (next === Tag.INTEGER) return { kind: 'rsa', key: parseRsaPrivateKey(der) }; // PKCS#1
  if (next === Tag.OCTET_STRING && version === 1n) return parseSec1(der, undefined); // SEC1
  // RFC 5208 §5 / RFC 5958 §2 PrivateKeyInfo / OneAsymmetricKey
  const alg = r.sequence('privateKeyAlgorithm');
  const oid = alg.oid('algorithm');
  const params = alg.done ? undefined : alg.read('parameters');
  alg.end();
  const inner = r.octetString('privateKey');
  switch (oid) {
    case OID.rsaEncryption:
    case OID.rsassaPss:
      return { kind: 'rsa', key: parseRsaPrivateKey(der) };
    case OID.ecPublicKey: {
      if (!params || params.tag !== Tag.OID) throw malformedKey('EC private key: named curve required');
      const curveOid = readOid(params, 'namedCurve');
      const curve = CURVE_BY_OID[curveOid];
      if (!curve) throw malformedKey(`EC private key: unsupported curve ${curveOid}`);
      return parseSec1(inner, curve);
    }
    case OID.ed25519:
    case OID.ed448: {
      // RFC 8410 §7: CurvePrivateKey ::= OCTET STRING, inside the privateKey OCTET STRING.
      const seed = new DerReader(inner, 'CurvePrivateKey').octetString('CurvePrivateKey');
      const want = oid === OID.ed25519 ? 32 : 57;
      if (seed.length !== want) throw malformedKey('EdDSA private key: wrong length');
      return oid === OID.ed25519 ? { kind: 'ed25519', seed: seed.slice() } : { kind: 'ed448', seed: seed.slice() };
    }
    default:
      throw malformedKey(`private key: unsupported algorithm ${oid}`);
  }
}

/** The public half of a private key. */
export function publicKeyOf(priv: PrivateKey): PublicKey {
  switch (priv.kind) {
    case 'ec':
      return { kind: 'ec', curve: priv.curve, point: NIST[priv.curve].getPublicKey(priv.d, false), bits: CURVE_BITS[priv.curve] };
    case 'ed25519':
      return { kind: 'ed25519', raw: ed25519.getPublicKey(priv.seed), bits: 256 };
    case 'ed448':
      return { kind: 'ed448', raw: ed448.getPublicKey(priv.seed), bits: 456 };
    case 'rsa': {
      const k = priv.key;
      const base = { kind: 'rsa' as const, n: k.n, e: k.e, bits: k.bits };
      if (!k.pss) return base;
      return { ...base, pss: k.pss.params ? { restricted: true as const, params: k.pss.params } : { restricted: true as const } };
    }
  }
}

