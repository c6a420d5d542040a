/**
 * RFC 8448 §4 "Resumed 0-RTT Handshake" (the parts the client computes before any server byte):
 * the NewSessionTicket of §3's connection, the resumption PSK from the ticket nonce, the early
 * secret, the "res binder" key and the PSK binder over the truncated ClientHello
 * (RFC 8446 §4.2.11.2). Hex from the RFC.
 */
import { describe, expect, test } from 'vitest';
import { fromHex, toHex } from '../../src/wire/bytes.js';
import { hash } from '../../src/crypto/hash.js';
import { encodeHandshake } from '../../src/handshake/codec/handshake.js';
import { ExtensionType, HandshakeType } from '../../src/handshake/codec/types.js';
import { EarlySecretPhase, finishedKey, finishedVerifyData, resumptionPsk } from '../../src/handshake/key-schedule13.js';
import {
  decodeClientHello,
  decodeNewSessionTicket13,
  encodeClientHello,
  encodeNewSessionTicket13,
} from '../../src/handshake/messages/index.js';
import { bindersBlockLength, decodeOfferedPsks, encodeOfferedPsks } from '../../src/handshake/extensions/index.js';

const h = (s: string) => fromHex(s);
const hex = (b: Uint8Array) => toHex(b);
const n = (s: string) => s.replace(/\s+/g, '');

const RES_MASTER = h(`7d f2 35 f2 03 1d 2a 05 12 87 d0 2b 02 41 b0 bf da f8 6c c8 56 23 1f 2d 5a ba 46 c4 34 ec 19 6c`);

// {server} construct a NewSessionTicket handshake message (205 octets)
const NEW_SESSION_TICKET = h(`04 00 00 c9 00 00 00 1e fa d6 aa
  c5 02 00 00 00 b2 2c 03 5d 82 93 59 ee 5f f7 af 4e c9 00 00 00
  00 26 2a 64 94 dc 48 6d 2c 8a 34 cb 33 fa 90 bf 1b 00 70 ad 3c
  49 88 83 c9 36 7c 09 a2 be 78 5a bc 55 cd 22 60 97 a3 a9 82 11
  72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 be 7f d6 1d 28
  27 db 27 9c ce 14 50 77 d4 54 a3 66 4d 4e 6d a4 d2 9e e0 37 25
  a6 a4 da fc d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5 90 6c
  5b 3f 7d 8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2 97 b5 ae a6
  17 64 6f ac 5c 03 27 2e 97 07 27 c6 21 a7 91 41 ef 5f 7d e6 50
  5e 5b fb c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 00 08 00 2a 00
  04 00 00 04 00`);

// {client} send handshake record: the ClientHello with its binder (512 octets)
const CLIENT_HELLO = h(`01 00 01 fc 03 03 1b c3 ce b6 bb e3 9c ff
  93 83 55 b5 a5 0a db 6d b2 1b 7a 6a f6 49 d7 b4 bc 41 9d 78 76
  48 7d 95 00 00 06 13 01 13 03 13 02 01 00 01 cd 00 00 00 0b 00
  09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 14 00 12
  00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 33 00
  26 00 24 00 1d 00 20 e4 ff b6 8a c0 5f 8d 96 c9 9d a2 66 98 34
  6c 6b e1 64 82 ba dd da fe 05 1a 66 b4 f1 8d 66 8f 0b 00 2a 00
  00 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02
  03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06 02
  02 02 00 2d 00 02 01 01 00 1c 00 02 40 01 00 15 00 57 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 29 00 dd 00 b8 00 b2 2c 03 5d 82 93 59 ee 5f f7 af 4e c9 00
  00 00 00 26 2a 64 94 dc 48 6d 2c 8a 34 cb 33 fa 90 bf 1b 00 70
  ad 3c 49 88 83 c9 36 7c 09 a2 be 78 5a bc 55 cd 22 60 97 a3 a9
  82 11 72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 be 7f d6
  1d 28 27 db 27 9c ce 14 50 77 d4 54 a3 66 4d 4e 6d a4 d2 9e e0
  37 25 a6 a4 da fc d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5
  90 6c 5b 3f 7d 8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2 97 b5
  ae a6 17 64 6f ac 5c 03 27 2e 97 07 27 c6 21 a7 91 41 ef 5f 7d
  e6 50 5e 5b fb c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 fa d6 aa
  cb 00 21 20 3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e f5 e8 8d
  ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e 5f 9d`);

