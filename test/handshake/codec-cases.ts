/**
 * The codec table shared by codec-roundtrip.test.ts and fuzz-decoders.test.ts: for every handshake
 * message and extension codec, a fast-check arbitrary of valid values, the encoder, the decoder,
 * and what a strict prefix of an encoding may legitimately decode to.
 */
import fc from 'fast-check';
import * as M from '../../src/handshake/messages/index.js';
import * as X from '../../src/handshake/extensions/index.js';

export interface CodecCase<T = any> {
  name: string;
  arb: fc.Arbitrary<T>;
  encode: (v: T) => Uint8Array;
  decode: (b: Uint8Array) => T;
  /** Map a value (given or decoded) to what the round trip must preserve. */
  norm?: (v: T) => unknown;
  /** false: some strict prefixes are valid encodings too (opaque bodies, TLS 1.2 hellos...). */
  strictPrefixes?: boolean;
}

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (minLength: number, maxLength: number) => fc.uint8Array({ minLength, maxLength });

/** An extension block: unique types (no duplicates, RFC 8446 §4.2), optional excluded types. */
export const extensionsArb = (opts: { min?: number; exclude?: number[] } = {}) =>
  fc
    .uniqueArray(fc.record({ type: u16.filter((t) => !(opts.exclude ?? []).includes(t)), data: bytes(0, 12) }), {
      selector: (e) => e.type,
      minLength: opts.min ?? 0,
      maxLength: 5,
    })
    .map((list) => new Map(list.map((e) => [e.type, e.data])));

const hostName = fc.stringMatching(/^[a-z0-9-]{1,12}(\.[a-z0-9-]{1,8}){0,2}$/);

const clientHelloArb = fc
  .record({
    legacyVersion: u16,
    random: bytes(32, 32),
    sessionId: bytes(0, 32),
    cipherSuites: fc.array(u16, { minLength: 1, maxLength: 8 }),
    compressionMethods: fc.array(u8, { minLength: 1, maxLength: 3 }),
    extensions: extensionsArb(),
    extensionsPresent: fc.boolean(),
  })
  .map((ch) => (ch.extensionsPresent ? ch : { ...ch, extensions: new Map() }));

const serverHelloArb = fc
  .record({
    legacyVersion: u16,
    random: bytes(32, 32),
    sessionId: bytes(0, 32),
    cipherSuite: u16,
    compression: u8,
    extensions: extensionsArb(),
    extensionsPresent: fc.boolean(),
  })
  .map((sh) => (sh.extensionsPresent ? sh : { ...sh, extensions: new Map() }));

