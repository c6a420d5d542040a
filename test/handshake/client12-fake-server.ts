/**
 * A scriptable TLS 1.2 *server* for hostile-server tests of the sans-IO client: no socket, bytes
 * in, bytes out. Messages are built with the project's codecs, but every piece of cryptography
 * the client's correctness rests on is redone here on node:crypto — the PRF (P_SHA256/384 on
 * node's HMAC), the master secret / EMS, the key block, the Finished values, ECDHE, the
 * ServerKeyExchange signature, and the record protection (AES-GCM, ChaCha20-Poly1305, AES-CBC
 * + HMAC in both orders) — so a bug in src/ is not mirrored by the server.
 *
 * RFC 5246 §7.4 (messages), §6.2.3 (records), §5/§6.3/§8.1 (PRF, key block, master secret),
 * RFC 7627 (EMS), RFC 7366 (ETM), RFC 8422 §5.4 (ServerKeyExchange).
 */
import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac, randomBytes } from 'node:crypto';
import { ClientConnection } from '../../src/connection.js';
import type { ClientOptions } from '../../src/types.js';
import { encodeHandshake } from '../../src/handshake/codec/handshake.js';
import { ExtensionType, HandshakeType } from '../../src/handshake/codec/types.js';
import { ext, type Extension } from '../../src/handshake/extensions/index.js';
import { decodeClientHello, encodeServerHello, type DecodedClientHello } from '../../src/handshake/messages/hello.js';
import { encodeCertificate12 } from '../../src/handshake/messages/certificate.js';
import { encodeServerKeyExchangeEcdhe, encodeEcdheParams } from '../../src/handshake/messages/key-exchange12.js';
import { encodeNewSessionTicket12 } from '../../src/handshake/messages/new-session-ticket.js';
import { credential, signWith } from '../helpers/fake-server13.js';

export const CT = { ccs: 20, alert: 21, handshake: 22, appData: 23 } as const;

