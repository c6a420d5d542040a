/**
 * The sans-IO client connection (design.md "The data path"; rustls' read_tls /
 * process_new_packets / write_tls and mbedTLS's WANT_READ/WANT_WRITE in one object).
 *
 * It is fed bytes (`feed`), is asked for bytes (`takeOutput`), takes application data
 * (`write`) and hands it out (`read`). It never touches sockets, timers or Promises, so it runs
 * on any JavaScript runtime and a test (or a learner) can drive it one flight at a time.
 *
 * Errors: the handshake states throw TlsErrors; this file catches them in exactly one place
 * (`fail`), queues the fatal alert they name (direction 'sent'), and refuses further use.
 * Alerts from the peer become TlsErrors with direction 'received' (RFC 8446 §6).
 */
import { CryptoError } from './crypto/errors.js';
import { resolveConfig, type ResolvedConfig } from './config.js';
import { AlertDescription, alertName, asTlsError, configError, internalError, peerAlert, peerError, TlsError } from './errors.js';
import { HandshakeJoiner } from './handshake/codec/handshake.js';
import { HandshakeType, handshakeTypeName } from './handshake/codec/types.js';
import { startClientHandshake } from './handshake/client-hello.js';
import { isHelloRetryRequestBody } from './handshake/messages/hello.js';
import type { HandshakeContext, HandshakeMessage, HandshakeState, PendingOperation, SessionBindings, StoredTicket } from './handshake/state.js';
import type { HandshakeVerified } from './handshake/verify.js';
import { formatKeyLogLine } from './handshake/keylog.js';
import { ContentType, contentTypeName } from './record/content-type.js';
import type { RecordProtection } from './record/protection.js';
import { RecordLayer, type InboundRecord } from './record/record-layer.js';
import type { ClientOptions, HandshakeInfo, TraceEvent } from './types.js';
import { concat } from './wire/bytes.js';
import { suiteByName } from './crypto/suites.js';
import { CryptoSession, OperationFailure, OperationPending } from './crypto/provider.js';
import { runtimeSubtle, WebCryptoProvider } from './crypto/webcrypto.js';
import { AwaitingOperation } from './handshake/state.js';

/** Records that carry nothing useful (empty records, warning alerts, KeyUpdates, CCS) in a row. */
const MAX_NOISE_IN_A_ROW = 32;
/**
 * Records one write key may protect before we update it (RFC 8446 §5.5: AES-GCM 2^24.5 full-size
 * records; RFC 9147 §4.5.3 gives the same confidentiality limit and none below 2^64 records for
 * ChaCha20-Poly1305, where the sequence number ends first). TLS 1.3 only: TLS 1.2 has no KeyUpdate.
 */
const AEAD_RECORD_LIMIT: Readonly<Record<string, number>> = {
  'aes-128-gcm': Math.floor(2 ** 24.5),
  'aes-256-gcm': Math.floor(2 ** 24.5),
};
/** Update a little before the limit, so one large write never crosses it. */
const AEAD_LIMIT_MARGIN = 1024;
/** Tickets kept for resumption (the most recent ones). */
const MAX_TICKETS = 8;
/** Longest exporter output: HKDF's bound for SHA-256, 255 × 32 (RFC 5869 §2.3), for both versions. */
const MAX_EXPORT_LENGTH = 255 * 32;
/** RFC 5705 §4 / RFC 5246: labels the TLS 1.2 PRF already uses, refused as exporter labels. */
const RESERVED_EXPORTER_LABELS = new Set(['client finished', 'server finished', 'master secret', 'extended master secret', 'key expansion']);

export type ConnectionStatus = 'handshaking' | 'connected' | 'closed' | 'failed';

export class ClientConnection {
  readonly config: ResolvedConfig;
  private readonly records = new RecordLayer();
  private readonly joiner: HandshakeJoiner;
  private state: HandshakeState;
  private readonly out: Uint8Array[] = [];
  private readonly inbox: Uint8Array[] = [];
  private readonly pendingWrites: Uint8Array[] = [];
  private noiseInARow = 0;
  /** NewSessionTickets in a row without data: bounded on their own (BoGo SendEmptyRecords-Pass). */
  private ticketsInARow = 0;
  /** Records and plaintext bytes sent under the current write key (for automatic KeyUpdate). */
  private writeKeyRecords = 0;
  private writeKeyBytes = 0;
  private _keyUpdatesSent = 0;
  /** How we answered a CertificateRequest, if one came (for CLIENT_CERT_REQUIRED). */
  private clientCert: 'none' | 'empty' | 'sent' = 'none';
  private receivedData = false;
  private readEpoch = 0;
  /** The negotiated version, once the ServerHello is processed. */
  private version: '1.2' | '1.3' | undefined;
  private sentCloseNotify = false;
  /** A ChangeCipherSpec record went out (TLS 1.3: the middlebox-compatibility one). */
  private sentCcs = false;
  private _handshakeComplete = false;
  private _peerClosed = false;
  private _truncated = false;
  private _error: TlsError | undefined;
  private _info: HandshakeInfo | undefined;
  private readonly ctx: HandshakeContext;
  private readonly emitFn: ((e: TraceEvent) => void) | undefined;
  /** The handshake message a state is handling, and whether its trace event was emitted. */
  private current: { message: HandshakeMessage; reported: boolean } | undefined;
  /** Session tickets received (most recent last), for resumption. */
  readonly tickets: StoredTicket[] = [];
  private bindings: SessionBindings | undefined;
  /** The asynchronous crypto provider's session (`crypto: 'webcrypto'`), else undefined: noble, synchronous. */
  private readonly cryptoSession: CryptoSession | undefined;
  /** Trace events of a step that may still wait for an operation (dropped if it does: its re-run emits them). */
  private held: TraceEvent[] | undefined;