export const MESSAGE_CASES: CodecCase[] = [
  { name: 'ClientHello', arb: clientHelloArb, encode: M.encodeClientHello, decode: M.decodeClientHello, strictPrefixes: false },
  {
    name: 'ServerHello',
    arb: serverHelloArb,
    encode: M.encodeServerHello,
    decode: M.decodeServerHello,
    norm: (v: any) => ({ ...v, isHelloRetryRequest: undefined }),
    strictPrefixes: false,
  },
  {
    name: 'EncryptedExtensions',
    arb: fc.record({ extensions: extensionsArb() }),
    encode: M.encodeEncryptedExtensions,
    decode: M.decodeEncryptedExtensions,
  },
  {
    name: 'Certificate (TLS 1.3)',
    arb: fc.record({
      context: bytes(0, 4),
      entries: fc.array(fc.record({ data: bytes(1, 40), extensions: extensionsArb() }), { maxLength: 3 }),
    }),
    encode: M.encodeCertificate13,
    decode: M.decodeCertificate13,
  },
  {
    name: 'Certificate (TLS 1.2)',
    arb: fc.record({ certificates: fc.array(bytes(1, 40), { maxLength: 3 }) }),
    encode: M.encodeCertificate12,
    decode: M.decodeCertificate12,
  },
  {
    name: 'CertificateRequest (TLS 1.3)',
    arb: fc.record({ context: bytes(0, 4), extensions: extensionsArb({ min: 1 }) }),
    encode: M.encodeCertificateRequest13,
    decode: M.decodeCertificateRequest13,
  },
  {
    name: 'CertificateRequest (TLS 1.2)',
    arb: fc.record({
      certificateTypes: fc.array(u8, { minLength: 1, maxLength: 4 }),
      signatureAlgorithms: fc.array(u16, { minLength: 1, maxLength: 6 }),
      certificateAuthorities: fc.array(bytes(1, 20), { maxLength: 3 }),
    }),
    encode: M.encodeCertificateRequest12,
    decode: M.decodeCertificateRequest12,
  },
  {
    name: 'CertificateVerify',
    arb: fc.record({ scheme: u16, signature: bytes(0, 80) }),
    encode: M.encodeCertificateVerify,
    decode: M.decodeCertificateVerify,
  },
  {
    name: 'Finished',
    arb: fc.record({ verifyData: bytes(12, 48) }),
    encode: M.encodeFinished,
    decode: (b) => M.decodeFinished(b),
    strictPrefixes: false, // verify_data has no length of its own
  },
  {
    name: 'NewSessionTicket (TLS 1.3)',
    arb: fc
      .record({
        lifetime: u32,
        ageAdd: u32,
        nonce: bytes(0, 8),
        ticket: bytes(1, 40),
        extensions: extensionsArb({ exclude: [42] }),
        maxEarlyDataSize: fc.option(u32, { nil: undefined }),
      })
      .map(({ maxEarlyDataSize, ...t }) => {
        if (maxEarlyDataSize === undefined) return t;
        const extensions = new Map<number, Uint8Array>(t.extensions);
        extensions.set(42, X.encodeEarlyDataTicket(maxEarlyDataSize));
        return { ...t, extensions, maxEarlyDataSize };
      }),
    encode: M.encodeNewSessionTicket13,
    decode: M.decodeNewSessionTicket13,
  },
  {
    name: 'NewSessionTicket (TLS 1.2)',
    arb: fc.record({ lifetimeHint: u32, ticket: bytes(0, 40) }),
    encode: M.encodeNewSessionTicket12,
    decode: M.decodeNewSessionTicket12,
  },
  {
    name: 'KeyUpdate',
    arb: fc.record({ requestUpdate: fc.constantFrom(0 as const, 1 as const) }),
    encode: M.encodeKeyUpdate,
    decode: M.decodeKeyUpdate,
  },
  {
    name: 'ServerKeyExchange (ECDHE)',
    arb: fc.record({ group: u16, publicKey: bytes(1, 65), scheme: u16, signature: bytes(0, 72) }),
    encode: M.encodeServerKeyExchangeEcdhe,
    decode: M.decodeServerKeyExchangeEcdhe,
    norm: (v: any) => ({ group: v.group, publicKey: v.publicKey, scheme: v.scheme, signature: v.signature }),
  },
  {
    name: 'ServerKeyExchange (DHE)',
    arb: fc.record({ p: bytes(1, 40), g: bytes(1, 2), Ys: bytes(1, 40), scheme: u16, signature: bytes(0, 72) }),
    encode: M.encodeServerKeyExchangeDhe,
    decode: M.decodeServerKeyExchangeDhe,
    norm: (v: any) => ({ p: v.p, g: v.g, Ys: v.Ys, scheme: v.scheme, signature: v.signature }),
  },
  { name: 'ClientKeyExchange (ECDHE)', arb: bytes(1, 65), encode: M.encodeClientKeyExchangeEcdhe, decode: M.decodeClientKeyExchangeEcdhe },
  { name: 'ClientKeyExchange (DHE)', arb: bytes(1, 64), encode: M.encodeClientKeyExchangeDhe, decode: M.decodeClientKeyExchangeDhe },
  { name: 'ClientKeyExchange (RSA)', arb: bytes(0, 64), encode: M.encodeClientKeyExchangeRsa, decode: M.decodeClientKeyExchangeRsa },
  {
    name: 'ServerHelloDone',
    arb: fc.constant(undefined),
    encode: () => M.encodeServerHelloDone(),
    decode: M.decodeServerHelloDone,
  },
];

