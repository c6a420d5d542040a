/**
 * TLSSocket and the shared driver, over real TCP on 127.0.0.1, with the toy FakeEngine in place
 * of ClientConnection (fake-engine.ts): handshake, data both ways, close_notify both ways, the
 * failure codes (peer alert, TIMEOUT, CONNECTION_CLOSED, SOCKET_ERROR) and backpressure.
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { TLSSocket } from '../../src/transport/tls-socket.js';
import { FakeEngine } from './fake-engine.js';

const servers: Server[] = [];
const peers: Socket[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) p.destroy();
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** A TCP server running `onSocket` per connection; resolves with its port. */
async function serve(onSocket: (s: Socket) => void): Promise<number> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    peers.push(s);
    onSocket(s);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

function within<T>(p: Promise<T>, ms = 5000, what = 'operation'): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`${what} did not finish in ${ms} ms`)), ms).unref()),
  ]);
}

function collect(s: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString()));
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });
}

/** Accept "HELLO\n", answer with `reply`, and report everything received. */
function fakeServer(reply: string, after?: (s: Socket, got: () => string) => void) {
  let received = '';
  const done = new Promise<string>((resolve) => {
    void serve((s) => {
      s.on('data', (d) => {
        const first = received.length === 0;
        received += d.toString();
        if (first) {
          s.write(reply);
          after?.(s, () => received);
        }
      });
      s.on('end', () => s.end());
      s.on('close', () => resolve(received));
      s.on('error', () => {});
    }).then((p) => portReady(p));
  });
  let portReady!: (p: number) => void;
  const port = new Promise<number>((r) => (portReady = r));
  return { port, done };
}

function open(port: number, timeout?: number) {
  const engine = new FakeEngine();
  const tcp = netConnect({ host: '127.0.0.1', port });
  const sock = new TLSSocket(engine, tcp, { timeout, servername: 'localhost' });
  // Like node:tls, a failed handshake is also an 'error' on the socket (checked below).
  const errors: Error[] = [];
  sock.on('error', (e) => errors.push(e));
  return { engine, tcp, sock, errors };
}

/** Resolves once `s` has emitted 'close' (`closed` turns true a tick before the events). */
function closed(s: { closed: boolean; once(ev: 'close', f: () => void): unknown }): Promise<void> {
  return new Promise((r) => (s.closed ? setImmediate(r) : void s.once('close', () => r())));
}

