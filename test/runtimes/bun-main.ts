/**
 * Bun: TLS over `Bun.connect` (callback sockets, made a Web Streams pair here), one exchange per
 * request given as argv[2] (JSON).
 */
import { connectStreams, type ByteStreamPair } from '../../src/index.js';
import { tlsExchange, type ExchangeRequest, type ExchangeResult } from './client.js';

interface BunSocket {
  write(data: Uint8Array): number;
  end(): void;
}
declare const Bun: {
  version: string;
  argv: string[];
  connect(o: {
    hostname: string;
    port: number;
    socket: {
      open(s: BunSocket): void;
      data(s: BunSocket, d: Uint8Array): void;
      drain(s: BunSocket): void;
      close(s: BunSocket): void;
      error(s: BunSocket, e: Error): void;
      connectError?(s: BunSocket, e: Error): void;
    };
  }): Promise<BunSocket>;
};

/** A Bun socket as a byte stream pair; a partial write waits for `drain` before the rest. */
function bunStreams(port: number): Promise<ByteStreamPair> {
  return new Promise((resolve, reject) => {
    let input!: ReadableStreamDefaultController<Uint8Array>;
    let ended = false;
    let pending: { rest: Uint8Array; done: () => void } | undefined;
    const readable = new ReadableStream<Uint8Array>({ start: (c) => void (input = c) });
    const flush = (s: BunSocket) => {
      if (!pending) return;
      const n = s.write(pending.rest);
      pending.rest = pending.rest.subarray(Math.max(n, 0));
      if (pending.rest.length === 0) {
        const { done } = pending;
        pending = undefined;
        done();
      }
    };
    const finish = (e?: Error) => {
      if (ended) return;
      ended = true;
      if (e) input.error(e);
      else input.close();
    };
    Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open(s) {
          const writable = new WritableStream<Uint8Array>({
            write: (chunk) =>
              new Promise<void>((done) => {
                pending = { rest: chunk, done };
                flush(s);
              }),
            close: () => s.end(),
          });
          resolve({ readable, writable });
        },
        data: (_s, d) => input.enqueue(new Uint8Array(d)), // a copy: Bun may reuse its buffer
        drain: (s) => flush(s),
        close: () => finish(),
        error: (_s, e) => finish(e),
        connectError: (_s, e) => reject(e),
      },
    }).catch(reject);
  });
}

const out: ExchangeResult[] = [];
for (const req of JSON.parse(Bun.argv[2]!) as ExchangeRequest[]) {
  const open = async (options: Parameters<typeof connectStreams>[1]) => connectStreams(await bunStreams(req.port), options);
  out.push(await tlsExchange(open, req, `Bun ${Bun.version}`, 'Bun.connect'));
}
console.log(JSON.stringify(out));
