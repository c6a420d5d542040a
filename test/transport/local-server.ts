/**
 * Local peers for the transport and CLI tests: a node:tls server on 127.0.0.1 with an
 * ephemeral port and the in-memory demo PKI, plain TCP servers that misbehave, and a bounded
 * wait. Every server is closed by `closeAll()` (call it in afterEach/afterAll).
 */
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket as NodeTlsSocket, type TlsOptions } from 'node:tls';
import { makeDemoPki, type DemoPki } from '../../src/demo/pki.js';

type AnyServer = NetServer | TlsServer;
const open: AnyServer[] = [];
const sockets = new Set<Socket>();

let pkiPromise: Promise<DemoPki> | undefined;
/** One demo PKI per test file (ECDSA P-256 CA → leaf for localhost / 127.0.0.1). */
export function pki(): Promise<DemoPki> {
  return (pkiPromise ??= makeDemoPki());
}
let otherPkiPromise: Promise<DemoPki> | undefined;
/** A second, unrelated PKI: its CA does not trust pki()'s leaf. */
export function otherPki(): Promise<DemoPki> {
  return (otherPkiPromise ??= makeDemoPki({}, 'some other CA'));
}

async function listen(server: AnyServer): Promise<number> {
  open.push(server);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as { port: number }).port;
}

/**
 * A node:tls server. `onSecure` handles each connection; by default it collects the client's
 * text until "QUIT\r\n", then replies `got: <JSON of the text>\n` and ends.
 */
export async function tlsServer(
  opts: Partial<TlsOptions> = {},
  onSecure: (s: NodeTlsSocket) => void = echoUntilQuit,
): Promise<{ port: number; server: TlsServer; clientErrors: Error[] }> {
  const p = await pki();
  const server = createTlsServer({ cert: p.leaf.cert, key: p.leaf.key, ...opts }, (s) => {
    s.on('error', () => {});
    onSecure(s);
  });
  const clientErrors: Error[] = [];
  server.on('tlsClientError', (e) => clientErrors.push(e));
  const port = await listen(server);
  return { port, server, clientErrors };
}

export function echoUntilQuit(s: NodeTlsSocket): void {
  let text = '';
  s.on('data', (d: Buffer) => {
    text += d.toString('latin1');
    if (text.includes('QUIT\r\n')) s.end(`got: ${JSON.stringify(text)}\n`);
  });
}

/** A TCP server that does `behave` with each connection (stay silent, hang up...). */
export async function tcpServer(behave: (s: Socket) => void): Promise<number> {
  const server = createNetServer((s) => {
    s.on('error', () => {});
    behave(s);
  });
  return listen(server);
}

export async function closeAll(): Promise<void> {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(open.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
}

/** Reject if `p` takes longer than `ms`. */
export function within<T>(p: Promise<T>, ms = 10_000, what = 'operation'): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}
