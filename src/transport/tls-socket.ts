/**
 * `TLSSocket`: a `stream.Duplex` of plaintext over any Duplex of TLS bytes (a `net.Socket`, a
 * WebSocket bridge, an in-memory pair). It plugs into libraries that expect a socket (MQTT.js,
 * pg, ws, undici's `connect` option) and mirrors node:tls's TLSSocket: `encrypted`,
 * `alpnProtocol`, `authorized`, `authorizationError`, `getProtocol()`, `getCipher()`,
 * `getPeerCertificate(detailed)`, `getPeerX509Certificate()`, `exportKeyingMaterial()`,
 * `getFinished()`/`getPeerFinished()`, `isSessionReused()`, the 'secureConnect' and 'keylog'
 * events, and the net.Socket pass-throughs (`setNoDelay`, `setKeepAlive`, `setTimeout`, `ref`,
 * `unref`, addresses).
 *
 * STARTTLS: the transport may already have carried plaintext and be paused with bytes
 * buffered (a Postgres SSLRequest, SMTP's STARTTLS): the socket takes it over and resumes it.
 *
 * The protocol work is the engine's (src/connection.ts); the shared rules of the pump are in
 * drive.ts. This file only maps them onto Node streams, honouring backpressure both ways:
 * `push()` returning false pauses the transport until `_read()`; a full transport holds
 * `_write()`'s callback until 'drain', and the engine's own replies to a peer that never reads
 * pause the transport until 'drain' too (drive.ts, REPLY_BUDGET).
 *
 * Failures behave like node:tls: a failed handshake rejects `handshake` and destroys the
 * socket with the TlsError ('error', then 'close'), so a library holding the socket (MQTT.js's
 * stream builder, `http.request`'s `createConnection`) hears of it.
 */
import type { X509Certificate } from 'node:crypto';
import { Duplex } from 'node:stream';
import { configError, peerError, type TlsError } from '../errors.js';
import type { HandshakeInfo } from '../types.js';
import { ConnectionDriver, driverOptions, type DriverOptions, type TlsEngine, type TransportSink } from './drive.js';
import {
  authorizationErrorCode,
  cipherView,
  peerCertificate,
  peerX509,
  type DetailedPeerCertificate,
  type PeerCertificate,
} from './peer-certificate.js';

/** The optional net.Socket methods that TLSSocket passes through when the transport has them. */
interface SocketLike extends Duplex {
  setNoDelay?(noDelay?: boolean): unknown;
  setKeepAlive?(enable?: boolean, initialDelay?: number): unknown;
  setTimeout?(timeout: number, callback?: () => void): unknown;
  ref?(): unknown;
  unref?(): unknown;
  remoteAddress?: string;
  remotePort?: number;
  remoteFamily?: string;
  localAddress?: string;
  localPort?: number;
}

export interface TLSSocketOptions extends Omit<DriverOptions, 'accept'> {
  /** Abort the handshake after this many ms (TlsError 'TIMEOUT'). */
  timeout?: number;
  /** The name the certificate was checked against (node:tls's `servername`). */
  servername?: string;
  /**
   * node:tls's checkServerIdentity: called with the name and the peer certificate once the
   * chain has verified (give the engine `ignore: ['NAME_MISMATCH']` so the name is its call).
   * An Error it returns fails the handshake (CERT_VERIFY_FAILED, the Error as cause) unless
   * `rejectUnauthorized` is false, which only sets `authorized` false.
   */
  checkServerIdentity?: (hostname: string, cert: PeerCertificate) => Error | undefined;
  /** Default true. */
  rejectUnauthorized?: boolean;
}

export class TLSSocket extends Duplex {
  /** Like node:tls: this socket is encrypted. */
  readonly encrypted = true;
  /** The sans-IO connection underneath (a `ClientConnection`). */
  readonly connection: TlsEngine;
  /** The transport that carries the TLS bytes. */
  readonly transport: Duplex;
  readonly servername: string | undefined;
  /** Resolves with the handshake information, rejects with the TlsError that ended it. */
  readonly handshake: Promise<HandshakeInfo>;
  private readonly driver: ConnectionDriver;
  private transportPaused = false;
  /** push() returned false: the application's buffer is full until _read(). */
  private consumerFull = false;
  /** The transport is flushing a last alert or close_notify and will be destroyed after. */
  private flushingThenDestroy = false;
  private pendingWrite: ((err?: Error | null) => void) | null = null;
  /** What checkServerIdentity returned, when rejectUnauthorized let the connection go on. */
  private identityError: Error | undefined;

