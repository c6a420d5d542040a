/**
 * External pre-shared keys (RFC 8446 §4.2.11 / RFC 9257 for TLS 1.3; RFC 4279 for TLS 1.2):
 * the `psk` option, checked before any byte is sent.
 *
 * `psk: { identity, key, hash? }` — the identity as text or bytes, the key as bytes or hex, and the
 * hash the PSK is bound to in TLS 1.3 (RFC 8446 §4.2.11: "the Hash associated with the PSK";
 * default SHA-256, as OpenSSL and mbedTLS assume for external PSKs). Or a callback that receives
 * the server's identity hint (TLS 1.2 ServerKeyExchange; undefined in TLS 1.3, which has none)
 * and returns the PSK to use, or nothing.
 */
import { configError, type TlsError } from '../errors.js';
import type { PskInput, PskOption } from '../types.js';
import { utf8 } from '../wire/bytes.js';

export type { PskInput, PskOption };

export interface ExternalPsk {
  readonly identity: Uint8Array;
  /** For traces and HandshakeInfo. */
  readonly identityText: string;
  readonly key: Uint8Array;
  readonly hash: 'sha256' | 'sha384';
}

/** RFC 9257 §4 asks for at least 128 bits of entropy; a shorter key is refused. */
export const MIN_PSK_BYTES = 16;

function bad(why: string): TlsError {
  return configError('bad_psk', `\`psk\`: ${why}`);
}

function keyBytes(key: unknown): Uint8Array {
  if (key instanceof Uint8Array) return key.slice();
  if (typeof key !== 'string') throw bad(`key: expected bytes or hex text, got ${key === null ? 'null' : typeof key}`);
  const hex = key.trim().replace(/^0x/i, '');
  if (hex.length === 0) throw bad('key is empty');
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw bad(`key is not hex (${JSON.stringify(key.length > 20 ? key.slice(0, 20) + '…' : key)})`);
  if (hex.length % 2 !== 0) throw bad(`key has an odd number of hex digits (${hex.length})`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Check and normalise one PSK. Throws BAD_CONFIG naming what is wrong. */
export function resolvePsk(input: unknown): ExternalPsk {
  if (input === null || typeof input !== 'object') throw bad('expected { identity, key } or a function');
  const p = input as Partial<PskInput>;
  let identity: Uint8Array;
  let identityText: string;
  if (typeof p.identity === 'string') {
    identity = utf8(p.identity);
    identityText = p.identity;
  } else if (p.identity instanceof Uint8Array) {
    identity = p.identity.slice();
    identityText = new TextDecoder().decode(p.identity);
  } else {
    throw bad('identity: expected text or bytes');
  }
  // RFC 4279 §5.1 / RFC 8446 §4.2.11: opaque identity<1..2^16-1>.
  if (identity.length === 0 || identity.length > 0xffff) throw bad(`identity must be 1 to 65535 bytes (got ${identity.length})`);
  const key = keyBytes(p.key);
  if (key.length < MIN_PSK_BYTES) throw bad(`key is too short: ${key.length} bytes, at least ${MIN_PSK_BYTES} (128 bits) are required`);
  if (key.length > 0xffff) throw bad('key is longer than 65535 bytes');
  const hash = p.hash ?? 'sha256';
  if (hash !== 'sha256' && hash !== 'sha384') throw bad(`hash: expected 'sha256' or 'sha384', got ${JSON.stringify(hash)}`);
  return { identity, identityText, key, hash };
}

/** The PSK for this handshake: the fixed one, or the callback's answer to `hint`. */
export function pskFor(option: PskOption | undefined, hint: string | undefined): ExternalPsk | undefined {
  if (option === undefined) return undefined;
  if (typeof option !== 'function') return resolvePsk(option);
  let r: PskInput | undefined | null;
  try {
    r = option(hint);
  } catch (e) {
    throw bad(`the callback threw: ${e instanceof Error ? e.message : String(e)}`);
  }
  return r == null ? undefined : resolvePsk(r);
}