  constructor(options: ClientOptions) {
    try {
      let config = resolveConfig(options);
      if (options.crypto === 'webcrypto') {
        const subtle = runtimeSubtle();
        if (!subtle) throw configError('no_webcrypto', "`crypto`: 'webcrypto' was asked for, but this runtime has no crypto.subtle");
        const session = new CryptoSession(new WebCryptoProvider(subtle));
        const source = config.random;
        // A step run again (provider.ts) draws the same random bytes.
        config = { ...config, random: (n: number) => session.random(n, source) };
        this.cryptoSession = session;
      }
      this.config = config;
      this.joiner = new HandshakeJoiner({ maxCertificateSize: this.config.maxHandshakeSize });
      this.records.setPadding(this.config.recordPadding);
      this.emitFn = options.onEvent;
      this.ctx = this.makeContext();
      this.state = this.start();
    } catch (e) {
      // Only TlsErrors leave the public API: an option of the wrong type that slipped past
      // resolveConfig (or a `random` that throws) is a configuration error, before any byte.
      if (e instanceof TlsError) throw e;
      throw configError('bad_option_type', `invalid options: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    this.emit({ type: 'state', from: 'Start', to: this.state.name });
  }

  // ---------------------------------------------------------------- public API

  get handshakeComplete(): boolean {
    return this._handshakeComplete;
  }
  /** close_notify received from the peer: no more data will come. */
  get peerClosed(): boolean {
    return this._peerClosed;
  }
  /** The transport ended after the handshake without close_notify (see `eof()`). */
  get truncated(): boolean {
    return this._truncated;
  }
  get error(): TlsError | undefined {
    return this._error;
  }
  get info(): HandshakeInfo | undefined {
    return this._info;
  }
  get status(): ConnectionStatus {
    if (this._error) return 'failed';
    if (this._peerClosed || this.sentCloseNotify) return 'closed';
    return this._handshakeComplete ? 'connected' : 'handshaking';
  }
  /** The name of the handshake state (for learners and debuggers). */
  get stateName(): string {
    return this.state.name;
  }
  /** WANT_WRITE: takeOutput() has bytes to send. */
  get wantsWrite(): boolean {
    return this.out.length > 0;
  }
  /**
   * WANT_READ: nothing more can happen until feed() gets bytes from the peer (the handshake
   * waits for the server, or the connection is open and the peer has not closed). False once the
   * connection is closed or failed.
   */
  get wantsRead(): boolean {
    if (this._error || this._peerClosed || this.canceled) return false;
    return !this.sentCloseNotify || this._handshakeComplete;
  }
  /** Plaintext bytes received and not yet taken by read(). */
  get bytesAvailable(): number {
    let n = 0;
    for (const b of this.inbox) n += b.length;
    return n;
  }

  /**
   * Feed bytes received from the peer. Processes every complete record. On a fatal error the
   * alert is queued for takeOutput() and the TlsError is thrown (and kept in `error`).
   */
  feed(data: Uint8Array): void {
    if (this._error) throw this._error;
    if (!(data instanceof Uint8Array)) throw configError('feed_not_bytes', 'feed: expected a Uint8Array');
    if (this._peerClosed) return; // RFC 8446 §6.1: data after close_notify is ignored
    if (this.canceled) {
      // close() canceled the handshake: it cannot finish (our Finished may not follow close_notify).
      throw new TlsError('CLOSED', 'canceled_by_close', 'the handshake was canceled by close()');
    }
    try {
      this.records.push(data);
      this.pump();
    } catch (e) {
      throw this.fail(e);
    }
  }

  /**
   * Tell the core that the transport ended (TCP FIN, stream done): no more bytes will come.
   * Returns how the stream ended: 'close_notify' (a clean close, RFC 8446 §6.1) or 'truncated'
   * (after the handshake, without close_notify: the data may have been cut, and `truncated` is
   * then true). With `requireCloseNotify`, 'truncated' is instead the error TRUNCATED, thrown and
   * kept in `error` (whether or not we had sent close_notify: RFC 8446 §6.1 wants one from each
   * side). Before the handshake completes, the end is CONNECTION_CLOSED. Calling it again gives
   * the same answer.
   */
  eof(): 'close_notify' | 'truncated' {
    if (this._error) throw this._error;
    if (this._peerClosed) return 'close_notify';
    if (!this._handshakeComplete) {
      throw this.fail(new TlsError('CONNECTION_CLOSED', 'transport_ended_during_handshake', 'the server closed the connection during the handshake'));
    }
    if (this.config.options.requireCloseNotify) {
      throw this.fail(
        new TlsError('TRUNCATED', 'truncated_without_close_notify', 'the server closed the connection without close_notify after the handshake: the data received may have been cut (RFC 8446 §6.1; `requireCloseNotify` is set)'),
      );
    }
    if (!this._truncated) {
      this._truncated = true;
      this.emit({ type: 'closed', reason: 'truncated' });
    }
    return 'truncated';
  }

  /**
   * The operation the handshake waits for (an asynchronous signer), or undefined. While one is
   * pending, feed() only buffers: the driver awaits `result` and calls completeOperation() or
   * failOperation(); synchronous signers never get here.
   */
  get pendingOperation(): PendingOperation | undefined {
    return this._error ? undefined : this.state.pending;
  }

  /** Resume the handshake with the value the pending operation produced. Throws like feed(). */
  completeOperation(value: unknown): void {
    this.resumeOperation((ctx) => this.state.resume!(value, ctx));
  }

  /** The pending operation failed: the handshake fails (internal_error is sent). */
  failOperation(error: unknown): void {
    const why = error instanceof Error ? error.message : String(error);
    // A provider's operation that failed (an invalid peer key...): the step that asked for it
    // runs again and turns the failure into its own error (illegal_parameter...).
    if (this.state.pending?.kind === 'crypto') return this.resumeOperation((ctx) => this.state.resume!(new OperationFailure(error), ctx));
    this.resumeOperation(() => {
      if (error instanceof TlsError) throw error;
      throw new TlsError('BAD_CONFIG', 'signer_failed', `signer: ${this.state.pending!.description} failed: ${why}`, { cause: error });
    });
  }

  private resumeOperation(step: (ctx: HandshakeContext) => HandshakeState): void {
    if (this._error) throw this._error;
    if (!this.state.pending) throw new TlsError('CLOSED', 'no_pending_operation', 'no operation is pending');
    try {
      const before = this.state;
      const next = step(this.ctx);
      this.emit({ type: 'state', from: before.name, to: next.name });
      this.state = next;
      this.drainHandshake();
      this.pump();
    } catch (e) {
      throw this.fail(e);
    }
  }

  /** Process every complete record buffered, unless the handshake waits for an operation. */
  private pump(): void {
    for (;;) {
      if (this._peerClosed || this.canceled || this.state.pending) break;
      const rec = this.records.next();
      if (!rec) break;
      this.processRecord(rec);
    }
  }

  /** Bytes to send to the peer, or null when there is nothing to send. */
  takeOutput(): Uint8Array | null {
    if (this.out.length === 0) return null;
    const b = this.out.length === 1 ? this.out[0]! : concat(...this.out);
    this.out.length = 0;
    return b;
  }

  /** Queue application data (buffered until the handshake completes). */
  write(data: Uint8Array): void {
    if (this._error) throw this._error;
    if (this.sentCloseNotify) throw new TlsError('CLOSED', 'write_after_close', 'write after close(): the connection is closed for writing');
    if (!(data instanceof Uint8Array)) throw configError('write_not_bytes', 'write: expected a Uint8Array');
    if (!this._handshakeComplete) {
      this.pendingWrites.push(data.slice());
      return;
    }
    try {
      this.maybeUpdateKeys(data.length);
      this.send(ContentType.application_data, data);
    } catch (e) {
      throw this.fail(e);
    }
  }

  /**
   * Keying material exporter (RFC 5705 §4 for TLS 1.2, RFC 8446 §7.5 for TLS 1.3), available
   * once the handshake is complete. `context` undefined means no context (in TLS 1.3 the same
   * as an empty one). Throws BAD_CONFIG before the handshake, for a reserved label or a length
   * outside 1..8160.
   */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    const b = this.bindings;
    if (b === undefined) throw configError('export_before_handshake', 'exportKeyingMaterial: the handshake is not complete');
    if (typeof label !== 'string' || label.length === 0) throw configError('export_bad_label', 'exportKeyingMaterial: label must be a non-empty string');
    if (this.version === '1.2' && RESERVED_EXPORTER_LABELS.has(label)) {
      throw configError('export_reserved_label', `exportKeyingMaterial: "${label}" is a label of the TLS 1.2 key derivation itself (RFC 5705 §4)`);
    }
    if (!Number.isInteger(length) || length < 1 || length > MAX_EXPORT_LENGTH) {
      throw configError('export_bad_length', `exportKeyingMaterial: length must be an integer in 1..${MAX_EXPORT_LENGTH}`);
    }
    if (context !== undefined && (!(context instanceof Uint8Array) || context.length > 0xffff)) {
      throw configError('export_bad_context', 'exportKeyingMaterial: context must be a Uint8Array of at most 65535 bytes');
    }
    return b.exportKeyingMaterial(label, context, length);
  }

  /** Our Finished verify_data once the handshake is complete (RFC 5929 channel bindings). */
  get finished(): Uint8Array | undefined {
    return this.bindings?.clientFinished.slice();
  }
  /** The server's Finished verify_data once the handshake is complete. */
  get peerFinished(): Uint8Array | undefined {
    return this.bindings?.serverFinished.slice();
  }

  /**
   * TLS 1.3: send a KeyUpdate now and switch to the next write key (RFC 8446 §4.6.3); with
   * `requestPeer` the server is asked to update its key as well. Also done automatically
   * before the AEAD's usage limit, and every `keyUpdateAfterBytes` bytes when that is set.
   */
  updateKeys(opts: { requestPeer?: boolean } = {}): void {
    if (this._error) throw this._error;
    if (this.sentCloseNotify) throw new TlsError('CLOSED', 'update_keys_after_close', 'updateKeys after close(): the connection is closed for writing');
    if (!this._handshakeComplete) throw configError('update_keys_before_handshake', 'updateKeys: the handshake is not complete yet');
    if (!this.state.sendKeyUpdate) throw configError('update_keys_not_tls13', `updateKeys: ${this._info?.protocol ?? 'this version'} has no KeyUpdate (TLS 1.3 only)`);
    try {
      this.state.sendKeyUpdate(opts.requestPeer === true, this.ctx);
    } catch (e) {
      throw this.fail(e);
    }
  }

  /** KeyUpdates we sent (on request, automatically, or answering the server's request). */
  get keyUpdatesSent(): number {
    return this._keyUpdatesSent;
  }

  /** Before sending `n` bytes of application data: update the key if a limit would be crossed. */
  private maybeUpdateKeys(n: number): void {
    if (!this.state.sendKeyUpdate) return;
    const after = this.config.keyUpdateAfterBytes;
    const records = Math.ceil(n / this.records.maxSendContent);
    const limit = AEAD_RECORD_LIMIT[this._suiteAead ?? ''];
    if ((after !== undefined && this.writeKeyBytes >= after) || (limit !== undefined && this.writeKeyRecords + records > limit - AEAD_LIMIT_MARGIN)) {
      this.state.sendKeyUpdate(false, this.ctx);
    }
  }
  private _suiteAead: string | undefined;

  /** Application data received, or null when none is buffered. */
  read(): Uint8Array | null {
    if (this.inbox.length === 0) return null;
    const b = this.inbox.length === 1 ? this.inbox[0]! : concat(...this.inbox);
    this.inbox.length = 0;
    return b;
  }

  /**
   * Send close_notify (RFC 8446 §6.1). Idempotent. Nothing is sent after it. During the
   * handshake this cancels it: user_canceled, then close_notify (RFC 8446 §6.1), and feed()
   * refuses further input with CLOSED.
   */
  close(): void {
    if (this.sentCloseNotify || this._error) return;
    if (!this._handshakeComplete) this.sendAlert(1, AlertDescription.user_canceled);
    this.sendAlert(1, AlertDescription.close_notify);
    this.sentCloseNotify = true;
    this.emit({ type: 'closed', reason: 'local' });
  }

  /** close() was called before the handshake completed (possibly by an observer, mid-feed). */
  private get canceled(): boolean {
    return this.sentCloseNotify && !this._handshakeComplete && !this._error;
  }

  // ---------------------------------------------------------------- records

  private processRecord(rec: InboundRecord): void {
    if (this.emitFn) {
      this.emit({
        type: 'record',
        direction: 'received',
        contentType: contentTypeName(rec.type),
        length: rec.wireLength,
        encrypted: rec.encrypted,
        raw: rec.wire.slice(),
        ...(rec.encrypted ? { plaintext: rec.plaintext.slice() } : {}),
      });
    }
    // RFC 8446 §5.1: handshake messages MUST NOT be interleaved with other record types.
    if (rec.type !== ContentType.handshake && this.joiner.hasPartial()) {
      throw peerError('UNEXPECTED_MESSAGE', 'record_inside_fragmented_handshake', `${contentTypeName(rec.type)} record inside a fragmented handshake message`);
    }
    switch (rec.type) {
      case ContentType.handshake:
        return this.processHandshakeRecord(rec);
      case ContentType.alert:
        return this.processAlert(rec);
      case ContentType.change_cipher_spec:
        return this.processChangeCipherSpec(rec);
      case ContentType.application_data:
        return this.processApplicationData(rec);
      default:
        // RFC 8446 §5: an unexpected record type MUST be answered with unexpected_message. The
        // deframer checks the outer type; this is an unknown *inner* type of a protected record.
        throw peerError('UNEXPECTED_MESSAGE', 'unknown_inner_content_type', `protected record of unknown content type ${rec.type}`);
    }
  }

  private processHandshakeRecord(rec: InboundRecord): void {
    // RFC 8446 §5.1: zero-length fragments of Handshake type MUST NOT be sent.
    if (rec.plaintext.length === 0) {
      throw peerError('UNEXPECTED_MESSAGE', 'empty_handshake_record', 'empty handshake record');
    }
    if (this.records.readEncrypted !== rec.encrypted) {
      throw peerError('UNEXPECTED_MESSAGE', 'plaintext_handshake_after_encryption', 'plaintext handshake record after encryption started');
    }
    this.joiner.push(rec.plaintext);
    this.drainHandshake();
  }

  /** Dispatch every complete handshake message joined so far (stops while an operation is pending). */
  private drainHandshake(): void {
    for (;;) {
      if (this.state.pending) break;
      const m = this.joiner.next();
      if (!m) break;
      // RFC 5246 §7.3: after ServerHelloDone the server waits for the client's flight; a message
      // (even part of one) sent with it cannot belong to the handshake. Refused before our flight.
      if (m.type === HandshakeType.server_hello_done && this.joiner.buffered > 0) {
        throw peerError('UNEXPECTED_MESSAGE', 'handshake_data_after_server_hello_done', 'handshake data after ServerHelloDone, before our flight');
      }
      // RFC 8446 §4.1.4: the client answers a HelloRetryRequest with a new ClientHello, and §5.1
      // makes a ServerHello (which an HRR is) end its record: bytes sent with it are refused.
      if (m.type === HandshakeType.server_hello && this.joiner.buffered > 0 && isHelloRetryRequestBody(m.body)) {
        throw peerError('UNEXPECTED_MESSAGE', 'handshake_data_after_hello_retry_request', 'handshake data after a HelloRetryRequest, before our second ClientHello');
      }
      const epoch = this.readEpoch;
      this.dispatch(m);
      // RFC 8446 §5.1: handshake messages MUST NOT span a key change. A message still buffered
      // from a record read under the old keys is refused.
      if (this.readEpoch !== epoch && this.joiner.buffered > 0) {
        throw peerError('UNEXPECTED_MESSAGE', 'handshake_data_after_key_change', 'handshake data after a key change in the same record');
      }
      if (this._peerClosed || this._error || this.canceled) break;
    }
  }

  private dispatch(m: HandshakeMessage): void {
    const before = this.state;
    const next = this.handleMessage(before, m);
    if (next !== before) {
      this.emit({ type: 'state', from: before.name, to: next.name });
      this.state = next;
    }
  }

  /** The first ClientHello (its key shares may wait for the crypto provider). */
  private start(): HandshakeState {
    return this.step('Start', () => startClientHandshake(this.ctx), () => this.start());
  }

  /** `state` handles `m` (again, after an operation it waited for: see `step`). */
  private handleMessage(state: HandshakeState, m: HandshakeMessage): HandshakeState {
    this.current = { message: m, reported: false };
    try {
      return this.step(state.name, () => state.handle(m, this.ctx), () => this.handleMessage(state, m));
    } catch (e) {
      this.reportFailedMessage(m, state.name, e);
      throw e;
    } finally {
      this.current = undefined;
    }
  }

  /**
   * One handshake step. With an asynchronous crypto provider (src/crypto/provider.ts) the step
   * may stop at an operation: the connection then waits in AwaitingOperation, and once the
   * operation is settled `retry` runs the step again, which finds the result and goes on. The
   * step's trace events are held until it completes, so a re-run does not report twice.
   */
  private step(name: string, run: () => HandshakeState, retry: () => HandshakeState): HandshakeState {
    const session = this.cryptoSession;
    if (!session) return run();
    const held: TraceEvent[] = [];
    const outer = this.held;
    this.held = held;
    let next: HandshakeState;
    try {
      next = session.run(run);
    } catch (e) {
      this.held = outer;
      if (!(e instanceof OperationPending)) {
        for (const ev of held) this.emit(ev);
        throw e;
      }
      return new AwaitingOperation({ kind: 'crypto', description: e.description, result: e.result }, (value) => {
        session.settle(value);
        return retry();
      });
    }
    this.held = outer;
    for (const ev of held) this.emit(ev);
    return next;
  }

  /**
   * A state that rejects a message throws before it reports it: the trace still shows the
   * message that failed (with its bytes) and the check that failed, before the error.
   */
  private reportFailedMessage(m: HandshakeMessage, stateName: string, e: unknown): void {
    if (!this.emitFn) return;
    if (!this.current?.reported) {
      this.emit({ type: 'message', direction: 'received', name: handshakeTypeName(m.type), length: m.raw.length, summary: {}, raw: m.raw.slice() });
    }
    const err = asTlsError(e);
    const certs = err.detail?.['certificates'];
    if (Array.isArray(certs)) {
      const name = this.config.verifyName?.value ?? '(no name)';
      const where = (certs as Array<{ depth: number; subject: string; flags: string[]; reasons?: string[] }>)
        .filter((c) => c.flags.length > 0)
        .map((c) => `depth ${c.depth} ${c.subject}: ${(c.reasons ?? c.flags).join('; ')}`)
        .join(' | ');
      this.emit({ type: 'check', what: `certificate chain for ${name}`, ok: false, detail: where || err.explanation });
    } else {
      this.emit({ type: 'check', what: `${handshakeTypeName(m.type)} in ${stateName}`, ok: false, detail: `${err.code}: ${err.explanation}` });
    }
  }

  private processAlert(rec: InboundRecord): void {
    // RFC 8446 §6 / RFC 5246 §7.2: an alert is exactly two bytes (level, description).
    if (rec.plaintext.length !== 2) {
      throw peerError('MALFORMED_MESSAGE', 'alert_record_length', `alert record of ${rec.plaintext.length} bytes (expected 2)`);
    }
    const level = rec.plaintext[0]!;
    const desc = rec.plaintext[1]!;
    const name = alertName(desc);
    const tls13 = this.version === '1.3';
    const warning = level === 1 && (desc === AlertDescription.close_notify || desc === AlertDescription.user_canceled || !tls13);
    this.emit({ type: 'alert', direction: 'received', level: warning ? 'warning' : 'fatal', description: name });
    if (desc === AlertDescription.close_notify) {
      this._peerClosed = true;
      this.emit({ type: 'closed', reason: 'close_notify' });
      if (!this._handshakeComplete) {
        throw new TlsError('CONNECTION_CLOSED', 'close_notify_during_handshake', 'the server closed the connection (close_notify) before the handshake completed', {
          receivedAlert: desc,
        });
      }
      return;
    }
    if (warning) {
      // RFC 5246 §7.2.2 warning alerts (TLS 1.2) and user_canceled: noted, bounded.
      this.noise(`warning alert ${name}`);
      return;
    }
    // RFC 8446 §6.2: every other alert is fatal, whatever its level says.
    if (this.clientCert === 'empty' && !this.receivedData && CLIENT_CERT_ALERTS.has(desc)) {
      // We answered a CertificateRequest with an empty Certificate and the server gave up: in
      // TLS 1.3 this alert comes after our Finished, so it may end a "complete" handshake.
      throw new TlsError(
        'CLIENT_CERT_REQUIRED',
        name,
        `the server requires a client certificate (it asked for one, we had none to send, and it answered with ${name}): configure \`cert\` and \`key\` (or \`pfx\`, or \`signer\`) with a certificate the server trusts`,
        { receivedAlert: desc },
      );
    }
    throw peerAlert(desc, `the server sent a fatal alert: ${name} (${desc})${this.config.psk !== undefined && !this._handshakeComplete && PSK_ALERTS.has(desc) ? PSK_HINT : alertHint(desc)}`);
  }

