/**
 * The Web Streams adapter over an in-memory stream pair, with the toy FakeEngine
 * (fake-engine.ts) in place of ClientConnection.
 */
import { describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { attachStreams } from '../../src/transport/web-streams.js';
import { FakeEngine } from './fake-engine.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A client-side {readable, writable} and the server's ends of the same pipes. */
function pipePair() {
  const c2s = new TransformStream<Uint8Array, Uint8Array>();
  const s2c = new TransformStream<Uint8Array, Uint8Array>();
  return {
    client: { readable: s2c.readable, writable: c2s.writable },
    serverIn: c2s.readable.getReader(),
    serverOut: s2c.writable.getWriter(),
  };
}

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, marker: string): Promise<string> {
  let text = '';
  while (!text.includes(marker)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value);
  }
  return text;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = '';
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) text += dec.decode(chunk);
  return text;
}

describe('connectStreams adapter (fake engine)', () => {
  it('handshakes, exchanges data and closes both ways', async () => {
    const p = pipePair();
    const pending = attachStreams(new FakeEngine(), p.client);
    expect(await readUntil(p.serverIn, 'HELLO\n')).toBe('HELLO\n');
    await p.serverOut.write(enc.encode('OK\nhi '));
    const tls = await pending;
    expect(tls.info.protocol).toBe('TLSv1.3');
    const w = tls.writable.getWriter();
    // write() resolves once the transport took the record (backpressure): read it first.
    const wrote = w.write(enc.encode('ping\n'));
    expect(await readUntil(p.serverIn, 'ping\n')).toBe('ping\n');
    await wrote;
    const text = readAll(tls.readable);
    await p.serverOut.write(enc.encode('there\nBYE\n'));
    expect(await text).toBe('hi there\n');
    const closed = tls.close();
    expect(await readUntil(p.serverIn, 'BYE\n')).toBe('BYE\n');
    expect((await p.serverIn.read()).done).toBe(true);
    await closed;
  });

  it('rejects with BAD_CONFIG for a locked transport stream, and gives back what it took', async () => {
    const p = pipePair();
    const held = p.client.writable.getWriter();
    const err = await attachStreams(new FakeEngine(), p.client).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).code).toBe('BAD_CONFIG');
    expect(p.client.readable.locked).toBe(false);
    held.releaseLock();
    const bad = await attachStreams(new FakeEngine(), {} as never).then(() => null, (e: unknown) => e);
    expect((bad as TlsError).code).toBe('BAD_CONFIG');
  });

  it('rejects with the engine error after flushing the alert', async () => {
    const p = pipePair();
    const pending = attachStreams(new FakeEngine(), p.client);
    await readUntil(p.serverIn, 'HELLO\n');
    await p.serverOut.write(enc.encode('FAIL\n'));
    const err = (await pending.catch((e: unknown) => e)) as TlsError;
    expect(err.code).toBe('NEGOTIATION_FAILED');
    expect(await readUntil(p.serverIn, 'ALERT\n')).toBe('ALERT\n');
    expect((await p.serverIn.read()).done).toBe(true);
  });

  it('rejects with TIMEOUT when the peer stays silent', async () => {
    const p = pipePair();
    const err = (await attachStreams(new FakeEngine(), p.client, { timeout: 100 }).catch((e: unknown) => e)) as TlsError;
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe('TIMEOUT');
  });

  it('rejects with CONNECTION_CLOSED when the transport ends mid-handshake', async () => {
    const p = pipePair();
    const pending = attachStreams(new FakeEngine(), p.client);
    await readUntil(p.serverIn, 'HELLO\n');
    await p.serverOut.close();
    expect(((await pending.catch((e: unknown) => e)) as TlsError).code).toBe('CONNECTION_CLOSED');
  });

  it('rejects with SOCKET_ERROR when the transport errors', async () => {
    const p = pipePair();
    const pending = attachStreams(new FakeEngine(), p.client);
    await readUntil(p.serverIn, 'HELLO\n');
    await p.serverOut.abort(new Error('bridge went away'));
    const err = (await pending.catch((e: unknown) => e)) as TlsError;
    expect(err.code).toBe('SOCKET_ERROR');
    expect(err.explanation).toMatch(/bridge went away/);
  });

  it('stops reading the transport while the application readable is full', async () => {
    const p = pipePair();
    const engine = new FakeEngine();
    const pending = attachStreams(engine, p.client);
    await readUntil(p.serverIn, 'HELLO\n');
    await p.serverOut.write(enc.encode('OK\n'));
    const tls = await pending;
    // Write 50 chunks without reading on the client side; the server's writes must stall.
    const chunk = enc.encode('y'.repeat(1000));
    let written = 0;
    const writer = (async () => {
      for (let i = 0; i < 50; i++) {
        await p.serverOut.write(chunk);
        written++;
      }
      await p.serverOut.write(enc.encode('BYE\n'));
    })();
    await new Promise((r) => setTimeout(r, 100));
    expect(written).toBeLessThan(50);
    const fedWhilePaused = engine.fed;
    expect(fedWhilePaused).toBeLessThan(3 + 50 * 1000);
    expect((await readAll(tls.readable)).length).toBe(50 * 1000);
    await writer;
  });

  it('stops reading a peer that never reads once our replies fill the transport writer', async () => {
    // The transport's writable never completes a write (the peer does not read); its readable
    // offers 4000 chunks of 1 KiB, each of which the engine answers (a KeyUpdate storm).
    let pulled = 0;
    const chunk = new Uint8Array(1024).fill(0x2e);
    const readable = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode('OK\n'));
      },
      pull(c) {
        if (pulled++ < 4000) c.enqueue(chunk);
      },
    });
    let accepted = 0;
    const writable = new WritableStream<Uint8Array>(
      {
        write(b) {
          accepted += b.length;
          if (accepted > 4) return new Promise<void>(() => {}); // the HELLO goes through, then nothing
        },
      },
      { highWaterMark: 4 },
    );
    const engine = new FakeEngine({ answerEverything: true });
    const tls = await attachStreams(engine, { readable, writable });
    void readAll(tls.readable).catch(() => {});
    await new Promise((r) => setTimeout(r, 200));
    // The budget (16 KiB of replies while the writer is full) plus the writer's queue.
    expect(pulled).toBeLessThan(64);
    expect(engine.fed).toBeLessThan(64 * 1024);
  });

  it('takes ArrayBuffer and any ArrayBufferView from the transport and the application (WebSocketStream yields ArrayBuffers)', async () => {
    const sent: Uint8Array[] = [];
    const parts: unknown[] = [
      enc.encode('OK\n').buffer, // ArrayBuffer
      new DataView(enc.encode('xxdata-1;').buffer, 2), // a DataView with an offset
      new Uint16Array(enc.encode('ab').buffer), // another typed array
      Buffer.from('BYE\n'),
    ];
    const readable = new ReadableStream<unknown>({
      pull(c) {
        const next = parts.shift();
        if (next === undefined) c.close();
        else c.enqueue(next);
      },
    });
    const writable = new WritableStream<Uint8Array>({ write: (b) => void sent.push(b) });
    const engine = new FakeEngine();
    const tls = await attachStreams(engine, { readable: readable as ReadableStream<Uint8Array>, writable });
    const w = tls.writable.getWriter();
    await w.write(enc.encode('u8;').buffer);
    await w.write(new DataView(enc.encode('view').buffer));
    expect(await readAll(tls.readable)).toBe('data-1;ab');
    expect(sent.map((b) => dec.decode(b)).join('')).toBe('HELLO\nu8;view');
  });

  it('a transport yielding something that is not bytes fails with a BAD_CONFIG TlsError', async () => {
    const readable = new ReadableStream<unknown>({
      start(c) {
        c.enqueue('OK\n');
      },
    });
    const writable = new WritableStream<Uint8Array>();
    const err = (await attachStreams(new FakeEngine(), { readable: readable as ReadableStream<Uint8Array>, writable }).catch((e: unknown) => e)) as TlsError;
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.message).toMatch(/expected bytes .* got string/);
  });
});
