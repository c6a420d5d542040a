/**
 * `puretls/node`: connect over TCP (or any Duplex you already have) and get a `TLSSocket`, a
 * `stream.Duplex` of plaintext that plugs in where node:tls's socket would.
 *
 *   const socket = await connect({ host: 'example.com', port: 443, ca });
 *   socket.end('GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
 *
 * Failures reject with a TlsError: the core's own codes (CERT_VERIFY_FAILED,
 * HANDSHAKE_FAILURE...) after its alert has been flushed to the peer, TIMEOUT when `timeout`
 * ms pass first, SOCKET_ERROR for transport errors, CONNECTION_CLOSED when the peer hangs up
 * mid-handshake.
 */
import { connect as netConnect } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { Duplex } from 'node:stream';
import { ClientConnection } from '../connection.js';
import type { ClientOptions } from '../types.js';
import { TLSSocket } from './tls-socket.js';

export { TLSSocket } from './tls-socket.js';
export type { TLSSocketOptions } from './tls-socket.js';

export interface NodeConnectOptions extends ClientOptions {
  host: string;
  port: number;
  /** Carry TLS over this Duplex instead of opening a TCP connection (a WebSocket bridge, a proxy tunnel...). */
  socket?: Duplex;
}

/**
 * Without `ca`, trust the Mozilla root store that Node ships (`tls.rootCertificates`), as
 * node:tls does. The array is the same object on every call, so its parse is cached.
 */
export function withDefaultRoots<T extends ClientOptions>(options: T): T {
  if (options.ca !== undefined || options.verify === 'none') return options;
  return { ...options, ca: rootCertificates as string[] };
}

/** Open the transport, run the handshake, resolve with the TLSSocket once it is complete. */
export async function connect(options: NodeConnectOptions): Promise<TLSSocket> {
  // Validate the options before opening anything (BAD_CONFIG / BAD_PEM throw here).
  const engine = new ClientConnection(withDefaultRoots(options));
  const transport = options.socket ?? netConnect({ host: options.host, port: options.port });
  const servername =
    options.servername === false ? undefined : (options.servername ?? options.host);
  const socket = new TLSSocket(engine, transport, { timeout: options.timeout, servername });
  // A failed handshake also destroys the socket with the error ('error' event, as node:tls):
  // here the rejection reports it, so the event needs a listener until the handshake is done.
  // The listener stays on a failed socket (its 'error' comes a tick after the rejection).
  const swallow = (): void => {};
  socket.on('error', swallow);
  await socket.handshake;
  socket.off('error', swallow);
  return socket;
}