  constructor(engine: TlsEngine, transport: Duplex, options: TLSSocketOptions = {}) {
    super({ allowHalfOpen: false });
    this.connection = engine;
    this.transport = transport;
    this.servername = options.servername;
    const check = options.checkServerIdentity;
    this.driver = new ConnectionDriver(engine, this.makeSink(), {
      ...driverOptions(options),
      accept: check === undefined ? undefined : (info) => this.checkIdentity(info, check, options.rejectUnauthorized ?? true),
    });
    this.handshake = this.driver.handshake;
    this.handshake.then(
      () => {},
      (err: TlsError) => {
        // node:tls: 'error' with the cause, then 'close'. A destroy() of ours already happened.
        if (!this.destroyed) this.destroy(err);
      },
    );

    transport.on('data', this.onTransportData);
    transport.on('end', this.onTransportEnd);
    transport.on('close', this.onTransportEnd);
    transport.on('error', this.onTransportError);
    transport.on('drain', this.onTransportDrain);
    transport.on('timeout', this.onTransportTimeout);
    // STARTTLS: a transport paused after its plaintext part would never deliver the
    // ServerHello (a 'data' listener does not resume an explicitly paused stream); what it
    // already buffered comes first.
    if (transport.isPaused()) transport.resume();
    this.driver.start();
  }

  /** node:tls's checkServerIdentity step (see TLSSocketOptions). */
  private checkIdentity(
    info: HandshakeInfo,
    check: NonNullable<TLSSocketOptions['checkServerIdentity']>,
    reject: boolean,
  ): TlsError | undefined {
    if (info.verify.status !== 'ok') return undefined;
    const name = this.servername ?? info.serverName ?? '';
    let err: unknown;
    try {
      err = check(name, peerCertificate(info, true) as PeerCertificate);
    } catch (e) {
      err = e;
    }
    if (err === undefined || err === null) return undefined;
    const e = err instanceof Error ? err : new Error(String(err));
    this.identityError = e;
    if (!reject) return undefined;
    const code = (e as { code?: unknown }).code;
    return peerError('CERT_VERIFY_FAILED', 'check_server_identity', `checkServerIdentity refused the certificate for ${name}: ${e.message}`, { cause: e, ...(typeof code === 'string' ? { detail: { code } } : {}) });
  }

  /** Called by the engine's keyLog (connect() wires it): node:tls's 'keylog' event, a line with its newline. */
  keylogLine(line: string): void {
    if (this.listenerCount('keylog') > 0) this.emit('keylog', Buffer.from(`${line}\n`, 'latin1'));
  }

  /** HandshakeInfo once the handshake is complete. */
  get info(): HandshakeInfo | undefined {
    return this.connection.info;
  }

  /** The negotiated ALPN protocol, or false (node:tls's convention). */
  get alpnProtocol(): string | false {
    return this.info?.alpn ?? false;
  }

  /** True when the peer's certificate chain verified (verify 'required', or 'optional' without failures). */
  get authorized(): boolean {
    return this.info?.verify.status === 'ok' && this.identityError === undefined;
  }

  /**
   * Why the certificate did not verify, in node:tls's codes (CERT_HAS_EXPIRED,
   * ERR_TLS_CERT_ALTNAME_INVALID, UNABLE_TO_VERIFY_LEAF_SIGNATURE...); puretls' flags are in
   * `info.verify.flags`. With `verify: 'none'`: VERIFY_SKIPPED.
   */
  get authorizationError(): string | undefined {
    const id = this.identityError;
    if (id !== undefined) {
      const code = (id as { code?: unknown }).code;
      return typeof code === 'string' ? code : id.message;
    }
    const info = this.info;
    return info === undefined ? undefined : authorizationErrorCode(info);
  }

