/**
 * ML-KEM (FIPS 203) as puretls uses it, from @noble/post-quantum, checked against OpenSSL 3.5's
 * implementation (Node 26's node:crypto, which OpenSSL validates against the NIST ACVP vectors).
 * No ML-KEM vectors are in ../shared/wycheproof (it has none for ML-KEM), so the cross-check is
 * the known-answer source: for the same seed d || z both make the same encapsulation key; each
 * decapsulates the other's ciphertexts to the same secret; both reject implicitly to the same
 * secret (J(z || c), FIPS 203 Algorithm 18 step 8) for a tampered ciphertext; both refuse an
 * encapsulation key that fails the §7.2 modulus check. Without Node 26 that part is skipped with
 * its reason (a failure under PURETLS_REQUIRE_PEERS=1); the sizes and round trips always run.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KEMS, type KemName } from '../../src/crypto/mlkem.js';
import { skipFor } from '../helpers/env.js';
import { node26Missing, opensslKem, type KemOp } from '../helpers/node26.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const OPENSSL_NAME: Record<KemName, string> = { 'ML-KEM-768': 'ml-kem-768', 'ML-KEM-1024': 'ml-kem-1024' };

describe('ML-KEM sizes and round trips (FIPS 203 Table 3)', () => {
  const table: Record<KemName, [ek: number, dk: number, ct: number]> = { 'ML-KEM-768': [1184, 2400, 1088], 'ML-KEM-1024': [1568, 3168, 1568] };
  for (const name of Object.keys(table) as KemName[]) {
    it(name, () => {
      const kem = KEMS[name];
      expect([kem.encapsulationKeyLength, kem.decapsulationKeyLength, kem.ciphertextLength, kem.sharedLength]).toEqual([...table[name], 32]);
      const seed = new Uint8Array(randomBytes(64));
      const a = kem.keygen(seed);
      expect(kem.keygen(seed)).toEqual(a); // deterministic in the seed
      expect(a.encapsulationKey.length).toBe(table[name][0]);
      const { ciphertext, shared } = kem.encapsulate(a.encapsulationKey, new Uint8Array(randomBytes(32)));
      expect(kem.decapsulate(ciphertext, a.decapsulationKey)).toEqual(shared);
      // implicit rejection: a changed ciphertext gives another secret, not an error
      const bad = ciphertext.slice();
      bad[5]! ^= 0x10;
      const rejected = kem.decapsulate(bad, a.decapsulationKey);
      expect(rejected.length).toBe(32);
      expect(rejected).not.toEqual(shared);
      // the §7.3 input checks: wrong ciphertext length, corrupted decapsulation key
      expect(() => kem.decapsulate(ciphertext.subarray(1), a.decapsulationKey)).toThrow();
      const dk = a.decapsulationKey.slice();
      dk[dk.length - 40]! ^= 1; // inside H(ek)
      expect(() => kem.decapsulate(ciphertext, dk)).toThrow();
    });
  }
});

const missing = node26Missing();
describe.skipIf(skipFor(missing, 'ML-KEM cross-check against OpenSSL 3.5'))('ML-KEM: @noble/post-quantum against OpenSSL 3.5 (Node 26)', () => {
  for (const name of ['ML-KEM-768', 'ML-KEM-1024'] as KemName[]) {
    it(`${name}: same keys from a seed, secrets agree both ways, same implicit rejection, same modulus check`, () => {
      const kem = KEMS[name];
      const k = OPENSSL_NAME[name];
      const cases = Array.from({ length: 12 }, (_, i) => {
        const seed = new Uint8Array(randomBytes(64));
        if (i === 0) seed.fill(0);
        if (i === 1) seed.fill(0xff);
        const keys = kem.keygen(seed);
        const mine = kem.encapsulate(keys.encapsulationKey, new Uint8Array(randomBytes(32)));
        const tampered = mine.ciphertext.slice();
        tampered[i * 37]! ^= 1 << (i % 8);
        return { seed, keys, mine, tampered };
      });
      // An encapsulation key with a coefficient of 4095 >= q: not a ByteEncode12 output (§7.2).
      const badEk = cases[2]!.keys.encapsulationKey.slice();
      badEk[0] = 0xff;
      badEk[1]! |= 0x0f;
      const ops: KemOp[] = [];
      for (const c of cases) {
        ops.push({ op: 'keygen', kem: k, seed: hex(c.seed) });
        ops.push({ op: 'decaps', kem: k, seed: hex(c.seed), ct: hex(c.mine.ciphertext) });
        ops.push({ op: 'decaps', kem: k, seed: hex(c.seed), ct: hex(c.tampered) });
        ops.push({ op: 'encaps', kem: k, ek: hex(c.keys.encapsulationKey) });
      }
      ops.push({ op: 'encaps', kem: k, ek: hex(badEk) });
      const res = opensslKem(ops);
      cases.forEach((c, i) => {
        const [gen, dec, rej, enc] = res.slice(i * 4, i * 4 + 4);
        expect(gen!.ek, `case ${i}: encapsulation key`).toBe(hex(c.keys.encapsulationKey));
        expect(dec!.ss, `case ${i}: OpenSSL decapsulates ours`).toBe(hex(c.mine.shared));
        expect(rej!.ss, `case ${i}: the same implicit rejection`).toBe(hex(kem.decapsulate(c.tampered, c.keys.decapsulationKey)));
        expect(rej!.ss).not.toBe(hex(c.mine.shared));
        expect(hex(kem.decapsulate(unhex(enc!.ct!), c.keys.decapsulationKey)), `case ${i}: we decapsulate OpenSSL's`).toBe(enc!.ss);
      });
      expect(res.at(-1)!.error, 'OpenSSL refuses the out-of-range key').toBeDefined();
      expect(() => kem.encapsulate(badEk, new Uint8Array(32))).toThrow(/modulus/);
    });
  }
});
