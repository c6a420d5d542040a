/**
 * The RFC 3526 MODP primes, derived from their defining formula, equal OpenSSL's built-in
 * `modp_N` groups (read back from `openssl genpkey -genparam ... group:modp_N | openssl asn1parse`).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { modpGroupByPrime, modpGroups } from '../../src/crypto/modp-primes.js';
import { programMissing, skipFor } from '../helpers/env.js';

function opensslPrime(bits: number): bigint {
  const pem = execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', `group:modp_${bits}`]);
  const asn1 = execFileSync('openssl', ['asn1parse'], { input: pem }).toString();
  const m = /INTEGER\s+:([0-9A-F]+)/.exec(asn1);
  if (!m) throw new Error(`no prime in openssl's modp_${bits}: ${asn1}`);
  return BigInt(`0x${m[1]}`);
}

describe.skipIf(skipFor(programMissing('openssl'), 'RFC 3526 primes vs OpenSSL'))('RFC 3526 MODP groups', () => {
  for (const g of modpGroups()) {
    it(`${g.name} equals OpenSSL's modp_${g.bits}`, () => {
      expect(g.p.toString(2).length).toBe(g.bits);
      expect(g.p).toBe(opensslPrime(g.bits));
      expect(modpGroupByPrime(g.p)).toBe(g);
    });
  }
  it('nothing else is taken for one of them', () => {
    const p = modpGroups()[0]!.p;
    expect(modpGroupByPrime(p + 2n)).toBeUndefined();
    expect(modpGroupByPrime(p - (1n << 200n))).toBeUndefined();
  });
});
