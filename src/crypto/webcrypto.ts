/**
 * The WebCrypto provider (`crypto: 'webcrypto'`): `crypto.subtle` where the runtime has it
 * (browsers, Deno, Bun, workerd, Node ≥ 20) for what costs most in a handshake — ECDSA and RSA
 * verification, X25519 / P-256 / P-384 key pairs and shared secrets. Everything else (hashes,
 * HKDF, the record AEADs, Ed25519/Ed448, X448, P-521, FFDHE, ML-KEM) stays with noble. Every
 * operation is asynchronous: provider.ts explains how the sans-IO core waits for it.
 *
 * Private keys come from the connection's random source, not from generateKey, so a fixed
 * source gives the same key shares with either provider: the raw private key is wrapped in a
 * PKCS#8 structure (RFC 5208 / RFC 8410 §7 for X25519, RFC 5915 for EC keys) and imported; the
 * public value comes back through JWK export.
 */
import type { AsyncCryptoProvider } from './provider.js';
import type { PublicKey, SignatureAlgorithm } from './types.js';

type Subtle = SubtleCrypto;

/** PKCS#8 PrivateKeyInfo prefixes; the raw private key follows (RFC 8410 §7; RFC 5915 §3 without the optional public key). */
const PKCS8_PREFIX: Record<string, { prefix: string; length: number }> = {
  x25519: { prefix: '302e020100300506032b656e04220420', length: 32 },
  secp256r1: { prefix: '3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420', length: 32 },
  secp384r1: { prefix: '304e020100301006072a8648ce3d020106052b81040022043730350201010430', length: 48 },
};
const CURVE_OF: Record<string, string> = { secp256r1: 'P-256', secp384r1: 'P-384' };
const HASH_NAME: Record<string, string> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512', sha1: 'SHA-1' };
const ECDSA_CURVES = new Set(['P-256', 'P-384', 'P-521']);

function hex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function b64url(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unb64url(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function bigintBytes(x: bigint): Uint8Array {
  let h = x.toString(16);
  if (h.length % 2) h = '0' + h;
  return hex(h);
}

/** A view WebCrypto accepts on every runtime (an ArrayBuffer-backed copy). */
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b);

function pkcs8(group: string, privateKey: Uint8Array): Uint8Array<ArrayBuffer> | undefined {
  const p = PKCS8_PREFIX[group];
  if (!p || privateKey.length !== p.length) return undefined;
  const prefix = hex(p.prefix);
  const out = new Uint8Array(prefix.length + privateKey.length);
  out.set(prefix);
  out.set(privateKey, prefix.length);
  return out;
}

function ecdhAlgorithm(group: string): AlgorithmIdentifier | EcKeyImportParams {
  return group === 'x25519' ? { name: 'X25519' } : { name: 'ECDH', namedCurve: CURVE_OF[group]! };
}

/** RSA public keys imported once per key object and algorithm (a trust anchor is used again and again). */
const rsaKeys = new WeakMap<object, Map<string, Promise<CryptoKey>>>();

export class WebCryptoProvider implements AsyncCryptoProvider {
  readonly name = 'webcrypto' as const;
  constructor(private readonly subtle: Subtle) {}

  verifyEcdsa(curve: string, point: Uint8Array, hash: string, message: Uint8Array, rs: Uint8Array): Promise<boolean> | undefined {
    const h = HASH_NAME[hash];
    if (!ECDSA_CURVES.has(curve) || !h) return undefined;
    const s = this.subtle;
    return s
      .importKey('raw', buf(point), { name: 'ECDSA', namedCurve: curve }, false, ['verify'])
      .then((k) => s.verify({ name: 'ECDSA', hash: h }, k, buf(rs), buf(message)));
  }

  verifyRsa(alg: Extract<SignatureAlgorithm, { kind: 'rsa-pkcs1' | 'rsa-pss' }>, key: Extract<PublicKey, { kind: 'rsa' }>, message: Uint8Array, signature: Uint8Array): Promise<boolean> | undefined {
    const h = HASH_NAME[alg.hash];
    if (!h || h === 'SHA-1') return undefined;
    // WebCrypto's RSA-PSS uses the same hash for MGF1.
    if (alg.kind === 'rsa-pss' && alg.mgfHash !== alg.hash) return undefined;
    const name = alg.kind === 'rsa-pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
    let perKey = rsaKeys.get(key);
    if (!perKey) rsaKeys.set(key, (perKey = new Map()));
    const id = `${name}/${h}`;
    let k = perKey.get(id);
    if (!k) {
      const jwk: JsonWebKey = { kty: 'RSA', n: b64url(bigintBytes(key.n)), e: b64url(bigintBytes(key.e)), ext: true };
      k = this.subtle.importKey('jwk', jwk, { name, hash: h }, false, ['verify']);
      perKey.set(id, k);
    }
    const params = alg.kind === 'rsa-pss' ? { name, saltLength: alg.saltLength } : { name };
    return k.then((kk) => this.subtle.verify(params, kk, buf(signature), buf(message)));
  }

  ecdhPublicKey(group: string, privateKey: Uint8Array): Promise<Uint8Array> | undefined {
    const der = pkcs8(group, privateKey);
    if (!der) return undefined;
    const s = this.subtle;
    return s
      .importKey('pkcs8', der, ecdhAlgorithm(group), true, ['deriveBits'])
      .then((k) => s.exportKey('jwk', k))
      .then((j) => {
        if (group === 'x25519') return unb64url(j.x!);
        const x = unb64url(j.x!);
        const y = unb64url(j.y!);
        const out = new Uint8Array(1 + x.length + y.length);
        out[0] = 0x04;
        out.set(x, 1);
        out.set(y, 1 + x.length);
        return out;
      });
  }

  ecdhShared(group: string, privateKey: Uint8Array, peerPublic: Uint8Array): Promise<Uint8Array> | undefined {
    const der = pkcs8(group, privateKey);
    if (!der) return undefined;
    const s = this.subtle;
    const alg = ecdhAlgorithm(group);
    const bits = group === 'secp384r1' ? 384 : 256;
    return Promise.all([s.importKey('pkcs8', der, alg, false, ['deriveBits']), s.importKey('raw', buf(peerPublic), alg, false, [])]).then(
      ([mine, peer]) => s.deriveBits({ name: group === 'x25519' ? 'X25519' : 'ECDH', public: peer }, mine, bits).then((b) => new Uint8Array(b)),
    );
  }
}

/** The runtime's WebCrypto, or undefined when it has none. */
export function runtimeSubtle(): Subtle | undefined {
  const c = (globalThis as { crypto?: { subtle?: Subtle } }).crypto;
  return c?.subtle;
}
