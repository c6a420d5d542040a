/**
 * RFC 8448 §3 "Simple 1-RTT Handshake", replayed on the client side: from the published x25519
 * private key and the published ClientHello/ServerHello bytes, every secret, key and IV of the
 * key schedule and both Finished values must come out byte for byte. The hex below is the RFC's
 * (TLS_AES_128_GCM_SHA256, x25519, RSA-PSS certificate).
 */
import { describe, expect, test } from 'vitest';
import { x25519 } from '@noble/curves/ed25519.js';
import { fromHex, toHex } from '../../src/wire/bytes.js';
import { hash } from '../../src/crypto/hash.js';
import { HandshakeJoiner, encodeHandshake } from '../../src/handshake/codec/handshake.js';
import { ExtensionType, HandshakeType, ProtocolVersion } from '../../src/handshake/codec/types.js';
import {
  EarlySecretPhase,
  finishedKey,
  finishedVerifyData,
  trafficKeys,
} from '../../src/handshake/key-schedule13.js';
import { Transcript } from '../../src/handshake/transcript.js';
import {
  decodeCertificate13,
  decodeCertificateVerify,
  decodeClientHello,
  decodeEncryptedExtensions,
  decodeFinished,
  decodeServerHello,
  encodeCertificate13,
  encodeCertificateVerify,
  encodeClientHello,
  encodeEncryptedExtensions,
  encodeFinished,
  encodeServerHello,
} from '../../src/handshake/messages/index.js';
import {
  decodeKeyShareClientHello,
  decodeKeyShareServerHello,
  decodePskKeyExchangeModes,
  decodeRecordSizeLimit,
  decodeServerNameClient,
  decodeSignatureAlgorithms,
  decodeSupportedGroups,
  decodeSupportedVersionsClient,
  decodeSupportedVersionsServer,
  decodeRenegotiationInfo,
  decodeSessionTicket,
  decodeServerNameServer,
  encodeKeyShareClientHello,
  encodeServerNameClient,
  encodeSupportedGroups,
  encodeSupportedVersionsClient,
  encodeSignatureAlgorithms,
  encodePskKeyExchangeModes,
  encodeRecordSizeLimit,
  encodeRenegotiationInfo,
  encodeSessionTicket,
  ext,
} from '../../src/handshake/extensions/index.js';

const h = (s: string) => fromHex(s);
const hex = (b: Uint8Array) => toHex(b);
const n = (s: string) => s.replace(/\s+/g, '');

// {client} create an ephemeral x25519 key pair
const CLIENT_PRIVATE = h(`49 af 42 ba 7f 79 94 85 2d 71 3e f2 78 4b cb ca a7 91 1d e2 6a dc 56 42 cb 63 45 40 e7 ea 50 05`);
const CLIENT_PUBLIC = h(`99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a af 2c`);
// {server} create an ephemeral x25519 key pair (public half)
const SERVER_PUBLIC = h(`c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f`);

// {client} construct a ClientHello handshake message (196 octets)
const CLIENT_HELLO = h(`01 00 00 c0 03 03 cb 34 ec b1 e7 81 63
  ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83
  02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b
  00 09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 14 00
  12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 23
  00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2
  3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a
  af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03
  02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06
  02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01`);

// {server} construct a ServerHello handshake message (90 octets)
const SERVER_HELLO = h(`02 00 00 56 03 03 a6 af 06 a4 12 18 60
  dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1 55 77 2e
  d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88
  76 11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1
  dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04`);

// {server} construct an EncryptedExtensions handshake message (40 octets)
const ENCRYPTED_EXTENSIONS = h(`08 00 00 24 00 22 00 0a 00 14 00
  12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c
  00 02 40 01 00 00 00 00`);

