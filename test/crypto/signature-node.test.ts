/**
 * Differential tests against node:crypto (OpenSSL): keys made at run time, signatures made by one
 * side and verified by the other; SPKI and PKCS#8 exports parsed by ours.
 */
import { describe, expect, it } from 'vitest';
import * as nodeCrypto from 'node:crypto';
import { parseSpki } from '../../src/crypto/spki.js';
import { verifySignature, signMessage } from '../../src/crypto/signature.js';
import { parsePrivateKey, publicKeyOf } from '../../src/crypto/private-key.js';
import { rsaVerifyPss } from '../../src/crypto/rsa.js';
import type { PublicKey, SignatureAlgorithm } from '../../src/crypto/types.js';
import type { HashName } from '../../src/crypto/hash.js';

const MSG = new TextEncoder().encode('TLS 1.3, server CertificateVerify\0 and some more bytes');
const NODE_HASH: Record<HashName, string> = { sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

function spkiOf(k: nodeCrypto.KeyObject): PublicKey {
  return parseSpki(new Uint8Array(k.export({ type: 'spki', format: 'der' })));
}
function pkcs8Of(k: nodeCrypto.KeyObject): Uint8Array {
  return new Uint8Array(k.export({ type: 'pkcs8', format: 'der' }));
}
/** DER TLV with a definite length (test-side encoder). */
function tlv(tag: number, body: Uint8Array): Uint8Array {
  const len = body.length < 128 ? [body.length] : body.length < 256 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  return new Uint8Array([tag, ...len, ...body]);
}
const CURVE_OID_DER: Record<string, number[]> = {
  prime256v1: [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
  secp384r1: [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22],
  secp521r1: [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23],
};
/** SubjectPublicKeyInfo for id-ecPublicKey on a named curve with the given point bytes. */
function ecSpki(curve: string, point: Uint8Array): Uint8Array {
  const alg = tlv(0x30, new Uint8Array([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, ...CURVE_OID_DER[curve]!]));
  return tlv(0x30, new Uint8Array([...alg, ...tlv(0x03, new Uint8Array([0, ...point]))]));
}
function flip(sig: Uint8Array, i = sig.length >> 1): Uint8Array {
  const c = sig.slice();
  c[i]! ^= 0x01;
  return c;
}

describe('RSA vs node:crypto', () => {
  const keys = {
    2048: nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
    3072: nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 3072 }),
  };
  for (const [bits, kp] of Object.entries(keys)) {
    it(`rsaEncryption ${bits}: SPKI parses`, () => {
      const pub = spkiOf(kp.publicKey);
      expect(pub.kind).toBe('rsa');
      if (pub.kind !== 'rsa') return;
      expect(pub.bits).toBe(Number(bits));
      expect(pub.e).toBe(65537n);
      expect(pub.pss).toBeUndefined();
    });
    for (const h of ['sha256', 'sha384', 'sha512', 'sha1'] as HashName[]) {
      it(`rsaEncryption ${bits} PKCS#1 v1.5 ${h}: node signs, we verify; we sign, node verifies`, () => {
        const pub = spkiOf(kp.publicKey);
        const alg: SignatureAlgorithm = { kind: 'rsa-pkcs1', hash: h };
        const sig = new Uint8Array(nodeCrypto.sign(NODE_HASH[h], MSG, kp.privateKey));
        expect(verifySignature(alg, pub, MSG, sig)).toBe(true);
        expect(verifySignature(alg, pub, MSG, flip(sig))).toBe(false);
        expect(verifySignature(alg, pub, flip(MSG, 0), sig)).toBe(false);
        expect(verifySignature({ kind: 'rsa-pkcs1', hash: h === 'sha256' ? 'sha384' : 'sha256' }, pub, MSG, sig)).toBe(false);
        const ours = signMessage(alg, parsePrivateKey(pkcs8Of(kp.privateKey)), MSG);
        expect(Buffer.from(ours)).toEqual(Buffer.from(sig)); // PKCS#1 v1.5 is deterministic
        expect(nodeCrypto.verify(NODE_HASH[h], MSG, kp.publicKey, ours)).toBe(true);
      });
    }
    for (const [h, salt] of [['sha256', 32], ['sha384', 48], ['sha512', 64], ['sha256', 0], ['sha256', 20]] as [HashName, number][]) {
      it(`rsaEncryption ${bits} PSS ${h} salt ${salt}: both directions`, () => {
        const pub = spkiOf(kp.publicKey);
        const alg: SignatureAlgorithm = { kind: 'rsa-pss', hash: h, mgfHash: h, saltLength: salt };
        const opts = { key: kp.privateKey, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: salt };
        const sig = new Uint8Array(nodeCrypto.sign(NODE_HASH[h], MSG, opts));
        expect(verifySignature(alg, pub, MSG, sig)).toBe(true);
        expect(verifySignature(alg, pub, MSG, flip(sig))).toBe(false);
        expect(verifySignature({ ...alg, saltLength: salt + 1 }, pub, MSG, sig)).toBe(false);
        expect(verifySignature({ kind: 'rsa-pkcs1', hash: h }, pub, MSG, sig)).toBe(false);
        const ours = signMessage(alg, parsePrivateKey(pkcs8Of(kp.privateKey)), MSG);
        expect(nodeCrypto.verify(NODE_HASH[h], MSG, { key: kp.publicKey, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: salt }, ours)).toBe(true);
      });
    }
  }

  it('PKCS#1 RSAPrivateKey DER parses to the same key as PKCS#8', () => {
    const kp = keys[2048];
    const a = parsePrivateKey(new Uint8Array(kp.privateKey.export({ type: 'pkcs1', format: 'der' })));
    const b = parsePrivateKey(pkcs8Of(kp.privateKey));
    expect(a).toEqual(b);
    expect(publicKeyOf(a)).toEqual(spkiOf(kp.publicKey));
  });

  it('id-RSASSA-PSS key with parameters: parsed, restricted to PSS with its hash', () => {
    // @types/node types saltLength as a string; node wants a number.
    const opts = { modulusLength: 2048, hashAlgorithm: 'sha384', mgf1HashAlgorithm: 'sha384', saltLength: 48 };
    const kp = nodeCrypto.generateKeyPairSync('rsa-pss', opts as unknown as nodeCrypto.RSAPSSKeyPairKeyObjectOptions);
    const pub = spkiOf(kp.publicKey);
    expect(pub.kind === 'rsa' && pub.pss).toEqual({ restricted: true, params: { hash: 'sha384', mgfHash: 'sha384', saltLength: 48 } });
    const sig = new Uint8Array(nodeCrypto.sign('sha384', MSG, { key: kp.privateKey, saltLength: 48 }));
    expect(verifySignature({ kind: 'rsa-pss', hash: 'sha384', mgfHash: 'sha384', saltLength: 48 }, pub, MSG, sig)).toBe(true);
    // A PSS key refuses other hashes and PKCS#1 v1.5 (RFC 4055 §3.3).
    const priv = parsePrivateKey(pkcs8Of(kp.privateKey));
    const alg256 = { kind: 'rsa-pss', hash: 'sha256', mgfHash: 'sha256', saltLength: 32 } as const;
    const sig256 = signMessage(alg256, priv, MSG); // node refuses to make it; the math is fine...
    expect(pub.kind === 'rsa' && rsaVerifyPss(pub, alg256, MSG, sig256)).toBe(true);
    expect(verifySignature(alg256, pub, MSG, sig256)).toBe(false); // ...but the key's parameters forbid it
    expect(verifySignature({ ...alg256, hash: 'sha384', mgfHash: 'sha384', saltLength: 32 }, pub, MSG, sig)).toBe(false); // salt below the minimum
    const ours = signMessage({ kind: 'rsa-pss', hash: 'sha384', mgfHash: 'sha384', saltLength: 48 }, priv, MSG);
    expect(nodeCrypto.verify('sha384', MSG, { key: kp.publicKey, saltLength: 48 }, ours)).toBe(true);
    expect(() => signMessage({ kind: 'rsa-pkcs1', hash: 'sha384' }, priv, MSG)).toThrow(/cannot make/);
  });

  it('id-RSASSA-PSS key without parameters', () => {
    const kp = nodeCrypto.generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    const pub = spkiOf(kp.publicKey);
    expect(pub.kind === 'rsa' && pub.pss).toEqual({ restricted: true });
    const sig = new Uint8Array(nodeCrypto.sign('sha256', MSG, { key: kp.privateKey, saltLength: 32 }));
    expect(verifySignature({ kind: 'rsa-pss', hash: 'sha256', mgfHash: 'sha256', saltLength: 32 }, pub, MSG, sig)).toBe(true);
    expect(verifySignature({ kind: 'rsa-pkcs1', hash: 'sha256' }, pub, MSG, sig)).toBe(false);
  });
});

