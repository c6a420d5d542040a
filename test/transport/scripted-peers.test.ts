/**
 * Failure tests against small scripted TCP peers (in-process, 127.0.0.1, ephemeral ports): a
 * server that accepts and never answers, one that closes mid-handshake, one that answers with
 * HTTP text, one that sends a record above the negotiated max_fragment_length, and ones that
 * flood empty records or warning alerts. Each must end in a typed TlsError with the socket
 * closed, no unhandled rejection and no timer left behind.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync as connect } from '../../src/transport/node.js';
import { TlsError, type TlsErrorCode } from '../../src/errors.js';
import { ExtensionType, HandshakeType, ProtocolVersion } from '../../src/handshake/codec/types.js';
import { encodeHandshake } from '../../src/handshake/codec/handshake.js';
import { encodeMaxFragmentLength, encodeRenegotiationInfo, ext } from '../../src/handshake/extensions/index.js';
import { encodeServerHello } from '../../src/handshake/messages/hello.js';
import type { ClientOptions } from '../../src/types.js';

/** What a scripted peer does with each connection; it gets every chunk the client sent so far. */
type Script = (sock: net.Socket, received: () => Buffer) => void;

interface ScriptedPeer {
  port: number;
  /** Resolves when the client's side of the first connection has closed (FIN or reset). */
  clientGone: Promise<void>;
  close(): Promise<void>;
}

function scriptedPeer(script: Script): Promise<ScriptedPeer> {
  let gone!: () => void;
  const clientGone = new Promise<void>((r) => (gone = r));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    const chunks: Buffer[] = [];
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', () => {});
    sock.on('close', () => {
      sockets.delete(sock);
      gone();
    });
    script(sock, () => Buffer.concat(chunks));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        clientGone,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

const record = (type: number, body: Uint8Array | Buffer): Buffer =>
  Buffer.concat([Buffer.from([type, 3, 3, body.length >> 8, body.length & 0xff]), Buffer.from(body)]);

/** A TLS 1.2 ServerHello choosing ECDHE-ECDSA-AES128-GCM-SHA256, with the given extensions. */
function serverHello12(extensions: ReturnType<typeof ext>[]): Buffer {
  const body = encodeServerHello({
    legacyVersion: ProtocolVersion.TLS12,
    random: new Uint8Array(32).fill(7),
    sessionId: new Uint8Array(0),
    cipherSuite: 0xc02b,
    compression: 0,
    extensions: [ext(ExtensionType.renegotiation_info, encodeRenegotiationInfo()), ...extensions],
  });
  return record(22, encodeHandshake(HandshakeType.server_hello, body));
}

/** Once the ClientHello's first bytes are in, run `then`. */
const afterClientHello = (then: (sock: net.Socket) => void): Script => (sock, received) => {
  sock.once('data', () => {
    void received;
    then(sock);
  });
};

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

async function expectFailure(script: Script, code: TlsErrorCode, opts: Partial<ClientOptions> = {}): Promise<{ err: TlsError; ms: number }> {
  const peer = await scriptedPeer(script);
  const before = timers();
  const t0 = Date.now();
  try {
    let err: unknown;
    try {
      const s = await connect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', verify: 'none', timeout: 5000, ...opts });
      s.destroy();
    } catch (e) {
      err = e;
    }
    const ms = Date.now() - t0;
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).code).toBe(code);
    // The socket is closed: the peer sees the client go, within a bound.
    await Promise.race([peer.clientGone, new Promise((_, rej) => setTimeout(() => rej(new Error('the client socket stayed open')), 3000).unref())]);
    // No timer of ours is left behind (the handshake timer is cleared on every path).
    await new Promise((r) => setImmediate(r));
    expect(timers()).toBeLessThanOrEqual(before);
    return { err: err as TlsError, ms };
  } finally {
    await peer.close();
  }
}

describe('scripted peers: every failure is a typed error, the socket closed, nothing left running', () => {
  afterEach(() => {
    expect(unhandled).toEqual([]);
  });

  it('a server that accepts and never answers: TIMEOUT (phase handshake) within the set time plus a small margin', async () => {
    // The time runs from connect() (key shares are generated first); the margin allows for a loaded machine.
    const { err, ms } = await expectFailure(() => {}, 'TIMEOUT', { timeout: 1000 });
    expect(err.explanation).toMatch(/^handshake: /);
    expect(err.detail).toEqual({ phase: 'handshake' });
    expect(ms).toBeGreaterThanOrEqual(990);
    expect(ms).toBeLessThan(1000 + 1500);
  });

  it('an AbortSignal.timeout() during the handshake: TIMEOUT; a plain abort: CLOSED', async () => {
    const { err } = await expectFailure(() => {}, 'TIMEOUT', { signal: AbortSignal.timeout(300) });
    expect(err.explanation).toMatch(/abort signal timed out/);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200).unref();
    const r = await expectFailure(() => {}, 'CLOSED', { signal: ac.signal });
    expect(r.err.explanation).toMatch(/aborted/);
  });

  it('a server that closes mid-handshake: CONNECTION_CLOSED', async () => {
    const { err } = await expectFailure(afterClientHello((s) => s.end()), 'CONNECTION_CLOSED');
    expect(err.explanation).toMatch(/during the handshake/);
  });

  it('a server that answers with HTTP text: UNEXPECTED_MESSAGE with the bytes it sent (the CLI names it HTTP)', async () => {
    const { err } = await expectFailure(afterClientHello((s) => s.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')), 'UNEXPECTED_MESSAGE');
    expect(err.explanation).toMatch(/unknown content type 72/);
    expect(Buffer.from(err.detail!.peerBytes as Uint8Array).toString('latin1')).toMatch(/^HTTP\/1\.1 400/);
  });

  it('a server that sends a record above the negotiated max_fragment_length: RECORD_OVERFLOW', async () => {
    const { err } = await expectFailure(
      afterClientHello((s) => {
        s.write(serverHello12([ext(ExtensionType.max_fragment_length, encodeMaxFragmentLength(1))]));
        // A 513-byte plaintext Certificate fragment after max_fragment_length 512 was agreed.
        s.write(record(22, Buffer.alloc(513, 0x0b)));
      }),
      'RECORD_OVERFLOW',
      { maxFragmentLength: 512, maxVersion: '1.2' },
    );
    expect(err.alertName).toBe('record_overflow');
    expect(err.explanation).toMatch(/513 bytes exceeds the negotiated max_fragment_length 512/);
  });

  it('a server that floods empty records: UNEXPECTED_MESSAGE at the first one', async () => {
    const { err } = await expectFailure(
      afterClientHello((s) => {
        s.write(serverHello12([]));
        s.write(Buffer.concat(Array.from({ length: 10_000 }, () => record(22, Buffer.alloc(0)))));
      }),
      'UNEXPECTED_MESSAGE',
      { maxVersion: '1.2' },
    );
    expect(err.explanation).toMatch(/empty handshake record/);
  });

  it('a server that floods warning alerts: TOO_MANY_MESSAGES after the stated bound', async () => {
    const { err } = await expectFailure(
      afterClientHello((s) => {
        s.write(serverHello12([]));
        s.write(Buffer.concat(Array.from({ length: 10_000 }, () => record(21, Buffer.from([1, 112])))));
      }),
      'TOO_MANY_MESSAGES',
      { maxVersion: '1.2' },
    );
    expect(err.explanation).toMatch(/more than 32 records in a row/);
  });
});
