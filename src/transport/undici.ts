/**
 * `puretls/undici`: a connector for undici's `Agent({ connect })`, so `fetch` (undici's, or
 * Node's own through `dispatcher`) runs over puretls, HTTP/1.1 and h2.
 *
 *   import { Agent, fetch } from 'undici';
 *   import { undiciConnector } from 'puretls/undici';
 *   const dispatcher = new Agent({ allowH2: true, connect: undiciConnector({ ca, allowH2: true }) });
 *   const res = await fetch('https://example.com/', { dispatcher });
 *
 * undici hands a custom connector no ALPN list, so `allowH2` here says what to offer
 * (['h2', 'http/1.1'], or ['http/1.1']); undici then speaks h2 when the socket's
 * `alpnProtocol` is 'h2' (and its own `allowH2` is on). `http:` URLs get plain TCP.
 * undici is not a dependency of puretls: this file only follows its connector shape.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect } from './node.js';
import type { TlsOptionsForLibrary } from './create-connection.js';
import type { TLSSocket } from './tls-socket.js';

/** undici's `buildConnector.Options` (the fields puretls reads). */
export interface UndiciConnectOptions {
  hostname: string;
  host?: string;
  protocol: string;
  port: string | number;
  servername?: string;
  localAddress?: string | null;
}

/**
 * undici's `connector`. The callback is typed loosely (`never` parameters accept any function)
 * so this matches undici's own declaration, whose socket type is node:tls's TLSSocket class.
 */
export type UndiciConnector = (options: UndiciConnectOptions, callback: (...args: never) => void) => void;

export interface UndiciConnectorOptions extends Omit<TlsOptionsForLibrary, 'alpn' | 'ALPNProtocols'> {
  /** Offer h2 by ALPN (give undici's Agent `allowH2: true` too). Default false: HTTP/1.1 only. */
  allowH2?: boolean;
}

export function undiciConnector(options: UndiciConnectorOptions = {}): UndiciConnector {
  const { allowH2 = false, ...tlsOptions } = options;
  return (o, callback) => {
    let called = false;
    const once = (err: Error | null, socket: TLSSocket | Socket | null): void => {
      if (called) return;
      called = true;
      (callback as (err: Error | null, socket: TLSSocket | Socket | null) => void)(err, socket);
    };
    const host = o.hostname.startsWith('[') ? o.hostname.slice(1, -1) : o.hostname;
    const https = o.protocol === 'https:';
    const port = o.port === '' || o.port === undefined ? (https ? 443 : 80) : Number(o.port);
    if (!https) {
      const tcp = netConnect({ host, port, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
      tcp.once('connect', () => once(null, tcp));
      tcp.once('error', (e) => once(e, null));
      return;
    }
    let socket: TLSSocket;
    try {
      socket = connect({
        ...tlsOptions,
        host,
        port,
        servername: tlsOptions.servername ?? (o.servername || host),
        ALPNProtocols: allowH2 ? ['h2', 'http/1.1'] : ['http/1.1'],
        ...(o.localAddress ? { localAddress: o.localAddress } : {}),
      });
    } catch (e) {
      once(e as Error, null);
      return;
    }
    socket.once('secureConnect', () => once(null, socket));
    socket.once('error', (e) => once(e, null));
  };
}
