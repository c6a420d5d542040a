/**
 * Option checking, done once before any byte is sent (style-anchors example 11): every bad
 * option is a `BAD_CONFIG` TlsError naming the option. The result is a frozen, resolved config
 * the state machines read (suites, groups and schemes as registry rows, trust anchors as DER).
 */
import { CIPHER_SUITES, resolveSuites, type CipherSuite } from './crypto/suites.js';
import { GROUPS, groupByName, type NamedGroup } from './crypto/groups.js';
import { resolveSigSchemes, type SignatureScheme } from './crypto/sigschemes.js';
import { secureRandom, type RandomSource } from './crypto/random.js';
import { configError } from './errors.js';
import { withOptions } from './handshake/crypto-errors.js';
import { REGISTERED_ALPN_IDS } from './handshake/extensions/alpn.js';
import { editDistance, nearest, unknownEntry } from './suggest.js';
import { CERT_FLAGS } from './x509/flags.js';
import type { ClientOptions, RevocationMode, TlsVersionName, VerifyMode } from './types.js';
import type { ClientIdentity } from './identity/identity.js';
import { identityFromOptions } from './identity/load.js';
import { resolvePsk, type ExternalPsk, type PskOption } from './identity/psk.js';
import { utf8 } from './wire/bytes.js';
import { isIP } from './wire/ip.js';
import { loadCertificates, loadTrustAnchors } from './x509/index.js';

export interface ResolvedConfig {
  readonly options: ClientOptions;
  readonly versions: ReadonlySet<TlsVersionName>;
  readonly minVersion: TlsVersionName;
  readonly maxVersion: TlsVersionName;
  readonly suites: readonly CipherSuite[];
  readonly groups: readonly NamedGroup[];
  readonly keyShareGroups: readonly NamedGroup[];
  readonly sigSchemes: readonly SignatureScheme[];
  readonly verify: VerifyMode;
  readonly revocation: RevocationMode;
  /** SNI to send (never an IP address, RFC 6066 §3). */
  readonly sni: string | undefined;
  /** The name the certificate must match, if any. */
  readonly verifyName: { kind: 'dns' | 'ip'; value: string } | undefined;
  readonly alpn: readonly string[];
  readonly middleboxCompat: boolean;
  readonly random: RandomSource;
  /** Trust anchors (DER), loaded once here so bad PEM fails before any byte is sent. */
  readonly trustAnchors: readonly Uint8Array[];
  readonly intermediates: readonly Uint8Array[];
  /** max_fragment_length to offer (bytes), if any. */
  readonly maxFragmentLength: number | undefined;
  /** record_size_limit to offer, if any. */
  readonly recordSizeLimit: number | undefined;
  readonly recordPadding: number;
  readonly maxHandshakeSize: number;
  readonly allowLegacyRenegotiation: boolean;
  readonly keyUpdateAfterBytes: number | undefined;
  /** The client identity (certificate + key or signer), checked here; undefined when none. */
  readonly identity: ClientIdentity | undefined;
  /** The external PSK, checked here (a callback is called per handshake). */
  readonly psk: ExternalPsk | PskOption | undefined;
  readonly pskMode: 'psk_dhe_ke' | 'psk_ke';
}

/** OpenSSL's default max_cert_list (ssl/ssl_local.h SSL_MAX_CERT_LIST_DEFAULT): 100 KiB. */
export const DEFAULT_MAX_CERTIFICATE_MESSAGE = 100 * 1024;

