/**
 * The cipher suite registry, as data: one row per suite with its IANA code point and name, the
 * version it belongs to and the primitives it names. Adding a suite is adding a row.
 *
 * TLS 1.3 suites: RFC 8446 §B.4. TLS 1.2 suites: RFC 5246 (RSA, CBC), RFC 5288 (RSA/DHE GCM),
 * RFC 5289 (ECDHE GCM and CBC-SHA256/384), RFC 8422 (ECDHE CBC-SHA), RFC 7905 (ChaCha20-Poly1305).
 * Code points: IANA "TLS Cipher Suites" registry.
 */
import { unknownEntry } from '../suggest.js';
import { CryptoError } from './errors.js';
import type { HashName } from './hash.js';
import type { AeadName } from './types.js';
import type { TlsVersionName } from '../types.js';

/** What every suite has. */
interface SuiteCommon {
  readonly code: number;
  /** IANA name, e.g. TLS_AES_128_GCM_SHA256. */
  readonly name: string;
  /** TLS 1.3: the HKDF / transcript hash. TLS 1.2: the PRF hash (RFC 5246 §5, RFC 5289 §3). */
  readonly hash: HashName;
  /** Bulk cipher key length in bytes. */
  readonly keyLength: number;
  /**
   * Bytes of IV taken from the key schedule / key block: 12 for TLS 1.3 and TLS 1.2 ChaCha20
   * (RFC 7905 §2), 4 for TLS 1.2 GCM (RFC 5288 §3, the salt), 16 for CBC (the AES block size;
   * TLS 1.2 CBC sends an explicit per-record IV, RFC 5246 §6.2.3.2, so the key-block IV is unused).
   */
  readonly fixedIvLength: number;
  /** Bytes of explicit IV / nonce sent in each record: GCM 8, ChaCha20 and TLS 1.3 0, CBC 16. */
  readonly recordIvLength: number;
  /** Offered when the user names no suites. */
  readonly defaultEnabled: boolean;
}

/** TLS 1.2 key exchange and server authentication (the certificate's key type, or the pre-shared key). */
interface Tls12Parts {
  readonly version: '1.2';
  /** 'psk': RFC 4279 §2; 'ecdhe_psk': RFC 5489 §2. */
  readonly kx: 'ecdhe' | 'dhe' | 'rsa' | 'psk' | 'ecdhe_psk';
  readonly auth: 'ecdsa' | 'rsa' | 'psk';
}

/** A TLS 1.3 suite (RFC 8446 §B.4): an AEAD and a hash; key exchange and auth are negotiated apart. */
export interface Tls13Suite extends SuiteCommon {
  readonly version: '1.3';
  readonly protection: 'aead';
  readonly aead: AeadName;
}

/** A TLS 1.2 AEAD suite (GCM, RFC 5288; ChaCha20-Poly1305, RFC 7905). */
export interface Tls12AeadSuite extends SuiteCommon, Tls12Parts {
  readonly protection: 'aead';
  readonly aead: AeadName;
}

/** A TLS 1.2 AES-CBC + HMAC suite (RFC 5246 §6.2.3.2): the record MAC (RFC 5246 §6.2.3.1). */
export interface Tls12CbcSuite extends SuiteCommon, Tls12Parts {
  readonly protection: 'cbc';
  readonly cbc: { readonly macHash: HashName; readonly macLength: number; readonly macKeyLength: number };
}

export type Tls12Suite = Tls12AeadSuite | Tls12CbcSuite;

/**
 * A cipher suite: a discriminated union on `version` and `protection`, so the compiler checks
 * that only AEAD suites are asked for `aead` and only CBC suites for `cbc`.
 */
export type CipherSuite = Tls13Suite | Tls12Suite;

const SHA1_MAC = { macHash: 'sha1', macLength: 20, macKeyLength: 20 } as const;
const SHA256_MAC = { macHash: 'sha256', macLength: 32, macKeyLength: 32 } as const;
const SHA384_MAC = { macHash: 'sha384', macLength: 48, macKeyLength: 48 } as const;

function tls13(code: number, name: string, aead: AeadName, hash: HashName, keyLength: number): Tls13Suite {
  return { code, name, version: '1.3', protection: 'aead', hash, aead, keyLength, fixedIvLength: 12, recordIvLength: 0, defaultEnabled: true };
}

