/**
 * `puretls/pg`: a stream factory for node-postgres, so `pg` talks to PostgreSQL over puretls:
 * Postgres' SSLRequest, then the TLS handshake, on the connection pg opens.
 *
 *   import pg from 'pg';
 *   import { pgStream } from 'puretls/pg';
 *   const client = new pg.Client({ host: 'db.example', user, password, stream: pgStream({ ca }) });
 *   // do not set pg's own `ssl`: the stream already speaks TLS
 *
 * SCRAM-SHA-256-PLUS channel binding (pg's `enableChannelBinding: true`) works: the stream has
 * `getPeerCertificate()` (tls-server-end-point, RFC 5929 §4). pg is not a dependency of puretls.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect } from './node.js';
import type { TlsOptionsForLibrary } from './create-connection.js';
import { pgSslRequest } from './starttls.js';
import type { TLSSocket } from './tls-socket.js';

/**
 * The Duplex pg gets: `connect(port, host)` opens TCP, sends SSLRequest, runs TLS and emits
 * 'connect' once the handshake is done; then it carries pg's bytes through the TLSSocket.
 */
export class PgTlsStream extends Duplex {
  private tcp: Socket | undefined;
  private tls: TLSSocket | undefined;
  private noDelay = false;
  private readonly tlsOptions: TlsOptionsForLibrary;

  constructor(tlsOptions: TlsOptionsForLibrary = {}) {
    super();
    this.tlsOptions = tlsOptions;
  }

  connect(port: number, host = 'localhost'): this {
    const tcp = netConnect({ port, host });
    this.tcp = tcp;
    if (this.noDelay) tcp.setNoDelay(true);
    const fail = (e: Error): void => {
      this.destroy(e);
    };
    tcp.once('error', fail);
    tcp.once('connect', () => {
      pgSslRequest(tcp).then(
        () => {
          tcp.off('error', fail);
          const tls = connect({ ...this.tlsOptions, socket: tcp, servername: this.tlsOptions.servername ?? host });
          this.tls = tls;
          tls.on('data', (d: Buffer) => {
            if (!this.push(d)) tls.pause();
          });
          tls.on('end', () => this.push(null));
          tls.on('error', fail);
          tls.on('close', () => this.destroy());
          tls.once('secureConnect', () => this.emit('connect'));
        },
        fail,
      );
    });
    return this;
  }

  /** The server's certificate, for pg's channel binding (node:tls's shape). */
  getPeerCertificate(detailed?: boolean): ReturnType<TLSSocket['getPeerCertificate']> {
    return this.tls?.getPeerCertificate(detailed) ?? null;
  }
  /** The TLSSocket underneath, once connected. */
  get tlsSocket(): TLSSocket | undefined {
    return this.tls;
  }
  setNoDelay(noDelay = true): this {
    this.noDelay = noDelay;
    this.tcp?.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.tcp?.setKeepAlive(enable, initialDelay);
    return this;
  }
  ref(): this {
    this.tcp?.ref();
    return this;
  }
  unref(): this {
    this.tcp?.unref();
    return this;
  }

  override _read(): void {
    this.tls?.resume();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.tls === undefined) {
      callback(new Error('pg stream: write before connect'));
      return;
    }
    this.tls.write(chunk, callback);
  }
  override _final(callback: (err?: Error | null) => void): void {
    if (this.tls === undefined) callback();
    else this.tls.end(callback);
  }
  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.tls?.destroy();
    this.tcp?.destroy();
    callback(err);
  }
}

/** pg's `stream` option: a new PgTlsStream per connection. */
export function pgStream(tlsOptions: TlsOptionsForLibrary = {}): () => PgTlsStream {
  return () => new PgTlsStream(tlsOptions);
}
