/**
 * The signature scheme registry, as data (RFC 8446 §4.2.3; code points from the IANA
 * "TLS SignatureScheme" registry). Each row names the primitive (`alg`) the scheme means, and
 * where it may be used. TLS 1.2 reads the same code points as (hash, signature) pairs
 * (RFC 5246 §7.4.1.4.1), so one table serves both versions.
 */
import { unknownEntry } from '../suggest.js';
import { CryptoError } from './errors.js';
import { HASH_LEN, type HashName } from './hash.js';
import { splitList } from './suites.js';
import type { TlsVersionName } from '../types.js';
import type { NamedCurve, PublicKey, SignatureAlgorithm } from './types.js';

export interface SignatureScheme {
  readonly code: number;
  /** IANA name, e.g. ecdsa_secp256r1_sha256. */
  readonly name: string;
  readonly alg: SignatureAlgorithm;
  /** ECDSA: the curve TLS 1.3 binds to the scheme (RFC 8446 §4.2.3). TLS 1.2 allows any curve. */
  readonly curve?: NamedCurve;
  /** Allowed in a TLS 1.3 CertificateVerify. */
  readonly tls13: boolean;
  /** In TLS 1.3 only for signatures in certificates (signature_algorithms_cert), RFC 8446 §4.2.3. */
  readonly certOnly: boolean;
  /** RSASSA-PSS with an id-RSASSA-PSS key (rsa_pss_pss_*), RFC 8446 §4.2.3. */
  readonly pssKey?: boolean;
  /** Offered when the user names no schemes. */
  readonly defaultEnabled: boolean;
}

function ecdsa(code: number, name: string, hash: HashName, curve?: NamedCurve): SignatureScheme {
  if (!curve) {
    // ecdsa_sha1: legacy, TLS 1.2 and certificates only.
    return { code, name, alg: { kind: 'ecdsa', hash }, tls13: false, certOnly: true, defaultEnabled: false };
  }
  return { code, name, alg: { kind: 'ecdsa', hash, curve }, curve, tls13: true, certOnly: false, defaultEnabled: true };
}

function pss(code: number, name: string, hash: HashName, pssKey: boolean): SignatureScheme {
  // RFC 8446 §4.2.3: the salt length MUST equal the digest length; MGF1 uses the same hash.
  const alg: SignatureAlgorithm = { kind: 'rsa-pss', hash, mgfHash: hash, saltLength: HASH_LEN[hash] };
  return { code, name, alg, tls13: true, certOnly: false, pssKey, defaultEnabled: true };
}

function pkcs1(code: number, name: string, hash: HashName, on: boolean): SignatureScheme {
  // RFC 8446 §4.2.3: RSASSA-PKCS1-v1_5 only in certificates for TLS 1.3; TLS 1.2 may sign with it.
  return { code, name, alg: { kind: 'rsa-pkcs1', hash }, tls13: false, certOnly: true, defaultEnabled: on };
}

/** Every scheme puretls can verify, in default preference order. */
export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = /* @__PURE__ */ Object.freeze([
  ecdsa(0x0403, 'ecdsa_secp256r1_sha256', 'sha256', 'P-256'),
  ecdsa(0x0503, 'ecdsa_secp384r1_sha384', 'sha384', 'P-384'),
  ecdsa(0x0603, 'ecdsa_secp521r1_sha512', 'sha512', 'P-521'),
  { code: 0x0807, name: 'ed25519', alg: { kind: 'ed25519' }, tls13: true, certOnly: false, defaultEnabled: true },
  { code: 0x0808, name: 'ed448', alg: { kind: 'ed448' }, tls13: true, certOnly: false, defaultEnabled: true },
  pss(0x0804, 'rsa_pss_rsae_sha256', 'sha256', false),
  pss(0x0805, 'rsa_pss_rsae_sha384', 'sha384', false),
  pss(0x0806, 'rsa_pss_rsae_sha512', 'sha512', false),
  pss(0x0809, 'rsa_pss_pss_sha256', 'sha256', true),
  pss(0x080a, 'rsa_pss_pss_sha384', 'sha384', true),
  pss(0x080b, 'rsa_pss_pss_sha512', 'sha512', true),
  pkcs1(0x0401, 'rsa_pkcs1_sha256', 'sha256', true),
  pkcs1(0x0501, 'rsa_pkcs1_sha384', 'sha384', true),
  pkcs1(0x0601, 'rsa_pkcs1_sha512', 'sha512', true),
  // Legacy SHA-1 (TLS 1.2 only, opt-in)
  ecdsa(0x0203, 'ecdsa_sha1', 'sha1'),
  pkcs1(0x0201, 'rsa_pkcs1_sha1', 'sha1', false),
]);

