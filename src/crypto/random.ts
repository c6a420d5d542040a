/**
 * Randomness: only crypto.getRandomValues, through one function that tests can replace
 * (`ClientOptions.random` takes precedence at the connection level).
 */
import type { RandomSource } from '../types.js';

export type { RandomSource };

export const secureRandom: RandomSource = (n) => {
  const out = new Uint8Array(n);
  // getRandomValues is limited to 65536 bytes per call.
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
};