  private processChangeCipherSpec(rec: InboundRecord): void {
    if (this.state.handleChangeCipherSpec) {
      // TLS 1.2: CCS is a protocol step (RFC 5246 §7.1).
      if (rec.plaintext.length !== 1 || rec.plaintext[0] !== 1) {
        throw peerError('MALFORMED_MESSAGE', 'change_cipher_spec_malformed', 'malformed ChangeCipherSpec');
      }
      const before = this.state;
      const next = before.handleChangeCipherSpec!(this.ctx);
      if (next !== before) {
        this.emit({ type: 'state', from: before.name, to: next.name });
        this.state = next;
      }
      return;
    }
    // RFC 8446 §5: a CCS of the single byte 0x01, unprotected, received after the ClientHello
    // and before the server's Finished, is dropped. Anything else is unexpected_message.
    if (rec.encrypted || rec.plaintext.length !== 1 || rec.plaintext[0] !== 1) {
      throw peerError('UNEXPECTED_MESSAGE', 'tls13_change_cipher_spec_invalid', 'invalid or protected ChangeCipherSpec record in TLS 1.3');
    }
    if (this._handshakeComplete || this.state.afterServerFinished) {
      throw peerError('UNEXPECTED_MESSAGE', 'change_cipher_spec_after_handshake', 'ChangeCipherSpec after the handshake');
    }
    this.noise('ChangeCipherSpec');
  }