function intOption(options: ClientOptions, key: keyof ClientOptions, min: number, max: number): number | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw configError('bad_integer', `${key}: expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * Parsing a root store costs milliseconds: keep recent results by input identity (or text). An
 * array hit also needs the same elements: a list edited in place (a CA removed) is parsed again.
 */
const anchorCache = new WeakMap<object, { items: unknown[]; der: Uint8Array[] }>();
const anchorTextCache = new Map<string, Uint8Array[]>();
function anchorsFor(ca: ClientOptions['ca'], verify: VerifyMode): Uint8Array[] {
  if (verify === 'none') return [];
  if (typeof ca === 'string') {
    const hit = anchorTextCache.get(ca);
    if (hit) return hit;
    const der = loadTrustAnchors(ca, verify);
    if (anchorTextCache.size >= 16) anchorTextCache.delete(anchorTextCache.keys().next().value!);
    anchorTextCache.set(ca, der);
    return der;
  }
  if (ca !== null && typeof ca === 'object' && !(ca instanceof Uint8Array)) {
    const items: unknown[] = Array.isArray(ca) ? ca : [ca];
    const hit = anchorCache.get(ca);
    if (hit && hit.items.length === items.length && hit.items.every((x, i) => x === items[i])) return hit.der;
    const der = loadTrustAnchors(ca, verify);
    // An empty result is cheap and depends on the verify mode: not cached.
    if (der.length > 0) anchorCache.set(ca, { items: [...items], der });
    return der;
  }
  return loadTrustAnchors(ca, verify);
}

const VERSIONS: readonly TlsVersionName[] = ['1.2', '1.3'];
const VERIFY_MODES: readonly VerifyMode[] = ['none', 'optional', 'required'];

function checkVersion(v: unknown, what: string): TlsVersionName | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && (VERSIONS as readonly string[]).includes(v)) return v as TlsVersionName;
  throw configError('bad_version', `${what}: expected '1.2' or '1.3', got ${JSON.stringify(v)} (TLS 1.1 and older are never offered)`);
}

function listOf(v: string[] | string | undefined, what: string): string[] | undefined {
  if (v === undefined) return undefined;
  const arr = typeof v === 'string' ? v.split(/[,:]/) : v;
  if (!Array.isArray(arr)) throw configError('expected_list', `${what}: expected a list or a comma-separated string`);
  const out = arr.map((s) => (typeof s === 'string' ? s.trim() : s)).filter((s) => s !== '');
  for (const s of out) if (typeof s !== 'string') throw configError('expected_names', `${what}: expected names, got ${typeof s}`);
  return out;
}

/**
 * ALPN IDs are exact bytes (RFC 7301 §3.1) and private ones are allowed, so only a near miss of
 * a registered ID is refused: the same letters in another case, or one edit away ('http/1.l').
 */
function checkAlpnId(p: string): void {
  if (REGISTERED_ALPN_IDS.includes(p)) return;
  const near = nearest(p, REGISTERED_ALPN_IDS)!;
  if (near.toLowerCase() === p.trim().toLowerCase() || editDistance(p, near) <= 1) {
    throw configError('unknown_alpn_id', `${unknownEntry('alpn', 'protocol ID', p, REGISTERED_ALPN_IDS)}; ALPN IDs are compared byte for byte`);
  }
}

/**
 * Every option name `ClientOptions` has: a name not here is refused (a misspelt `rejectUnauthorised`
 * must not pass silently). Adding an option means adding its name here.
 */
const OPTION_NAMES = new Set([
  'host', 'port', 'servername', 'ca', 'intermediates', 'verify', 'ignore', 'verifyCallback', 'allowCnFallback', 'requireCloseNotify', 'now',
  'minVersion', 'maxVersion', 'ciphers', 'groups', 'keyShareGroups', 'sigalgs', 'alpn', 'middleboxCompat', 'timeout',
  'onEvent', 'traceSecrets', 'keyLog', 'random', 'revocation', 'crypto',
  // issue 12: record sizes, keys, renegotiation, time-outs (the time-outs and signal are the async adapters')
  'maxFragmentLength', 'recordSizeLimit', 'recordPadding', 'maxHandshakeSize', 'keyUpdateAfterBytes', 'allowLegacyRenegotiation',
  'handshakeTimeout', 'readTimeout', 'idleTimeout', 'closeTimeout', 'signal',
  // client authentication and pre-shared keys (src/identity/)
  'cert', 'key', 'passphrase', 'pfx', 'signer', 'identity', 'selectIdentity', 'postHandshakeAuth', 'psk', 'pskMode',
]);

export function resolveConfig(options: ClientOptions): ResolvedConfig {
  if (options === null || typeof options !== 'object') throw configError('options_not_object', 'options: expected an object');
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name) && (options as Record<string, unknown>)[name] !== undefined) {
      throw configError('unknown_option', unknownEntry('options', 'option', name, [...OPTION_NAMES]));
    }
  }
  const min = checkVersion(options.minVersion, 'minVersion') ?? '1.2';
  const max = checkVersion(options.maxVersion, 'maxVersion') ?? '1.3';
  if (min > max) throw configError('min_version_above_max', `minVersion ${min} is above maxVersion ${max}`);
  const versions = new Set<TlsVersionName>(VERSIONS.filter((v) => v >= min && v <= max));

  let suites = withOptions(() => resolveSuites(options.ciphers, versions));
  if (options.psk !== undefined && options.ciphers === undefined && versions.has('1.2')) {
    // A configured PSK brings the TLS 1.2 PSK suites (RFC 4279/5487/5489/7905), ahead of the
    // certificate suites; TLS 1.3 uses the PSK with its own suites.
    const pskSuites = CIPHER_SUITES.filter((s) => s.version === '1.2' && s.auth === 'psk');
    const firstTls12 = suites.findIndex((s) => s.version === '1.2');
    suites = firstTls12 < 0 ? [...suites, ...pskSuites] : [...suites.slice(0, firstTls12), ...pskSuites, ...suites.slice(firstTls12)];
  }
  if (options.psk === undefined && suites.some((s) => s.version === '1.2' && s.auth === 'psk')) {
    throw configError('psk_suite_without_psk', `\`ciphers\`: ${suites.find((s) => s.version === '1.2' && s.auth === 'psk')!.name} needs a pre-shared key: set \`psk\``);
  }

  const groupNames = listOf(options.groups, 'groups');
  let groups: NamedGroup[];
  if (groupNames === undefined) {
    groups = GROUPS.filter((g) => g.defaultEnabled);
    // RFC 7919 §3: a client offering DHE suites SHOULD list the ffdhe groups it accepts.
    if (suites.some((s) => s.version === '1.2' && s.kx === 'dhe')) groups = [...groups, ...GROUPS.filter((g) => g.kind === 'ffdhe')];
  } else {
    groups = groupNames.map((n) => {
      const g = groupByName(n);
      if (!g) throw configError('unknown_group', unknownEntry('groups', 'group', n, GROUPS.map((x) => x.name)));
      return g;
    });
    if (groups.length === 0) throw configError('empty_group_list', 'groups: the list is empty');
  }
  // draft-ietf-tls-ecdhe-mlkem: the hybrid groups are TLS 1.3 only; never listed without it.
  if (!versions.has('1.3')) {
    groups = groups.filter((g) => !g.tls13Only);
    if (groups.length === 0) throw configError('no_tls12_group', `groups: only TLS 1.3 groups named, but \`maxVersion\` is ${max} (name a group such as x25519 too)`);
  }
  // Only ECDHE groups apply to TLS 1.3 key_share unless ffdhe was named explicitly.
  const shareNames = options.keyShareGroups;
  let keyShareGroups: NamedGroup[];
  if (shareNames !== undefined) {
    if (!Array.isArray(shareNames)) throw configError('expected_list', 'keyShareGroups: expected a list of group names');
    keyShareGroups = shareNames.map((n) => {
      if (typeof n !== 'string') throw configError('expected_names', 'keyShareGroups: expected group names');
      const g = groups.find((x) => x === groupByName(n));
      if (!g) {
        if (!groupByName(n)) throw configError('unknown_group', unknownEntry('keyShareGroups', 'group', n, groups.map((x) => x.name)));
        throw configError('key_share_group_not_enabled', `keyShareGroups: '${n}' is not among the enabled groups (\`groups\`)`);
      }
      return g;
    });
  } else {
    // RFC 8446 §4.2.8: shares for X25519MLKEM768 and x25519 by default, as browsers send them
    // (draft-ietf-tls-ecdhe-mlkem; the x25519 key is shared by both); else the first group.
    keyShareGroups = groups.filter((g) => g.name === 'X25519MLKEM768' || g.name === 'x25519');
    if (keyShareGroups.length === 0) keyShareGroups = groups.slice(0, 1);
  }

  const sigSchemes = withOptions(() => resolveSigSchemes(options.sigalgs));
  if (!versions.has('1.2') && !sigSchemes.some((s) => s.tls13)) {
    throw configError('no_tls13_signature_scheme', 'sigalgs: none of the signature schemes may sign a TLS 1.3 handshake (rsa_pkcs1_* and *_sha1 are for certificates only)');
  }

  const verify = options.verify ?? 'required';
  if (!VERIFY_MODES.includes(verify)) throw configError('bad_verify_mode', `verify: expected none, optional or required, got ${JSON.stringify(verify)}`);

  const revocation = options.revocation ?? 'soft';
  if (!(['off', 'soft', 'hard'] as const).includes(revocation)) {
    throw configError('bad_revocation_mode', `revocation: expected off, soft or hard, got ${JSON.stringify(revocation)}`);
  }

  let sni: string | undefined;
  let verifyName: ResolvedConfig['verifyName'];
  const sn = options.servername;
  if (sn !== undefined && sn !== false && typeof sn !== 'string') throw configError('bad_servername', 'servername: expected a string or false');
  const name = sn === false ? undefined : (sn ?? options.host);
  if (name !== undefined) {
    if (typeof name !== 'string' || name.length === 0) throw configError('bad_servername', 'host/servername: expected a non-empty string');
    const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
    const ip = ipLiteral(bare);
    if (ip !== undefined) {
      verifyName = { kind: 'ip', value: ip };
    } else {
      const lower = bare.replace(/\.$/, '').toLowerCase();
      if (lower.length > 253 || !/^[a-z0-9_*.-]+$/.test(lower)) {
        throw configError('servername_not_dns_name', `servername: '${name}' is not a valid DNS name (IDNs must be given in A-label/punycode form)`);
      }
      sni = lower;
      verifyName = { kind: 'dns', value: lower };
    }
  }
  if (sn === false && options.host !== undefined) {
    if (typeof options.host !== 'string' || options.host.length === 0) throw configError('bad_host', 'host: expected a non-empty string');
    const h = options.host.startsWith('[') && options.host.endsWith(']') ? options.host.slice(1, -1) : options.host;
    const ip = ipLiteral(h);
    verifyName = ip !== undefined ? { kind: 'ip', value: ip } : { kind: 'dns', value: h.replace(/\.$/, '').toLowerCase() };
  }

  const alpn = options.alpn ?? [];
  if (!Array.isArray(alpn)) throw configError('expected_list', 'alpn: expected a list of protocol names');
  for (const [i, p] of alpn.entries()) {
    // RFC 7301 §3.1: ProtocolName<1..2^8-1>, counted in bytes (UTF-8), not UTF-16 code units.
    if (typeof p !== 'string' || p.length === 0 || utf8(p).length > 255) throw configError('bad_alpn_protocol', `alpn: invalid protocol name ${JSON.stringify(p)}`);
    if (alpn.indexOf(p) !== i) throw configError('duplicate_alpn_protocol', `alpn: ${JSON.stringify(p)} is listed twice`);
    checkAlpnId(p);
  }
  for (const k of ['allowLegacyRenegotiation', 'allowCnFallback', 'middleboxCompat', 'traceSecrets'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'boolean') throw configError('expected_boolean', `${k}: expected true or false`);
  }
  if (options.crypto !== undefined && options.crypto !== 'noble' && options.crypto !== 'webcrypto') {
    throw configError('bad_crypto_provider', `crypto: expected 'noble' or 'webcrypto', got ${JSON.stringify(options.crypto)}`);
  }
  for (const k of ['random', 'now', 'verifyCallback', 'onEvent', 'keyLog'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'function') throw configError('expected_function', `${k}: expected a function`);
  }
  const ignore = options.ignore;
  if (ignore !== undefined && (!Array.isArray(ignore) || !ignore.every((f) => typeof f === 'string'))) {
    throw configError('expected_list', 'ignore: expected a list of flag names');
  }
  for (const f of ignore ?? []) {
    if (!(CERT_FLAGS as readonly string[]).includes(f)) throw configError('unknown_flag', unknownEntry('ignore', 'certificate flag', f, CERT_FLAGS));
  }
  for (const k of ['timeout', 'handshakeTimeout', 'readTimeout', 'idleTimeout', 'closeTimeout'] as const) {
    const v = options[k];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      throw configError('bad_timeout', `${k}: expected a positive number of milliseconds, got ${JSON.stringify(v)}`);
    }
  }
  const signal = options.signal;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.addEventListener !== 'function' || typeof signal.aborted !== 'boolean')) {
    throw configError('bad_signal', 'signal: expected an AbortSignal');
  }

  const maxFragmentLength = options.maxFragmentLength;
  if (maxFragmentLength !== undefined && ![512, 1024, 2048, 4096].includes(maxFragmentLength)) {
    // RFC 6066 §4: 2^9, 2^10, 2^11 or 2^12 bytes, nothing else.
    throw configError('bad_max_fragment_length', `maxFragmentLength: expected 512, 1024, 2048 or 4096, got ${JSON.stringify(maxFragmentLength)}`);
  }
  // RFC 8449 §4: at least 64; at most 2^14 + 1 (the TLS 1.3 maximum, content type included).
  const recordSizeLimit = intOption(options, 'recordSizeLimit', 64, 16385) ?? maxFragmentLength;
  const recordPadding = intOption(options, 'recordPadding', 0, 16384) ?? 0;
  // At least what other messages get; at most the 2^24 - 1 a handshake length can say.
  const maxHandshakeSize = intOption(options, 'maxHandshakeSize', 1024, 0xffffff) ?? DEFAULT_MAX_CERTIFICATE_MESSAGE;

  if (options.selectIdentity !== undefined && typeof options.selectIdentity !== 'function') throw configError('expected_function', '`selectIdentity`: expected a function');
  if (options.postHandshakeAuth !== undefined && typeof options.postHandshakeAuth !== 'boolean') throw configError('expected_boolean', '`postHandshakeAuth`: expected a boolean');
  const identity = identityFromOptions(options);
  const psk = options.psk === undefined || typeof options.psk === 'function' ? options.psk : resolvePsk(options.psk);
  const pskMode = options.pskMode ?? 'psk_dhe_ke';
  if (pskMode !== 'psk_dhe_ke' && pskMode !== 'psk_ke') throw configError('bad_psk_mode', `\`pskMode\`: expected 'psk_dhe_ke' or 'psk_ke', got ${JSON.stringify(pskMode)}`);

  const trustAnchors = anchorsFor(options.ca, verify);
  const intermediates = verify === 'none' ? [] : loadCertificates(options.intermediates, 'intermediates');

  return Object.freeze({
    options,
    identity,
    psk,
    pskMode,
    trustAnchors,
    intermediates,
    versions,
    minVersion: min,
    maxVersion: max,
    suites,
    groups,
    keyShareGroups,
    sigSchemes,
    verify,
    revocation,
    sni,
    verifyName,
    alpn,
    middleboxCompat: options.middleboxCompat ?? true,
    random: options.random ?? secureRandom,
    maxFragmentLength,
    recordSizeLimit,
    recordPadding,
    maxHandshakeSize,
    allowLegacyRenegotiation: options.allowLegacyRenegotiation === true,
    keyUpdateAfterBytes: intOption(options, 'keyUpdateAfterBytes', 1, Number.MAX_SAFE_INTEGER),
  });
}

/**
 * The address when `host` is an IP literal, also with a DNS root's trailing dot ("127.0.0.1."):
 * the WHATWG URL parser reads that as the IPv4 address, so it is one here too. It is verified
 * against iPAddress SANs and never sent as SNI (RFC 6066 §3: "Literal IPv4 and IPv6 addresses
 * are not permitted in HostName").
 */
function ipLiteral(host: string): string | undefined {
  if (isIP(host)) return host;
  if (host.endsWith('.') && isIP(host.slice(0, -1))) return host.slice(0, -1);
  return undefined;
}
