/**
 * Wycheproof key-exchange vectors through our TLS key-share API: X25519 / X448 (RFC 7748 raw
 * keys), ECDH on P-256/384/521 with raw SEC1 points (the TLS key_share format) and with DER
 * SubjectPublicKeyInfo keys (through parseSpki). Every rejection must be ILLEGAL_VALUE (or, for
 * SPKI parsing, a BAD_CERTIFICATE / unsupported key).
 */
import { describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { peerCryptoError } from '../../src/handshake/crypto-errors.js';
import { computeSharedSecret, groupByName, type KeyShare, type NamedGroup } from '../../src/crypto/groups.js';
import { parseSpki } from '../../src/crypto/spki.js';
import { SKIP_WYCHEPROOF, hex, runFile, type Tally, type WTest } from './wycheproof-helper.js';

const SCALAR_LEN: Record<string, number> = { secp256r1: 32, secp384r1: 48, secp521r1: 66 };

function shareFor(group: NamedGroup, priv: Uint8Array): KeyShare {
  return { group, privateKey: priv, publicKey: new Uint8Array(0) };
}

/** Wycheproof ECDH private keys are big-endian and may carry a leading 00 or be short: fit them. */
function fitScalar(priv: Uint8Array, len: number): Uint8Array {
  let p = priv;
  while (p.length > len && p[0] === 0) p = p.subarray(1);
  const out = new Uint8Array(len);
  out.set(p, len - p.length);
  return out;
}

function attempt(tally: Tally, t: WTest, fn: () => Uint8Array): void {
  try {
    const z = fn();
    tally.record(t, true, Buffer.from(z).toString('hex') === t.shared);
  } catch (x) {
    // crypto throws its own CryptoError; the handshake reports a bad peer value with peerCryptoError.
    const e = x instanceof CryptoError ? peerCryptoError(x) : x;
    if (!(e instanceof TlsError) || !['ILLEGAL_VALUE', 'BAD_CERTIFICATE', 'UNSUPPORTED_CERTIFICATE'].includes(e.code)) {
      tally.failures.push(`tcId ${t.tcId}: unexpected error ${String(e)}`);
    }
    tally.record(t, false);
  }
}

describe.skipIf(SKIP_WYCHEPROOF)('Wycheproof key exchange', () => {
  for (const [file, name] of [['x25519_test.json', 'x25519'], ['x448_test.json', 'x448']] as const) {
    it(`${name}: ${file}`, () => {
      const group = groupByName(name)!;
      const tally = runFile(file, (g, t, tally) => {
        expect(g.curve).toBe(name === 'x25519' ? 'curve25519' : 'curve448');
        attempt(tally, t, () => computeSharedSecret(shareFor(group, hex(t.private)), hex(t.public)));
      });
      expect(tally.failures).toEqual([]);
      expect(tally.valid).toBeGreaterThan(200);
    }, 180_000); // ~500 pure-JS ladders (X448: ~5 ms each alone), far slower on a loaded machine
  }

  for (const curve of ['secp256r1', 'secp384r1', 'secp521r1']) {
    const group = groupByName(curve)!;
    // (private, shared) -> raw public point of the valid ecpoint cases already computed, so the
    // SPKI file's valid cases (the same keys) need only check parseSpki's point: ECDH on P-521 costs
    // ~20 ms per operation in pure JS and the whole crypto run must stay near a minute.
    const computed = new Map<string, string>();
    it(`ECDH ${curve}, raw SEC1 points (key_share format)`, () => {
      const tally = runFile(`ecdh_${curve}_ecpoint_test.json`, (g, t, tally) => {
        expect(g.curve).toBe(curve);
        attempt(tally, t, () => computeSharedSecret(shareFor(group, fitScalar(hex(t.private), SCALAR_LEN[curve]!)), hex(t.public)));
        if (t.result === 'valid') computed.set(`${String(t.private)}/${String(t.shared)}`, String(t.public));
      });
      expect(tally.failures).toEqual([]);
      expect(tally.valid).toBeGreaterThan(300);
    }, 180_000); // hundreds of pure-JS ECDH operations: seconds alone, far more on a loaded machine

    it(`ECDH ${curve}, SubjectPublicKeyInfo keys through parseSpki`, () => {
      const tally = runFile(`ecdh_${curve}_test.json`, (g, t, tally) => {
        expect(g.curve).toBe(curve);
        attempt(tally, t, () => {
          const key = parseSpki(hex(t.public));
          if (key.kind !== 'ec' || key.curve !== group.curve) {
            throw new TlsError('BAD_CERTIFICATE', 'wrong_key_type', `not a ${curve} key: ${key.kind}`);
          }
          const known = computed.get(`${String(t.private)}/${String(t.shared)}`);
          if (known !== undefined && Buffer.from(key.point).toString('hex') === known) return hex(t.shared);
          return computeSharedSecret(shareFor(group, fitScalar(hex(t.private), SCALAR_LEN[curve]!)), key.point);
        });
      });
      expect(tally.failures).toEqual([]);
      expect(tally.valid).toBeGreaterThan(300);
    }, 180_000);
  }
});