  private processApplicationData(rec: InboundRecord): void {
    if (!this._handshakeComplete || !rec.encrypted) {
      throw peerError('UNEXPECTED_MESSAGE', 'application_data_before_handshake', 'application data before the handshake completed');
    }
    if (rec.plaintext.length === 0) {
      this.noise('empty application data record');
      return;
    }
    this.noiseInARow = 0;
    this.ticketsInARow = 0;
    this.receivedData = true;
    // A decrypted record is a fresh array we may keep; a view of the input must be copied.
    this.inbox.push(rec.aliased ? rec.plaintext.slice() : rec.plaintext);
  }

  private noise(what: string, budget: 'records' | 'tickets' = 'records'): void {
    // A NewSessionTicket is a real message: it neither counts against the empty-record budget
    // (a ticket plus 32 empty records is fine) nor resets it; tickets have their own bound.
    if (budget === 'tickets') {
      if (++this.ticketsInARow > MAX_NOISE_IN_A_ROW) {
        throw peerError('TOO_MANY_MESSAGES', 'too_many_tickets', `more than ${MAX_NOISE_IN_A_ROW} NewSessionTickets in a row without data`);
      }
      return;
    }
    if (++this.noiseInARow > MAX_NOISE_IN_A_ROW) {
      throw peerError('TOO_MANY_MESSAGES', 'too_many_records_without_data', `more than ${MAX_NOISE_IN_A_ROW} records in a row without data (last: ${what})`);
    }
  }

