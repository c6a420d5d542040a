/**
 * ML-KEM (FIPS 203) for the hybrid TLS 1.3 groups, on @noble/post-quantum. The client only ever
 * generates a key pair and decapsulates; encapsulation is here for the server half that the test
 * servers and the registry round-trips use.
 *
 * - Key generation is ML-KEM.KeyGen_internal(d, z) (FIPS 203 Algorithm 16) from a 64-byte seed
 *   d || z drawn from the connection's random source, so a fixed source reproduces a handshake.
 * - Decapsulation (Algorithm 18/21) does the FIPS 203 §7.3 input checks (ciphertext length, the
 *   decapsulation key's hash check) and rejects implicitly: a well-formed but wrong ciphertext
 *   yields a pseudo-random secret, never an error, so the handshake fails at the first record
 *   the server protects (bad_record_mac) — it cannot be told apart earlier, by design.
 * - Encapsulation does the §7.2 modulus check on the encapsulation key.
 */
import { ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';

export type KemName = 'ML-KEM-768' | 'ML-KEM-1024';

export interface Kem {
  readonly name: KemName;
  /** FIPS 203 Table 3: encapsulation key, decapsulation key, ciphertext and shared secret sizes. */
  readonly encapsulationKeyLength: number;
  readonly decapsulationKeyLength: number;
  readonly ciphertextLength: number;
  readonly sharedLength: 32;
  /** Seed d || z (64 bytes) → (encapsulation key, decapsulation key). */
  keygen(seed: Uint8Array): { encapsulationKey: Uint8Array; decapsulationKey: Uint8Array };
  /** Throws on a ciphertext of the wrong length or a corrupt decapsulation key; never for a wrong ciphertext. */
  decapsulate(ciphertext: Uint8Array, decapsulationKey: Uint8Array): Uint8Array;
  /** `m` is the 32-byte randomness of Algorithm 17. Throws when the key fails the modulus check. */
  encapsulate(encapsulationKey: Uint8Array, m: Uint8Array): { ciphertext: Uint8Array; shared: Uint8Array };
}

function wrap(name: KemName, impl: typeof ml_kem768): Kem {
  return {
    name,
    encapsulationKeyLength: impl.lengths.publicKey!,
    decapsulationKeyLength: impl.lengths.secretKey!,
    ciphertextLength: impl.lengths.cipherText!,
    sharedLength: 32,
    keygen(seed) {
      const { publicKey, secretKey } = impl.keygen(seed);
      return { encapsulationKey: publicKey, decapsulationKey: secretKey };
    },
    decapsulate: (ct, dk) => impl.decapsulate(ct, dk),
    encapsulate(ek, m) {
      const { cipherText, sharedSecret } = impl.encapsulate(ek, m);
      return { ciphertext: cipherText, shared: sharedSecret };
    },
  };
}

export const KEMS: Readonly<Record<KemName, Kem>> = /* @__PURE__ */ Object.freeze({
  'ML-KEM-768': wrap('ML-KEM-768', ml_kem768),
  'ML-KEM-1024': wrap('ML-KEM-1024', ml_kem1024),
});
