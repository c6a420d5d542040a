/**
 * The ClientHello (RFC 8446 §4.1.2; RFC 5246 §7.4.1.2 for the TLS 1.2 extensions) and the
 * start of the client handshake. One ClientHello serves both versions: when 1.2 is enabled it
 * also carries the 1.2 suites and extensions, and the ServerHello decides which state machine
 * goes on.
 */
import { generateKeyShares, type KeyShare, type NamedGroup } from '../crypto/groups.js';
import type { ResolvedConfig } from '../config.js';
import { SIGNATURE_SCHEMES } from '../crypto/sigschemes.js';
import { ProtocolVersion, ExtensionType, HandshakeType } from './codec/types.js';
import { encodeHandshake } from './codec/handshake.js';
import {
  ext,
  encodeServerNameClient,
  encodeSupportedGroups,
  encodeEcPointFormats,
  encodeSignatureAlgorithms,
  encodeSignatureAlgorithmsCert,
  encodeSupportedVersionsClient,
  encodeKeyShareClientHello,
  encodeCookie,
  encodeAlpn,
  encodePskKeyExchangeModes,
  PskKeyExchangeMode,
  encodeExtendedMasterSecret,
  encodeEncryptThenMac,
  encodeRenegotiationInfo,
  encodeSessionTicket,
  encodeStatusRequest,
  type Extension,
} from './extensions/index.js';
import { encodeMaxFragmentLength, encodeRecordSizeLimit, maxFragmentLengthCode } from './extensions/limits.js';
import { encodeClientHello } from './messages/hello.js';
import type { HandshakeContext, HandshakeState } from './state.js';
import { pskFor, type ExternalPsk } from '../identity/psk.js';
import type { Transcript } from './transcript.js';
import { fillBinder, offeredPskPlaceholder } from './psk13.js';
import { ExpectServerHello } from './client13/expect-server-hello.js';

/** The schemes the X.509 verifier accepts in certificate signatures by default (no SHA-1). */
const X509_SCHEMES = SIGNATURE_SCHEMES.filter((s) => s.alg.kind === 'ed25519' || s.alg.kind === 'ed448' || s.alg.hash !== 'sha1');

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3) is not sent: we send the extension instead. */

export interface ClientHelloParams {
  random: Uint8Array;
  sessionId: Uint8Array;
  keyShares: KeyShare[];
  cookie?: Uint8Array;
  /** TLS 1.3: the external PSK offered in pre_shared_key (RFC 8446 §4.2.11). */
  psk?: ExternalPsk;
}

