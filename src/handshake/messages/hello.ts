/**
 * ClientHello and ServerHello (RFC 8446 §4.1.2-§4.1.4; RFC 5246 §7.4.1.2-§7.4.1.3).
 *
 *     struct {
 *         ProtocolVersion legacy_version = 0x0303;
 *         Random random;                                   // 32 bytes
 *         opaque legacy_session_id<0..32>;
 *         CipherSuite cipher_suites<2..2^16-2>;
 *         opaque legacy_compression_methods<1..2^8-1>;
 *         Extension extensions<8..2^16-1>;                 // optional in TLS 1.2
 *     } ClientHello;
 *
 *     struct {
 *         ProtocolVersion legacy_version = 0x0303;
 *         Random random;
 *         opaque legacy_session_id_echo<0..32>;
 *         CipherSuite cipher_suite;
 *         uint8 legacy_compression_method = 0;
 *         Extension extensions<6..2^16-1>;                 // optional in TLS 1.2
 *     } ServerHello;
 *
 * A HelloRetryRequest is a ServerHello whose random is HELLO_RETRY_REQUEST_RANDOM (§4.1.3);
 * `decodeServerHello` says which one it is. Semantic checks (version, echoed session id,
 * offered suite, downgrade sentinel) belong to the state machine; these codecs check syntax.
 *
 * TLS 1.2 (RFC 5246 §7.4.1.2): "the presence of extensions can be detected by determining whether
 * there are bytes following the compression_methods". `extensionsPresent` records whether the
 * block was there, so decode→encode is the identity.
 */
import { decodeError } from '../../errors.js';
import { equalBytesCT } from '../../wire/bytes.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';
import { HELLO_RETRY_REQUEST_RANDOM } from '../codec/types.js';
import { type ExtensionList, type Extensions, decodeExtensions, writeExtensions } from '../extensions/block.js';

export interface ClientHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  extensions: ExtensionList;
  /** Default true when encoding; false only for an extension-less TLS 1.2 ClientHello. */
  extensionsPresent?: boolean;
}

/** A decoded ClientHello: extensions in wire order. */
export interface DecodedClientHello extends ClientHello {
  extensions: Extensions;
  extensionsPresent: boolean;
}

function readRandom(r: Reader): Uint8Array {
  return r.bytes(32, 'random');
}
function readSessionId(r: Reader, field: string): Uint8Array {
  const id = r.vec8(field);
  if (id.length > 32) throw decodeError('session_id_too_long', `${r.what}: ${field} longer than 32`);
  return id;
}
function checkHelloFields(random: Uint8Array, sessionId: Uint8Array): void {
  if (random.length !== 32) throw new RangeError('hello: random must be 32 bytes');
  if (sessionId.length > 32) throw new RangeError('hello: session id longer than 32 bytes');
}

/** The ClientHello body (wrap with encodeHandshake for the wire and transcript). */
export function encodeClientHello(ch: ClientHello): Uint8Array {
  checkHelloFields(ch.random, ch.sessionId);
  return write((w) => {
    w.u16(ch.legacyVersion);
    w.bytes(ch.random);
    w.vec8(ch.sessionId);
    w.u16Prefixed((w) => ch.cipherSuites.forEach((s) => w.u16(s)));
    w.u8Prefixed((w) => ch.compressionMethods.forEach((c) => w.u8(c)));
    const list = ch.extensions;
    const n = list instanceof Map ? list.size : (list as readonly unknown[]).length;
    if (ch.extensionsPresent !== false || n > 0) writeExtensions(w, list);
  }, 512);
}
export function decodeClientHello(body: Uint8Array): DecodedClientHello {
  const r = new Reader(body, 'ClientHello');
  const legacyVersion = r.u16('legacy_version');
  const random = readRandom(r);
  const sessionId = readSessionId(r, 'legacy_session_id');
  const cs = r.sub16('cipher_suites');
  if (cs.remaining < 2 || cs.remaining % 2 !== 0) throw decodeError('bad_list_length', 'ClientHello: bad cipher_suites length');
  const cipherSuites = cs.list((r) => r.u16('CipherSuite'));
  const cm = r.sub8('legacy_compression_methods');
  if (cm.isEmpty()) throw decodeError('empty_list', 'ClientHello: empty legacy_compression_methods');
  const compressionMethods = cm.list((r) => r.u8('compression_method'));
  const extensionsPresent = !r.isEmpty();
  const extensions = extensionsPresent ? decodeExtensions(r, 'ClientHello') : new Map<number, Uint8Array>();
  r.end();
  return { legacyVersion, random, sessionId, cipherSuites, compressionMethods, extensions, extensionsPresent };
}

export interface ServerHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compression: number;
  extensions: ExtensionList;
  extensionsPresent?: boolean;
}

export interface DecodedServerHello extends ServerHello {
  /** RFC 8446 §4.1.3: random = SHA-256("HelloRetryRequest"). */
  isHelloRetryRequest: boolean;
  extensions: Extensions;
  extensionsPresent: boolean;
}

/** The ServerHello (or HelloRetryRequest) body. */
export function encodeServerHello(sh: ServerHello): Uint8Array {
  checkHelloFields(sh.random, sh.sessionId);
  return write((w) => {
    w.u16(sh.legacyVersion);
    w.bytes(sh.random);
    w.vec8(sh.sessionId);
    w.u16(sh.cipherSuite);
    w.u8(sh.compression);
    const list = sh.extensions;
    const n = list instanceof Map ? list.size : (list as readonly unknown[]).length;
    if (sh.extensionsPresent !== false || n > 0) writeExtensions(w, list);
  });
}
export function decodeServerHello(body: Uint8Array): DecodedServerHello {
  const r = new Reader(body, 'ServerHello');
  const legacyVersion = r.u16('legacy_version');
  const random = readRandom(r);
  const sessionId = readSessionId(r, 'legacy_session_id_echo');
  const cipherSuite = r.u16('cipher_suite');
  const compression = r.u8('legacy_compression_method');
  const extensionsPresent = !r.isEmpty();
  const extensions = extensionsPresent ? decodeExtensions(r, 'ServerHello') : new Map<number, Uint8Array>();
  r.end();
  const isHelloRetryRequest = equalBytesCT(random, HELLO_RETRY_REQUEST_RANDOM);
  return { isHelloRetryRequest, legacyVersion, random, sessionId, cipherSuite, compression, extensions, extensionsPresent };
}

/**
 * Whether a ServerHello body (undecoded) is a HelloRetryRequest: its random, after the two
 * legacy_version bytes, is HELLO_RETRY_REQUEST_RANDOM (RFC 8446 §4.1.3). For the record-boundary
 * check, which runs before the message is decoded.
 */
export function isHelloRetryRequestBody(body: Uint8Array): boolean {
  return body.length >= 34 && equalBytesCT(body.subarray(2, 34), HELLO_RETRY_REQUEST_RANDOM);
}
