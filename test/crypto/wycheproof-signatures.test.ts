/**
 * Wycheproof signature vectors: RSA PKCS#1 v1.5, RSA-PSS, ECDSA (DER signatures, including the
 * curve/hash mixes TLS 1.2 allows), Ed25519, Ed448. Public keys come from the vectors' DER
 * SubjectPublicKeyInfo through our parseSpki.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpki } from '../../src/crypto/spki.js';
import { verifySignature } from '../../src/crypto/signature.js';
import type { PublicKey, SignatureAlgorithm } from '../../src/crypto/types.js';
import { SKIP_WYCHEPROOF, WYCHEPROOF_DIR, hashName, hex, runFile, type WGroup } from './wycheproof-helper.js';

const files = SKIP_WYCHEPROOF ? [] : readdirSync(WYCHEPROOF_DIR);
const pick = (re: RegExp) => files.filter((f) => re.test(f)).sort();

function algorithmFor(g: WGroup): SignatureAlgorithm {
  switch (g.type) {
    case 'RsassaPkcs1Verify':
      return { kind: 'rsa-pkcs1', hash: hashName(g.sha) };
    case 'RsassaPssVerify':
      expect(g.mgf).toBe('MGF1');
      return { kind: 'rsa-pss', hash: hashName(g.sha), mgfHash: hashName(g.mgfSha), saltLength: Number(g.sLen) };
    case 'EcdsaVerify':
      return { kind: 'ecdsa', hash: hashName(g.sha) };
    case 'EddsaVerify': {
      const curve = (g.publicKey as { curve: string }).curve;
      return curve === 'edwards25519' ? { kind: 'ed25519' } : { kind: 'ed448' };
    }
    default:
      throw new Error(`unexpected group type ${g.type}`);
  }
}

describe.skipIf(SKIP_WYCHEPROOF)('Wycheproof signatures', () => {
  const groups = [
    ['RSA PKCS#1 v1.5', pick(/^rsa_signature_.*_test\.json$/)],
    ['RSA-PSS', pick(/^rsa_pss_.*_test\.json$/)],
    ['ECDSA', pick(/^ecdsa_.*_test\.json$/)],
    ['EdDSA', pick(/^ed(25519|448)_test\.json$/)],
  ] as const;
  for (const [label, list] of groups) {
    it(`${label}: files present`, () => expect(list.length).toBeGreaterThan(0));
    for (const file of list) {
      it(`${label} ${file}`, () => {
        const tally = runFile(file, (g, t, tally) => {
          let key: PublicKey | null = null;
          try {
            key = parseSpki(hex(g.publicKeyDer));
          } catch {
            key = null;
          }
          const ok = key !== null && verifySignature(algorithmFor(g), key, hex(t.msg), hex(t.sig));
          tally.record(t, ok);
        });
        expect(tally.failures).toEqual([]);
        expect(tally.valid).toBeGreaterThan(0);
        expect(tally.invalid).toBeGreaterThan(0);
      });
    }
  }

  // The ECDSA verifier precomputes a window table for a key object it sees a second time (trust
  // anchors): run the ECDSA files again with one key object per test group, so every case after
  // a group's first goes through the precomputed path.
  for (const file of pick(/^ecdsa_.*_test\.json$/)) {
    it(`ECDSA ${file}, one key object per group (precomputed tables)`, () => {
      const keys = new Map<object, PublicKey | null>();
      const tally = runFile(file, (g, t, tally) => {
        if (!keys.has(g)) {
          try {
            keys.set(g, parseSpki(hex(g.publicKeyDer)));
          } catch {
            keys.set(g, null);
          }
        }
        const key = keys.get(g)!;
        tally.record(t, key !== null && verifySignature(algorithmFor(g), key, hex(t.msg), hex(t.sig)));
      });
      expect(tally.failures).toEqual([]);
      expect(tally.valid).toBeGreaterThan(0);
      expect(tally.invalid).toBeGreaterThan(0);
    });
  }
});
