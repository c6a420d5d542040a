/**
 * The strictness rules of the codecs, one by one, with the alert each one must produce
 * (decode_error for syntax, illegal_parameter where an RFC or our choice in the module header
 * says so).
 */
import { describe, expect, test } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { fromHex, toHex, utf8 } from '../../src/wire/bytes.js';
import { Reader } from '../../src/wire/reader.js';
import { hash } from '../../src/crypto/hash.js';
import { decodeHandshake, encodeHandshake } from '../../src/handshake/codec/handshake.js';
import {
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  ExtensionType,
  HELLO_RETRY_REQUEST_RANDOM,
  HandshakeType,
  extensionTypeName,
  handshakeTypeName,
  protocolVersionName,
} from '../../src/handshake/codec/types.js';
import * as M from '../../src/handshake/messages/index.js';
import * as X from '../../src/handshake/extensions/index.js';

function fails(fn: () => unknown, code: string, alert: string): TlsError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(TlsError);
  const e = err as TlsError;
  expect(e.code).toBe(code);
  expect(e.alertName).toBe(alert);
  return e;
}
const decodeErr = (fn: () => unknown) => fails(fn, 'MALFORMED_MESSAGE', 'decode_error');
const illegal = (fn: () => unknown) => fails(fn, 'ILLEGAL_VALUE', 'illegal_parameter');

const sh = (over: Partial<M.ServerHello> = {}): M.ServerHello => ({
  legacyVersion: 0x0303,
  random: new Uint8Array(32).fill(7),
  sessionId: new Uint8Array(0),
  cipherSuite: 0x1301,
  compression: 0,
  extensions: [X.ext(ExtensionType.supported_versions, X.encodeSupportedVersionsServer(0x0304))],
  ...over,
});

describe('code points', () => {
  test('HELLO_RETRY_REQUEST_RANDOM is SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3)', () => {
    expect(toHex(HELLO_RETRY_REQUEST_RANDOM)).toBe(toHex(hash('sha256', utf8('HelloRetryRequest'))));
  });
  test('downgrade sentinels are "DOWNGRD" 01 / 00', () => {
    expect(toHex(DOWNGRADE_TLS12)).toBe('444f574e47524401');
    expect(toHex(DOWNGRADE_TLS11)).toBe('444f574e47524400');
  });
  test('names, and hex for unknown values', () => {
    expect(handshakeTypeName(HandshakeType.certificate_verify)).toBe('certificate_verify');
    expect(handshakeTypeName(7)).toBe('handshake(0x07)');
    expect(extensionTypeName(0xff01)).toBe('renegotiation_info');
    expect(extensionTypeName(0x1a1a)).toBe('extension(0x1a1a)');
    expect(protocolVersionName(0x0304)).toBe('TLS 1.3');
    expect(protocolVersionName(0x7f1c)).toBe('version(0x7f1c)');
  });
});

describe('handshake framing', () => {
  test('encodeHandshake writes type and u24 length; decodeHandshake reads exactly one', () => {
    const m = encodeHandshake(20, fromHex('aabbcc'));
    expect(toHex(m)).toBe('14000003aabbcc');
    expect(decodeHandshake(m)).toEqual({ type: 20, body: fromHex('aabbcc'), raw: m });
    decodeErr(() => decodeHandshake(fromHex('14000003aabb')));
    decodeErr(() => decodeHandshake(fromHex('14000002aabbcc')));
  });
});

describe('extension blocks', () => {
  test('a duplicate extension type is illegal_parameter (RFC 8446 §4.2)', () => {
    const body = M.encodeServerHello(sh({ extensions: [X.ext(43, fromHex('0304')), X.ext(43, fromHex('0304'))] }));
    const e = illegal(() => M.decodeServerHello(body));
    expect(e.message).toContain('supported_versions');
    illegal(() => X.decodeExtensions(new Reader(X.encodeExtensions([X.ext(0x1a1a, new Uint8Array(0)), X.ext(0x1a1a, new Uint8Array(1))])), 'EE'));
  });
  test('order is kept', () => {
    const list = [X.ext(51, fromHex('01')), X.ext(0, fromHex('')), X.ext(41, fromHex('02'))];
    const m = X.decodeExtensions(new Reader(X.encodeExtensions(list)), 'x');
    expect([...m.keys()]).toEqual([51, 0, 41]);
  });
  test('an extension_data running past the block is decode_error', () => {
    decodeErr(() => X.decodeExtensions(new Reader(fromHex('0004 0033 0005 00')), 'x'));
  });
});