  // ---------------------------------------------------------------- output

  /** Fragment, protect and queue `data`; report each record to observers. */
  private send(type: number, data: Uint8Array, plain = false): void {
    // RFC 8446 §6.1: nothing follows our close_notify or fatal alert (a KeyUpdate answer, a
    // TLS 1.2 no_renegotiation warning...).
    if (this.sentCloseNotify) return;
    const first = this.out.length;
    if (plain) this.records.encodePlain(type, data, this.out);
    else this.records.encode(type, data, this.out);
    if (!plain && this.records.writeEncrypted) {
      this.writeKeyRecords += this.out.length - first;
      this.writeKeyBytes += data.length;
    }
    if (!this.emitFn) return;
    const encrypted = !plain && this.records.writeEncrypted;
    const max = this.records.maxSendContent;
    for (let i = first; i < this.out.length; i++) {
      const off = (i - first) * max;
      this.emit({
        type: 'record',
        direction: 'sent',
        contentType: contentTypeName(type),
        length: this.out[i]!.length,
        encrypted,
        raw: this.out[i]!.slice(),
        ...(encrypted ? { plaintext: data.slice(off, Math.min(data.length, off + max)) } : {}),
      });
    }
  }

  private sendAlert(level: 1 | 2, desc: number): void {
    this.emit({ type: 'alert', direction: 'sent', level: level === 1 ? 'warning' : 'fatal', description: alertName(desc) });
    try {
      this.send(ContentType.alert, Uint8Array.of(level, desc));
    } catch {
      // Sealing an alert can only fail when the sequence number is exhausted: nothing to send.
    }
  }