// {server} construct a Certificate handshake message (445 octets)
const CERTIFICATE = h(`0b 00 01 b9 00 00 01 b5 00 01 b0 30 82
  01 ac 30 82 01 15 a0 03 02 01 02 02 01 02 30 0d 06 09 2a 86 48
  86 f7 0d 01 01 0b 05 00 30 0e 31 0c 30 0a 06 03 55 04 03 13 03
  72 73 61 30 1e 17 0d 31 36 30 37 33 30 30 31 32 33 35 39 5a 17
  0d 32 36 30 37 33 30 30 31 32 33 35 39 5a 30 0e 31 0c 30 0a 06
  03 55 04 03 13 03 72 73 61 30 81 9f 30 0d 06 09 2a 86 48 86 f7
  0d 01 01 01 05 00 03 81 8d 00 30 81 89 02 81 81 00 b4 bb 49 8f
  82 79 30 3d 98 08 36 39 9b 36 c6 98 8c 0c 68 de 55 e1 bd b8 26
  d3 90 1a 24 61 ea fd 2d e4 9a 91 d0 15 ab bc 9a 95 13 7a ce 6c
  1a f1 9e aa 6a f9 8c 7c ed 43 12 09 98 e1 87 a8 0e e0 cc b0 52
  4b 1b 01 8c 3e 0b 63 26 4d 44 9a 6d 38 e2 2a 5f da 43 08 46 74
  80 30 53 0e f0 46 1c 8c a9 d9 ef bf ae 8e a6 d1 d0 3e 2b d1 93
  ef f0 ab 9a 80 02 c4 74 28 a6 d3 5a 8d 88 d7 9f 7f 1e 3f 02 03
  01 00 01 a3 1a 30 18 30 09 06 03 55 1d 13 04 02 30 00 30 0b 06
  03 55 1d 0f 04 04 03 02 05 a0 30 0d 06 09 2a 86 48 86 f7 0d 01
  01 0b 05 00 03 81 81 00 85 aa d2 a0 e5 b9 27 6b 90 8c 65 f7 3a
  72 67 17 06 18 a5 4c 5f 8a 7b 33 7d 2d f7 a5 94 36 54 17 f2 ea
  e8 f8 a5 8c 8f 81 72 f9 31 9c f3 6b 7f d6 c5 5b 80 f2 1a 03 01
  51 56 72 60 96 fd 33 5e 5e 67 f2 db f1 02 70 2e 60 8c ca e6 be
  c1 fc 63 a4 2a 99 be 5c 3e b7 10 7c 3c 54 e9 b9 eb 2b d5 20 3b
  1c 3b 84 e0 a8 b2 f7 59 40 9b a3 ea c9 d9 1d 40 2d cc 0c c8 f8
  96 12 29 ac 91 87 b4 2b 4d e1 00 00`);

// {server} construct a CertificateVerify handshake message (136 octets)
const CERTIFICATE_VERIFY = h(`0f 00 00 84 08 04 00 80 5a 74 7c
  5d 88 fa 9b d2 e5 5a b0 85 a6 10 15 b7 21 1f 82 4c d4 84 14 5a
  b3 ff 52 f1 fd a8 47 7b 0b 7a bc 90 db 78 e2 d3 3a 5c 14 1a 07
  86 53 fa 6b ef 78 0c 5e a2 48 ee aa a7 85 c4 f3 94 ca b6 d3 0b
  be 8d 48 59 ee 51 1f 60 29 57 b1 54 11 ac 02 76 71 45 9e 46 44
  5c 9e a5 8c 18 1e 81 8e 95 b8 c3 fb 0b f3 27 84 09 d3 be 15 2a
  3d a5 04 3e 06 3d da 65 cd f5 ae a2 0d 53 df ac d4 2f 74 f3`);

// {server} construct a Finished handshake message (36 octets)
const SERVER_FINISHED = h(`14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb
  dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07 18`);

// {client} construct a Finished handshake message (36 octets)
const CLIENT_FINISHED = h(`14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a
  c1 fc eb e1 1a 03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce 61`);