describe('ECDSA vs node:crypto', () => {
  const curves = [
    ['P-256', 'prime256v1', 'sha256'],
    ['P-384', 'secp384r1', 'sha384'],
    ['P-521', 'secp521r1', 'sha512'],
  ] as const;
  for (const [curve, nodeName, defaultHash] of curves) {
    const kp = nodeCrypto.generateKeyPairSync('ec', { namedCurve: nodeName });
    for (const h of [defaultHash, 'sha256', 'sha512'] as HashName[]) {
      it(`${curve} with ${h}: both directions, curve binding`, () => {
        const pub = spkiOf(kp.publicKey);
        expect(pub.kind === 'ec' && pub.curve).toBe(curve);
        const sig = new Uint8Array(nodeCrypto.sign(h, MSG, kp.privateKey));
        expect(verifySignature({ kind: 'ecdsa', hash: h }, pub, MSG, sig)).toBe(true);
        expect(verifySignature({ kind: 'ecdsa', hash: h, curve }, pub, MSG, sig)).toBe(true);
        expect(verifySignature({ kind: 'ecdsa', hash: h, curve: curve === 'P-256' ? 'P-384' : 'P-256' }, pub, MSG, sig)).toBe(false);
        expect(verifySignature({ kind: 'ecdsa', hash: h }, pub, MSG, flip(sig, sig.length - 2))).toBe(false);
        const ours = signMessage({ kind: 'ecdsa', hash: h, curve }, parsePrivateKey(pkcs8Of(kp.privateKey)), MSG);
        expect(nodeCrypto.verify(h, MSG, kp.publicKey, ours)).toBe(true);
      });
    }
    it(`${curve}: SEC1 private key and compressed SPKI`, () => {
      const sec1 = parsePrivateKey(new Uint8Array(kp.privateKey.export({ type: 'sec1', format: 'der' })));
      expect(publicKeyOf(sec1)).toEqual(spkiOf(kp.publicKey));
      const jwk = kp.publicKey.export({ format: 'jwk' });
      const x = Buffer.from(jwk.x!, 'base64url');
      const y = Buffer.from(jwk.y!, 'base64url');
      const compressed = nodeCrypto.ECDH.convertKey(Buffer.concat([Buffer.of(4), x, y]), nodeName, undefined, undefined, 'compressed') as Buffer;
      const der = Buffer.from(ecSpki(nodeName, compressed));
      expect(spkiOf(nodeCrypto.createPublicKey({ key: der, format: 'der', type: 'spki' }))).toEqual(spkiOf(kp.publicKey));
      expect(parseSpki(new Uint8Array(der))).toEqual(spkiOf(kp.publicKey));
    });
  }
});