/** Build the ClientHello message (with its handshake header) for these parameters. */
export function buildClientHello(
  config: ResolvedConfig,
  p: ClientHelloParams,
  /** After a HelloRetryRequest: the transcript so far, which the PSK binder also covers (RFC 8446 §4.2.11.2). */
  binderTranscript?: Transcript,
): { raw: Uint8Array; summary: Record<string, unknown> } {
  const has13 = config.versions.has('1.3');
  const has12 = config.versions.has('1.2');
  const exts: Extension[] = [];
  if (config.sni !== undefined) exts.push(ext(ExtensionType.server_name, encodeServerNameClient(config.sni)));
  // Groups: TLS 1.3 may use every enabled group; TLS 1.2 ECDHE only curves (+ ffdhe for DHE suites, RFC 7919).
  exts.push(ext(ExtensionType.supported_groups, encodeSupportedGroups(config.groups.map((g) => g.code))));
  if (has12) exts.push(ext(ExtensionType.ec_point_formats, encodeEcPointFormats()));
  // RFC 8446 §4.2.3: signature_algorithms lists what may sign handshake messages (rsa_pkcs1_*
  // only when TLS 1.2 may be negotiated); signature_algorithms_cert what may sign certificates.
  const schemes = has12 ? config.sigSchemes : config.sigSchemes.filter((s) => s.tls13);
  exts.push(ext(ExtensionType.signature_algorithms, encodeSignatureAlgorithms(schemes.map((s) => s.code))));
  // RFC 8446 §4.2.3: signature_algorithms_cert names the schemes we accept in certificates, which
  // is what the X.509 verifier checks (every scheme but SHA-1), not `sigalgs`: narrowing the
  // handshake signatures to RSA-PSS must not forbid an ECDSA-signed chain. Omitted when it would
  // repeat signature_algorithms ("the signature_algorithms extension applies" then). A SHA-1
  // scheme named in `sigalgs` is listed too: the verifier flags it BAD_ALGORITHM, which `ignore`
  // may accept on purpose.
  const certSchemes = [...X509_SCHEMES, ...config.sigSchemes.filter((s) => !X509_SCHEMES.includes(s))].map((s) => s.code);
  const same = certSchemes.length === schemes.length && certSchemes.every((c, i) => c === schemes[i]!.code);
  if (has13 && !same) {
    exts.push(ext(ExtensionType.signature_algorithms_cert, encodeSignatureAlgorithmsCert(certSchemes)));
  }
  if (config.alpn.length > 0) exts.push(ext(ExtensionType.alpn, encodeAlpn(config.alpn)));
  // RFC 6066 §8: ask for a stapled OCSP response (no responder ids, no extensions).
  if (config.revocation !== 'off') exts.push(ext(ExtensionType.status_request, encodeStatusRequest()));
  // RFC 6066 §4 and RFC 8449 §4: both may be offered; a server that knows record_size_limit
  // ignores max_fragment_length (RFC 8449 §5), so the newer extension wins where it is known.
  if (config.maxFragmentLength !== undefined) {
    exts.push(ext(ExtensionType.max_fragment_length, encodeMaxFragmentLength(maxFragmentLengthCode(config.maxFragmentLength))));
  }
  if (config.recordSizeLimit !== undefined) exts.push(ext(ExtensionType.record_size_limit, encodeRecordSizeLimit(config.recordSizeLimit)));
  if (has12) {
    exts.push(ext(ExtensionType.extended_master_secret, encodeExtendedMasterSecret()));
    exts.push(ext(ExtensionType.encrypt_then_mac, encodeEncryptThenMac()));
    exts.push(ext(ExtensionType.renegotiation_info, encodeRenegotiationInfo()));
    exts.push(ext(ExtensionType.session_ticket, encodeSessionTicket()));
  }
  if (has13) {
    const versions = [ProtocolVersion.TLS13, ...(has12 ? [ProtocolVersion.TLS12] : [])];
    exts.push(ext(ExtensionType.supported_versions, encodeSupportedVersionsClient(versions)));
    if (p.cookie) exts.push(ext(ExtensionType.cookie, encodeCookie(p.cookie)));
    exts.push(
      ext(ExtensionType.key_share, encodeKeyShareClientHello(p.keyShares.map((k) => ({ group: k.group.code, keyExchange: k.publicKey })))),
    );
    // psk_key_exchange_modes lets the server send NewSessionTicket (RFC 8446 §4.2.9); with an
    // external PSK it says whether (EC)DHE must go with it (psk_ke only when asked for).
    const mode = p.psk && config.pskMode === 'psk_ke' ? PskKeyExchangeMode.psk_ke : PskKeyExchangeMode.psk_dhe_ke;
    exts.push(ext(ExtensionType.psk_key_exchange_modes, encodePskKeyExchangeModes([mode])));
    if (config.options.postHandshakeAuth) exts.push(ext(ExtensionType.post_handshake_auth, new Uint8Array(0)));
    // RFC 8446 §4.2.11: pre_shared_key MUST be the last extension; its binder is patched in below.
    if (p.psk) exts.push(ext(ExtensionType.pre_shared_key, offeredPskPlaceholder(p.psk)));
  }
  const suites = config.suites.map((s) => s.code);
  const body = encodeClientHello({
    legacyVersion: ProtocolVersion.TLS12,
    random: p.random,
    sessionId: p.sessionId,
    cipherSuites: suites,
    compressionMethods: [0],
    extensions: exts,
  });
  const raw = encodeHandshake(HandshakeType.client_hello, body);
  if (has13 && p.psk) fillBinder(raw, p.psk, binderTranscript);
  return {
    raw,
    summary: {
      versions: [...config.versions].sort().reverse().map((v) => `TLSv${v}`),
      cipherSuites: config.suites.map((s) => s.name),
      groups: config.groups.map((g) => g.name),
      keyShares: p.keyShares.map((k) => k.group.name),
      signatureAlgorithms: schemes.map((s) => s.name),
      serverName: config.sni ?? '-',
      alpn: config.alpn.length ? config.alpn : '-',
      ...(config.maxFragmentLength !== undefined ? { maxFragmentLength: config.maxFragmentLength } : {}),
      ...(config.recordSizeLimit !== undefined ? { recordSizeLimit: config.recordSizeLimit } : {}),
      sessionIdLength: p.sessionId.length,
      ...(has13 && p.psk ? { pskIdentity: p.psk.identityText, pskMode: config.pskMode } : {}),
      ...(p.cookie ? { cookie: p.cookie.length } : {}),
    },
  };
}

export function makeKeyShares(config: ResolvedConfig, groups: readonly NamedGroup[]): KeyShare[] {
  return generateKeyShares(groups, config.random);
}

/** Send the first ClientHello and return the first state. */
export function startClientHandshake(ctx: HandshakeContext): HandshakeState {
  const config = ctx.config;
  const random = config.random(32);
  // RFC 8446 Appendix D.4: middlebox compatibility mode sends a non-empty legacy_session_id.
  const sessionId = config.versions.has('1.3') && config.middleboxCompat ? config.random(32) : new Uint8Array(0);
  const keyShares = config.versions.has('1.3') ? makeKeyShares(config, config.keyShareGroups) : [];
  const psk = config.versions.has('1.3') ? pskFor(config.psk, undefined) : undefined;
  const params: ClientHelloParams = { random, sessionId, keyShares, ...(psk ? { psk } : {}) };
  const ch = buildClientHello(config, params);
  ctx.sendHandshake(ch.raw, ch.summary);
  // RFC 8446 §5.1: records after the first ClientHello carry 0x0303.
  ctx.setPlaintextVersion(ProtocolVersion.TLS12);
  return new ExpectServerHello(params, ch.raw, false);
}
