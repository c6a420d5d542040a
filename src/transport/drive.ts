/**
 * The pump between a sans-IO connection and a byte transport, shared by every adapter
 * (node.ts: net.Socket / any Duplex; web.ts: Web Streams). design.md "The data path":
 *
 *   transport bytes ──► feed() ──► takeOutput() ──► transport
 *                                  read()       ──► application
 *
 * The driver owns no I/O itself: an adapter hands it the transport's events (`receive`,
 * `transportEnded`, `transportFailed`) and gives it a `TransportSink` to act through. It keeps
 * the rules in one place: flush the output after every step (so a fatal alert reaches the wire
 * before the error is reported), resolve the handshake once, enforce `timeout`, and map
 * transport failures to TlsError codes (TIMEOUT, SOCKET_ERROR, CONNECTION_CLOSED).
 *
 * Backpressure, both ways. Read side: `receive()` returns false when the application's buffer
 * is full (`deliver()` said so) and the adapter stops reading the transport until the
 * application reads. Write side: application writes wait for the transport (the adapters hold
 * their write callbacks until 'drain'), but received records can make the engine answer on its
 * own (a KeyUpdate with update_requested, a no_renegotiation alert): a peer that sends such
 * records and never reads would grow our output buffer with every byte it sends. So the replies
 * queued while the transport is over its high-water mark are counted, and once they pass
 * REPLY_BUDGET `receive()` returns false as well, until the adapter reports the transport
 * `drained()`. Reading is not paused for the application's own writes: a peer that echoes what
 * it reads would otherwise deadlock (it stops reading while we stop reading its echo).
 */
import { asTlsError, configError, internalError, TlsError } from '../errors.js';
import type { HandshakeInfo } from '../types.js';

/** The part of `ClientConnection` (src/connection.ts) that the transports use. */
export interface TlsEngine {
  feed(data: Uint8Array): void;
  takeOutput(): Uint8Array | null;
  write(data: Uint8Array): void;
  read(): Uint8Array | null;
  close(): void;
  /** TLS 1.3 KeyUpdate (ClientConnection.updateKeys). */
  updateKeys?(opts?: { requestPeer?: boolean }): void;
  readonly handshakeComplete: boolean;
  readonly peerClosed: boolean;
  readonly error: TlsError | undefined;
  readonly info: HandshakeInfo | undefined;
  /** RFC 5705 / RFC 8446 §7.5 (ClientConnection has it; test doubles may not). */
  exportKeyingMaterial?(label: string, context: Uint8Array | undefined, length: number): Uint8Array;
  /** Our and the peer's Finished verify_data (RFC 5929). */
  readonly finished?: Uint8Array | undefined;
  readonly peerFinished?: Uint8Array | undefined;
  /** An operation the handshake waits for (an asynchronous signer): see src/handshake/state.ts. */
  readonly pendingOperation?: { readonly result: PromiseLike<unknown> } | undefined;
  /** The transport ended (ClientConnection.eof): 'truncated' without close_notify, TRUNCATED with `requireCloseNotify`. */
  eof?(): 'close_notify' | 'truncated';
  completeOperation?(value: unknown): void;
  failOperation?(error: unknown): void;
}

/** What the driver asks of an adapter. */
export interface TransportSink {
  /** Write TLS bytes to the transport. Return false when the transport's buffer is full. */
  send(bytes: Uint8Array): boolean;
  /** Plaintext for the application. Return false to ask the adapter to stop reading the transport. */
  deliver(bytes: Uint8Array): boolean;
  /** End of the application stream (close_notify received, or the transport ended after the handshake). */
  deliverEnd(): void;
  /** A failure after the handshake (before it, the handshake promise rejects instead). */
  fail(error: TlsError): void;
  /**
   * Flush what was sent, then end the transport's write side. `thenDestroy`: tear it down once
   * flushed (after a fatal alert); otherwise keep reading (a local close_notify).
   */
  endTransport(thenDestroy: boolean): void;
  /** Tear the transport down now (timeouts). */
  destroyTransport(): void;
  /**
   * The handshake is complete, before any application data is delivered (node:tls emits
   * 'secureConnect' here). Optional.
   */
  secured?(info: HandshakeInfo): void;
}

