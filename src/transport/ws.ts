/**
 * `puretls/ws`: the `createConnection` option of the `ws` package's client, so
 * `wss://` runs over puretls.
 *
 *   import WebSocket from 'ws';
 *   import { wsCreateConnection } from 'puretls/ws';
 *   const ws = new WebSocket('wss://example.com/chat', { createConnection: wsCreateConnection({ ca }) });
 *
 * ws calls it with its request options and needs the socket back synchronously; the same
 * function serves `https.request({ createConnection })`. ws is not a dependency of puretls.
 */
export { createConnection as wsCreateConnection } from './node.js';
export type { RequestConnectOptions, TlsOptionsForLibrary } from './create-connection.js';
