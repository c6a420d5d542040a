/**
 * The WebCrypto provider (src/crypto/webcrypto.ts) against the Wycheproof vectors it covers:
 * ECDSA (P-256/384/521, the curve/hash mixes TLS 1.2 and X.509 allow), RSA PKCS#1 v1.5 and
 * RSA-PSS, X25519, ECDH on P-256 with raw SEC1 points (the TLS key_share format). Each case
 * goes through the same entry points as a handshake (verifySignature, computeSharedSecret) inside
 * a provider session, so the checks done before the provider (strict DER, ranges, the all-zero
 * X25519 output, point validation) and the provider's own answer are judged together. Every file
 * must also have reached the provider (an operation counter), so a provider that silently fell
 * back to noble fails here.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeSharedSecret, groupByName } from '../../src/crypto/groups.js';
import { CryptoSession, runAsync, type AsyncCryptoProvider } from '../../src/crypto/provider.js';
import { verifySignature } from '../../src/crypto/signature.js';
import { parseSpki } from '../../src/crypto/spki.js';
import type { PublicKey, SignatureAlgorithm } from '../../src/crypto/types.js';
import { runtimeSubtle, WebCryptoProvider } from '../../src/crypto/webcrypto.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { SKIP_WYCHEPROOF, WYCHEPROOF_DIR, hashName, hex, loadVectors, Tally, type WGroup, type WTest } from './wycheproof-helper.js';

/** The WebCrypto provider, counting the operations it took (returned a Promise for). */
function countingProvider(): { provider: AsyncCryptoProvider; count: () => number } {
  const inner = new WebCryptoProvider(runtimeSubtle()!);
  let n = 0;
  const counted = <A extends unknown[], R>(f: (...a: A) => Promise<R> | undefined) =>
    (...a: A): Promise<R> | undefined => {
      const p = f(...a);
      if (p) n++;
      return p;
    };
  const provider: AsyncCryptoProvider = {
    name: 'webcrypto',
    verifyEcdsa: counted(inner.verifyEcdsa.bind(inner)),
    verifyRsa: counted(inner.verifyRsa.bind(inner)),
    ecdhPublicKey: counted(inner.ecdhPublicKey.bind(inner)),
    ecdhShared: counted(inner.ecdhShared.bind(inner)),
  };
  return { provider, count: () => n };
}

async function runFileAsync(file: string, check: (g: WGroup, t: WTest, tally: Tally) => Promise<void>): Promise<Tally> {
  const tally = new Tally(file);
  for (const g of loadVectors(file).testGroups) for (const t of g.tests) await check(g, t, tally);
  console.log(`webcrypto ${tally.summary()}`);
  return tally;
}

function algorithmFor(g: WGroup): SignatureAlgorithm {
  if (g.type === 'RsassaPkcs1Verify') return { kind: 'rsa-pkcs1', hash: hashName(g.sha) };
  if (g.type === 'RsassaPssVerify') return { kind: 'rsa-pss', hash: hashName(g.sha), mgfHash: hashName(g.mgfSha), saltLength: Number(g.sLen) };
  return { kind: 'ecdsa', hash: hashName(g.sha) };
}

const files = SKIP_WYCHEPROOF ? [] : readdirSync(WYCHEPROOF_DIR);
const pick = (re: RegExp) => files.filter((f) => re.test(f)).sort();

describe.skipIf(SKIP_WYCHEPROOF || runtimeSubtle() === undefined)('WebCrypto provider: Wycheproof', () => {
  const signatureFiles = [...pick(/^ecdsa_secp(256|384|521)r1_sha(256|384|512)_test\.json$/), ...pick(/^rsa_signature_(2048|3072)_sha(256|384)_test\.json$/), ...pick(/^rsa_pss_(2048|3072)_sha(256|384)_mgf1_(32|48)_test\.json$/)];
  it('the covered signature files are present', () => expect(signatureFiles.length).toBeGreaterThanOrEqual(8));
  for (const file of signatureFiles) {
    it(`signatures ${file}`, async () => {
      const { provider, count } = countingProvider();
      const session = new CryptoSession(provider);
      const tally = await runFileAsync(file, async (g, t, tally) => {
        let key: PublicKey | null;
        try {
          key = parseSpki(hex(g.publicKeyDer));
        } catch {
          key = null;
        }
        const ok = key !== null && (await runAsync(session, () => verifySignature(algorithmFor(g), key, hex(t.msg), hex(t.sig))));
        tally.record(t, ok);
      });
      expect(tally.failures).toEqual([]);
      expect(tally.valid).toBeGreaterThan(0);
      expect(tally.invalid).toBeGreaterThan(0);
      // Every valid signature was verified by WebCrypto (invalid ones may stop at our DER checks).
      expect(count()).toBeGreaterThanOrEqual(tally.valid);
    }, 120_000);
  }

  const kexFiles: Array<[string, string]> = [
    ['x25519_test.json', 'x25519'],
    ['ecdh_secp256r1_ecpoint_test.json', 'secp256r1'],
  ];
  for (const [file, name] of kexFiles) {
    it(`key exchange ${file}`, async () => {
      const { provider, count } = countingProvider();
      const session = new CryptoSession(provider);
      const group = groupByName(name)!;
      const len = name === 'secp384r1' ? 48 : 32;
      const tally = await runFileAsync(file, async (_g, t, tally) => {
        let priv = hex(t.private);
        while (priv.length > len && priv[0] === 0) priv = priv.subarray(1);
        const fitted = new Uint8Array(len);
        fitted.set(priv, len - priv.length);
        try {
          const z = await runAsync(session, () => computeSharedSecret({ group, privateKey: fitted, publicKey: new Uint8Array(0) }, hex(t.public)));
          tally.record(t, true, Buffer.from(z).toString('hex') === t.shared);
        } catch (e) {
          if (!(e instanceof CryptoError) || e.kind !== 'invalid_public_value') tally.failures.push(`tcId ${t.tcId}: unexpected error ${String(e)}`);
          tally.record(t, false);
        }
      });
      expect(tally.failures).toEqual([]);
      expect(tally.valid).toBeGreaterThan(0);
      expect(count()).toBeGreaterThanOrEqual(tally.valid);
    }, 120_000);
  }
});