export interface DriverOptions {
  /** ms for the whole handshake (TIMEOUT, phase 'handshake'). */
  timeout?: number;
  /** After the handshake: ms without a byte from the peer (TIMEOUT, phase 'read'). */
  readTimeout?: number;
  /** After the handshake: ms without a byte in either direction (TIMEOUT, phase 'idle'). */
  idleTimeout?: number;
  /** After our close_notify: ms to wait for the peer's before the transport is torn down. Default 2000. */
  closeTimeout?: number;
  /** Aborting it tears the connection down (TIMEOUT when its reason is a TimeoutError, else CLOSED). */
  signal?: AbortSignal;
  /**
   * A last check of the completed handshake (node:tls's checkServerIdentity): a TlsError fails
   * the handshake with it, as if the engine had.
   */
  accept?: (info: HandshakeInfo) => TlsError | undefined;
}

/**
 * handshaking → open → closing (we sent close_notify; the peer may still send) → closed.
 * Any failure goes straight to closed.
 */
export type DriverState = 'handshaking' | 'open' | 'closing' | 'closed';

/**
 * Bytes of engine replies to received records (not application data) that may be queued while
 * the transport is over its high-water mark before reading pauses: the bound on what a peer
 * that never reads can make us buffer, on top of the transport's own high-water mark.
 */
export const REPLY_BUDGET = 16 * 1024;

/** The driver's time-outs and signal, from the client options (`handshakeTimeout` wins over `timeout`). */
export function driverOptions(o: Omit<DriverOptions, 'accept'> & { handshakeTimeout?: number }): DriverOptions {
  const out: DriverOptions = {};
  const hs = o.handshakeTimeout ?? o.timeout;
  if (hs !== undefined) out.timeout = hs;
  if (o.readTimeout !== undefined) out.readTimeout = o.readTimeout;
  if (o.idleTimeout !== undefined) out.idleTimeout = o.idleTimeout;
  if (o.closeTimeout !== undefined) out.closeTimeout = o.closeTimeout;
  if (o.signal !== undefined) out.signal = o.signal;
  return out;
}

type TimerName = 'handshake' | 'read' | 'idle' | 'close';

/** Default bound on waiting for the peer's close_notify after ours. */
export const DEFAULT_CLOSE_TIMEOUT = 2000;

export class ConnectionDriver {
  readonly engine: TlsEngine;
  readonly handshake: Promise<HandshakeInfo>;
  private readonly sink: TransportSink;
  private resolveHandshake!: (info: HandshakeInfo) => void;
  private rejectHandshake!: (err: TlsError) => void;
  private readonly timers = new Map<TimerName, ReturnType<typeof setTimeout>>();
  private readonly options: DriverOptions;
  private _state: DriverState = 'handshaking';
  private ended = false;
  private _error: TlsError | undefined;
  /** The transport said its buffer is full (send() returned false) and has not drained since. */
  private transportFull = false;
  /** Reply bytes queued since the transport filled up. */
  private repliesWhileFull = 0;
  /** The pending operation being awaited, so it is awaited once. */
  private awaited: unknown;

  private readonly accept: DriverOptions['accept'];

  constructor(engine: TlsEngine, sink: TransportSink, options: DriverOptions = {}) {
    this.engine = engine;
    this.sink = sink;
    this.accept = options.accept;
    this.options = options;
    this.handshake = new Promise<HandshakeInfo>((resolve, reject) => {
      this.resolveHandshake = resolve;
      this.rejectHandshake = reject;
    });
    // Nobody may be listening yet when an early failure rejects; the adapter awaits it.
    this.handshake.catch(() => {});
    this.arm('handshake', options.timeout, (ms) => `the handshake did not complete within ${ms} ms`);
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) queueMicrotask(this.onAbort);
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  private readonly onAbort = (): void => {
    const reason: unknown = this.options.signal?.reason;
    const phase = this._state === 'handshaking' ? 'handshake' : 'connection';
    const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
    const err = timedOut
      ? new TlsError('TIMEOUT', 'abort_signal_timeout', `${phase}: the abort signal timed out`, { cause: reason, detail: { phase } })
      : new TlsError('CLOSED', 'aborted', `${phase}: aborted by the abort signal`, reason !== undefined ? { cause: reason, detail: { phase } } : { detail: { phase } });
    this.abort(err, true);
  };

