/**
 * The Web Streams adapter behind `connectStreams` (web.ts): the pump rules are drive.ts's; this
 * file maps them onto a `{ readable, writable }` pair of Uint8Array streams.
 *
 * Backpressure: the transport is read only while the application's readable has room
 * (`desiredSize > 0`, or a pending `pull()`) and while the engine's replies to a peer that does
 * not read stay within drive.ts's REPLY_BUDGET (else reading waits for the transport writer's
 * `ready`); application writes resolve once the transport's writer is `ready` again.
 */
import { configError, TlsError } from '../errors.js';
import type { HandshakeInfo } from '../types.js';
import { ConnectionDriver, type DriverOptions, type TlsEngine, type TransportSink } from './drive.js';

/** Bytes as the runtimes hand them out: Uint8Array (Deno, Bun, workerd), ArrayBuffer (WebSocketStream), any view. */
export type ByteChunk = Uint8Array | ArrayBuffer | ArrayBufferView;

/** A byte stream in the Web Streams shape (a WebSocket bridge, a Deno/Bun/workerd socket). */
export interface ByteStreamPair {
  readable: ReadableStream<ByteChunk>;
  writable: WritableStream<Uint8Array>;
}

/** A chunk as a Uint8Array over the same memory; anything but bytes is a BAD_CONFIG TlsError. */
export function toBytes(chunk: unknown, where: string): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const what = chunk === null ? 'null' : typeof chunk === 'object' ? (chunk.constructor?.name ?? 'an object') : typeof chunk;
  throw configError('not_bytes', `${where}: expected bytes (Uint8Array, ArrayBuffer or another ArrayBufferView), got ${what}`);
}

export interface TlsStreams {
  /** Application data from the peer; ends at its close_notify (or the transport's end). */
  readable: ReadableStream<Uint8Array>;
  /** Application data to the peer (any byte chunk); closing it sends close_notify. */
  writable: WritableStream<ByteChunk>;
  info: HandshakeInfo;
  /** The sans-IO connection underneath (a `ClientConnection`). */
  connection: TlsEngine;
  /** Send close_notify and close the transport's writable side. */
  close(): Promise<void>;
  /** TLS 1.3: send a KeyUpdate now (RFC 8446 §4.6.3); `requestPeer` asks the server to update too. */
  updateKeys(opts?: { requestPeer?: boolean }): void;
}

export async function attachStreams(
  engine: TlsEngine,
  stream: ByteStreamPair,
  options: DriverOptions = {},
): Promise<TlsStreams> {
  // Only TlsErrors leave the API: a stream that is locked (or not a stream) is a usage error,
  // and a reader already taken is given back.
  let reader: ReadableStreamDefaultReader<ByteChunk>;
  let writer: WritableStreamDefaultWriter<Uint8Array>;
  try {
    reader = stream.readable.getReader();
  } catch (e) {
    throw configError('stream_not_readable', `stream.readable: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    writer = stream.writable.getWriter();
  } catch (e) {
    reader.releaseLock();
    throw configError('stream_not_writable', `stream.writable: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  let appController!: ReadableStreamDefaultController<Uint8Array>;
  let appClosed = false;
  let wakeReader: (() => void) | null = null;
  let consumerFull = false;
  let transportDone = false;

  const shutdownTransport = (abort: boolean): void => {
    if (transportDone) return;
    transportDone = true;
    reader.cancel().catch(() => {});
    if (abort) writer.abort().catch(() => {});
    else writer.close().catch(() => {});
  };

  const sink: TransportSink = {
    send(bytes) {
      writer.write(bytes).catch((e: unknown) => driver.transportFailed(e));
      return (writer.desiredSize ?? 1) > 0;
    },
    deliver(bytes) {
      if (appClosed) return true;
      appController.enqueue(bytes);
      if ((appController.desiredSize ?? 1) > 0) return true;
      consumerFull = true;
      return false;
    },
    deliverEnd() {
      if (appClosed) return;
      appClosed = true;
      appController.close();
    },
    fail(error) {
      if (!appClosed) {
        appClosed = true;
        appController.error(error);
      }
    },
    endTransport(thenDestroy) {
      if (thenDestroy) {
        // Let the last record (alert / close_notify) reach the writer before closing it.
        shutdownTransport(false);
      } else {
        writer.close().catch(() => {});
      }
    },
    destroyTransport() {
      shutdownTransport(true);
    },
  };
  const driver = new ConnectionDriver(engine, sink, options);

  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      appController = controller;
    },
    pull() {
      consumerFull = false;
      const wake = wakeReader;
      wakeReader = null;
      wake?.();
    },
    cancel() {
      appClosed = true;
      driver.close();
      const wake = wakeReader;
      wakeReader = null;
      wake?.();
    },
  });

  const writable = new WritableStream<ByteChunk>({
    async write(chunk) {
      if (!driver.write(toBytes(chunk, 'write'))) {
        await writer.ready;
        driver.drained();
      }
    },
    close() {
      driver.close();
    },
    abort() {
      shutdownTransport(true);
    },
  });

  // The read loop: transport → driver, pausing while the application's readable is full.
  const pump = async (): Promise<void> => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          driver.transportEnded();
          return;
        }
        if (driver.state === 'closed') return;
        if (driver.receive(toBytes(value, 'the transport readable'))) continue;
        // Our replies filled the transport: wait until it takes more (drive.ts, REPLY_BUDGET).
        while (driver.readBlocked && (driver.state as string) !== 'closed') {
          await writer.ready;
          driver.drained();
        }
        // The application's readable is full: wait for its next pull().
        if (consumerFull && !appClosed && (driver.state as string) !== 'closed') {
          await new Promise<void>((resolve) => {
            wakeReader = resolve;
          });
        }
      }
    } catch (e) {
      driver.transportFailed(e);
    }
  };

  driver.start();
  void pump();

  let info: HandshakeInfo;
  try {
    info = await driver.handshake;
  } catch (e) {
    shutdownTransport(!(e instanceof TlsError) || e.code === 'TIMEOUT');
    throw e;
  }

  return {
    readable,
    writable,
    info,
    connection: engine,
    updateKeys(opts) {
      driver.updateKeys(opts);
    },
    async close() {
      driver.close();
      await writer.closed.catch(() => {});
    },
  };
}