// Published intermediate values.
const V = {
  sharedSecret: `8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d 35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89 49 2d`,
  earlySecret: `33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c e2 10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 f9 2a`,
  derivedForHandshake: `6f 26 15 a1 08 c7 02 c5 67 8f 54 fc 9d ba b6 97 16 c0 76 18 9c 48 25 0c eb ea c3 57 6c 36 11 ba`,
  handshakeSecret: `1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b 01 04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac`,
  hashChSh: `86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8`,
  cHsTraffic: `b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21`,
  sHsTraffic: `b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38`,
  derivedForMaster: `43 de 77 e0 c7 77 13 85 9a 94 4d b9 db 25 90 b5 31 90 a6 5b 3e e2 e4 f1 2d d7 a0 bb 7c e2 54 b4`,
  masterSecret: `18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a 47 80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19`,
  sHsKey: `3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc`,
  sHsIv: `5d 31 3e b2 67 12 76 ee 13 00 0b 30`,
  cHsKey: `db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01`,
  cHsIv: `5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f`,
  sFinishedKey: `00 8d 3b 66 f8 16 ea 55 9f 96 b5 37 e8 85 c3 1f c0 68 bf 49 2c 65 2f 01 f2 88 a1 d8 cd c1 9f c8`,
  sFinished: `9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07 18`,
  hashChSf: `96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a 00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13`,
  cApTraffic: `9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5`,
  sApTraffic: `a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43`,
  expMaster: `fe 22 f8 81 17 6e da 18 eb 8f 44 52 9e 67 92 c5 0c 9a 3f 89 45 2f 68 d8 ae 31 1b 43 09 d3 cf 50`,
  sApKey: `9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56`,
  sApIv: `cf 78 2b 88 dd 83 54 9a ad f1 e9 84`,
  cFinishedKey: `b8 0a d0 10 15 fb 2f 0b d6 5f f7 d4 da 5d 6b f8 3f 84 82 1d 1f 87 fd c7 d3 c7 5b 5a 7b 42 d9 c4`,
  cFinished: `a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1 1a 03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce 61`,
  cApKey: `17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51`,
  cApIv: `5b 78 92 3d ee 08 57 90 33 e5 23 d9`,
  hashChCf: `20 91 45 a9 6e e8 e2 a1 22 ff 81 00 47 cc 95 26 84 65 8d 60 49 e8 64 29 42 6d b8 7c 54 ad 14 3d`,
  resMaster: `7d f2 35 f2 03 1d 2a 05 12 87 d0 2b 02 41 b0 bf da f8 6c c8 56 23 1f 2d 5a ba 46 c4 34 ec 19 6c`,
};
const want = (k: keyof typeof V) => n(V[k]);

describe('RFC 8448 §3 simple 1-RTT handshake: key schedule', () => {
  test('x25519: the client public key and the shared secret', () => {
    expect(hex(x25519.getPublicKey(CLIENT_PRIVATE))).toBe(hex(CLIENT_PUBLIC));
    expect(hex(x25519.getSharedSecret(CLIENT_PRIVATE, SERVER_PUBLIC))).toBe(want('sharedSecret'));
  });

  test('every secret, key, IV and Finished, from the published bytes', () => {
    const shared = x25519.getSharedSecret(CLIENT_PRIVATE, SERVER_PUBLIC);
    const t = new Transcript();
    t.add(CLIENT_HELLO); // before the suite (and so the hash) is known
    const sh = decodeServerHello(SERVER_HELLO.subarray(4));
    expect(sh.cipherSuite).toBe(0x1301);
    t.setHash('sha256');
    t.add(SERVER_HELLO);
    expect(hex(t.current())).toBe(want('hashChSh'));

    const early = new EarlySecretPhase('sha256');
    expect(hex(early.secret)).toBe(want('earlySecret'));
    expect(hex(early.derived())).toBe(want('derivedForHandshake'));

    const hs = early.handshakeSecret(shared);
    expect(hex(hs.secret)).toBe(want('handshakeSecret'));
    const cHs = hs.clientHandshakeTrafficSecret(t.current());
    const sHs = hs.serverHandshakeTrafficSecret(t.current());
    expect(hex(cHs)).toBe(want('cHsTraffic'));
    expect(hex(sHs)).toBe(want('sHsTraffic'));
    expect(hex(hs.derived())).toBe(want('derivedForMaster'));

    const sk = trafficKeys('sha256', sHs, 16, 12);
    expect(hex(sk.key)).toBe(want('sHsKey'));
    expect(hex(sk.iv)).toBe(want('sHsIv'));
    const ck = trafficKeys('sha256', cHs, 16, 12);
    expect(hex(ck.key)).toBe(want('cHsKey'));
    expect(hex(ck.iv)).toBe(want('cHsIv'));

    // Server Finished: over CH..CertificateVerify.
    t.add(ENCRYPTED_EXTENSIONS);
    t.add(CERTIFICATE);
    t.add(CERTIFICATE_VERIFY);
    expect(hex(finishedKey('sha256', sHs))).toBe(want('sFinishedKey'));
    const sFin = finishedVerifyData('sha256', sHs, t.current());
    expect(hex(sFin)).toBe(want('sFinished'));
    expect(hex(decodeFinished(SERVER_FINISHED.subarray(4), 32).verifyData)).toBe(hex(sFin));
    t.add(SERVER_FINISHED);
    expect(hex(t.current())).toBe(want('hashChSf'));

    const master = hs.masterSecret();
    expect(hex(master.secret)).toBe(want('masterSecret'));
    const cAp = master.clientApplicationTrafficSecret(t.current());
    const sAp = master.serverApplicationTrafficSecret(t.current());
    expect(hex(cAp)).toBe(want('cApTraffic'));
    expect(hex(sAp)).toBe(want('sApTraffic'));
    expect(hex(master.exporterMasterSecret(t.current()))).toBe(want('expMaster'));
    const sak = trafficKeys('sha256', sAp, 16, 12);
    expect(hex(sak.key)).toBe(want('sApKey'));
    expect(hex(sak.iv)).toBe(want('sApIv'));
    const cak = trafficKeys('sha256', cAp, 16, 12);
    expect(hex(cak.key)).toBe(want('cApKey'));
    expect(hex(cak.iv)).toBe(want('cApIv'));

    // Client Finished: over CH..server Finished, with the client handshake traffic secret.
    expect(hex(finishedKey('sha256', cHs))).toBe(want('cFinishedKey'));
    const cFin = finishedVerifyData('sha256', cHs, t.current());
    expect(hex(cFin)).toBe(want('cFinished'));
    expect(hex(encodeHandshake(HandshakeType.finished, encodeFinished({ verifyData: cFin })))).toBe(hex(CLIENT_FINISHED));
    t.add(CLIENT_FINISHED);
    expect(hex(t.current())).toBe(want('hashChCf'));
    expect(hex(master.resumptionMasterSecret(t.current()))).toBe(want('resMaster'));
  });

  test('the transcript equals SHA-256 over the concatenated messages', () => {
    const t = new Transcript('sha256');
    for (const m of [CLIENT_HELLO, SERVER_HELLO]) t.add(m);
    expect(hex(t.current())).toBe(hex(hash('sha256', new Uint8Array([...CLIENT_HELLO, ...SERVER_HELLO]))));
  });
});

