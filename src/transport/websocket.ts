/**
 * `puretls/websocket`: TLS through a WebSocket-to-TCP bridge (`puretls bridge`), for browsers and
 * any runtime with the standard `WebSocket` (or Chromium's `WebSocketStream`). No Node
 * built-ins.
 *
 *   import { connectWebSocket } from 'puretls/websocket';
 *   const tls = await connectWebSocket('ws://127.0.0.1:8080/example.com:443', { host: 'example.com', ca });
 *   const w = tls.writable.getWriter(); await w.write(request);
 *   for await (const chunk of tls.readable) ...
 *
 * The bridge forwards bytes; TLS (and certificate verification) happens here, end to end.
 */
import { configError, TlsError } from '../errors.js';
import type { ClientOptions } from '../types.js';
import { connectStreams } from './web.js';
import type { ByteChunk, ByteStreamPair, TlsStreams } from './web-streams.js';

/** The standard WebSocket's surface used here (browsers, Deno, Bun, Node ≥ 22, the `ws` package). */
export interface WebSocketLike {
  binaryType: string;
  readyState: number;
  bufferedAmount?: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: { data?: unknown; code?: number; reason?: string }) => void): void;
}

/** Chromium's WebSocketStream (its `opened` gives the streams; chunks are ArrayBuffers). */
export interface WebSocketStreamLike {
  opened: Promise<{ readable: ReadableStream<ByteChunk | string>; writable: WritableStream<Uint8Array> }>;
}

/**
 * A WebSocket as a byte stream pair. Messages are queued in the readable (a WebSocket cannot be
 * paused); writes wait while the socket's `bufferedAmount` is over 1 MiB. Text frames are
 * refused (the bridge carries bytes only).
 */
export function webSocketStreams(ws: WebSocketLike): ByteStreamPair {
  ws.binaryType = 'arraybuffer';
  let failed = false;
  const readable = new ReadableStream<ByteChunk>({
    start(controller) {
      ws.addEventListener('message', (ev) => {
        if (failed) return;
        const d = ev.data;
        if (d instanceof ArrayBuffer || ArrayBuffer.isView(d)) controller.enqueue(d as ByteChunk);
        else {
          failed = true;
          controller.error(new TlsError('SOCKET_ERROR', 'websocket_text_message', 'websocket: a text message arrived; the bridge must send binary frames'));
          ws.close(1003, 'binary frames only');
        }
      });
      ws.addEventListener('close', () => {
        if (!failed) controller.close();
        failed = true;
      });
      ws.addEventListener('error', () => {
        if (!failed) controller.error(new TlsError('SOCKET_ERROR', 'websocket_failed', 'websocket: the connection failed'));
        failed = true;
      });
    },
    cancel() {
      // The reader is gone: the socket's later 'close' event must not touch the controller.
      failed = true;
      ws.close(1000);
    },
  });
  const writable = new WritableStream<Uint8Array>({
    async write(chunk) {
      if (ws.readyState !== 1) throw new TlsError('SOCKET_ERROR', 'websocket_not_open', 'websocket: not open');
      ws.send(chunk);
      while ((ws.bufferedAmount ?? 0) > 1 << 20 && ws.readyState === 1) await new Promise((r) => setTimeout(r, 10));
    },
    close() {
      ws.close(1000);
    },
    abort() {
      ws.close(1000);
    },
  });
  return { readable, writable };
}

/** Wait for a WebSocket to open (SOCKET_ERROR when it fails or closes first). */
export function webSocketOpen(ws: WebSocketLike): Promise<void> {
  if (ws.readyState === 1) return Promise.resolve();
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('error', () => reject(new TlsError('SOCKET_ERROR', 'websocket_connect_failed', 'websocket: could not connect to the bridge')));
    ws.addEventListener('close', (ev) =>
      reject(new TlsError('SOCKET_ERROR', 'websocket_closed_before_open', `websocket: closed before opening (code ${ev.code ?? '?'}${ev.reason ? `: ${ev.reason}` : ''})`)),
    );
  });
}

/** Open `url` with the standard WebSocket (or `WebSocketImpl`), then run TLS over it. */
export async function connectWebSocket(
  url: string,
  options: ClientOptions,
  WebSocketImpl: new (url: string) => WebSocketLike = (globalThis as unknown as { WebSocket: new (url: string) => WebSocketLike }).WebSocket,
): Promise<TlsStreams> {
  if (typeof WebSocketImpl !== 'function') throw configError('no_websocket', 'connectWebSocket: no WebSocket in this runtime (pass one)');
  const ws = new WebSocketImpl(url);
  ws.binaryType = 'arraybuffer';
  await webSocketOpen(ws);
  return connectStreams(webSocketStreams(ws), options);
}

/** TLS over Chromium's WebSocketStream: its streams yield ArrayBuffers, which connectStreams takes. */
export async function connectWebSocketStream(wss: WebSocketStreamLike, options: ClientOptions): Promise<TlsStreams> {
  const { readable, writable } = await wss.opened;
  return connectStreams({ readable: readable as ReadableStream<ByteChunk>, writable }, options);
}
