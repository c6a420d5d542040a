/**
 * `puretls/ioredis`: a `Connector` class for ioredis, so `rediss` runs over puretls.
 *
 *   import Redis from 'ioredis';
 *   import { ioredisConnector } from 'puretls/ioredis';
 *   const redis = new Redis({ host: 'cache.example', port: 6380, tls: {}, Connector: ioredisConnector({ ca }) });
 *
 * ioredis waits for 'secureConnect' when `tls` is set (give `tls: {}`: node:tls is never used,
 * the connector opens the connection). ioredis is not a dependency of puretls.
 *
 * node-redis (`redis` / `@redis/client`) has no such hook: its `socket` options go straight to
 * node:tls / node:net, so puretls cannot be plugged into it.
 */
import { connect } from './node.js';
import type { TlsOptionsForLibrary } from './create-connection.js';
import type { TLSSocket } from './tls-socket.js';

/** The parts of ioredis' options a connector reads. */
interface RedisConnectionOptions {
  host?: string;
  port?: number;
  disconnectTimeout?: number;
}

/** ioredis' ConnectorConstructor shape: `new Connector(options)`, `connect()`, `check()`, `disconnect()`. */
export interface RedisConnector {
  connecting: boolean;
  stream: TLSSocket | undefined;
  check(info: unknown): boolean;
  connect(callback?: unknown): Promise<TLSSocket>;
  disconnect(): void;
}

export function ioredisConnector(tlsOptions: TlsOptionsForLibrary = {}): new (options: RedisConnectionOptions) => RedisConnector {
  return class PuretlsRedisConnector implements RedisConnector {
    connecting = false;
    stream: TLSSocket | undefined;
    private readonly options: RedisConnectionOptions;
    constructor(options: RedisConnectionOptions) {
      this.options = options;
    }
    check(): boolean {
      return true;
    }
    connect(): Promise<TLSSocket> {
      this.connecting = true;
      const host = this.options.host ?? 'localhost';
      // Like ioredis' own connector: resolve with the socket at once; ioredis listens for
      // 'secureConnect' and 'error' itself.
      return new Promise((resolve, reject) => {
        process.nextTick(() => {
          if (!this.connecting) {
            reject(new Error('Connection is closed.'));
            return;
          }
          try {
            this.stream = connect({ ...tlsOptions, host, port: this.options.port ?? 6379, servername: tlsOptions.servername ?? host });
          } catch (e) {
            reject(e);
            return;
          }
          resolve(this.stream);
        });
      });
    }
    disconnect(): void {
      this.connecting = false;
      const s = this.stream;
      if (s === undefined) return;
      const timer = setTimeout(() => s.destroy(), this.options.disconnectTimeout ?? 2000);
      s.on('close', () => clearTimeout(timer));
      s.end();
    }
  };
}