describe('EdDSA vs node:crypto', () => {
  for (const kind of ['ed25519', 'ed448'] as const) {
    it(`${kind}: both directions, SPKI and PKCS#8`, () => {
      const kp = kind === 'ed25519' ? nodeCrypto.generateKeyPairSync('ed25519') : nodeCrypto.generateKeyPairSync('ed448');
      const pub = spkiOf(kp.publicKey);
      expect(pub.kind).toBe(kind);
      const sig = new Uint8Array(nodeCrypto.sign(null, MSG, kp.privateKey));
      expect(verifySignature({ kind }, pub, MSG, sig)).toBe(true);
      expect(verifySignature({ kind }, pub, MSG, flip(sig))).toBe(false);
      expect(verifySignature({ kind: kind === 'ed25519' ? 'ed448' : 'ed25519' }, pub, MSG, sig)).toBe(false);
      const priv = parsePrivateKey(pkcs8Of(kp.privateKey));
      expect(publicKeyOf(priv)).toEqual(pub);
      const ours = signMessage({ kind }, priv, MSG);
      expect(Buffer.from(ours)).toEqual(Buffer.from(sig)); // EdDSA is deterministic
      expect(nodeCrypto.verify(null, MSG, kp.publicKey, ours)).toBe(true);
    });
  }
});

describe('verifySignature never throws', () => {
  it('returns false for garbage of every shape', () => {
    const ec = spkiOf(nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey);
    const rsa = spkiOf(nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey);
    const algs: SignatureAlgorithm[] = [
      { kind: 'ecdsa', hash: 'sha256' },
      { kind: 'rsa-pkcs1', hash: 'sha256' },
      { kind: 'rsa-pss', hash: 'sha512', mgfHash: 'sha512', saltLength: 64 },
      { kind: 'ed25519' },
      { kind: 'ed448' },
    ];
    const sigs = [new Uint8Array(0), new Uint8Array(1), new Uint8Array(64), new Uint8Array(128).fill(0xff), Uint8Array.of(0x30, 0x80, 0, 0)];
    for (const alg of algs) for (const key of [ec, rsa, { kind: 'unsupported', algorithm: '1.2.3' } as PublicKey]) for (const s of sigs) {
      expect(verifySignature(alg, key, MSG, s)).toBe(false);
    }
  });
});
