/**
 * A scriptable TLS 1.3 *server* for hostile-server tests of the sans-IO client (style-anchors
 * example 9: no socket; bytes in, bytes out).
 *
 * It is built from the project's own codecs and key-schedule functions, plus node:crypto for the
 * server's signature (the certificate and key come from the run-time test PKI, test/helpers/certs.ts).
 * Record sealing and opening are written here on top of the AEAD, not taken from src/record, so a
 * record-layer bug in the client is not mirrored by the server.
 *
 * Every step can be changed by a hook: the fields of ServerHello / HelloRetryRequest / EE /
 * Certificate / CertificateVerify, any message's raw bytes (drop, duplicate, inject, reorder), the
 * records (type, version, length, padding, key, raw bytes), and how the bytes are cut into feed()
 * calls. What the client sends back is read and decrypted like a real server would
 * (`clientRecords`, `clientAlerts`, `clientAppData`), so a test can assert the alert on the wire.
 *
 * RFC 8446 §4 (messages), §5 (records), §7 (key schedule), §4.4.3 (CertificateVerify content).
 */
import { sign as nodeSign } from 'node:crypto';
import { expect } from 'vitest';
import { ClientConnection } from '../../src/connection.js';
import { AlertDescription, TlsError, type AlertName, type TlsErrorCode } from '../../src/errors.js';
import type { ClientOptions } from '../../src/types.js';
import { createAead } from '../../src/crypto/aead.js';
import { computeSharedSecret, generateKeyShare, groupByCode, groupByName, respondToKeyShare, type KeyShare } from '../../src/crypto/groups.js';
import { suiteByCode, type Tls13Suite } from '../../src/crypto/suites.js';
import type { Aead } from '../../src/crypto/types.js';
import { encodeHandshake } from '../../src/handshake/codec/handshake.js';
import { ExtensionType, HandshakeType, HELLO_RETRY_REQUEST_RANDOM, ProtocolVersion } from '../../src/handshake/codec/types.js';
import {
  decodeKeyShareClientHello,
  encodeAlpnServer,
  encodeCookie,
  encodeKeyShareHelloRetryRequest,
  encodeKeyShareServerHello,
  encodeSupportedVersionsServer,
  ext,
  type Extension,
} from '../../src/handshake/extensions/index.js';
import { EarlySecretPhase, finishedVerifyData, nextApplicationTrafficSecret, trafficKeys } from '../../src/handshake/key-schedule13.js';
import {
  decodeClientHello,
  encodeCertificate13,
  encodeCertificateVerify,
  encodeEncryptedExtensions,
  encodeFinished,
  encodeKeyUpdate,
  encodeNewSessionTicket13,
  encodeServerHello,
  type DecodedClientHello,
} from '../../src/handshake/messages/index.js';
import { Transcript } from '../../src/handshake/transcript.js';
import { concat as cat } from '../../src/wire/bytes.js';
import { testPki, type LeafKind } from './certs.js';

export const CT = { ccs: 20, alert: 21, handshake: 22, appData: 23 } as const;

// ------------------------------------------------------------------ credentials

export interface ServerCredential {
  /** DER certificates, leaf first. */
  chain: Uint8Array[];
  keyPem: string;
  /** The TLS 1.3 SignatureScheme this key signs with. */
  scheme: number;
  /** The CA the client should trust (PEM). */
  ca: string;
}

const SCHEME: Partial<Record<LeafKind, { code: number; hash: string | null }>> = {
  ed25519: { code: 0x0807, hash: null },
  p256: { code: 0x0403, hash: 'sha256' },
};