export const EXTENSION_CASES: CodecCase[] = [
  {
    name: 'server_name (ClientHello)',
    arb: fc.array(hostName, { minLength: 1, maxLength: 3 }),
    encode: X.encodeServerNameClient,
    decode: X.decodeServerNameClient,
  },
  { name: 'supported_groups', arb: fc.array(u16, { minLength: 1, maxLength: 8 }), encode: X.encodeSupportedGroups, decode: X.decodeSupportedGroups },
  { name: 'ec_point_formats', arb: fc.array(u8, { minLength: 1, maxLength: 3 }), encode: X.encodeEcPointFormats, decode: X.decodeEcPointFormats },
  {
    name: 'signature_algorithms',
    arb: fc.array(u16, { minLength: 1, maxLength: 8 }),
    encode: X.encodeSignatureAlgorithms,
    decode: X.decodeSignatureAlgorithms,
  },
  {
    name: 'signature_algorithms_cert',
    arb: fc.array(u16, { minLength: 1, maxLength: 8 }),
    encode: X.encodeSignatureAlgorithmsCert,
    decode: X.decodeSignatureAlgorithmsCert,
  },
  {
    name: 'certificate_authorities',
    arb: fc.array(bytes(1, 20), { minLength: 1, maxLength: 3 }),
    encode: X.encodeCertificateAuthorities,
    decode: X.decodeCertificateAuthorities,
  },
  {
    name: 'supported_versions (ClientHello)',
    arb: fc.array(u16, { minLength: 1, maxLength: 6 }),
    encode: X.encodeSupportedVersionsClient,
    decode: X.decodeSupportedVersionsClient,
  },
  { name: 'supported_versions (ServerHello)', arb: u16, encode: X.encodeSupportedVersionsServer, decode: X.decodeSupportedVersionsServer },
  {
    name: 'key_share (ClientHello)',
    arb: fc.uniqueArray(fc.record({ group: u16, keyExchange: bytes(1, 40) }), { selector: (e) => e.group, maxLength: 3 }),
    encode: X.encodeKeyShareClientHello,
    decode: X.decodeKeyShareClientHello,
  },
  {
    name: 'key_share (ServerHello)',
    arb: fc.record({ group: u16, keyExchange: bytes(1, 40) }),
    encode: X.encodeKeyShareServerHello,
    decode: X.decodeKeyShareServerHello,
  },
  { name: 'key_share (HelloRetryRequest)', arb: u16, encode: X.encodeKeyShareHelloRetryRequest, decode: X.decodeKeyShareHelloRetryRequest },
  { name: 'cookie', arb: bytes(1, 40), encode: X.encodeCookie, decode: X.decodeCookie },
  { name: 'alpn (ClientHello)', arb: fc.array(bytes(1, 10), { minLength: 1, maxLength: 4 }), encode: X.encodeAlpn, decode: X.decodeAlpn },
  { name: 'alpn (server)', arb: bytes(1, 10), encode: X.encodeAlpnServer, decode: X.decodeAlpnServer },
  { name: 'psk_key_exchange_modes', arb: fc.array(u8, { minLength: 1, maxLength: 2 }), encode: X.encodePskKeyExchangeModes, decode: X.decodePskKeyExchangeModes },
  {
    name: 'pre_shared_key (ClientHello)',
    arb: fc.integer({ min: 1, max: 3 }).chain((k) =>
      fc.record({
        identities: fc.array(fc.record({ identity: bytes(1, 30), obfuscatedTicketAge: u32 }), { minLength: k, maxLength: k }),
        binders: fc.array(bytes(32, 48), { minLength: k, maxLength: k }),
      }),
    ),
    encode: X.encodeOfferedPsks,
    decode: X.decodeOfferedPsks,
  },
  { name: 'pre_shared_key (ServerHello)', arb: u16, encode: X.encodePreSharedKeyServer, decode: X.decodePreSharedKeyServer },
  { name: 'early_data (NewSessionTicket)', arb: u32, encode: X.encodeEarlyDataTicket, decode: X.decodeEarlyDataTicket },
  { name: 'renegotiation_info', arb: bytes(0, 24), encode: X.encodeRenegotiationInfo, decode: X.decodeRenegotiationInfo },
  { name: 'max_fragment_length', arb: fc.integer({ min: 1, max: 4 }), encode: X.encodeMaxFragmentLength, decode: X.decodeMaxFragmentLength },
  { name: 'record_size_limit', arb: fc.integer({ min: 64, max: 0xffff }), encode: X.encodeRecordSizeLimit, decode: X.decodeRecordSizeLimit },
  {
    name: 'status_request (ClientHello)',
    arb: fc.record({ responderIds: fc.array(bytes(1, 10), { maxLength: 2 }), requestExtensions: bytes(0, 10) }),
    encode: X.encodeStatusRequest,
    decode: X.decodeStatusRequest,
  },
  { name: 'CertificateStatus (OCSP)', arb: bytes(1, 40), encode: X.encodeCertificateStatus, decode: X.decodeCertificateStatus },
  { name: 'padding', arb: fc.integer({ min: 0, max: 40 }), encode: X.encodePadding, decode: X.decodePadding, strictPrefixes: false },
  { name: 'session_ticket (ClientHello)', arb: bytes(0, 40), encode: X.encodeSessionTicket, decode: X.decodeSessionTicket, strictPrefixes: false },
];

/** Every decoder, for the fuzzers (including ones whose values the tables above do not build). */
export const ALL_DECODERS: Array<[string, (b: Uint8Array) => unknown]> = [
  ...MESSAGE_CASES.map((c) => [c.name, c.decode] as [string, (b: Uint8Array) => unknown]),
  ...EXTENSION_CASES.map((c) => [c.name, c.decode] as [string, (b: Uint8Array) => unknown]),
  ['Finished (32)', (b) => M.decodeFinished(b, 32)],
  ['HelloRequest', M.decodeHelloRequest],
  ['EndOfEarlyData', M.decodeEndOfEarlyData],
  ['server_name (server)', X.decodeServerNameServer],
  ['early_data (empty)', X.decodeEarlyData],
  ['extended_master_secret', X.decodeExtendedMasterSecret],
  ['encrypt_then_mac', X.decodeEncryptThenMac],
  ['session_ticket (server)', X.decodeSessionTicketServer],
  ['status_request (server)', X.decodeStatusRequestServer],
];