const BY_CODE: ReadonlyMap<number, SignatureScheme> = /* @__PURE__ */ new Map(SIGNATURE_SCHEMES.map((s) => [s.code, s]));
const BY_NAME: ReadonlyMap<string, SignatureScheme> = /* @__PURE__ */ new Map(SIGNATURE_SCHEMES.map((s) => [s.name, s]));

export function schemeByCode(code: number): SignatureScheme | undefined {
  return BY_CODE.get(code);
}

/** Look a scheme up by IANA name (case-insensitive). */
export function schemeByName(name: string): SignatureScheme | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}

function lookup(item: string | number): SignatureScheme | undefined {
  if (typeof item === 'number') return schemeByCode(item);
  const t = item.trim();
  if (/^0x[0-9a-f]{1,4}$/i.test(t)) return schemeByCode(parseInt(t.slice(2), 16));
  if (/^[0-9]{1,5}$/.test(t)) return schemeByCode(Number(t));
  return schemeByName(t);
}

/**
 * The schemes to offer in signature_algorithms, in order. `undefined` → the default-enabled ones.
 * Accepts names, numbers, `0x0403`, or one comma/colon-separated string. Unknown → a CryptoError 'unknown_name' (config.ts reports BAD_CONFIG).
 */
export function resolveSigSchemes(list: Array<string | number> | string | undefined): SignatureScheme[] {
  if (list === undefined) return SIGNATURE_SCHEMES.filter((s) => s.defaultEnabled);
  const out: SignatureScheme[] = [];
  for (const item of splitList(list)) {
    const s = lookup(item);
    if (!s) {
      throw new CryptoError(
        'unknown_name',
        'unknown_signature_scheme',
        typeof item === 'number'
          ? `sigalgs: unknown or unsupported signature scheme 0x${item.toString(16).padStart(4, '0')}`
          : unknownEntry('sigalgs', 'or unsupported signature scheme', item, SIGNATURE_SCHEMES.map((x) => x.name)),
      );
    }
    if (!out.includes(s)) out.push(s);
  }
  if (out.length === 0) throw new CryptoError('unknown_name', 'empty_signature_scheme_list', 'the signature scheme list is empty');
  return out;
}

/**
 * The algorithm to verify with in a given version: TLS 1.3 binds ECDSA schemes to their curve
 * (RFC 8446 §4.2.3); TLS 1.2's (hash, ecdsa) pair allows any curve (RFC 8422 §5.10).
 */
export function schemeAlgorithm(scheme: SignatureScheme, version: TlsVersionName): SignatureAlgorithm {
  if (scheme.alg.kind === 'ecdsa' && version === '1.2') return { kind: 'ecdsa', hash: scheme.alg.hash };
  return scheme.alg;
}

/**
 * Whether a certificate's public key can make signatures of this scheme.
 * RFC 8446 §4.2.3: rsa_pss_rsae_* and rsa_pkcs1_* need an rsaEncryption key, rsa_pss_pss_* an
 * id-RSASSA-PSS key; ECDSA schemes in TLS 1.3 need the matching curve.
 */
export function schemeMatchesKey(scheme: SignatureScheme, key: PublicKey, version: TlsVersionName = '1.3'): boolean {
  const alg = scheme.alg;
  switch (alg.kind) {
    case 'ecdsa':
      return key.kind === 'ec' && (version === '1.2' || scheme.curve === undefined || scheme.curve === key.curve);
    case 'ed25519':
      return key.kind === 'ed25519';
    case 'ed448':
      return key.kind === 'ed448';
    case 'rsa-pkcs1':
      return key.kind === 'rsa' && !key.pss;
    case 'rsa-pss': {
      if (key.kind !== 'rsa') return false;
      if (!scheme.pssKey) return !key.pss;
      if (!key.pss) return false;
      // RFC 4055 §3.3: a PSS key with parameters fixes the hash and MGF; its saltLength is a minimum.
      const p = key.pss.params;
      return !p || (p.hash === alg.hash && p.mgfHash === alg.mgfHash && p.saltLength <= alg.saltLength);
    }
  }
}