type Kx = { kx: Tls12Suite['kx']; auth: Tls12Suite['auth']; prefix: string; on: boolean };
const ECDHE_ECDSA: Kx = { kx: 'ecdhe', auth: 'ecdsa', prefix: 'TLS_ECDHE_ECDSA_WITH_', on: true };
const ECDHE_RSA: Kx = { kx: 'ecdhe', auth: 'rsa', prefix: 'TLS_ECDHE_RSA_WITH_', on: true };
const DHE_RSA: Kx = { kx: 'dhe', auth: 'rsa', prefix: 'TLS_DHE_RSA_WITH_', on: false };
// Static RSA key exchange has no forward secrecy: opt-in only.
const RSA: Kx = { kx: 'rsa', auth: 'rsa', prefix: 'TLS_RSA_WITH_', on: false };
// Pre-shared keys: offered when a `psk` is configured (config.ts), never by default.
const PSK: Kx = { kx: 'psk', auth: 'psk', prefix: 'TLS_PSK_WITH_', on: false };
const ECDHE_PSK: Kx = { kx: 'ecdhe_psk', auth: 'psk', prefix: 'TLS_ECDHE_PSK_WITH_', on: false };

/** A TLS 1.2 AEAD suite: GCM (RFC 5288 §3: 4-byte salt + 8-byte explicit nonce) or ChaCha20 (RFC 7905 §2). */
function aead12(code: number, k: Kx, aead: AeadName, hash: HashName): Tls12AeadSuite {
  const chacha = aead === 'chacha20-poly1305';
  const bulk = aead === 'aes-128-gcm' ? 'AES_128_GCM' : aead === 'aes-256-gcm' ? 'AES_256_GCM' : 'CHACHA20_POLY1305';
  return {
    code,
    name: `${k.prefix}${bulk}_${hash.toUpperCase()}`,
    version: '1.2',
    protection: 'aead',
    hash,
    aead,
    keyLength: aead === 'aes-128-gcm' ? 16 : 32,
    fixedIvLength: chacha ? 12 : 4,
    recordIvLength: chacha ? 0 : 8,
    kx: k.kx,
    auth: k.auth,
    defaultEnabled: k.on,
  };
}

/** A TLS 1.2 AES-CBC + HMAC suite (RFC 5246 §6.2.3.2). PRF hash: SHA-384 for *_SHA384, else SHA-256. */
function cbc12(code: number, k: Kx, keyLength: 16 | 32, mac: typeof SHA1_MAC | typeof SHA256_MAC | typeof SHA384_MAC): Tls12CbcSuite {
  const macName = mac.macHash === 'sha1' ? 'SHA' : mac.macHash.toUpperCase();
  return {
    code,
    name: `${k.prefix}AES_${keyLength * 8}_CBC_${macName}`,
    version: '1.2',
    protection: 'cbc',
    hash: mac.macHash === 'sha384' ? 'sha384' : 'sha256',
    keyLength,
    fixedIvLength: 16,
    recordIvLength: 16,
    cbc: mac,
    kx: k.kx,
    auth: k.auth,
    defaultEnabled: k.on,
  };
}

/** Every suite puretls implements, in default preference order. */
export const CIPHER_SUITES: readonly CipherSuite[] = /* @__PURE__ */ Object.freeze([
  // RFC 8446 §B.4
  tls13(0x1301, 'TLS_AES_128_GCM_SHA256', 'aes-128-gcm', 'sha256', 16),
  tls13(0x1302, 'TLS_AES_256_GCM_SHA384', 'aes-256-gcm', 'sha384', 32),
  tls13(0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'chacha20-poly1305', 'sha256', 32),
  // ECDHE AEAD (RFC 5289, RFC 7905)
  aead12(0xc02b, ECDHE_ECDSA, 'aes-128-gcm', 'sha256'),
  aead12(0xc02f, ECDHE_RSA, 'aes-128-gcm', 'sha256'),
  aead12(0xc02c, ECDHE_ECDSA, 'aes-256-gcm', 'sha384'),
  aead12(0xc030, ECDHE_RSA, 'aes-256-gcm', 'sha384'),
  aead12(0xcca9, ECDHE_ECDSA, 'chacha20-poly1305', 'sha256'),
  aead12(0xcca8, ECDHE_RSA, 'chacha20-poly1305', 'sha256'),
  // ECDHE CBC (RFC 5289 §3.2, RFC 8422 §6)
  cbc12(0xc023, ECDHE_ECDSA, 16, SHA256_MAC),
  cbc12(0xc027, ECDHE_RSA, 16, SHA256_MAC),
  cbc12(0xc024, ECDHE_ECDSA, 32, SHA384_MAC),
  cbc12(0xc028, ECDHE_RSA, 32, SHA384_MAC),
  cbc12(0xc009, ECDHE_ECDSA, 16, SHA1_MAC),
  cbc12(0xc013, ECDHE_RSA, 16, SHA1_MAC),
  cbc12(0xc00a, ECDHE_ECDSA, 32, SHA1_MAC),
  cbc12(0xc014, ECDHE_RSA, 32, SHA1_MAC),
  // DHE_RSA (RFC 5288, RFC 7905, RFC 5246): opt-in
  aead12(0x009e, DHE_RSA, 'aes-128-gcm', 'sha256'),
  aead12(0x009f, DHE_RSA, 'aes-256-gcm', 'sha384'),
  aead12(0xccaa, DHE_RSA, 'chacha20-poly1305', 'sha256'),
  cbc12(0x0033, DHE_RSA, 16, SHA1_MAC),
  cbc12(0x0039, DHE_RSA, 32, SHA1_MAC),
  // Static RSA (RFC 5288, RFC 5246): opt-in
  aead12(0x009c, RSA, 'aes-128-gcm', 'sha256'),
  aead12(0x009d, RSA, 'aes-256-gcm', 'sha384'),
  cbc12(0x003c, RSA, 16, SHA256_MAC),
  cbc12(0x003d, RSA, 32, SHA256_MAC),
  cbc12(0x002f, RSA, 16, SHA1_MAC),
  cbc12(0x0035, RSA, 32, SHA1_MAC),
  // PSK (RFC 4279, RFC 5487 GCM and CBC-SHA256, RFC 5489 ECDHE_PSK, RFC 7905 ChaCha20): with `psk`
  aead12(0xccac, ECDHE_PSK, 'chacha20-poly1305', 'sha256'),
  cbc12(0xc037, ECDHE_PSK, 16, SHA256_MAC),
  aead12(0x00a8, PSK, 'aes-128-gcm', 'sha256'),
  aead12(0x00a9, PSK, 'aes-256-gcm', 'sha384'),
  aead12(0xccab, PSK, 'chacha20-poly1305', 'sha256'),
  cbc12(0x00ae, PSK, 16, SHA256_MAC),
]);

