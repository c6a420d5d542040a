/**
 * Code points of the handshake layer: handshake message types, extension types, protocol
 * versions, and the two magic ServerHello.random values of TLS 1.3.
 *
 * Why numbers and not enums: a code point we do not know must survive decoding (it is kept and
 * printed as hex), so every wire value is a plain number and these tables only give names.
 * Sources: RFC 8446 §4 (HandshakeType), §4.2 (ExtensionType), §4.1.3 (HRR random, downgrade
 * sentinels); RFC 5246 §7.4 for the TLS 1.2-only message types; IANA "TLS ExtensionType Values".
 */

/** RFC 8446 §4 `enum { ... } HandshakeType`, plus the TLS 1.2 types of RFC 5246 §7.4. */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_status: 22, // RFC 6066 §8 (TLS 1.2 OCSP stapling)
  key_update: 24,
  message_hash: 254,
} as const;
export type HandshakeTypeName = keyof typeof HandshakeType;

const HANDSHAKE_NAMES = new Map<number, string>(Object.entries(HandshakeType).map(([k, v]) => [v, k]));

/** `server_hello`, or `handshake(0x07)` for a type we do not know. */
export function handshakeTypeName(n: number): string {
  return HANDSHAKE_NAMES.get(n) ?? `handshake(0x${n.toString(16).padStart(2, '0')})`;
}

/** RFC 8446 §4.2 `enum { ... } ExtensionType`, plus the TLS 1.2 extensions a client meets. */
export const ExtensionType = {
  server_name: 0, // RFC 6066 §3
  max_fragment_length: 1, // RFC 6066 §4
  status_request: 5, // RFC 6066 §8
  supported_groups: 10, // RFC 8422 §5.1.1, RFC 7919
  ec_point_formats: 11, // RFC 8422 §5.1.2
  signature_algorithms: 13, // RFC 8446 §4.2.3
  use_srtp: 14, // RFC 5764
  heartbeat: 15, // RFC 6520
  alpn: 16, // RFC 7301
  signed_certificate_timestamp: 18, // RFC 6962
  padding: 21, // RFC 7685
  encrypt_then_mac: 22, // RFC 7366
  extended_master_secret: 23, // RFC 7627
  record_size_limit: 28, // RFC 8449
  session_ticket: 35, // RFC 5077
  pre_shared_key: 41, // RFC 8446 §4.2.11
  early_data: 42, // RFC 8446 §4.2.10
  supported_versions: 43, // RFC 8446 §4.2.1
  cookie: 44, // RFC 8446 §4.2.2
  psk_key_exchange_modes: 45, // RFC 8446 §4.2.9
  certificate_authorities: 47, // RFC 8446 §4.2.4
  oid_filters: 48, // RFC 8446 §4.2.5
  post_handshake_auth: 49, // RFC 8446 §4.2.6
  signature_algorithms_cert: 50, // RFC 8446 §4.2.3
  key_share: 51, // RFC 8446 §4.2.8
  renegotiation_info: 0xff01, // RFC 5746
} as const;
export type ExtensionTypeName = keyof typeof ExtensionType;

const EXTENSION_NAMES = new Map<number, string>(Object.entries(ExtensionType).map(([k, v]) => [v, k]));

/** `key_share`, or `extension(0x1a2b)` for a type we do not know. */
export function extensionTypeName(n: number): string {
  return EXTENSION_NAMES.get(n) ?? `extension(0x${n.toString(16).padStart(4, '0')})`;
}

/** RFC 8446 §4.1.2 / RFC 5246 §6.2.1 ProtocolVersion values. */
export const ProtocolVersion = {
  TLS10: 0x0301,
  TLS11: 0x0302,
  TLS12: 0x0303,
  TLS13: 0x0304,
} as const;

const VERSION_NAMES = new Map<number, string>([
  [0x0301, 'TLS 1.0'],
  [0x0302, 'TLS 1.1'],
  [0x0303, 'TLS 1.2'],
  [0x0304, 'TLS 1.3'],
]);

/** `TLS 1.3`, or `version(0x7f1c)`. */
export function protocolVersionName(v: number): string {
  return VERSION_NAMES.get(v) ?? `version(0x${v.toString(16).padStart(4, '0')})`;
}

/**
 * RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest").
 * (Checked against the hash in test/handshake/codec-types.test.ts.)
 */
export const HELLO_RETRY_REQUEST_RANDOM: Uint8Array = /* @__PURE__ */ Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/**
 * RFC 8446 §4.1.3: the last 8 bytes of ServerHello.random of a TLS 1.3 server that negotiated
 * TLS 1.2 ("DOWNGRD" 01) or TLS 1.1 and below ("DOWNGRD" 00). A TLS 1.3 client MUST check them.
 */
export const DOWNGRADE_TLS12: Uint8Array = /* @__PURE__ */ Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);
export const DOWNGRADE_TLS11: Uint8Array = /* @__PURE__ */ Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]);