describe('ServerHello / HelloRetryRequest', () => {
  test('HRR is recognised by its random, not by a message type', () => {
    expect(M.decodeServerHello(M.encodeServerHello(sh({ random: HELLO_RETRY_REQUEST_RANDOM }))).isHelloRetryRequest).toBe(true);
    expect(M.decodeServerHello(M.encodeServerHello(sh())).isHelloRetryRequest).toBe(false);
  });
  test('legacy_session_id_echo longer than 32 bytes is decode_error', () => {
    const body = M.encodeServerHello(sh());
    const bad = new Uint8Array([...body.subarray(0, 34), 33, ...new Uint8Array(33), ...body.subarray(35)]);
    decodeErr(() => M.decodeServerHello(bad));
  });
  test('a TLS 1.2 ServerHello without extensions decodes, and only the prefix at the block boundary does', () => {
    const body = M.encodeServerHello(sh());
    const noExt = body.subarray(0, 2 + 32 + 1 + 2 + 1);
    const d = M.decodeServerHello(noExt);
    expect(d.extensionsPresent).toBe(false);
    expect(d.extensions.size).toBe(0);
    expect(M.encodeServerHello(d)).toEqual(noExt);
    for (let i = 0; i < body.length; i++) if (i !== noExt.length) decodeErr(() => M.decodeServerHello(body.subarray(0, i)));
  });
});

describe('ClientHello', () => {
  const ch: M.ClientHello = {
    legacyVersion: 0x0303,
    random: new Uint8Array(32),
    sessionId: new Uint8Array(32).fill(1),
    cipherSuites: [0x1301],
    compressionMethods: [0],
    extensions: [X.ext(ExtensionType.supported_versions, X.encodeSupportedVersionsClient([0x0304]))],
  };
  test('cipher_suites<2..2^16-2>: empty or odd is decode_error', () => {
    const body = M.encodeClientHello(ch);
    const at = 2 + 32 + 1 + 32; // cipher_suites length
    const empty = new Uint8Array([...body.subarray(0, at), 0, 0, ...body.subarray(at + 4)]);
    decodeErr(() => M.decodeClientHello(empty));
    const odd = new Uint8Array([...body.subarray(0, at), 0, 3, ...body.subarray(at + 2, at + 4), 0, ...body.subarray(at + 4)]);
    decodeErr(() => M.decodeClientHello(odd));
  });
  test('legacy_compression_methods<1..2^8-1>: empty is decode_error', () => {
    decodeErr(() => M.decodeClientHello(M.encodeClientHello({ ...ch, compressionMethods: [] })));
  });
});

describe('message rules', () => {
  test('KeyUpdate: values other than 0 and 1 are illegal_parameter (RFC 8446 §4.6.3)', () => {
    expect(M.decodeKeyUpdate(fromHex('01'))).toEqual({ requestUpdate: 1 });
    illegal(() => M.decodeKeyUpdate(fromHex('02')));
    decodeErr(() => M.decodeKeyUpdate(fromHex('0000')));
  });
  test('Finished: a verify_data of the wrong length is decode_error when the length is known', () => {
    expect(M.decodeFinished(new Uint8Array(12), 12).verifyData.length).toBe(12);
    decodeErr(() => M.decodeFinished(new Uint8Array(31), 32));
  });
  test('CertificateRequest (TLS 1.3) needs extensions<2..2^16-1>', () => {
    decodeErr(() => M.decodeCertificateRequest13(fromHex('00 0000')));
  });
  test('Certificate (TLS 1.3): an empty cert_data is decode_error; an empty list is well-formed', () => {
    expect(M.decodeCertificate13(fromHex('00 000000')).entries).toEqual([]);
    decodeErr(() => M.decodeCertificate13(fromHex('00 000005 000000 0000')));
  });
  test('NewSessionTicket: an empty ticket is decode_error; early_data gives max_early_data_size', () => {
    decodeErr(() => M.decodeNewSessionTicket13(fromHex('00000000 00000000 00 0000 0000')));
    const t = M.decodeNewSessionTicket13(
      M.encodeNewSessionTicket13({ lifetime: 1, ageAdd: 2, nonce: fromHex('00'), ticket: fromHex('aa'), extensions: [X.ext(42, X.encodeEarlyDataTicket(16384))] }),
    );
    expect(t.maxEarlyDataSize).toBe(16384);
    decodeErr(() => M.decodeNewSessionTicket13(M.encodeNewSessionTicket13({ lifetime: 1, ageAdd: 2, nonce: fromHex(''), ticket: fromHex('aa'), extensions: [X.ext(42, fromHex('00'))] })));
  });
  test('ServerKeyExchange (ECDHE): params are the exact signed bytes; explicit curves are illegal_parameter', () => {
    const body = M.encodeServerKeyExchangeEcdhe({ group: 0x001d, publicKey: new Uint8Array(32).fill(9), scheme: 0x0804, signature: fromHex('0102') });
    const d = M.decodeServerKeyExchangeEcdhe(body);
    expect(toHex(d.params)).toBe(toHex(M.encodeEcdheParams(0x001d, new Uint8Array(32).fill(9))));
    expect(toHex(d.params)).toBe('03001d20' + '09'.repeat(32));
    illegal(() => M.decodeServerKeyExchangeEcdhe(new Uint8Array([1, ...body.subarray(1)])));
  });
  test('ServerKeyExchange (DHE): params are p, g, Ys as sent', () => {
    const body = M.encodeServerKeyExchangeDhe({ p: fromHex('17'), g: fromHex('05'), Ys: fromHex('08'), scheme: 0x0401, signature: fromHex('') });
    expect(toHex(M.decodeServerKeyExchangeDhe(body).params)).toBe('000117000105000108');
    decodeErr(() => M.decodeServerKeyExchangeDhe(fromHex('0000 000105 000108 0401 0000'))); // empty p
  });
  test('empty messages must be empty', () => {
    M.decodeServerHelloDone(new Uint8Array(0));
    decodeErr(() => M.decodeServerHelloDone(fromHex('00')));
    decodeErr(() => M.decodeHelloRequest(fromHex('00')));
  });
});