  private fail(e: unknown): TlsError {
    // A CryptoError that no layer translated is our bug: INTERNAL, with crypto's reason.
    const err = e instanceof CryptoError ? internalError(e.reason, e.message, { cause: e }) : asTlsError(e);
    if (this._error) return this._error;
    this._error = err;
    if (err.direction === 'sent' && err.alert !== undefined && !this.sentCloseNotify) {
      // RFC 8446 Appendix D.4: in compatibility mode the CCS precedes our first encrypted
      // record, and an alert under the handshake keys can be that record.
      if (this.version === '1.3' && this.config.middleboxCompat && this.records.writeEncrypted && !this.sentCcs) {
        this.ctx.sendChangeCipherSpec();
      }
      this.sendAlert(2, err.alert);
    }
    this.sentCloseNotify = true;
    this.emit({ type: 'error', error: err });
    this.emit({ type: 'closed', reason: 'error' });
    return err;
  }

  private emit(e: TraceEvent): void {
    if (!this.emitFn) return;
    if (e.type === 'message' && e.direction === 'received' && this.current && !e.raw) {
      // A state reports the message it handles: attach its bytes.
      this.current.reported = true;
      e = { ...e, raw: this.current.message.raw.slice() };
    }
    if (this.held) {
      this.held.push(e);
      return;
    }
    try {
      this.emitFn(e);
    } catch {
      // An observer's exception must not break the protocol.
    }
  }

