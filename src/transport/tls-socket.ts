/**
 * `TLSSocket`: a `stream.Duplex` of plaintext over any Duplex of TLS bytes (a `net.Socket`, a
 * WebSocket bridge, an in-memory pair). It plugs into libraries that expect a socket (MQTT.js,
 * pg, ws, undici's `connect` option) and mirrors the parts of node:tls's TLSSocket they read:
 * `encrypted`, `alpnProtocol`, `authorized`, `authorizationError`, `getProtocol()`,
 * `getCipher()`, and the net.Socket pass-throughs (`setNoDelay`, `setKeepAlive`, `setTimeout`,
 * `ref`, `unref`, addresses).
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
import { Duplex } from 'node:stream';
import type { TlsError } from '../errors.js';
import type { HandshakeInfo } from '../types.js';
import { ConnectionDriver, type TlsEngine, type TransportSink } from './drive.js';

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

export interface TLSSocketOptions {
  /** Abort the handshake after this many ms (TlsError 'TIMEOUT'). */
  timeout?: number;
  /** The name the certificate was checked against (node:tls's `servername`). */
  servername?: string;
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

  constructor(engine: TlsEngine, transport: Duplex, options: TLSSocketOptions = {}) {
    super({ allowHalfOpen: false });
    this.connection = engine;
    this.transport = transport;
    this.servername = options.servername;
    this.driver = new ConnectionDriver(engine, this.makeSink(), { timeout: options.timeout });
    this.handshake = this.driver.handshake;
    this.handshake.then(
      () => {
        this.emit('secureConnect');
      },
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
    this.driver.start();
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
    return this.info?.verify.status === 'ok';
  }

  /** Why the certificate did not verify (comma-separated flags), as node:tls's string code. */
  get authorizationError(): string | undefined {
    const v = this.info?.verify;
    if (v === undefined || v.status === 'ok') return undefined;
    if (v.status === 'skipped') return 'VERIFY_SKIPPED';
    return v.flags.join(',') || 'CERT_VERIFY_FAILED';
  }

  /** 'TLSv1.3' / 'TLSv1.2', or null before the handshake (node:tls's getProtocol()). */
  getProtocol(): string | null {
    return this.info?.protocol ?? null;
  }

  /** node:tls's getCipher() shape; puretls reports IANA names in both fields. */
  getCipher(): { name: string; standardName: string; version: string } | undefined {
    const info = this.info;
    if (info === undefined) return undefined;
    return { name: info.cipher, standardName: info.cipher, version: info.protocol };
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
