/**
 * `puretls/node`: a drop-in for `node:tls`'s `connect()`. It returns a `TLSSocket` (a
 * `stream.Duplex` of plaintext) at once, emits 'secureConnect' when the handshake is done and
 * 'error' then 'close' when it fails, and takes node's option names beside puretls' own
 * (node-options.ts):
 *
 *   const socket = connect({ host: 'example.com', port: 443 }, () => {
 *     socket.end('GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
 *   });
 *   socket.pipe(process.stdout);
 *
 * The promise form: `await connectAsync(options)` (or `await socket.handshake`).
 *
 * Failures are TlsErrors: the core's own codes (CERT_VERIFY_FAILED, NEGOTIATION_FAILED...)
 * after its alert has been flushed to the peer, TIMEOUT when `timeout` ms pass first,
 * SOCKET_ERROR for transport errors (the system error, e.g. ECONNREFUSED, as `cause`),
 * CONNECTION_CLOSED when the peer hangs up mid-handshake. Bad options throw BAD_CONFIG at once.
 */
import { connect as netConnect, type NetConnectOpts } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { Duplex } from 'node:stream';
import { prepareIdentity } from '../identity/load.js';
import { ClientConnection } from '../connection.js';
import type { ClientOptions } from '../types.js';
import { splitOptions, type NodeConnectOptions } from './node-options.js';
import { TLSSocket } from './tls-socket.js';
import { driverOptions } from './drive.js';
import { hostAndPort, type RequestConnectOptions, type TlsOptionsForLibrary } from './create-connection.js';

export { TLSSocket } from './tls-socket.js';
export type { TLSSocketOptions } from './tls-socket.js';
export type { NodeConnectOptions } from './node-options.js';
export type { PeerCertificate, DetailedPeerCertificate } from './peer-certificate.js';

/**
 * Without `ca`, trust the Mozilla root store that Node ships (`tls.rootCertificates`), as
 * node:tls does. The array is the same object on every call, so its parse is cached.
 */
export function withDefaultRoots<T extends ClientOptions>(options: T): T {
  if (options.ca !== undefined || options.verify === 'none') return options;
  return { ...options, ca: rootCertificates as string[] };
}

/**
 * node:tls's `connect(options[, callback])`, also `connect(port[, host][, options][, callback])`.
 * Returns the socket synchronously; `callback` is a 'secureConnect' listener.
 */
export function connect(options: NodeConnectOptions, callback?: () => void): TLSSocket;
export function connect(port: number, host?: string, options?: NodeConnectOptions, callback?: () => void): TLSSocket;
export function connect(port: number, options?: NodeConnectOptions, callback?: () => void): TLSSocket;
export function connect(...args: unknown[]): TLSSocket {
  const [options, callback] = normalizeArgs(args);
  const split = splitOptions(options);
  let socket: TLSSocket | undefined;
  const userKeyLog = split.client.keyLog;
  // 'keylog' events (node:tls): lines reach the socket only while someone listens.
  const keyLog = (line: string): void => {
    userKeyLog?.(line);
    socket?.keylogLine(line);
  };
  // Validate the options before opening anything (BAD_CONFIG throws here).
  const engine = new ClientConnection(withDefaultRoots({ ...split.client, keyLog }));
  const transport: Duplex = split.socket ?? openTcp(split.net);
  const servername = options.servername === false ? undefined : (options.servername ?? split.client.host);
  socket = new TLSSocket(engine, transport, {
    ...driverOptions(options),
    servername,
    checkServerIdentity: split.checkServerIdentity,
    rejectUnauthorized: split.rejectUnauthorized,
  });
  if (callback !== undefined) socket.once('secureConnect', callback);
  return socket;
}

/** The promise form: resolves with the socket once the handshake is complete, rejects with its TlsError. */
export async function connectAsync(options: NodeConnectOptions): Promise<TLSSocket> {
  // An encrypted key or a pfx is decrypted first (asynchronously: src/identity/load.ts).
  const socket = connect(await prepareIdentity(options));
  // A failed handshake also destroys the socket with the error ('error' event, as node:tls):
  // here the rejection reports it. The listener stays on a failed socket (its 'error' comes a
  // tick after the rejection).
  const swallow = (): void => {};
  socket.on('error', swallow);
  await socket.handshake;
  socket.off('error', swallow);
  return socket;
}

function openTcp(net: ReturnType<typeof splitOptions>['net']): Duplex {
  const { noDelay, ...rest } = net;
  const opts = (rest.path !== undefined ? { path: rest.path } : rest) as NetConnectOpts;
  const tcp = netConnect(opts);
  if (noDelay === true) tcp.setNoDelay(true);
  return tcp;
}

function normalizeArgs(args: unknown[]): [NodeConnectOptions, (() => void) | undefined] {
  const cb = typeof args[args.length - 1] === 'function' ? (args.pop() as () => void) : undefined;
  if (typeof args[0] === 'number') {
    const port = args[0];
    const host = typeof args[1] === 'string' ? args[1] : undefined;
    const more = (typeof args[1] === 'object' ? args[1] : args[2]) as NodeConnectOptions | undefined;
    return [{ ...more, port, ...(host !== undefined ? { host } : {}) }, cb];
  }
  return [args[0] as NodeConnectOptions, cb];
}

export { pgSslRequest, smtpStartTls } from './starttls.js';
export type { RequestConnectOptions, TlsOptionsForLibrary } from './create-connection.js';

/**
 * `createConnection(tlsOptions)` for node:http(s) and ws (create-connection.ts): returns the
 * TLSSocket synchronously, with host, port and servername from the library's request options.
 */
export function createConnection(tlsOptions: TlsOptionsForLibrary = {}): (options: RequestConnectOptions, callback?: unknown) => TLSSocket {
  return (options) => {
    const { host, port } = hostAndPort(options);
    const servername = tlsOptions.servername ?? (options.servername || host);
    return connect({ ...tlsOptions, host, port, servername });
  };
}
