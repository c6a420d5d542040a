/**
 * The shapes of `createConnection(tlsOptions)` (node.ts): the hook node:http(s) and ws take to
 * open a connection (`https.request({ createConnection })`, `new WebSocket(url, { createConnection })`).
 * The library calls it with its request options; puretls takes the host, port and servername from
 * them, adds `tlsOptions` (ca, ALPN, versions...), and returns the TLSSocket synchronously, as
 * node:tls's connect would.
 */
import type { NodeConnectOptions } from './node-options.js';

/** What node:http / ws hand to createConnection (the parts puretls reads). */
export interface RequestConnectOptions {
  host?: string | null;
  hostname?: string | null;
  port?: number | string | null;
  servername?: string;
  defaultPort?: number;
}

export type TlsOptionsForLibrary = Omit<NodeConnectOptions, 'host' | 'port' | 'socket'>;

/** Host and port from a library's request options (node:http's shapes: a string port, [v6] hosts). */
export function hostAndPort(o: RequestConnectOptions, defaultPort = 443): { host: string; port: number } {
  const raw = o.hostname ?? o.host ?? 'localhost';
  const host = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  const port = o.port === undefined || o.port === null || o.port === '' ? (o.defaultPort ?? defaultPort) : Number(o.port);
  return { host, port };
}