function pemToDer(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    out.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

const creds = new Map<string, ServerCredential>();
/** A leaf (issued by the test PKI's intermediate) with its chain and key. */
export function credential(kind: 'ed25519' | 'p256' = 'ed25519'): ServerCredential {
  let c = creds.get(kind);
  if (!c) {
    const pki = testPki();
    const leaf = pki.leaf(kind);
    c = { chain: pemToDer(leaf.chainPem), keyPem: leaf.keyPem, scheme: SCHEME[kind]!.code, ca: pki.ca };
    creds.set(kind, c);
  }
  return c;
}

/** Sign `content` with the credential's key, as its scheme says. */
export function signWith(cred: ServerCredential, content: Uint8Array): Uint8Array {
  const kind = cred.scheme === 0x0807 ? 'ed25519' : 'p256';
  const h = SCHEME[kind]!.hash;
  return new Uint8Array(nodeSign(h, content, cred.keyPem));
}

/** RFC 8446 §4.4.3: 64 spaces, the context string, a zero byte, the transcript hash. */
export function serverCertificateVerifyContent(transcriptHash: Uint8Array): Uint8Array {
  const ctx = new TextEncoder().encode('TLS 1.3, server CertificateVerify');
  const out = new Uint8Array(64 + ctx.length + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  out.set(ctx, 64);
  out.set(transcriptHash, 64 + ctx.length + 1);
  return out;
}

// ------------------------------------------------------------------ record protection (test side)

/** One direction's AEAD state (RFC 8446 §5.2, §5.3): key, IV, sequence number. */
export class RecordKey {
  seq = 0n;
  readonly aead: Aead;
  readonly iv: Uint8Array;
  constructor(
    readonly suite: Tls13Suite,
    readonly secret: Uint8Array,
  ) {
    const k = trafficKeys(suite.hash, secret, suite.keyLength, 12);
    this.aead = createAead(suite.aead, k.key);
    this.iv = k.iv;
  }
  nonce(): Uint8Array {
    const n = this.iv.slice();
    let s = this.seq++;
    for (let i = n.length - 1; i >= n.length - 8; i--) {
      n[i]! ^= Number(s & 0xffn);
      s >>= 8n;
    }
    return n;
  }
  /** The next generation's key (RFC 8446 §7.2). */
  next(): RecordKey {
    return new RecordKey(this.suite, nextApplicationTrafficSecret(this.suite.hash, this.secret));
  }
}

function header(type: number, version: number, length: number): Uint8Array {
  return Uint8Array.of(type, version >> 8, version & 0xff, (length >> 8) & 0xff, length & 0xff);
}

/** A record the server will send. `key` 'plain' sends TLSPlaintext; otherwise TLSCiphertext under that key. */
export interface RecordSpec {
  /** Content type: the real one (inner type, for encrypted records). */
  type: number;
  payload: Uint8Array;
  key: 'plain' | 'handshake' | 'application';
  /** Outer header overrides. */
  outerType?: number;
  version?: number;
  /** Replace the header's length field (the body is unchanged). */
  length?: number;
  /** TLS 1.3 zero padding after the inner type. */
  padding?: number;
  /** Inner plaintext given whole (content || type || zeros): overrides type/payload/padding. */
  inner?: Uint8Array;
  /** Seal with a random key of the right length instead (bad_record_mac). */
  wrongKey?: boolean;
  /** Flip this byte of the sealed record (index into the whole record, header included). */
  flipByte?: number;
  /** After sealing this record, move the server's application write key to the next generation (KeyUpdate). */
  rotateAfter?: boolean;
  /** Send these bytes as they are. */
  raw?: Uint8Array;
}

export const plain = (type: number, payload: Uint8Array, o: Partial<RecordSpec> = {}): RecordSpec => ({ type, payload, key: 'plain', ...o });
export const hsRec = (payload: Uint8Array, o: Partial<RecordSpec> = {}): RecordSpec => ({ type: CT.handshake, payload, key: 'handshake', ...o });
export const appRec = (type: number, payload: Uint8Array, o: Partial<RecordSpec> = {}): RecordSpec => ({ type, payload, key: 'application', ...o });

/** A handshake message: type, u24 length, body (any bytes; for hostile messages). */
export function hsMsg(type: number, body: Uint8Array): Uint8Array {
  return encodeHandshake(type, body);
}

/** Set (data) or remove (null) an extension in a list, keeping the order. */
export function setExt(list: Extension[], type: number, data: Uint8Array | null): void {
  const i = list.findIndex((e) => e.type === type);
  if (data === null) {
    if (i >= 0) list.splice(i, 1);
  } else if (i >= 0) list[i] = ext(type, data);
  else list.push(ext(type, data));
}

export { cat };

// ------------------------------------------------------------------ the server

export interface MutableHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compression: number;
  extensions: Extension[];
}

export interface HrrOptions {
  /** The group asked for (default: none, i.e. no key_share in the HRR). */
  group?: number;
  cookie?: Uint8Array;
  suite?: number;
  mutate?: (hrr: MutableHello) => void;
}

export type FlightMessage = 'encrypted_extensions' | 'certificate' | 'certificate_verify' | 'finished';

export interface Hooks {
  /** HelloRetryRequests sent in turn before the ServerHello (each answered by a new ClientHello). */
  hrr?: HrrOptions[];
  serverHello?: (sh: MutableHello, s: FakeServer13) => void;
  /** The encoded ServerHello message (header included). */
  serverHelloRaw?: (raw: Uint8Array) => Uint8Array;
  /** Send the middlebox compatibility CCS after the ServerHello (default true). */
  ccs?: boolean;
  encryptedExtensions?: (exts: Extension[]) => void;
  certificate?: (c: { context: Uint8Array; entries: { data: Uint8Array; extensions: Extension[] }[] }) => void;
  /** Called after signing: change the scheme or the signature. */
  certificateVerify?: (cv: { scheme: number; signature: Uint8Array }) => void;
  /**
   * Replace one encrypted-flight message (raw, header included) by zero or more messages. What
   * is returned is what the transcript sees, so later messages are computed over it.
   */
  message?: (name: FlightMessage, raw: Uint8Array, s: FakeServer13) => Uint8Array[];
  /** Rearrange the whole encrypted flight after it is built. */
  flight?: (msgs: Uint8Array[]) => Uint8Array[];
  /** Put all encrypted flight messages in one record (default: one record per message). */
  coalesce?: boolean;
  /** Change the records before they are sealed (ServerHello, CCS, flight). */
  records?: (recs: RecordSpec[], s: FakeServer13) => RecordSpec[];
  /** Bytes per feed() call (default: all at once). */
  chunk?: number;
  /** Change the sealed bytes of the whole server flight before they are fed (fuzzing, truncation). */
  wire?: (bytes: Uint8Array, s: FakeServer13) => Uint8Array;
}

export interface FakeServerOptions {
  /** Client options (merged over: servername localhost, the test CA, verify required). */
  client?: Partial<ClientOptions>;
  /** Cipher suite the server picks (default TLS_AES_128_GCM_SHA256). */
  suite?: number;
  /** Group the server answers with (default x25519). */
  group?: string;
  cred?: 'ed25519' | 'p256';
  /** ALPN protocol the server selects in EE. */
  alpn?: string;
  /**
   * A client on the other end of a socket instead of an in-process ClientConnection
   * (fake-server13-net.ts): takeOutput() gives what it sent, feed() sends to it.
   */
  peer?: RemoteClient;
}

/** The part of a client the fake server talks to. */
export interface RemoteClient {
  takeOutput(): Uint8Array | null;
  feed(data: Uint8Array): void;
  readonly handshakeComplete: boolean;
}

export interface ClientRecord {
  type: number;
  plaintext: Uint8Array;
  encrypted: boolean;
}

export class FakeServer13 {
  readonly client: ClientConnection;
  readonly cred: ServerCredential;
  /** The latest ClientHello (decoded) and its raw message. */
  clientHello!: DecodedClientHello;
  clientHelloRaw!: Uint8Array;
  readonly clientHellos: Uint8Array[] = [];
  suite: Tls13Suite;
  group: string;
  readonly transcript = new Transcript();
  serverShare: KeyShare | undefined;
  /** Hybrid (KEM) groups: the secret the server's share was made with (ECDH groups compute it from serverShare). */
  serverShared: Uint8Array | undefined;
  /** What the client's feed() threw (kept: the first throw). */
  thrown: unknown;

  // keys
  private hsSecrets: { client: Uint8Array; server: Uint8Array } | undefined;
  private appSecrets: { client: Uint8Array; server: Uint8Array } | undefined;
  private serverHsKey: RecordKey | undefined;
  serverAppKey: RecordKey | undefined;
  /** The key the client's next encrypted record is read with. */
  private clientKey: RecordKey | undefined;
  private expectedClientFinished: Uint8Array | undefined;
  /** True once the client's Finished arrived and verified. */
  clientFinishedOk = false;

  // what the client sent
  readonly clientRecords: ClientRecord[] = [];
  /** Every record the client sent, as on the wire (header included). */
  readonly clientRaw: Uint8Array[] = [];
  private clientIn: Uint8Array = new Uint8Array(0);
  private clientHsIn: Uint8Array = new Uint8Array(0);

  constructor(readonly opts: FakeServerOptions = {}) {
    this.cred = credential(opts.cred ?? 'ed25519');
    const initial = suiteByCode(opts.suite ?? 0x1301);
    if (initial?.version !== '1.3') throw new Error(`fake TLS 1.3 server: 0x${(opts.suite ?? 0x1301).toString(16)} is not a TLS 1.3 suite`);
    this.suite = initial;
    this.group = opts.group ?? 'x25519';
    // A remote client is driven through the same three members; the tests that read more of
    // `client` use the in-process one.
    this.client = (opts.peer as ClientConnection | undefined) ?? new ClientConnection({ servername: 'localhost', ca: this.cred.ca, verify: 'required', ...opts.client });
    this.readClient();
    if (!this.clientHelloRaw) throw new Error('fake server: no ClientHello from the client');
    this.transcript.add(this.clientHelloRaw);
  }

  // ---------------------------------------------------------------- reading the client

  /** Take the client's output and decode it as a server would. Returns the new records. */
  readClient(): ClientRecord[] {
    const out = this.client.takeOutput();
    const fresh: ClientRecord[] = [];
    if (!out) return fresh;
    this.clientIn = cat(this.clientIn, out);
    while (this.clientIn.length >= 5) {
      const len = (this.clientIn[3]! << 8) | this.clientIn[4]!;
      if (this.clientIn.length < 5 + len) break;
      const hdr = this.clientIn.slice(0, 5);
      const body = this.clientIn.slice(5, 5 + len);
      this.clientIn = this.clientIn.slice(5 + len);
      this.clientRaw.push(cat(hdr, body));
      let rec: ClientRecord;
      if (hdr[0] === CT.appData) {
        // A client that derived other keys than ours (a fuzzed ServerHello) cannot be read:
        // such records are kept with type -1 (the fuzz tests check their shape instead).
        const inner = this.clientKey?.aead.open(this.clientKey.nonce(), hdr, body);
        if (!inner) {
          const r = { type: -1, plaintext: body, encrypted: true };
          this.clientRecords.push(r);
          fresh.push(r);
          continue;
        }
        let i = inner.length - 1;
        while (i >= 0 && inner[i] === 0) i--;
        rec = { type: inner[i]!, plaintext: inner.slice(0, i), encrypted: true };
      } else {
        rec = { type: hdr[0]!, plaintext: body, encrypted: false };
      }
      this.clientRecords.push(rec);
      fresh.push(rec);
      if (rec.type === CT.handshake) this.clientHandshake(rec.plaintext);
    }
    return fresh;
  }

  private clientHandshake(data: Uint8Array): void {
    this.clientHsIn = cat(this.clientHsIn, data);
    while (this.clientHsIn.length >= 4) {
      const len = (this.clientHsIn[1]! << 16) | (this.clientHsIn[2]! << 8) | this.clientHsIn[3]!;
      if (this.clientHsIn.length < 4 + len) break;
      const raw = this.clientHsIn.slice(0, 4 + len);
      this.clientHsIn = this.clientHsIn.slice(4 + len);
      switch (raw[0]) {
        case HandshakeType.client_hello:
          this.clientHelloRaw = raw;
          this.clientHello = decodeClientHello(raw.subarray(4));
          this.clientHellos.push(raw);
          break;
        case HandshakeType.certificate:
          // The client's (empty) Certificate after a CertificateRequest: its Finished covers it.
          if (this.clientTranscript) {
            this.clientTranscript.add(raw);
            this.expectedClientFinished = finishedVerifyData(this.suite.hash, this.hsSecrets!.client, this.clientTranscript.current());
          }
          break;
        case HandshakeType.finished:
          // RFC 8446 §4.4.4: check the client's Finished, then read with the application key.
          this.clientFinishedOk = this.expectedClientFinished !== undefined && Buffer.from(raw.subarray(4)).equals(Buffer.from(this.expectedClientFinished));
          if (this.appSecrets) this.clientKey = new RecordKey(this.suite, this.appSecrets.client);
          break;
        case HandshakeType.key_update:
          this.clientKey = this.clientKey!.next();
          break;
      }
    }
  }

  /** Alerts the client sent, decrypted: [{level, description}]. */
  clientAlerts(): { level: number; description: number }[] {
    this.readClient();
    return this.clientRecords.filter((r) => r.type === CT.alert).map((r) => ({ level: r.plaintext[0]!, description: r.plaintext[1]! }));
  }

  /** The last alert the client sent, if any. */
  decryptClientAlert(): { level: number; description: number } | undefined {
    return this.clientAlerts().at(-1);
  }

  /** Application data the client sent (all of it, concatenated). */
  clientAppData(): string {
    this.readClient();
    return Buffer.concat(this.clientRecords.filter((r) => r.type === CT.appData).map((r) => r.plaintext)).toString();
  }

  // ---------------------------------------------------------------- sending to the client

  /** Seal records with the server's keys (in order: sequence numbers advance). */
  seal(specs: RecordSpec[]): Uint8Array {
    return cat(...specs.map((s) => this.sealOne(s)));
  }

  private sealOne(s: RecordSpec): Uint8Array {
    if (s.raw) return s.raw;
    let rec: Uint8Array;
    if (s.key === 'plain') {
      rec = cat(header(s.outerType ?? s.type, s.version ?? 0x0303, s.length ?? s.payload.length), s.payload);
    } else {
      const key = s.key === 'handshake' ? this.serverHsKey : this.serverAppKey;
      if (!key) throw new Error(`fake server: no ${s.key} key yet`);
      const inner = s.inner ?? cat(s.payload, Uint8Array.of(s.type), new Uint8Array(s.padding ?? 0));
      const ctLen = inner.length + 16;
      const hdr = header(s.outerType ?? CT.appData, s.version ?? 0x0303, ctLen);
      const nonce = key.nonce();
      const aead = s.wrongKey ? createAead(this.suite.aead, new Uint8Array(this.suite.keyLength).fill(0x5a)) : key.aead;
      const ct = aead.seal(nonce, hdr, inner);
      if (s.length !== undefined) {
        hdr[3] = (s.length >> 8) & 0xff;
        hdr[4] = s.length & 0xff;
      }
      rec = cat(hdr, ct);
      if (s.rotateAfter && s.key === 'application') this.serverAppKey = key.next();
    }
    if (s.flipByte !== undefined) rec[s.flipByte]! ^= 0x01;
    return rec;
  }

  /**
   * Feed bytes to the client, `chunk` bytes per feed() call; stops at the first throw. Returns
   * what was thrown (or undefined). Then reads what the client sent.
   */
  deliver(bytes: Uint8Array, chunk = bytes.length || 1): unknown {
    let thrown: unknown;
    for (let off = 0; off < bytes.length; off += chunk) {
      try {
        this.client.feed(bytes.subarray(off, Math.min(bytes.length, off + chunk)));
      } catch (e) {
        thrown = e;
        break;
      }
    }
    if (thrown !== undefined && this.thrown === undefined) this.thrown = thrown;
    this.readClient();
    return thrown;
  }

  /** Seal and deliver records. */
  send(specs: RecordSpec | RecordSpec[], chunk?: number): unknown {
    const bytes = this.seal(Array.isArray(specs) ? specs : [specs]);
    return this.deliver(bytes, chunk);
  }

  // ---------------------------------------------------------------- messages

  private clientShare(groupCode: number): Uint8Array | undefined {
    const ks = this.clientHello.extensions.get(ExtensionType.key_share);
    if (!ks) return undefined;
    return decodeKeyShareClientHello(ks).find((e) => e.group === groupCode)?.keyExchange;
  }

  /** Build a HelloRetryRequest (RFC 8446 §4.1.4) as the default fields + options. */
  helloRetryRequest(o: HrrOptions = {}): Uint8Array {
    const exts: Extension[] = [ext(ExtensionType.supported_versions, encodeSupportedVersionsServer(ProtocolVersion.TLS13))];
    if (o.group !== undefined) exts.push(ext(ExtensionType.key_share, encodeKeyShareHelloRetryRequest(o.group)));
    if (o.cookie) exts.push(ext(ExtensionType.cookie, encodeCookie(o.cookie)));
    const hrr: MutableHello = {
      legacyVersion: ProtocolVersion.TLS12,
      random: HELLO_RETRY_REQUEST_RANDOM.slice(),
      sessionId: this.clientHello.sessionId.slice(),
      cipherSuite: o.suite ?? this.suite.code,
      compression: 0,
      extensions: exts,
    };
    o.mutate?.(hrr);
    return hsMsg(HandshakeType.server_hello, encodeServerHello(hrr));
  }

  /** Send an HRR and read the client's answer. Returns what feed() threw. */
  sendHelloRetryRequest(o: HrrOptions = {}, ccs = true): unknown {
    const raw = this.helloRetryRequest(o);
    const suite = suiteByCode(o.suite ?? this.suite.code);
    if (suite?.version === '1.3') this.suite = suite;
    // RFC 8446 §4.4.1: the transcript restarts with message_hash(ClientHello1).
    if (this.transcript.hashName === undefined) {
      this.transcript.setHash(this.suite.hash);
      this.transcript.replaceWithMessageHash();
    }
    this.transcript.add(raw);
    const before = this.clientHellos.length;
    const specs = [plain(CT.handshake, raw)];
    if (ccs) specs.push(plain(CT.ccs, Uint8Array.of(1)));
    const t = this.send(specs);
    if (this.clientHellos.length > before) this.transcript.add(this.clientHelloRaw);
    if (o.group !== undefined) {
      const g = groupByCode(o.group);
      if (g) this.group = g.name;
    }
    return t;
  }

  /** The default ServerHello fields (key share for `group` from the client's shares). */
  serverHelloFields(): MutableHello {
    const g = groupByName(this.group)!;
    this.serverShared = undefined;
    if (g.hybrid) {
      // A KEM share is an answer to the client's: encapsulate to it (draft-ietf-tls-ecdhe-mlkem §3.1).
      const peer = this.clientShare(g.code);
      let publicKey: Uint8Array = new Uint8Array(g.serverShareLength!); // no client share: the client will refuse the hello anyway
      if (peer?.length === g.keyShareLength) ({ publicKey, shared: this.serverShared } = respondToKeyShare(g, peer));
      this.serverShare = { group: g, privateKey: new Uint8Array(0), publicKey };
    } else {
      this.serverShare = generateKeyShare(g);
    }
    return {
      legacyVersion: ProtocolVersion.TLS12,
      random: new Uint8Array(32).fill(0x42),
      sessionId: this.clientHello.sessionId.slice(),
      cipherSuite: this.suite.code,
      compression: 0,
      extensions: [
        ext(ExtensionType.supported_versions, encodeSupportedVersionsServer(ProtocolVersion.TLS13)),
        ext(ExtensionType.key_share, encodeKeyShareServerHello({ group: g.code, keyExchange: this.serverShare.publicKey })),
      ],
    };
  }

  /** Add the ServerHello to the transcript and derive the handshake keys (RFC 8446 §7.1). */
  commitServerHello(raw: Uint8Array): void {
    if (this.transcript.hashName === undefined) this.transcript.setHash(this.suite.hash);
    this.transcript.add(raw);
    const g = groupByName(this.group)!;
    const peer = this.clientShare(g.code);
    let shared: Uint8Array;
    try {
      shared = this.serverShared ?? (peer && this.serverShare ? computeSharedSecret(this.serverShare, peer) : new Uint8Array(32));
    } catch {
      shared = new Uint8Array(32); // the client will refuse the hello anyway
    }
    const hs = new EarlySecretPhase(this.suite.hash).handshakeSecret(shared);
    const th = this.transcript.current();
    this.hsSecrets = { client: hs.clientHandshakeTrafficSecret(th), server: hs.serverHandshakeTrafficSecret(th) };
    this.serverHsKey = new RecordKey(this.suite, this.hsSecrets.server);
    this.clientKey = new RecordKey(this.suite, this.hsSecrets.client);
    this.master = hs.masterSecret();
  }
  private master: ReturnType<ReturnType<EarlySecretPhase['handshakeSecret']>['masterSecret']> | undefined;

  encryptedExtensions(exts: Extension[] = this.defaultEncryptedExtensions()): Uint8Array {
    return hsMsg(HandshakeType.encrypted_extensions, encodeEncryptedExtensions({ extensions: exts }));
  }
  defaultEncryptedExtensions(): Extension[] {
    return this.opts.alpn ? [ext(ExtensionType.alpn, encodeAlpnServer(this.opts.alpn))] : [];
  }
  certificate(c = { context: new Uint8Array(0), entries: this.cred.chain.map((data) => ({ data, extensions: [] as Extension[] })) }): Uint8Array {
    return hsMsg(HandshakeType.certificate, encodeCertificate13(c));
  }
  /** CertificateVerify over the transcript so far. */
  certificateVerify(mutate?: Hooks['certificateVerify']): Uint8Array {
    const cv = { scheme: this.cred.scheme, signature: signWith(this.cred, serverCertificateVerifyContent(this.transcript.current())) };
    mutate?.(cv);
    return hsMsg(HandshakeType.certificate_verify, encodeCertificateVerify(cv));
  }
  /** Server Finished over the transcript so far (RFC 8446 §4.4.4). */
  finished(): Uint8Array {
    const verifyData = finishedVerifyData(this.suite.hash, this.hsSecrets!.server, this.transcript.current());
    return hsMsg(HandshakeType.finished, encodeFinished({ verifyData }));
  }
  /** After the server Finished is in the transcript: application secrets and the client Finished we expect. */
  private deriveApplication(): void {
    const th = this.transcript.current();
    this.appSecrets = { client: this.master!.clientApplicationTrafficSecret(th), server: this.master!.serverApplicationTrafficSecret(th) };
    this.serverAppKey = new RecordKey(this.suite, this.appSecrets.server);
    this.expectedClientFinished = finishedVerifyData(this.suite.hash, this.hsSecrets!.client, th);
    this.clientTranscript = this.transcript.clone();
  }
  private clientTranscript: Transcript | undefined;

  newSessionTicket(o: Partial<{ lifetime: number; ageAdd: number; nonce: Uint8Array; ticket: Uint8Array; extensions: Extension[] }> = {}): Uint8Array {
    return hsMsg(
      HandshakeType.new_session_ticket,
      encodeNewSessionTicket13({ lifetime: 7200, ageAdd: 0x01020304, nonce: Uint8Array.of(0), ticket: new Uint8Array(16).fill(7), extensions: [], ...o }),
    );
  }
  keyUpdate(request: number): Uint8Array {
    return hsMsg(HandshakeType.key_update, encodeKeyUpdate({ requestUpdate: request as 0 | 1 }));
  }
  /** A KeyUpdate record: the server's key moves on after it. */
  keyUpdateRecord(request: number): RecordSpec {
    return appRec(CT.handshake, this.keyUpdate(request), { rotateAfter: true });
  }

  // ---------------------------------------------------------------- the whole handshake

  /**
   * Run the server's side of a full handshake with these hooks. Returns what the client's
   * feed() threw (undefined when it accepted everything).
   */
  handshake(h: Hooks = {}): unknown {
    for (const hrr of h.hrr ?? []) {
      const t = this.sendHelloRetryRequest(hrr, h.ccs ?? true);
      if (t !== undefined) return t;
    }
    const sh = this.serverHelloFields();
    h.serverHello?.(sh, this);
    const picked = suiteByCode(sh.cipherSuite);
    if (picked?.version === '1.3' && this.transcript.hashName === undefined) this.suite = picked;
    let shRaw = hsMsg(HandshakeType.server_hello, encodeServerHello(sh));
    if (h.serverHelloRaw) shRaw = h.serverHelloRaw(shRaw);
    this.commitServerHello(shRaw);

    const flight: Uint8Array[] = [];
    const emit = (name: FlightMessage, raw: Uint8Array) => {
      const msgs = h.message ? h.message(name, raw, this) : [raw];
      for (const m of msgs) {
        this.transcript.add(m);
        flight.push(m);
      }
    };
    const exts = this.defaultEncryptedExtensions();
    h.encryptedExtensions?.(exts);
    emit('encrypted_extensions', this.encryptedExtensions(exts));
    const cert = { context: new Uint8Array(0), entries: this.cred.chain.map((data) => ({ data, extensions: [] as Extension[] })) };
    h.certificate?.(cert);
    emit('certificate', this.certificate(cert));
    emit('certificate_verify', this.certificateVerify(h.certificateVerify));
    emit('finished', this.finished());
    this.deriveApplication();

    const msgs = h.flight ? h.flight(flight) : flight;
    let specs: RecordSpec[] = [plain(CT.handshake, shRaw)];
    if (h.ccs ?? true) specs.push(plain(CT.ccs, Uint8Array.of(1)));
    if (h.coalesce) specs.push(hsRec(cat(...msgs)));
    else for (const m of msgs) specs.push(hsRec(m));
    if (h.records) specs = h.records(specs, this);
    let bytes = this.seal(specs);
    if (h.wire) bytes = h.wire(bytes, this);
    return this.deliver(bytes, h.chunk);
  }

  /** handshake() that must succeed (and the client's Finished must verify). */
  completeHandshake(h: Hooks = {}): void {
    const t = this.handshake(h);
    if (t !== undefined) throw t;
    if (!this.client.handshakeComplete || !this.clientFinishedOk) throw new Error('fake server: the handshake did not complete');
  }
}

// ------------------------------------------------------------------ assertions

/**
 * The client refused at once: feed() threw a TlsError with this code and alert (direction
 * 'sent'), the alert is the one fatal alert on the wire (decrypted), and the connection stays
 * failed (a further feed() throws the same error and sends nothing more).
 */
export function expectRefused(s: FakeServer13, thrown: unknown, code: TlsErrorCode, alert: AlertName): TlsError {
  expect(thrown, 'feed() must throw at once').toBeInstanceOf(TlsError);
  const err = thrown as TlsError;
  expect({ code: err.code, alert: err.alertName, direction: err.direction }).toEqual({ code, alert, direction: 'sent' });
  expect(s.client.error).toBe(err);
  const alerts = s.clientAlerts();
  expect(alerts).toEqual([{ level: 2, description: AlertDescription[alert] }]);
  expect(() => s.client.feed(Uint8Array.of(CT.appData, 3, 3, 0, 1, 0))).toThrow(err);
  expect(s.client.takeOutput()).toBeNull();
  return err;
}
