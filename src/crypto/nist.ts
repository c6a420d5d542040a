/**
 * The NIST curves we implement (FIPS 186-5 / SEC 2: P-256, P-384, P-521), by `NamedCurve`, with
 * their sizes: shared by ECDHE (groups.ts), public keys (spki.ts), private keys and ECDSA.
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { NamedCurve } from './types.js';

export const NIST = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;
/** The size of the curve (and of its group order) in bits. */
export const CURVE_BITS: Record<NamedCurve, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 521 };
/** The length in bytes of a scalar (private key, ECDSA r and s): ceil(bits / 8). */
export const SCALAR_LEN: Record<NamedCurve, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