  private makeContext(): HandshakeContext {
    const self = this;
    const cfg = this.config;
    return {
      config: cfg,
      now: cfg.options.now ?? (() => new Date()),
      sendHandshake(raw, summary) {
        self.emit({ type: 'message', direction: 'sent', name: handshakeTypeName(raw[0]!), length: raw.length, summary: summary ?? {}, raw: self.emitFn ? raw.slice() : undefined });
        self.send(ContentType.handshake, raw);
      },
      sendChangeCipherSpec() {
        self.emit({ type: 'message', direction: 'sent', name: 'change_cipher_spec', length: 1, summary: {} });
        self.send(ContentType.change_cipher_spec, Uint8Array.of(1), true);
        self.sentCcs = true;
      },
      setReadProtection(p: RecordProtection, label: string) {
        if (self.joiner.hasPartial()) {
          throw peerError('UNEXPECTED_MESSAGE', 'handshake_message_spans_key_change', 'handshake message spans a key change');
        }
        self.records.setReadProtection(p);
        self.readEpoch++;
        self.emit({ type: 'key', label: `read key: ${label}`, from: label });
      },
      setWriteProtection(p: RecordProtection, label: string) {
        self.records.setWriteProtection(p);
        self.writeKeyRecords = 0;
        self.writeKeyBytes = 0;
        if (label.endsWith('N+1')) self._keyUpdatesSent++;
        self.emit({ type: 'key', label: `write key: ${label}`, from: label });
      },
      setVersion(v: '1.2' | '1.3') {
        self.version = v;
      },
      setPlaintextVersion(v: number) {
        self.records.setPlaintextVersion(v);
      },
      setRecordLimits(l) {
        self.records.setLimits(l);
        self.emit({ type: 'check', what: 'record size limits negotiated', ok: true, detail: JSON.stringify(self.records.limits) });
      },
      emit(e: TraceEvent) {
        self.emit(e);
      },
      keyLog(label: string, clientRandom: Uint8Array, secret: Uint8Array) {
        const kl = cfg.options.keyLog;
        if (kl) {
          try {
            kl(formatKeyLogLine(label, clientRandom, secret));
          } catch {
            // ignore observer errors
          }
        }
      },
      complete(_proof: HandshakeVerified, info: HandshakeInfo) {
        const negotiated = suiteByName(info.cipher);
        self._suiteAead = negotiated?.protection === 'aead' ? negotiated.aead : undefined;
        self._info = { ...info, recordLimits: self.records.limits };
        self._handshakeComplete = true;
        self.noiseInARow = 0;
        // The data written during the handshake goes first, before an observer may write more.
        for (const w of self.pendingWrites) self.send(ContentType.application_data, w);
        self.pendingWrites.length = 0;
        self.emit({ type: 'handshake-complete', info: self._info });
      },
      noise(what: string, budget?: 'records' | 'tickets') {
        self.noise(what, budget);
      },
      sendWarningAlert(description: number) {
        self.sendAlert(1, description);
      },
      setBindings(b: SessionBindings) {
        self.bindings = b;
      },
      noteClientCertificate(sent: boolean) {
        self.clientCert = sent ? 'sent' : 'empty';
      },
      storeTicket(t: StoredTicket) {
        self.tickets.push(t);
        if (self.tickets.length > MAX_TICKETS) self.tickets.shift();
      },
    };
  }
}

