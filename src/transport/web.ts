/**
 * TLS over the Web Streams byte-stream shape `{ readable, writable }`: WebSocket bridges,
 * Deno/Bun/workerd sockets, in-memory pipes. No Node built-ins, so the root entry point can
 * export it for browsers.
 *
 *   const tls = await connectStreams(socket, { host: 'example.com', ca });
 *   const w = tls.writable.getWriter(); await w.write(request);
 *   for await (const chunk of tls.readable) ...
 */
import { ClientConnection } from '../connection.js';
import { prepareIdentity } from '../identity/load.js';
import type { ClientOptions } from '../types.js';
import { driverOptions } from './drive.js';
import { attachStreams, type ByteStreamPair, type TlsStreams } from './web-streams.js';

export type { ByteStreamPair, ByteChunk, TlsStreams } from './web-streams.js';

/** Run the handshake over `stream`; resolve with the plaintext streams once it is complete. */
export async function connectStreams(stream: ByteStreamPair, options: ClientOptions): Promise<TlsStreams> {
  // An encrypted key or a pfx is decrypted first (asynchronously: src/identity/load.ts).
  const engine = new ClientConnection(await prepareIdentity(options));
  return attachStreams(engine, stream, driverOptions(options));
}
