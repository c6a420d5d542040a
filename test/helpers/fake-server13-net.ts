/**
 * The scriptable TLS 1.3 server (fake-server13.ts) on a TCP socket, for tests of programs that
 * connect by themselves (the CLI): 127.0.0.1, an ephemeral port, closed by `stop()`. Each
 * connection waits for a whole ClientHello, runs the fake server's handshake with the given
 * hooks, then calls `afterHandshake` once the client's Finished has verified. Anything the fake
 * server cannot answer (a probe for TLS 1.2 only, garbage) just closes that connection.
 */
import { createServer, type Socket } from 'node:net';
import { FakeServer13, type FakeServerOptions, type Hooks, type RemoteClient } from './fake-server13.js';

class SocketClient implements RemoteClient {
  private inbox: Buffer[] = [];
  handshakeComplete = false;
  constructor(private readonly socket: Socket) {}
  push(d: Buffer): void {
    this.inbox.push(d);
  }
  takeOutput(): Uint8Array | null {
    if (this.inbox.length === 0) return null;
    const b = new Uint8Array(Buffer.concat(this.inbox));
    this.inbox = [];
    return b;
  }
  feed(data: Uint8Array): void {
    this.socket.write(data);
  }
}

/** True once `buf` holds a whole first handshake message (the ClientHello), possibly over several records. */
function hasClientHello(buf: Buffer): boolean {
  let hs = Buffer.alloc(0);
  for (let off = 0; off + 5 <= buf.length; ) {
    const len = buf.readUInt16BE(off + 3);
    if (off + 5 + len > buf.length) break;
    if (buf[off] === 22) hs = Buffer.concat([hs, buf.subarray(off + 5, off + 5 + len)]);
    off += 5 + len;
  }
  return hs.length >= 4 && hs.length >= 4 + hs.readUIntBE(1, 3);
}

export interface NetFakeServer {
  port: number;
  /** The CA (PEM) that issued the server's chain. */
  ca: string;
  /** Servers' handshakes that ran to the client's verified Finished. */
  completed: number;
  stop(): Promise<void>;
}

export async function startFakeServer13(
  opts: Omit<FakeServerOptions, 'peer' | 'client'> & { hooks?: Hooks; afterHandshake?: (s: FakeServer13) => void },
): Promise<NetFakeServer> {
  const sockets = new Set<Socket>();
  let ca = '';
  const self: NetFakeServer = { port: 0, ca, completed: 0, stop: async () => {} };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const client = new SocketClient(socket);
    let seen = Buffer.alloc(0);
    let fake: FakeServer13 | undefined;
    let done = false;
    socket.on('data', (d: Buffer) => {
      try {
        client.push(d);
        if (!fake) {
          seen = Buffer.concat([seen, d]);
          if (!hasClientHello(seen)) return;
          fake = new FakeServer13({ ...opts, peer: client });
          fake.handshake(opts.hooks);
          return;
        }
        fake.readClient();
        if (!done && fake.clientFinishedOk) {
          done = true;
          self.completed++;
          opts.afterHandshake?.(fake);
        }
      } catch {
        socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  self.port = (server.address() as { port: number }).port;
  // The CA of the credential the fake server uses (made once per process by the test PKI).
  const { credential } = await import('./fake-server13.js');
  ca = credential(opts.cred ?? 'ed25519').ca;
  self.ca = ca;
  self.stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return self;
}
