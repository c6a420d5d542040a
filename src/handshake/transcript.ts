/**
 * The transcript hash (RFC 8446 §4.4.1; RFC 5246 §7.4.9 "handshake_messages").
 *
 * The hash function is known only once the cipher suite is (ServerHello), but the ClientHello
 * must be hashed too, so messages are buffered until `setHash()` and then fed to a running hash;
 * `current()` is Transcript-Hash(messages so far) without disturbing it (rustls'
 * HandshakeHashBuffer → HandshakeHash).
 *
 * HelloRetryRequest (§4.4.1): ClientHello1 is replaced by a synthetic message
 *     message_hash(254) || 00 00 Hash.length || Hash(ClientHello1)
 *
 * The raw messages are also kept (`messages()`): TLS 1.2 CertificateVerify signs
 * handshake_messages with the signature scheme's hash, which need not be the PRF hash.
 */
import { internalError } from '../errors.js';
import { concat } from '../wire/bytes.js';
import { type HashName, type RunningHash, createHash } from '../crypto/hash.js';
import { encodeHandshake } from './codec/handshake.js';
import { HandshakeType } from './codec/types.js';

export class Transcript {
  private running: RunningHash | undefined;
  private name: HashName | undefined;
  private raw: Uint8Array[] = [];

  constructor(hash?: HashName) {
    if (hash) this.setHash(hash);
  }

  /** The hash in use, once known. */
  get hashName(): HashName | undefined {
    return this.name;
  }

  /** Fix the hash function and hash everything buffered so far. Calling it again with another hash is an error. */
  setHash(name: HashName): void {
    if (this.name !== undefined) {
      if (this.name === name) return;
      throw internalError('transcript_hash_switched', `transcript hash already ${this.name}, cannot switch to ${name}`);
    }
    this.name = name;
    this.running = createHash(name);
    for (const m of this.raw) this.running.update(m);
  }

  /** Add one whole handshake message (header included). */
  add(raw: Uint8Array): void {
    const copy = raw.slice();
    this.raw.push(copy);
    this.running?.update(copy);
  }

  /** Transcript-Hash(messages so far). */
  current(): Uint8Array {
    if (!this.running) throw internalError('transcript_hash_unknown', 'transcript hash read before the hash is known');
    return this.running.digest();
  }

  /** All messages so far, concatenated (TLS 1.2 handshake_messages). */
  messages(): Uint8Array {
    return concat(...this.raw);
  }

  /** An independent copy (e.g. to hash a truncated ClientHello or try a branch). */
  clone(): Transcript {
    const t = new Transcript();
    t.name = this.name;
    t.running = this.running?.clone();
    t.raw = this.raw.slice();
    return t;
  }

  /**
   * RFC 8446 §4.4.1: on HelloRetryRequest, replace ClientHello1 (the only message so far) by
   * message_hash || 00 00 Hash.length || Hash(ClientHello1). Call it after setHash() and before
   * adding the HelloRetryRequest.
   */
  replaceWithMessageHash(): void {
    if (!this.name) throw internalError('transcript_hash_unknown', 'replaceWithMessageHash before the hash is known');
    const h = this.current();
    const synthetic = encodeHandshake(HandshakeType.message_hash, h);
    this.raw = [synthetic];
    this.running = createHash(this.name).update(synthetic);
  }
}