const V = {
  psk: `4e cd 0e b6 ec 3b 4d 87 f5 d6 02 8f 92 2c a4 c5 85 1a 27 7f d4 13 11 c9 e6 2d 2c 94 92 e1 c4 f3`,
  earlySecret: `9b 21 88 e9 b2 fc 6d 64 d7 1d c3 29 90 0e 20 bb 41 91 50 00 f6 78 aa 83 9c bb 79 7c b7 d8 33 2c`,
  binderHash: `63 22 4b 2e 45 73 f2 d3 45 4c a8 4b 9d 00 9a 04 f6 be 9e 05 71 1a 83 96 47 3a ef a0 1e 92 4a 14`,
  binderKey: `69 fe 13 1a 3b ba d5 d6 3c 64 ee bc c3 0e 39 5b 9d 81 07 72 6a 13 d0 74 e3 89 db c8 a4 e4 72 56`,
  binderFinishedKey: `55 88 67 3e 72 cb 59 c8 7d 22 0c af fe 94 f2 de a9 a3 b1 60 9f 7d 50 e9 0a 48 22 7d b9 ed 7e aa`,
  binder: `3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e f5 e8 8d ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e 5f 9d`,
};

describe('RFC 8448 §4 resumption: ticket, PSK and binder', () => {
  test('NewSessionTicket decodes (lifetime 30 s, nonce 00 00, early_data 1024) and re-encodes', () => {
    const t = decodeNewSessionTicket13(NEW_SESSION_TICKET.subarray(4));
    expect(t.lifetime).toBe(30);
    expect(t.ageAdd).toBe(0xfad6aac5);
    expect(hex(t.nonce)).toBe('0000');
    expect(t.ticket.length).toBe(0xb2);
    expect(t.maxEarlyDataSize).toBe(1024);
    expect([...t.extensions.keys()]).toEqual([ExtensionType.early_data]);
    expect(hex(encodeHandshake(HandshakeType.new_session_ticket, encodeNewSessionTicket13(t)))).toBe(hex(NEW_SESSION_TICKET));
  });

  test('resumption PSK and early secret', () => {
    const t = decodeNewSessionTicket13(NEW_SESSION_TICKET.subarray(4));
    const psk = resumptionPsk('sha256', RES_MASTER, t.nonce);
    expect(hex(psk)).toBe(n(V.psk));
    expect(hex(new EarlySecretPhase('sha256', psk).secret)).toBe(n(V.earlySecret));
  });

  test('the binder over the truncated ClientHello, and the ClientHello rebuilt with it', () => {
    const ch = decodeClientHello(CLIENT_HELLO.subarray(4));
    const exts = [...ch.extensions.keys()];
    expect(exts[exts.length - 1]).toBe(ExtensionType.pre_shared_key); // RFC 8446 §4.2.11: last
    const offered = decodeOfferedPsks(ch.extensions.get(ExtensionType.pre_shared_key)!);
    expect(offered.identities.length).toBe(1);
    expect(offered.identities[0]!.obfuscatedTicketAge).toBe(0xfad6aacb);

    const cut = bindersBlockLength(offered.binders.map((b) => b.length));
    expect(cut).toBe(35);
    const truncated = CLIENT_HELLO.subarray(0, CLIENT_HELLO.length - cut);
    expect(hex(hash('sha256', truncated))).toBe(n(V.binderHash));

    const early = new EarlySecretPhase('sha256', h(V.psk));
    const bk = early.binderKey('resumption');
    expect(hex(bk)).toBe(n(V.binderKey));
    expect(hex(finishedKey('sha256', bk))).toBe(n(V.binderFinishedKey));
    const binder = finishedVerifyData('sha256', bk, hash('sha256', truncated));
    expect(hex(binder)).toBe(n(V.binder));
    expect(hex(offered.binders[0]!)).toBe(n(V.binder));

    // Patch: rebuild the pre_shared_key extension with the binder; the bytes are the published ones.
    const exts2 = new Map(ch.extensions);
    exts2.set(ExtensionType.pre_shared_key, encodeOfferedPsks({ identities: offered.identities, binders: [binder] }));
    expect(hex(encodeHandshake(1, encodeClientHello({ ...ch, extensions: exts2 })))).toBe(hex(CLIENT_HELLO));
  });
});