  /** 'TLSv1.3' / 'TLSv1.2', or null before the handshake (node:tls's getProtocol()). */
  getProtocol(): string | null {
    return this.info?.protocol ?? null;
  }

  /** node:tls's getCipher(): `{ name: OpenSSL's name, standardName: IANA's, version: the suite's lowest protocol }`. */
  getCipher(): { name: string; standardName: string; version: string } | undefined {
    const info = this.info;
    return info === undefined ? undefined : cipherView(info);
  }

  /**
   * node:tls's getPeerCertificate(): the leaf as node prints it (subject, issuer,
   * subjectaltname, valid_from, valid_to, fingerprint256, serialNumber, raw...); `detailed`
   * adds `issuerCertificate` along the verified path. `{}` without a certificate, null before
   * the handshake or once destroyed.
   */
  getPeerCertificate(detailed: true): DetailedPeerCertificate | Record<string, never> | null;
  getPeerCertificate(detailed?: boolean): PeerCertificate | Record<string, never> | null;
  getPeerCertificate(detailed = false): PeerCertificate | Record<string, never> | null {
    const info = this.info;
    if (info === undefined || this.destroyed) return null;
    return peerCertificate(info, detailed);
  }

  /** node:tls's getPeerX509Certificate(): node's X509Certificate of the leaf. */
  getPeerX509Certificate(): X509Certificate | undefined {
    const info = this.info;
    return info === undefined ? undefined : peerX509(info);
  }

  /**
   * node:tls's exportKeyingMaterial(length, label, context): RFC 5705 (TLS 1.2) / RFC 8446 §7.5
   * (TLS 1.3). Throws a TlsError (BAD_CONFIG) before the handshake or for a bad argument.
   */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Buffer {
    const exporter = this.connection.exportKeyingMaterial;
    if (exporter === undefined) throw configError('no_exporter', 'exportKeyingMaterial: this engine has no exporter');
    const out = exporter.call(this.connection, label, context, length);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }

  /** Our Finished message's verify_data (node:tls's getFinished(); tls-unique in TLS 1.2, RFC 5929). */
  getFinished(): Buffer | undefined {
    const f = this.connection.finished;
    return f === undefined ? undefined : Buffer.from(f);
  }
  /** The server's Finished verify_data (node:tls's getPeerFinished()). */
  getPeerFinished(): Buffer | undefined {
    const f = this.connection.peerFinished;
    return f === undefined ? undefined : Buffer.from(f);
  }

  /** Whether the session was resumed (node:tls's isSessionReused()). */
  isSessionReused(): boolean {
    return this.info?.resumed ?? false;
  }

  /**
   * TLS 1.3: send a KeyUpdate now and move to the next write key; `requestPeer` asks the server
   * to update its key too (RFC 8446 §4.6.3). Throws a TlsError (BAD_CONFIG before the handshake
   * or on TLS 1.2, CLOSED after close).
   */
  updateKeys(opts: { requestPeer?: boolean } = {}): void {
    this.driver.updateKeys(opts);
  }

  /** The error that ended the connection, if any. */
  get tlsError(): TlsError | undefined {
    return this.driver.error ?? this.connection.error;
  }