describe('TLSSocket over TCP (fake engine)', () => {
  it('completes the handshake, moves data both ways and closes with close_notify', async () => {
    const srv = fakeServer('OK\nwelcome\n', (s, got) => {
      s.on('data', () => {
        if (got().includes('ping\n')) s.write('pong\nBYE\n');
        if (got().endsWith('BYE\n')) s.end();
      });
    });
    const { sock } = open(await srv.port);
    const info = await within(sock.handshake, 5000, 'handshake');
    expect(info.protocol).toBe('TLSv1.3');
    expect(sock.encrypted).toBe(true);
    expect(sock.alpnProtocol).toBe(false);
    expect(sock.authorized).toBe(true);
    expect(sock.authorizationError).toBeUndefined();
    expect(sock.getProtocol()).toBe('TLSv1.3');
    expect(sock.remoteAddress).toBe('127.0.0.1');
    const text = collect(sock);
    sock.write('ping\n');
    expect(await within(text, 5000, 'read')).toBe('welcome\npong\n');
    // The peer's BYE ended our readable; allowHalfOpen=false ends our side: BYE back.
    expect(await within(srv.done, 5000, 'server close')).toBe('HELLO\nping\nBYE\n');
  });

  it('buffers application data written before the handshake completes', async () => {
    const srv = fakeServer('', (s, got) => {
      setTimeout(() => s.write('OK\n'), 50);
      s.on('data', () => {
        if (got().includes('early\n')) s.end('BYE\n');
      });
    });
    const { sock, engine } = open(await srv.port);
    engine.write(new TextEncoder().encode('early\n'));
    await within(sock.handshake);
    await within(collect(sock));
    expect(await within(srv.done)).toContain('HELLO\nearly\n');
  });

  it('end(data) before the handshake completes sends the data, then close_notify (like node:tls)', async () => {
    const srv = fakeServer('', (s) => setTimeout(() => s.write('OK\n'), 50));
    const { sock } = open(await srv.port);
    sock.end('early\n');
    await within(sock.handshake, 5000, 'handshake');
    expect(await within(srv.done)).toBe('HELLO\nearly\nBYE\n');
  });

  it('end() before a handshake that fails reports the handshake error on the socket', async () => {
    const srv = fakeServer('FAIL\n');
    const { sock } = open(await srv.port);
    const errored = new Promise<unknown>((r) => sock.once('error', r));
    sock.end('early\n');
    const err = (await within(sock.handshake.then(() => null, (e: unknown) => e))) as TlsError;
    expect(err.code).toBe('NEGOTIATION_FAILED');
    expect(await within(errored)).toBe(err);
    expect(await within(srv.done)).toBe('HELLO\nALERT\n');
  });

  it('end() sends close_notify and keeps reading until the peer closes (half-close)', async () => {
    const srv = fakeServer('OK\n', (s, got) => {
      s.on('data', () => {
        if (got().endsWith('BYE\n')) s.end('late reply\nBYE\n');
      });
    });
    const { sock } = open(await srv.port);
    await within(sock.handshake);
    const text = collect(sock);
    sock.end();
    expect(await within(text)).toBe('late reply\n');
    expect(await within(srv.done)).toBe('HELLO\nBYE\n');
  });

  it('a failed handshake is an error on the socket, then close, like node:tls (not only a rejection)', async () => {
    const srv = fakeServer('FAIL\n');
    const engine = new FakeEngine();
    const tcp = netConnect({ host: '127.0.0.1', port: await srv.port });
    // Built directly and used synchronously, as MQTT.js's stream builder and
    // http.request's createConnection do: nobody looks at `handshake`.
    const sock = new TLSSocket(engine, tcp);
    const events: string[] = [];
    let error: unknown;
    sock.on('error', (e) => {
      events.push('error');
      error = e;
    });
    sock.on('close', () => events.push('close'));
    sock.write('early\n');
    await within(closed(sock), 5000, "the socket's close");
    expect(events).toEqual(['error', 'close']);
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).code).toBe('NEGOTIATION_FAILED');
    expect(sock.destroyed).toBe(true);
    expect(await within(srv.done)).toBe('HELLO\nALERT\n');
  });

  it('rejects with the engine error after flushing its alert to the peer', async () => {
    const srv = fakeServer('FAIL\n');
    const { sock, tcp, errors } = open(await srv.port);
    const err = await within(sock.handshake.then(() => null, (e: unknown) => e));
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).code).toBe('NEGOTIATION_FAILED');
    expect(await within(srv.done)).toBe('HELLO\nALERT\n');
    await within(new Promise((r) => (tcp.destroyed ? r(null) : tcp.once('close', r))));
    await within(closed(sock));
    expect(errors).toEqual([err]);
  });

  it('rejects with TIMEOUT and destroys the socket when the peer stays silent', async () => {
    const srv = fakeServer('');
    const port = await srv.port;
    const t0 = Date.now(); // before open(): the timer starts inside it
    const { sock, tcp, errors } = open(port, 150);
    const err = (await within(sock.handshake.then(() => null, (e: unknown) => e))) as TlsError;
    expect(err.code).toBe('TIMEOUT');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(tcp.destroyed).toBe(true);
    await within(closed(sock));
    expect(errors).toEqual([err]);
    await within(srv.done);
  });

  it('rejects with CONNECTION_CLOSED when the peer hangs up mid-handshake', async () => {
    const srv = fakeServer('', (s) => s.end());
    const { sock, errors } = open(await srv.port);
    const err = (await within(sock.handshake.then(() => null, (e: unknown) => e))) as TlsError;
    expect(err.code).toBe('CONNECTION_CLOSED');
    await within(closed(sock));
    expect(errors).toEqual([err]);
  });

  it('rejects with SOCKET_ERROR when the connection is refused', async () => {
    const port = await serve(() => {});
    await new Promise<void>((r) => servers.pop()!.close(() => r()));
    const { sock, errors } = open(port);
    const err = (await within(sock.handshake.then(() => null, (e: unknown) => e))) as TlsError;
    expect(err.code).toBe('SOCKET_ERROR');
    expect(err.explanation).toMatch(/ECONNREFUSED/);
    await within(closed(sock));
    expect(errors).toEqual([err]);
  });

  it('destroy() during the handshake rejects the handshake at once (CLOSED) and stops its timer', async () => {
    const srv = fakeServer('');
    const { sock, tcp, errors } = open(await srv.port, 60_000);
    await new Promise((r) => tcp.once('connect', r));
    const settled = sock.handshake.then(() => null, (e: unknown) => e);
    sock.destroy();
    // Without the fix the promise waits for the 60 s timeout (and that timer keeps the process alive).
    const err = (await within(settled, 1000, 'handshake to settle')) as TlsError;
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe('CLOSED');
    expect(tcp.destroyed).toBe(true);
    expect(sock.tlsError).toBe(err);
    // destroy() without an error: 'close' only, as a node:tls socket.
    await within(closed(sock));
    expect(errors).toEqual([]);
  });

  it('destroy(err) during the handshake rejects with that cause', async () => {
    const srv = fakeServer('');
    const { sock } = open(await srv.port);
    const cause = new Error('request aborted');
    const settled = sock.handshake.then(() => null, (e: unknown) => e);
    sock.on('error', () => {});
    sock.destroy(cause);
    const err = (await within(settled, 1000, 'handshake to settle')) as TlsError;
    expect(err.code).toBe('CLOSED');
    expect(err.cause).toBe(cause);
  });

  it('destroys the socket with the error when the engine fails after the handshake', async () => {
    const srv = fakeServer('OK\n', (s) => setTimeout(() => s.write('x'), 20));
    const { sock, engine } = open(await srv.port);
    await within(sock.handshake);
    const orig = engine.feed.bind(engine);
    engine.feed = (d) => {
      if (engine.handshakeComplete) throw new TlsError('RECORD_AUTH_FAILED', 'record_authentication_failed', 'bad mac');
      orig(d);
    };
    const err = await within(new Promise<Error>((r) => sock.on('error', r)));
    expect((err as TlsError).code).toBe('RECORD_AUTH_FAILED');
    expect(sock.destroyed).toBe(true);
  });

  it('stops reading a peer that never reads once our replies fill the transport (bounded memory)', async () => {
    // The server sends 48 MiB and never reads; the engine answers every byte (as it answers a
    // KeyUpdate storm). Without the bound our TCP socket's buffer grows with what the server
    // sends (about 1:1, beyond the kernel's buffers).
    const total = 48 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x2e);
    let sent = 0;
    let server: Socket | undefined;
    const port = await serve((s) => {
      server = s;
      s.pause(); // never read
      s.write('OK\n');
      const more = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!s.write(chunk)) {
            s.once('drain', more);
            return;
          }
        }
      };
      more();
    });
    const engine = new FakeEngine({ answerEverything: true });
    const tcp = netConnect({ host: '127.0.0.1', port });
    const sock = new TLSSocket(engine, tcp);
    sock.on('error', () => {});
    sock.resume(); // the application reads: only the write side can hold us back
    await within(sock.handshake);
    // Wait until nothing moves any more (or everything was taken in).
    let last = -1;
    for (let i = 0; i < 100 && engine.fed !== last && engine.fed < total; i++) {
      last = engine.fed;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(server).toBeDefined();
    expect(engine.fed).toBeLessThan(total);
    expect(tcp.isPaused()).toBe(true);
    // The transport's buffer stays near its high-water mark plus REPLY_BUDGET plus one chunk read.
    expect(tcp.writableLength).toBeLessThan(512 * 1024);
    tcp.destroy();
  });

  it('pauses the transport while the reader does not keep up, and resumes', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const total = 64; // 4 MiB
    const srv = fakeServer('OK\n', (s) => {
      let i = 0;
      const more = (): void => {
        while (i < total) {
          i++;
          if (!s.write(chunk)) {
            s.once('drain', more);
            return;
          }
        }
        s.end('BYE\n');
      };
      more();
    });
    const { sock, tcp } = open(await srv.port);
    await within(sock.handshake);
    // Do not read for a while: the driver must pause the TCP socket.
    await new Promise((r) => setTimeout(r, 200));
    expect(tcp.isPaused()).toBe(true);
    expect(sock.readableLength).toBeLessThan(4 * 1024 * 1024);
    let n = 0;
    sock.on('data', (d: Buffer) => (n += d.length));
    await within(new Promise((r) => sock.on('end', r)), 10_000, 'drain');
    expect(n).toBe(chunk.length * total);
  });
});