describe('extension rules', () => {
  test('max_fragment_length outside 1..4 is illegal_parameter (RFC 6066 §4); codes map to sizes', () => {
    illegal(() => X.decodeMaxFragmentLength(fromHex('05')));
    illegal(() => X.decodeMaxFragmentLength(fromHex('00')));
    expect(X.MAX_FRAGMENT_LENGTH[X.decodeMaxFragmentLength(fromHex('02'))]).toBe(1024);
    expect(X.maxFragmentLengthCode(4096)).toBe(4);
    expect(() => X.maxFragmentLengthCode(1000)).toThrow(RangeError);
  });
  test('record_size_limit below 64 is illegal_parameter (RFC 8449 §4)', () => {
    illegal(() => X.decodeRecordSizeLimit(fromHex('003f')));
    expect(X.decodeRecordSizeLimit(fromHex('0040'))).toBe(64);
  });
  test('key_share: two shares for one group is illegal_parameter; empty key_exchange is decode_error', () => {
    illegal(() => X.decodeKeyShareClientHello(X.encodeKeyShareClientHello([{ group: 29, keyExchange: fromHex('01') }, { group: 29, keyExchange: fromHex('02') }])));
    decodeErr(() => X.decodeKeyShareServerHello(fromHex('001d 0000')));
    expect(X.decodeKeyShareClientHello(fromHex('0000'))).toEqual([]);
  });
  test('pre_shared_key: short binders, no identities, or mismatched counts are decode_error', () => {
    const id = { identity: fromHex('aa'), obfuscatedTicketAge: 5 };
    decodeErr(() => X.decodeOfferedPsks(X.encodeOfferedPsks({ identities: [id], binders: [new Uint8Array(31)] })));
    decodeErr(() => X.decodeOfferedPsks(X.encodeOfferedPsks({ identities: [], binders: [new Uint8Array(32)] })));
    decodeErr(() => X.decodeOfferedPsks(X.encodeOfferedPsks({ identities: [id, id], binders: [new Uint8Array(32)] })));
    expect(X.bindersBlockLength([32, 48])).toBe(2 + 33 + 49);
  });
  test('alpn: the server selects exactly one; empty names are decode_error', () => {
    decodeErr(() => X.decodeAlpnServer(X.encodeAlpn(['h2', 'http/1.1'])));
    expect(new TextDecoder().decode(X.decodeAlpnServer(X.encodeAlpnServer('h2')))).toBe('h2');
    decodeErr(() => X.decodeAlpn(fromHex('0001 00')));
    decodeErr(() => X.decodeAlpn(fromHex('0000')));
  });
  test('supported_versions (ClientHello): an odd or empty list is decode_error', () => {
    decodeErr(() => X.decodeSupportedVersionsClient(fromHex('03 030403')));
    decodeErr(() => X.decodeSupportedVersionsClient(fromHex('00')));
  });
  test('server_name: only host_name; empty host names are decode_error; the server acknowledgement is empty', () => {
    decodeErr(() => X.decodeServerNameClient(fromHex('0004 01 0001 61')));
    decodeErr(() => X.decodeServerNameClient(fromHex('0003 00 0000')));
    decodeErr(() => X.decodeServerNameServer(fromHex('00')));
    expect(X.decodeServerNameClient(X.encodeServerNameClient('example.com'))).toEqual(['example.com']);
  });
  test('empty extensions must be empty (extended_master_secret, encrypt_then_mac, early_data)', () => {
    decodeErr(() => X.decodeExtendedMasterSecret(fromHex('00')));
    decodeErr(() => X.decodeEncryptThenMac(fromHex('00')));
    decodeErr(() => X.decodeEarlyData(fromHex('00')));
    X.decodeExtendedMasterSecret(X.encodeExtendedMasterSecret());
  });
  test('status_request: only ocsp (1)', () => {
    illegal(() => X.decodeStatusRequest(fromHex('02 0000 0000')));
    expect(toHex(X.encodeStatusRequest())).toBe('0100000000');
  });
  test('padding must be zeros', () => {
    expect(X.decodePadding(new Uint8Array(5))).toBe(5);
    decodeErr(() => X.decodePadding(fromHex('0001')));
  });
});