  // net.Socket pass-throughs (pg, MQTT.js and undici call these).
  setNoDelay(noDelay?: boolean): this {
    (this.transport as SocketLike).setNoDelay?.(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    (this.transport as SocketLike).setKeepAlive?.(enable, initialDelay);
    return this;
  }
  setTimeout(timeout: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    (this.transport as SocketLike).setTimeout?.(timeout);
    return this;
  }
  ref(): this {
    (this.transport as SocketLike).ref?.();
    return this;
  }
  unref(): this {
    (this.transport as SocketLike).unref?.();
    return this;
  }
  get remoteAddress(): string | undefined {
    return (this.transport as SocketLike).remoteAddress;
  }
  get remotePort(): number | undefined {
    return (this.transport as SocketLike).remotePort;
  }
  get remoteFamily(): string | undefined {
    return (this.transport as SocketLike).remoteFamily;
  }
  get localAddress(): string | undefined {
    return (this.transport as SocketLike).localAddress;
  }
  get localPort(): number | undefined {
    return (this.transport as SocketLike).localPort;
  }

  // --- Duplex implementation -------------------------------------------------------------

  override _read(): void {
    this.consumerFull = false;
    this.updateFlow();
  }

  /** Pause the transport while the application is full or our replies wait for 'drain'; else resume. */
  private updateFlow(): void {
    const stop = this.consumerFull || this.driver.readBlocked;
    if (stop && !this.transportPaused) {
      this.transportPaused = true;
      this.transport.pause();
    } else if (!stop && this.transportPaused) {
      this.transportPaused = false;
      this.transport.resume();
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    let ok: boolean;
    try {
      ok = this.driver.write(chunk);
    } catch (e) {
      callback(e as Error);
      return;
    }
    if (ok) callback();
    else this.pendingWrite = callback;
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (err?: Error | null) => void): void {
    // One write per chunk: the engine fragments into records itself; the callback waits once.
    let ok = true;
    try {
      for (const c of chunks) ok = this.driver.write(c.chunk);
    } catch (e) {
      callback(e as Error);
      return;
    }
    if (ok) callback();
    else this.pendingWrite = callback;
  }

  override _final(callback: (err?: Error | null) => void): void {
    // end(): close_notify, then end the transport's write side (reading continues). Before the
    // handshake completes, wait for it (like node:tls): data written before end() goes first.
    if (this.driver.state === 'handshaking') {
      this.handshake.then(
        () => {
          this.driver.close();
          callback();
        },
        (err: Error) => callback(err),
      );
      return;
    }
    this.driver.close();
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.driver.destroyed(err);
    this.detach();
    if (!this.transport.destroyed && !this.flushingThenDestroy) this.transport.destroy();
    const pending = this.pendingWrite;
    this.pendingWrite = null;
    pending?.(err);
    callback(err);
  }

  // --- transport events --------------------------------------------------------------------

  private readonly onTransportData = (data: Buffer): void => {
    if (!this.driver.receive(data)) this.updateFlow();
  };
  private readonly onTransportEnd = (): void => {
    this.driver.transportEnded();
  };
  private readonly onTransportError = (err: Error): void => {
    this.driver.transportFailed(err);
  };
  private readonly onTransportDrain = (): void => {
    this.driver.drained();
    this.updateFlow();
    const pending = this.pendingWrite;
    this.pendingWrite = null;
    pending?.();
  };
  private readonly onTransportTimeout = (): void => {
    this.emit('timeout');
  };

  private detach(): void {
    this.transport.off('data', this.onTransportData);
    this.transport.off('end', this.onTransportEnd);
    this.transport.off('close', this.onTransportEnd);
    this.transport.off('drain', this.onTransportDrain);
    this.transport.off('timeout', this.onTransportTimeout);
    // Keep an error listener: a late ECONNRESET on a torn-down transport must not crash the process.
    this.transport.off('error', this.onTransportError);
    this.transport.on('error', () => {});
  }

  private makeSink(): TransportSink {
    const transport = this.transport;
    return {
      send: (bytes) => {
        if (!transport.writable) return true;
        return transport.write(bytes);
      },
      deliver: (bytes) => {
        if (this.push(bytes)) return true;
        this.consumerFull = true;
        return false;
      },
      deliverEnd: () => {
        this.push(null);
      },
      secured: () => {
        this.emit('secureConnect');
      },
      fail: (error) => {
        this.destroy(error);
      },
      endTransport: (thenDestroy) => {
        if (thenDestroy) {
          this.detach();
          if (transport.writable) {
            this.flushingThenDestroy = true;
            transport.end(() => transport.destroy());
            // A peer that stops reading must not keep the socket alive for ever.
            setTimeout(() => transport.destroy(), 2000).unref();
          } else transport.destroy();
        } else if (transport.writable) {
          transport.end();
        }
      },
      destroyTransport: () => {
        this.detach();
        transport.destroy();
      },
    };
  }
}