  /** (Re)start one timer; when it fires the connection ends with TIMEOUT naming the phase. */
  private arm(name: TimerName, ms: number | undefined, why: (ms: number) => string): void {
    if (ms === undefined || !(ms > 0) || !Number.isFinite(ms)) return;
    const old = this.timers.get(name);
    if (old !== undefined) clearTimeout(old);
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        if (name === 'close') {
          // Our close_notify is out; the peer did not answer in time: stop waiting (not an error).
          this.end();
          this._state = 'closed';
          this.clearTimers();
          this.sink.destroyTransport();
          return;
        }
        if (name === 'handshake' && this._state !== 'handshaking') return;
        this.abort(new TlsError('TIMEOUT', `${name}_timeout`, `${name}: ${why(ms)}`, { detail: { phase: name } }), true);
      }, ms),
    );
  }

  /** A byte arrived (`inbound`) or was sent: restart the read and idle timers. */
  private activity(inbound: boolean): void {
    if (this._state !== 'open') return;
    if (inbound) this.arm('read', this.options.readTimeout, (ms) => `no data from the server for ${ms} ms`);
    this.arm('idle', this.options.idleTimeout, (ms) => `no data in either direction for ${ms} ms`);
  }

  get state(): DriverState {
    return this._state;
  }

  get error(): TlsError | undefined {
    return this._error;
  }

  /** Send what the engine queued at construction (the ClientHello). Call once the transport is open. */
  start(): void {
    this.flush();
    this.watchOperation();
  }

  /**
   * The handshake waits for an operation (an asynchronous signer): await it here (the core never
   * does), then resume the engine with its outcome and carry on as after a receive().
   */
  private watchOperation(): void {
    const op = this.engine.pendingOperation;
    if (!op || this.awaited === op) return;
    this.awaited = op;
    const resume = (step: () => void) => {
      if (this._state === 'closed') return;
      try {
        step();
      } catch (e) {
        this.flush();
        this.abort(asTlsError(e), false);
        return;
      }
      this.flush();
      this.progress();
      this.watchOperation();
    };
    Promise.resolve(op.result).then(
      (v) => resume(() => this.engine.completeOperation!(v)),
      (e: unknown) => resume(() => this.engine.failOperation!(e)),
    );
  }

  /**
   * Bytes that arrived from the transport. Returns false when reading should pause: the
   * application's buffer is full, or the engine's replies are over REPLY_BUDGET while the
   * transport is full (`readBlocked`; see the file comment).
   */
  receive(data: Uint8Array): boolean {
    if (this._state === 'closed') return true;
    this.activity(true);
    try {
      this.engine.feed(data);
    } catch (e) {
      // The engine queued its fatal alert: flush it before reporting.
      this.flush();
      const err = asTlsError(e);
      if (this._state === 'closing' && err.code === 'CLOSED') this.end();
      else this.abort(err, false);
      return true;
    }
    const replied = this.flushCounting();
    this.watchOperation();
    if (this.transportFull) this.repliesWhileFull += replied;
    const more = this.progress();
    return more && !this.readBlocked;
  }

  /** Reading waits for the transport to drain: our replies to the peer's records filled it. */
  get readBlocked(): boolean {
    return this.transportFull && this.repliesWhileFull > REPLY_BUDGET;
  }

  /** The transport drained (node 'drain', a writer's `ready`): replies may be queued again. */
  drained(): void {
    this.transportFull = false;
    this.repliesWhileFull = 0;
  }

  /** Hand decrypted data to the application; notice the handshake's end and close_notify. */
  progress(): boolean {
    if (this._state === 'handshaking' && this.engine.handshakeComplete) {
      this.clearTimer('handshake');
      const info = this.engine.info;
      if (info === undefined) {
        this.abort(internalError('no_handshake_info', 'handshake complete but no handshake info'), false);
        return true;
      }
      const refused = this.accept?.(info);
      if (refused !== undefined) {
        this.abort(refused, false);
        return true;
      }
      this._state = 'open';
      this.activity(true);
      this.resolveHandshake(info);
      this.sink.secured?.(info);
      // A 'secureConnect' listener may have destroyed the socket.
      if ((this._state as DriverState) === 'closed') return true;
    }
    let more = true;
    if (this._state === 'open' || this._state === 'closing') {
      let chunk: Uint8Array | null;
      while ((chunk = this.engine.read()) !== null) {
        if (chunk.length > 0 && !this.sink.deliver(chunk)) more = false;
      }
      if (this.engine.peerClosed) this.end();
    }
    return more;
  }

  /** Application data to send (buffered by the engine until the handshake is complete). */
  write(data: Uint8Array): boolean {
    if (this._state === 'closed' || this._state === 'closing') {
      throw this._error ?? new TlsError('CLOSED', 'write_after_close', 'the connection is closed for writing');
    }
    this.activity(false);
    try {
      this.engine.write(data);
    } catch (e) {
      this.flush();
      const err = asTlsError(e);
      this.abort(err, false);
      throw err;
    }
    return this.flush();
  }

  /** Send a KeyUpdate now (TLS 1.3) and flush it. */
  updateKeys(opts: { requestPeer?: boolean } = {}): void {
    if (!this.engine.updateKeys) throw configError('engine_without_key_update', 'updateKeys: this engine has no KeyUpdate');
    try {
      this.engine.updateKeys(opts);
    } catch (e) {
      const err = asTlsError(e);
      if (this.engine.error) {
        this.flush();
        this.abort(err, false);
      }
      throw err;
    }
    this.activity(false);
    this.flush();
  }

  /**
   * Queue close_notify, flush it and end the transport's write side. After the handshake the
   * peer may still send (RFC 8446 §6.1: closing is per direction), so reading goes on until its
   * close_notify or the end of the transport.
   */
  close(): void {
    if (this._state === 'closed' || this._state === 'closing') return;
    this.clearTimers();
    try {
      this.engine.close();
    } catch {
      // A close after an error has nothing more to say.
    }
    this.flush();
    if (this._state === 'handshaking') {
      this._state = 'closed';
      this.clearTimers();
      this.sink.endTransport(true);
      this.rejectHandshake(new TlsError('CLOSED', 'closed_during_handshake', 'the connection was closed before the handshake completed'));
    } else {
      this._state = this.ended ? 'closed' : 'closing';
      this.sink.endTransport(this.ended);
      // Wait for the peer's close_notify (or its end of stream), but not for ever.
      if (this._state === 'closing') this.arm('close', this.options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT, () => '');
    }
  }

  /** The transport ended (TCP FIN / stream done). */
  transportEnded(): void {
    if (this._state === 'handshaking') {
      this.abort(new TlsError('CONNECTION_CLOSED', 'transport_ended_during_handshake', 'the server closed the connection during the handshake'), true);
    } else if (this._state === 'open' || this._state === 'closing') {
      // Without close_notify the data may be truncated (RFC 8446 §6.1); like node:tls and the
      // browsers we report a plain end by default (`engine.truncated` / `peerClosed` tell the two
      // apart), and the error TRUNCATED when the options ask for it (`requireCloseNotify`).
      let err: TlsError | undefined;
      try {
        this.engine.eof?.();
      } catch (e) {
        err = asTlsError(e);
      }
      if (err) this.abort(err, true);
      else this.end();
    }
  }

  /** The transport failed (ECONNRESET, EPIPE, a stream error...). */
  transportFailed(cause: unknown): void {
    if (this._state === 'closed') return;
    const msg = cause instanceof Error ? cause.message : String(cause);
    const err = cause instanceof TlsError ? cause : new TlsError('SOCKET_ERROR', 'transport_error', `transport error: ${msg}`, { cause });
    this.abort(err, true);
  }

  /**
   * The application tore the adapter down (TLSSocket.destroy()): stop the handshake timer and,
   * during the handshake, reject it (else `handshake` would never settle). Sends nothing.
   */
  destroyed(cause?: unknown): void {
    if (this._state === 'closed') return;
    const wasHandshaking = this._state === 'handshaking';
    this._state = 'closed';
    this.clearTimers();
    if (!wasHandshaking) return;
    const err =
      cause instanceof TlsError
        ? cause
        : new TlsError('CLOSED', 'socket_destroyed_during_handshake', 'the socket was destroyed before the handshake completed', cause != null ? { cause } : {});
    this._error = err;
    this.rejectHandshake(err);
  }

  /** Take everything the engine queued and send it. Returns the transport's last answer. */
  flush(): boolean {
    this.flushCounting();
    return !this.transportFull;
  }

  /** flush(), returning the number of bytes sent and noting whether the transport is full. */
  private flushCounting(): number {
    let sent = 0;
    let out: Uint8Array | null;
    while ((out = this.engine.takeOutput()) !== null) {
      if (out.length === 0) continue;
      sent += out.length;
      if (!this.sink.send(out)) this.transportFull = true;
    }
    return sent;
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this._state === 'closing') {
      this._state = 'closed';
      this.clearTimers();
    }
    this.sink.deliverEnd();
  }

  private abort(err: TlsError, destroy: boolean): void {
    if (this._state === 'closed') return;
    const wasHandshaking = this._state === 'handshaking';
    this._state = 'closed';
    this._error = err;
    this.clearTimers();
    if (destroy) this.sink.destroyTransport();
    else this.sink.endTransport(true);
    if (wasHandshaking) this.rejectHandshake(err);
    else this.sink.fail(err);
  }

  private clearTimer(name: TimerName): void {
    const t = this.timers.get(name);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(name);
  }

  /** Every timer and the abort listener: nothing outlives the connection. */
  private clearTimers(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    if (this._state === 'closed') this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  /** Timers running now (tests check that none is left behind). */
  get pendingTimers(): number {
    return this.timers.size;
  }
}