const BY_CODE: ReadonlyMap<number, CipherSuite> = /* @__PURE__ */ new Map(CIPHER_SUITES.map((s) => [s.code, s]));
const BY_NAME: ReadonlyMap<string, CipherSuite> = /* @__PURE__ */ new Map(CIPHER_SUITES.map((s) => [s.name, s]));

export function suiteByCode(code: number): CipherSuite | undefined {
  return BY_CODE.get(code);
}

/** Look a suite up by IANA name (case-insensitive). */
export function suiteByName(name: string): CipherSuite | undefined {
  return BY_NAME.get(name.trim().toUpperCase());
}

/** Parse `0x1301` or `4865`; undefined when the text is not a number. */
function parseCode(text: string): number | undefined {
  const t = text.trim();
  if (/^0x[0-9a-f]{1,4}$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^[0-9]{1,5}$/.test(t)) {
    const n = Number(t);
    return n <= 0xffff ? n : undefined;
  }
  return undefined;
}

function lookup(item: string | number): CipherSuite | undefined {
  if (typeof item === 'number') return suiteByCode(item);
  const code = parseCode(item);
  return code !== undefined ? suiteByCode(code) : suiteByName(item);
}

/** Whether puretls implements this suite (IANA name, `0x1301` or a number). */
export function isSuiteSupported(nameOrCode: string | number): boolean {
  return lookup(nameOrCode) !== undefined;
}

/** Split a user list: an array, or one string separated by commas, colons or spaces. */
export function splitList(list: Array<string | number> | string): Array<string | number> {
  const items = typeof list === 'string' ? list.split(/[,:\s]+/) : list;
  return items.filter((x) => typeof x === 'number' || x.trim() !== '');
}

/**
 * The suites to offer, in order. `undefined` → the default-enabled suites of the enabled versions.
 * Unknown names are a CryptoError 'unknown_name' (BAD_CONFIG in config.ts); known suites of a
 * version that is not enabled are dropped;
 * an empty result is one too.
 */
export function resolveSuites(
  list: Array<string | number> | string | undefined,
  versions: Set<TlsVersionName>,
): CipherSuite[] {
  let chosen: CipherSuite[];
  if (list === undefined) {
    chosen = CIPHER_SUITES.filter((s) => s.defaultEnabled);
  } else {
    chosen = [];
    for (const item of splitList(list)) {
      const s = lookup(item);
      if (!s) {
        throw new CryptoError(
          'unknown_name',
          'unknown_cipher_suite',
          typeof item === 'number'
            ? `ciphers: unknown or unsupported cipher suite 0x${item.toString(16).padStart(4, '0')}`
            : unknownEntry('ciphers', 'or unsupported cipher suite', item, CIPHER_SUITES.map((x) => x.name)),
        );
      }
      if (!chosen.includes(s)) chosen.push(s);
    }
  }
  const usable = chosen.filter((s) => versions.has(s.version));
  if (usable.length === 0) {
    const v = [...versions].map((x) => `TLS ${x}`).join(' and ') || 'no TLS version';
    throw new CryptoError('unknown_name', 'no_usable_cipher_suite', `no usable cipher suite for ${v}`);
  }
  return usable;
}
