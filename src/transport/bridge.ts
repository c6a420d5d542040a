/**
 * A development WebSocket-to-TCP bridge (`puretls bridge`), on the `ws` package: a page (or any
 * WebSocket client) opens `ws://HOST:PORT/<target host>:<target port>` and the bridge forwards
 * bytes, and only bytes, between that WebSocket and a TCP connection to the target. TLS runs
 * end to end in the page (puretls/websocket): the bridge sees ciphertext only.
 *
 * Only targets on the allow list are reachable: any other is refused with HTTP 403 before a TCP
 * connection is attempted. With a single allowed target, the path may be `/`. Text messages are
 * refused (close 1003): the bridge carries binary frames only. Backpressure both ways: the TCP
 * socket pauses while the WebSocket's send buffer is over 1 MiB, the WebSocket while TCP is full.
 *
 * It is a development tool: no authentication, and it listens on 127.0.0.1 unless told otherwise.
 */
import { connect as netConnect } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { configError } from '../errors.js';

/** The parts of the `ws` package the bridge uses (it is an optional peer dependency). */
interface WsModule {
  WebSocketServer: new (options: {
    host?: string;
    port: number;
    verifyClient?: (info: { req: IncomingMessage }, cb: (ok: boolean, code?: number, message?: string) => void) => void;
  }) => WsServer;
}
interface WsServer {
  on(ev: 'connection', f: (ws: WsSocket, req: IncomingMessage) => void): void;
  on(ev: 'listening', f: () => void): void;
  on(ev: 'error', f: (e: Error) => void): void;
  address(): { port: number } | string;
  close(cb?: () => void): void;
  clients: Set<WsSocket>;
}
interface WsSocket {
  binaryType: string;
  bufferedAmount: number;
  on(ev: 'message', f: (data: Buffer, isBinary: boolean) => void): void;
  on(ev: 'close', f: () => void): void;
  on(ev: 'error', f: (e: Error) => void): void;
  send(data: Uint8Array, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  pause(): void;
  resume(): void;
}

export interface BridgeOptions {
  /** Port to listen on (0: any free port). */
  port: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Reachable targets, "host:port" each. */
  allow: string[];
  /** One line per connection and refusal. */
  log?: (line: string) => void;
}

export interface RunningBridge {
  port: number;
  close(): Promise<void>;
}

const HIGH_WATER = 1 << 20;

/** "host:port" (or "[v6]:port") → normalised key, or undefined when malformed. */
export function parseTarget(t: string): { host: string; port: number; key: string } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:/\s]+)):(\d{1,5})$/.exec(t.trim());
  if (m === null) return undefined;
  const host = (m[1] ?? m[2]!).toLowerCase();
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host, port, key: `${host}:${port}` };
}

export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const allowed = new Map<string, { host: string; port: number }>();
  for (const a of options.allow) {
    const t = parseTarget(a);
    if (t === undefined) throw configError('bad_bridge_target', `bridge: allow: "${a}" is not HOST:PORT`);
    allowed.set(t.key, t);
  }
  if (allowed.size === 0) throw configError('no_bridge_target', 'bridge: give at least one target to allow (HOST:PORT)');
  let ws: WsModule;
  try {
    ws = (await import('ws')) as unknown as WsModule;
  } catch (e) {
    throw configError('missing_ws_package', 'bridge: needs the `ws` package (npm install ws)', { cause: e });
  }
  const log = options.log ?? (() => {});
  const only = allowed.size === 1 ? [...allowed.values()][0] : undefined;

  const targetOf = (req: IncomingMessage): { host: string; port: number } | undefined => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://bridge').pathname.slice(1));
    if (path === '') return only;
    const t = parseTarget(path);
    return t === undefined ? undefined : allowed.get(t.key);
  };

  const server = new ws.WebSocketServer({
    host: options.host ?? '127.0.0.1',
    port: options.port,
    verifyClient: (info, cb) => {
      if (targetOf(info.req) !== undefined) return cb(true);
      log(`refused ${info.req.url ?? ''}: not an allowed target`);
      cb(false, 403, 'target not allowed');
    },
  });
  server.on('connection', (sock, req) => {
    const target = targetOf(req)!;
    log(`open ${target.host}:${target.port}`);
    const tcp = netConnect({ host: target.host, port: target.port });
    tcp.on('data', (d: Buffer) => {
      sock.send(d, () => {
        if (tcp.isPaused() && sock.bufferedAmount <= HIGH_WATER) tcp.resume();
      });
      if (sock.bufferedAmount > HIGH_WATER) tcp.pause();
    });
    tcp.on('drain', () => sock.resume());
    tcp.on('end', () => sock.close(1000, 'target closed'));
    tcp.on('error', (e) => sock.close(1011, `target: ${e.message}`.slice(0, 120)));
    tcp.on('close', () => sock.close(1000));
    sock.on('message', (data, isBinary) => {
      if (!isBinary) {
        sock.close(1003, 'binary frames only');
        tcp.destroy();
        return;
      }
      if (!tcp.write(data)) sock.pause();
    });
    sock.on('close', () => tcp.end());
    sock.on('error', () => tcp.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.on('listening', resolve);
    server.on('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'string' ? options.port : addr.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of server.clients) c.terminate();
        server.close(() => resolve());
      }),
  };
}