/**
 * Alerts a server sends when it requires a client certificate and got none: certificate_required
 * (RFC 8446 §4.4.2.4), handshake_failure (RFC 5246 §7.4.6, OpenSSL and GnuTLS in TLS 1.2),
 * bad_certificate and access_denied (some servers), decode_error (GnuTLS 3.7 in TLS 1.2 answers an
 * empty Certificate with it: "No certificate was found").
 */
const CLIENT_CERT_ALERTS: ReadonlySet<number> = new Set([
  AlertDescription.certificate_required,
  AlertDescription.decode_error,
  AlertDescription.handshake_failure,
  AlertDescription.bad_certificate,
  AlertDescription.access_denied,
]);

/** Alerts a server sends when our PSK (identity or key) does not match its own. */
const PSK_ALERTS: ReadonlySet<number> = new Set([
  AlertDescription.decrypt_error,
  AlertDescription.bad_record_mac,
  AlertDescription.handshake_failure,
  AlertDescription.unknown_psk_identity,
  AlertDescription.illegal_parameter,
]);
const PSK_HINT = ': the server rejected our pre-shared key: check that `psk` has the identity and key the server expects';

/** A sentence that helps a person act on a received alert. */
function alertHint(desc: number): string {
  switch (desc) {
    case AlertDescription.protocol_version:
      return ': the server does not accept the TLS versions offered (check `minVersion`/`maxVersion`)';
    case AlertDescription.handshake_failure:
      return ': no common cipher suite, group or signature scheme, or the server requires a client certificate';
    case AlertDescription.unrecognized_name:
      return ': the server does not know the name sent as SNI (check `servername`)';
    case AlertDescription.certificate_required:
      return ': the server requires a client certificate';
    case AlertDescription.unknown_ca:
    case AlertDescription.bad_certificate:
      return ': the server rejected a certificate';
    case AlertDescription.decrypt_error:
    case AlertDescription.bad_record_mac:
      return ': the server could not verify our Finished or records (a key mismatch, or an interfering middlebox)';
    case AlertDescription.insufficient_security:
      return ': the server requires stronger parameters than offered';
    case AlertDescription.no_application_protocol:
      return ': none of the ALPN protocols offered is accepted';
    default:
      return '';
  }
}
