/**
 * Probe ClientHellos for the doctor: a ClientHello may offer what puretls cannot complete (a
 * post-quantum group, TLS 1.1, a CCM suite, SHA-1 certificate signatures) because the doctor
 * only reads the server's first answer — ServerHello, HelloRetryRequest or alert — to learn
 * what the server accepts (testssl.sh's and sslscan's method). Pure bytes in, facts out; the
 * socket lives in the CLI (src/cli/doctor.ts).
 */
import { secureRandom } from '../crypto/random.js';
import { generateKeyShare, groupByName } from '../crypto/groups.js';
import { encodeHandshake } from '../handshake/codec/handshake.js';
import { ExtensionType, HandshakeType } from '../handshake/codec/types.js';
import {
  ext,
  encodeEcPointFormats,
  encodeKeyShareClientHello,
  encodePskKeyExchangeModes,
  encodeRenegotiationInfo,
  encodeServerNameClient,
  encodeSignatureAlgorithms,
  encodeSignatureAlgorithmsCert,
  encodeSupportedGroups,
  encodeSupportedVersionsClient,
  encodeExtendedMasterSecret,
  decodeKeyShareHelloRetryRequest,
  decodeKeyShareServerHello,
  decodeSupportedVersionsServer,
  PskKeyExchangeMode,
  type Extension,
} from '../handshake/extensions/index.js';
import { decodeServerHello, encodeClientHello } from '../handshake/messages/hello.js';
import { alertName } from '../errors.js';
import { groupName, suiteName, versionName } from './names.js';

export interface ProbeSpec {
  /** Highest version offered: 0x0304 adds supported_versions; 0x0303/0x0302/0x0301 send that legacy_version only. */
  maxVersion: 0x0304 | 0x0303 | 0x0302 | 0x0301;
  /** Offer TLS 1.2 too in supported_versions (with maxVersion 0x0304). Default true. */
  with12?: boolean;
  suites: number[];
  groups: number[];
  /** Groups to send a key share for (must be ones puretls can generate: x25519, secp256r1...). */
  keyShares?: string[];
  sigalgs: number[];
  /** signature_algorithms_cert, when different from sigalgs. */
  sigalgsCert?: number[];
  serverName?: string;
}

/** TLS 1.3 suites (RFC 8446 B.4), including the CCM ones puretls does not implement. */
export const ALL_TLS13_SUITES = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305];
/** A broad TLS 1.2 list: ECDHE/DHE/RSA with GCM, ChaCha20, CBC, CCM. */
export const ALL_TLS12_SUITES = [
  0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc023, 0xc027, 0xc024, 0xc028, 0xc009, 0xc013, 0xc00a, 0xc014, 0x009e, 0x009f, 0xccaa, 0x0067,
  0x006b, 0x0033, 0x0039, 0x009c, 0x009d, 0x003c, 0x003d, 0x002f, 0x0035, 0xc0ac, 0xc0ad, 0xc09c, 0xc09d, 0x000a,
];
/** Classic and post-quantum hybrid groups. */
export const ALL_GROUPS = [0x11ec, 0x11eb, 0x11ed, 0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101, 0x0102];
/** Every signature scheme, SHA-1 ones included (for signature_algorithms_cert probes). */
export const ALL_SIGALGS = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201];