describe('RFC 8448 §3: message codecs on the published bytes', () => {
  test('the server flight arrives through the joiner as five messages', () => {
    const j = new HandshakeJoiner();
    const flight = new Uint8Array([...ENCRYPTED_EXTENSIONS, ...CERTIFICATE, ...CERTIFICATE_VERIFY, ...SERVER_FINISHED]);
    j.push(flight.subarray(0, 7));
    j.push(flight.subarray(7));
    const types: number[] = [];
    for (let m = j.next(); m; m = j.next()) types.push(m.type);
    expect(types).toEqual([8, 11, 15, 20]);
    expect(j.hasPartial()).toBe(false);
  });

  test('ClientHello: decode, check every field, re-encode identically', () => {
    expect(CLIENT_HELLO.length).toBe(196);
    const ch = decodeClientHello(CLIENT_HELLO.subarray(4));
    expect(ch.legacyVersion).toBe(ProtocolVersion.TLS12);
    expect(hex(ch.random)).toBe(n('cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83 02 4d ec e7'));
    expect(ch.sessionId.length).toBe(0);
    expect(ch.cipherSuites).toEqual([0x1301, 0x1303, 0x1302]);
    expect(ch.compressionMethods).toEqual([0]);
    const E = ExtensionType;
    expect([...ch.extensions.keys()]).toEqual([
      E.server_name, E.renegotiation_info, E.supported_groups, E.session_ticket, E.key_share,
      E.supported_versions, E.signature_algorithms, E.psk_key_exchange_modes, E.record_size_limit,
    ]);
    expect(decodeServerNameClient(ch.extensions.get(E.server_name)!)).toEqual(['server']);
    expect(decodeRenegotiationInfo(ch.extensions.get(E.renegotiation_info)!).length).toBe(0);
    const groups = decodeSupportedGroups(ch.extensions.get(E.supported_groups)!);
    expect(groups).toEqual([0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104]);
    expect(decodeSessionTicket(ch.extensions.get(E.session_ticket)!).length).toBe(0);
    const shares = decodeKeyShareClientHello(ch.extensions.get(E.key_share)!);
    expect(shares.map((s) => s.group)).toEqual([0x001d]);
    expect(hex(shares[0]!.keyExchange)).toBe(hex(CLIENT_PUBLIC));
    expect(decodeSupportedVersionsClient(ch.extensions.get(E.supported_versions)!)).toEqual([0x0304]);
    const sigs = decodeSignatureAlgorithms(ch.extensions.get(E.signature_algorithms)!);
    expect(sigs).toEqual([0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202]);
    expect(decodePskKeyExchangeModes(ch.extensions.get(E.psk_key_exchange_modes)!)).toEqual([1]);
    expect(decodeRecordSizeLimit(ch.extensions.get(E.record_size_limit)!)).toBe(0x4001);

    // decode → encode is the identity
    expect(hex(encodeHandshake(HandshakeType.client_hello, encodeClientHello(ch)))).toBe(hex(CLIENT_HELLO));

    // ...and so is building it from scratch with the extension encoders.
    const rebuilt = encodeClientHello({
      legacyVersion: ProtocolVersion.TLS12,
      random: ch.random,
      sessionId: new Uint8Array(0),
      cipherSuites: [0x1301, 0x1303, 0x1302],
      compressionMethods: [0],
      extensions: [
        ext(E.server_name, encodeServerNameClient('server')),
        ext(E.renegotiation_info, encodeRenegotiationInfo()),
        ext(E.supported_groups, encodeSupportedGroups(groups)),
        ext(E.session_ticket, encodeSessionTicket()),
        ext(E.key_share, encodeKeyShareClientHello([{ group: 0x001d, keyExchange: CLIENT_PUBLIC }])),
        ext(E.supported_versions, encodeSupportedVersionsClient([ProtocolVersion.TLS13])),
        ext(E.signature_algorithms, encodeSignatureAlgorithms(sigs)),
        ext(E.psk_key_exchange_modes, encodePskKeyExchangeModes([1])),
        ext(E.record_size_limit, encodeRecordSizeLimit(0x4001)),
      ],
    });
    expect(hex(encodeHandshake(HandshakeType.client_hello, rebuilt))).toBe(hex(CLIENT_HELLO));
  });

  test('ServerHello: not a HelloRetryRequest; key_share and supported_versions; re-encodes', () => {
    const sh = decodeServerHello(SERVER_HELLO.subarray(4));
    expect(sh.isHelloRetryRequest).toBe(false);
    expect(sh.legacyVersion).toBe(0x0303);
    expect(sh.sessionId.length).toBe(0);
    expect(sh.compression).toBe(0);
    expect(decodeSupportedVersionsServer(sh.extensions.get(ExtensionType.supported_versions)!)).toBe(0x0304);
    const ks = decodeKeyShareServerHello(sh.extensions.get(ExtensionType.key_share)!);
    expect(ks.group).toBe(0x001d);
    expect(hex(ks.keyExchange)).toBe(hex(SERVER_PUBLIC));
    expect(hex(encodeHandshake(2, encodeServerHello(sh)))).toBe(hex(SERVER_HELLO));
  });

  test('EncryptedExtensions: supported_groups, record_size_limit, server_name', () => {
    const ee = decodeEncryptedExtensions(ENCRYPTED_EXTENSIONS.subarray(4));
    expect([...ee.extensions.keys()]).toEqual([ExtensionType.supported_groups, ExtensionType.record_size_limit, ExtensionType.server_name]);
    expect(decodeRecordSizeLimit(ee.extensions.get(ExtensionType.record_size_limit)!)).toBe(0x4001);
    decodeServerNameServer(ee.extensions.get(ExtensionType.server_name)!);
    expect(hex(encodeHandshake(8, encodeEncryptedExtensions(ee)))).toBe(hex(ENCRYPTED_EXTENSIONS));
  });

  test('Certificate: one RSA certificate, empty context, no entry extensions', () => {
    const c = decodeCertificate13(CERTIFICATE.subarray(4));
    expect(c.context.length).toBe(0);
    expect(c.entries.length).toBe(1);
    expect(c.entries[0]!.data.length).toBe(0x1b0);
    expect(c.entries[0]!.data[0]).toBe(0x30); // DER SEQUENCE
    expect(c.entries[0]!.extensions.size).toBe(0);
    expect(hex(encodeHandshake(11, encodeCertificate13(c)))).toBe(hex(CERTIFICATE));
  });

  test('CertificateVerify: rsa_pss_rsae_sha256, 128-byte signature', () => {
    const cv = decodeCertificateVerify(CERTIFICATE_VERIFY.subarray(4));
    expect(cv.scheme).toBe(0x0804);
    expect(cv.signature.length).toBe(128);
    expect(hex(encodeHandshake(15, encodeCertificateVerify(cv)))).toBe(hex(CERTIFICATE_VERIFY));
  });
});