type Hash = 'sha1' | 'sha256' | 'sha384';
/** The suites the fake server can run, described independently of src/crypto/suites.ts. */
export const FAKE_SUITES = {
  0xc02b: { name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', prf: 'sha256', kind: 'gcm', key: 16, iv: 4 },
  0xc02c: { name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', prf: 'sha384', kind: 'gcm', key: 32, iv: 4 },
  0xcca9: { name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', prf: 'sha256', kind: 'chacha', key: 32, iv: 12 },
  0xc009: { name: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', prf: 'sha256', kind: 'cbc', key: 16, iv: 0, mac: 'sha1', macLen: 20 },
  0xc024: { name: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', prf: 'sha384', kind: 'cbc', key: 32, iv: 0, mac: 'sha384', macLen: 48 },
} as const satisfies Record<number, { name: string; prf: Hash; kind: 'gcm' | 'chacha' | 'cbc'; key: number; iv: number; mac?: Hash; macLen?: number }>;
export type FakeSuiteCode = keyof typeof FAKE_SUITES;

/** RFC 5246 §5 P_hash, on node's HMAC. */
export function nodePrf(h: Hash, secret: Uint8Array, label: string, seed: Uint8Array, len: number): Buffer {
  const ls = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  let a: Buffer = ls;
  const parts: Buffer[] = [];
  let n = 0;
  while (n < len) {
    a = createHmac(h, secret).update(a).digest();
    const b = createHmac(h, secret).update(a).update(ls).digest();
    parts.push(b);
    n += b.length;
  }
  return Buffer.concat(parts).subarray(0, len);
}

export interface FakeOptions {
  suite?: FakeSuiteCode;
  /** Echo extended_master_secret (default: when offered). */
  ems?: boolean;
  /** Echo encrypt_then_mac for CBC suites (default: when offered). */
  etm?: boolean;
  /** Send session_ticket in ServerHello and a NewSessionTicket before CCS. */
  ticket?: Uint8Array;
  /** renegotiation_info content; null: omit the extension. Default empty. */
  renegotiationInfo?: Uint8Array | null;
  extraExtensions?: Extension[];
  serverRandom?: Uint8Array;
  cipherSuiteOnWire?: number;
  compression?: number;
  /** The curve in ServerKeyExchange (only secp256r1's point is really computed). */
  skeGroup?: number;
  skeScheme?: number;
  tamperSignature?: boolean;
  tamperFinished?: boolean;
  certificateRequest?: boolean;
}

interface Record12 {
  type: number;
  body: Buffer;
}

export function parseRecords(bytes: Uint8Array | null): Record12[] {
  const out: Record12[] = [];
  if (!bytes) return out;
  const b = Buffer.from(bytes);
  for (let o = 0; o < b.length; ) {
    const len = b.readUInt16BE(o + 3);
    out.push({ type: b[o]!, body: b.subarray(o + 5, o + 5 + len) });
    o += 5 + len;
  }
  return out;
}

function record(type: number, body: Uint8Array): Buffer {
  const h = Buffer.from([type, 3, 3, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([h, body]);
}

function handshakeMessages(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o < data.length; ) {
    const len = data.readUIntBE(o + 1, 3);
    out.push(data.subarray(o, o + 4 + len));
    o += 4 + len;
  }
  return out;
}

function seq8(seq: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(seq);
  return b;
}

/** One direction of TLS 1.2 record protection, on node:crypto. */
export class NodeRecordKeys {
  seq = 0n;
  constructor(
    readonly suite: (typeof FAKE_SUITES)[FakeSuiteCode],
    readonly key: Buffer,
    readonly iv: Buffer,
    readonly macKey: Buffer,
    readonly etm: boolean,
  ) {}

  private pseudo(type: number, len: number, seq: bigint): Buffer {
    return Buffer.concat([seq8(seq), Buffer.from([type, 3, 3, len >> 8, len & 0xff])]);
  }

  /** A whole record. `fault` breaks CBC padding or the MAC on purpose. */
  seal(type: number, content: Uint8Array, fault?: 'padding' | 'mac'): Buffer {
    const s = this.suite;
    const seq = this.seq++;
    if (s.kind === 'gcm' || s.kind === 'chacha') {
      const explicit = s.kind === 'gcm' ? seq8(seq) : Buffer.alloc(0);
      const nonce = s.kind === 'gcm' ? Buffer.concat([this.iv, explicit]) : Buffer.from(this.iv);
      if (s.kind === 'chacha') for (let i = 0; i < 8; i++) nonce[4 + i]! ^= seq8(seq)[i]!;
      const alg = s.kind === 'gcm' ? `aes-${s.key * 8}-gcm` : 'chacha20-poly1305';
      const c = createCipheriv(alg as 'aes-128-gcm', this.key, nonce, { authTagLength: 16 });
      c.setAAD(this.pseudo(type, content.length, seq));
      const ct = Buffer.concat([c.update(content), c.final(), c.getAuthTag()]);
      if (fault === 'mac') ct[ct.length - 1]! ^= 1;
      return record(type, Buffer.concat([explicit, ct]));
    }
    const iv = randomBytes(16);
    const mac = (data: Buffer) => createHmac(s.mac, this.macKey).update(data).digest();
    const pad = (n: number) => {
      const padLen = 15 - (n % 16) + (fault === 'padding' ? 0 : 16); // one extra block of padding
      const p = Buffer.alloc(padLen + 1, padLen);
      if (fault === 'padding') p[0]! ^= 0x40;
      return p;
    };
    const enc = (data: Buffer) => {
      const c = createCipheriv(`aes-${s.key * 8}-cbc`, this.key, iv);
      c.setAutoPadding(false);
      return Buffer.concat([c.update(data), c.final()]);
    };
    if (this.etm) {
      const ct = enc(Buffer.concat([content, pad(content.length)]));
      const t = mac(Buffer.concat([this.pseudo(type, 16 + ct.length, seq), iv, ct]));
      if (fault === 'mac') t[0]! ^= 1;
      return record(type, Buffer.concat([iv, ct, t]));
    }
    const t = mac(Buffer.concat([this.pseudo(type, content.length, seq), content]));
    if (fault === 'mac') t[0]! ^= 1;
    const inner = Buffer.concat([content, t]);
    return record(type, Buffer.concat([iv, enc(Buffer.concat([inner, pad(inner.length)]))]));
  }

  /** The content of one protected record (throws on any authentication failure). */
  open(type: number, body: Buffer): Buffer {
    const s = this.suite;
    const seq = this.seq++;
    if (s.kind === 'gcm' || s.kind === 'chacha') {
      const explicit = s.kind === 'gcm' ? body.subarray(0, 8) : Buffer.alloc(0);
      const nonce = s.kind === 'gcm' ? Buffer.concat([this.iv, explicit]) : Buffer.from(this.iv);
      if (s.kind === 'chacha') for (let i = 0; i < 8; i++) nonce[4 + i]! ^= seq8(seq)[i]!;
      const ct = body.subarray(explicit.length, body.length - 16);
      const alg = s.kind === 'gcm' ? `aes-${s.key * 8}-gcm` : 'chacha20-poly1305';
      const d = createDecipheriv(alg as 'aes-128-gcm', this.key, nonce, { authTagLength: 16 });
      d.setAAD(this.pseudo(type, ct.length, seq));
      d.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([d.update(ct), d.final()]);
    }
    const dec = (iv: Buffer, data: Buffer) => {
      const d = createDecipheriv(`aes-${s.key * 8}-cbc`, this.key, iv);
      d.setAutoPadding(false);
      return Buffer.concat([d.update(data), d.final()]);
    };
    const iv = body.subarray(0, 16);
    if (this.etm) {
      const ct = body.subarray(16, body.length - s.macLen);
      const t = createHmac(s.mac, this.macKey).update(Buffer.concat([this.pseudo(type, 16 + ct.length, seq), iv, ct])).digest();
      if (!t.equals(body.subarray(body.length - s.macLen))) throw new Error('fake server: bad ETM MAC from the client');
      const pt = dec(iv, ct);
      return pt.subarray(0, pt.length - 1 - pt[pt.length - 1]!);
    }
    const pt = dec(iv, body.subarray(16));
    const inner = pt.subarray(0, pt.length - 1 - pt[pt.length - 1]!);
    const content = inner.subarray(0, inner.length - s.macLen);
    const t = createHmac(s.mac, this.macKey).update(Buffer.concat([this.pseudo(type, content.length, seq), content])).digest();
    if (!t.equals(inner.subarray(inner.length - s.macLen))) throw new Error('fake server: bad MAC from the client');
    return content;
  }
}

/** A client connection and a fake TLS 1.2 server driven against each other. */
export class FakeServer12 {
  readonly conn: ClientConnection;
  readonly keyLog: string[] = [];
  readonly opts: FakeOptions;
  ch!: DecodedClientHello;
  serverRandom!: Buffer;
  masterSecret!: Buffer;
  ems = false;
  etm = false;
  read!: NodeRecordKeys; // client → server
  write!: NodeRecordKeys; // server → client
  private transcript: Buffer[] = [];
  private ecdh = createECDH('prime256v1');

  constructor(client: Partial<ClientOptions> = {}, opts: FakeOptions = {}) {
    const cred = credential('p256');
    this.opts = opts;
    this.conn = new ClientConnection({ servername: 'localhost', ca: cred.ca, keyLog: (l) => this.keyLog.push(l), ...client });
  }

  get suite() {
    return FAKE_SUITES[this.opts.suite ?? 0xc02b];
  }

  /** Read the ClientHello the client queued; return the server's first flight as bytes. */
  firstFlight(): Buffer {
    const o = this.opts;
    const recs = parseRecords(this.conn.takeOutput());
    const chRaw = Buffer.concat(recs.filter((r) => r.type === CT.handshake).map((r) => r.body));
    this.ch = decodeClientHello(chRaw.subarray(4));
    this.transcript.push(chRaw);
    const offered = (t: number) => this.ch.extensions.has(t);
    this.ems = o.ems ?? offered(ExtensionType.extended_master_secret);
    this.etm = this.suite.kind === 'cbc' && (o.etm ?? offered(ExtensionType.encrypt_then_mac));
    this.serverRandom = o.serverRandom ? Buffer.from(o.serverRandom) : randomBytes(32);
    const exts: Extension[] = [];
    if (o.renegotiationInfo !== null) exts.push(ext(ExtensionType.renegotiation_info, Buffer.concat([Buffer.from([(o.renegotiationInfo ?? new Uint8Array(0)).length]), o.renegotiationInfo ?? new Uint8Array(0)])));
    if (this.ems) exts.push(ext(ExtensionType.extended_master_secret, new Uint8Array(0)));
    if (this.etm || (o.etm && this.suite.kind !== 'cbc')) exts.push(ext(ExtensionType.encrypt_then_mac, new Uint8Array(0)));
    if (o.ticket) exts.push(ext(ExtensionType.session_ticket, new Uint8Array(0)));
    exts.push(ext(ExtensionType.ec_point_formats, Uint8Array.of(1, 0)));
    exts.push(...(o.extraExtensions ?? []));
    const sh = encodeHandshake(
      HandshakeType.server_hello,
      encodeServerHello({ legacyVersion: 0x0303, random: this.serverRandom, sessionId: randomBytes(32), cipherSuite: o.cipherSuiteOnWire ?? o.suite ?? 0xc02b, compression: o.compression ?? 0, extensions: exts }),
    );
    const cred = credential('p256');
    const cert = encodeHandshake(HandshakeType.certificate, encodeCertificate12({ certificates: cred.chain }));
    this.ecdh.generateKeys();
    const point = this.ecdh.getPublicKey();
    const group = o.skeGroup ?? 0x0017;
    const params = encodeEcdheParams(group, point);
    // RFC 8422 §5.4: signed over client_random + server_random + ServerECDHParams (DER ECDSA).
    const sig = signWith(cred, Buffer.concat([this.ch.random, this.serverRandom, params]));
    if (o.tamperSignature) sig[sig.length - 5]! ^= 0x01;
    const ske = encodeHandshake(HandshakeType.server_key_exchange, encodeServerKeyExchangeEcdhe({ group, publicKey: point, scheme: o.skeScheme ?? 0x0403, signature: sig }));
    const msgs = [sh, cert, ske];
    if (o.certificateRequest) msgs.push(encodeHandshake(HandshakeType.certificate_request, Buffer.from([1, 64, 0, 2, 4, 3, 0, 0])));
    msgs.push(encodeHandshake(HandshakeType.server_hello_done, new Uint8Array(0)));
    this.transcript.push(...msgs.map((m) => Buffer.from(m)));
    return record(CT.handshake, Buffer.concat(msgs));
  }

  private hash(): Buffer {
    return createHash(this.suite.prf).update(Buffer.concat(this.transcript)).digest();
  }

  /** Process the client's flight (CKE, CCS, Finished); return the server's [NST] CCS Finished. */
  secondFlight(): Buffer {
    const s = this.suite;
    const recs = parseRecords(this.conn.takeOutput());
    const firstCcs = recs.findIndex((r) => r.type === CT.ccs);
    if (firstCcs < 0) throw new Error(`fake server: no CCS from the client (${recs.map((r) => r.type).join(',')})`);
    const plainMsgs = handshakeMessages(Buffer.concat(recs.slice(0, firstCcs).filter((r) => r.type === CT.handshake).map((r) => r.body)));
    for (const m of plainMsgs) {
      this.transcript.push(m);
      if (m[0] === HandshakeType.client_key_exchange) {
        const point = m.subarray(5, 5 + m[4]!);
        const pms = this.ecdh.computeSecret(point);
        // RFC 7627 §4 / RFC 5246 §8.1.
        this.masterSecret = this.ems
          ? nodePrf(s.prf, pms, 'extended master secret', this.hash(), 48)
          : nodePrf(s.prf, pms, 'master secret', Buffer.concat([this.ch.random, this.serverRandom]), 48);
      }
    }
    const macLen = s.kind === 'cbc' ? s.macLen : 0;
    const kb = nodePrf(s.prf, this.masterSecret, 'key expansion', Buffer.concat([this.serverRandom, this.ch.random]), 2 * (macLen + s.key + s.iv));
    let o = 0;
    const take = (n: number) => kb.subarray(o, (o += n));
    const cMac = take(macLen), sMac = take(macLen), cKey = take(s.key), sKey = take(s.key), cIv = take(s.iv), sIv = take(s.iv);
    this.read = new NodeRecordKeys(s, cKey, cIv, cMac, this.etm);
    this.write = new NodeRecordKeys(s, sKey, sIv, sMac, this.etm);
    const finRec = recs[firstCcs + 1]!;
    const fin = this.read.open(finRec.type, finRec.body);
    const expected = nodePrf(s.prf, this.masterSecret, 'client finished', this.hash(), 12);
    if (!fin.subarray(4).equals(expected)) throw new Error('fake server: the client Finished does not verify');
    this.transcript.push(fin);
    const out: Buffer[] = [];
    if (this.opts.ticket) {
      const nst = Buffer.from(encodeHandshake(HandshakeType.new_session_ticket, encodeNewSessionTicket12({ lifetimeHint: 300, ticket: this.opts.ticket })));
      this.transcript.push(nst);
      out.push(record(CT.handshake, nst));
    }
    out.push(record(CT.ccs, Buffer.from([1])));
    const verify = nodePrf(s.prf, this.masterSecret, 'server finished', this.hash(), 12);
    if (this.opts.tamperFinished) verify[0]! ^= 0x80;
    out.push(this.write.seal(CT.handshake, encodeHandshake(HandshakeType.finished, verify)));
    return Buffer.concat(out);
  }

  /** Run the handshake to the end (feed errors propagate). */
  handshake(): void {
    this.conn.feed(this.firstFlight());
    this.conn.feed(this.secondFlight());
  }

  /** The records the client sent since the last call, opened with the client's keys when protected. */
  clientRecords(): Array<{ type: number; content: Buffer }> {
    return parseRecords(this.conn.takeOutput()).map((r) => ({ type: r.type, content: this.read && r.type !== CT.ccs ? this.read.open(r.type, r.body) : r.body }));
  }
}