/** The probe's ClientHello as a plaintext record (RFC 8446 §5.1). */
export function probeClientHello(spec: ProbeSpec): Uint8Array {
  const exts: Extension[] = [];
  if (spec.serverName) exts.push(ext(ExtensionType.server_name, encodeServerNameClient(spec.serverName)));
  exts.push(ext(ExtensionType.supported_groups, encodeSupportedGroups(spec.groups)));
  exts.push(ext(ExtensionType.ec_point_formats, encodeEcPointFormats()));
  exts.push(ext(ExtensionType.signature_algorithms, encodeSignatureAlgorithms(spec.sigalgs)));
  exts.push(ext(ExtensionType.extended_master_secret, encodeExtendedMasterSecret()));
  exts.push(ext(ExtensionType.renegotiation_info, encodeRenegotiationInfo()));
  if (spec.maxVersion === 0x0304) {
    exts.push(ext(ExtensionType.signature_algorithms_cert, encodeSignatureAlgorithmsCert(spec.sigalgsCert ?? spec.sigalgs)));
    exts.push(ext(ExtensionType.supported_versions, encodeSupportedVersionsClient(spec.with12 === false ? [0x0304] : [0x0304, 0x0303])));
    const shares = (spec.keyShares ?? ['x25519']).map((n) => generateKeyShare(groupByName(n)!));
    exts.push(ext(ExtensionType.key_share, encodeKeyShareClientHello(shares.map((s) => ({ group: s.group.code, keyExchange: s.publicKey })))));
    exts.push(ext(ExtensionType.psk_key_exchange_modes, encodePskKeyExchangeModes([PskKeyExchangeMode.psk_dhe_ke])));
  }
  const body = encodeClientHello({
    legacyVersion: spec.maxVersion === 0x0304 ? 0x0303 : spec.maxVersion,
    random: secureRandom(32),
    sessionId: spec.maxVersion === 0x0304 ? secureRandom(32) : new Uint8Array(0),
    cipherSuites: spec.suites,
    compressionMethods: [0],
    extensions: exts,
  });
  const msg = encodeHandshake(HandshakeType.client_hello, body);
  const rec = new Uint8Array(5 + msg.length);
  rec.set([22, 0x03, 0x01, msg.length >> 8, msg.length & 0xff]);
  rec.set(msg, 5);
  return rec;
}

export type ProbeAnswer =
  | { kind: 'server_hello'; version: string; suite: string; group: string | undefined; helloRetry: boolean }
  | { kind: 'alert'; alert: string }
  | { kind: 'closed' }
  | { kind: 'timeout' }
  | { kind: 'not-tls'; bytes: Uint8Array }
  | { kind: 'error'; message: string };

/**
 * Read the server's first answer from the bytes received so far: undefined while incomplete.
 * Only the first record matters (a ServerHello or an alert); a ServerHello split over records
 * is joined.
 */
export function readProbeAnswer(buf: Uint8Array): ProbeAnswer | undefined {
  if (buf.length === 0) return undefined;
  const type = buf[0]!;
  if (type !== 21 && type !== 22) return { kind: 'not-tls', bytes: buf.slice(0, 64) };
  if (buf.length < 5) return undefined;
  if (buf[1] !== 3) return { kind: 'not-tls', bytes: buf.slice(0, 64) };
  const len = (buf[3]! << 8) | buf[4]!;
  if (buf.length < 5 + len) return undefined;
  if (type === 21) return { kind: 'alert', alert: len >= 2 ? alertName(buf[6]!) : 'malformed' };
  // Join handshake records until the ServerHello is whole.
  const parts: number[] = [];
  let off = 0;
  while (off + 5 <= buf.length && buf[off] === 22) {
    const l = (buf[off + 3]! << 8) | buf[off + 4]!;
    if (off + 5 + l > buf.length) break;
    for (let i = 0; i < l; i++) parts.push(buf[off + 5 + i]!);
    off += 5 + l;
  }
  if (parts.length < 4) return undefined;
  const mlen = (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!;
  if (parts.length < 4 + mlen) return undefined;
  if (parts[0] !== HandshakeType.server_hello) return { kind: 'error', message: `first message is type ${parts[0]}` };
  try {
    const sh = decodeServerHello(Uint8Array.from(parts.slice(4, 4 + mlen)));
    const sv = sh.extensions.get(ExtensionType.supported_versions);
    const version = versionName(sv ? decodeSupportedVersionsServer(sv) : sh.legacyVersion);
    const ks = sh.extensions.get(ExtensionType.key_share);
    let group: string | undefined;
    if (ks) group = groupName(sh.isHelloRetryRequest ? decodeKeyShareHelloRetryRequest(ks) : decodeKeyShareServerHello(ks).group);
    return { kind: 'server_hello', version, suite: suiteName(sh.cipherSuite), group, helloRetry: sh.isHelloRetryRequest };
  } catch (e) {
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}
