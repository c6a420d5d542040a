/**
 * Interop peers for the tests: `openssl s_server`, `gnutls-serv` and an in-process node:tls
 * server. One small helper for ports, waiting and clean-up (design.md, "interop tests start
 * their peer themselves").
 *
 * Rules kept here so every test gets them for free:
 * - 127.0.0.1 only, ephemeral ports;
 * - every wait is bounded (a peer that never listens fails the test with its output attached);
 * - every spawned process is tracked and killed by `stop()`, by `stopAllPeers()` and, as a last
 *   resort, when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { ClientOptions, HandshakeInfo, TraceEvent } from '../../src/types.js';

/** A running peer. */
export interface Peer {
  port: number;
  /** Everything the peer wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves once `output()` matches `re` (bounded by `timeoutMs`). */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Write to the peer's stdin (openssl s_server reads commands there). */
  send(text: string): void;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
}
process.once('exit', killAll);

/** Kill every peer this process started (call in `afterAll`). */
export async function stopAllPeers(): Promise<void> {
  const all = [...live];
  await Promise.all(all.map((p) => stopProcess(p)));
}

function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) {
    live.delete(p);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      p.kill('SIGKILL');
    }, 2000);
    p.once('exit', () => {
      clearTimeout(t);
      live.delete(p);
      resolve();
    });
    p.kill('SIGTERM');
  });
}

/** A port that was free a moment ago (bind port 0, read it, close). Callers retry on EADDRINUSE. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves when a TCP connection to 127.0.0.1:port succeeds; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 10_000, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      const done = (v: boolean) => {
        s.removeAllListeners();
        s.destroy();
        resolve(v);
      };
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
      s.setTimeout(1000, () => done(false));
    });
    if (ok) return;
    if (!alive()) throw new Error(`peer exited before listening on port ${port}`);
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

interface SpawnedPeer {
  proc: ChildProcess;
  output: () => string;
  waitForOutput: (re: RegExp, timeoutMs?: number) => Promise<string>;
}

function spawnTracked(cmd: string, args: string[], cwd?: string): SpawnedPeer {
  const proc = spawn(cmd, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  proc.on('error', () => {
    /* reported through waitForOutput / exit */
  });
  // s_server/gnutls-serv may exit while we still write commands: ignore EPIPE on stdin.
  proc.stdin?.on('error', () => {});
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d.toString('latin1');
    for (const w of waiters.splice(0)) w();
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  proc.once('exit', () => {
    for (const w of waiters.splice(0)) w();
  });
  const waitForOutput = (re: RegExp, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${cmd}: output did not match ${re} within ${timeoutMs} ms; output:\n${out}`));
      }, timeoutMs);
      const check = () => {
        const m = re.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
          return;
        }
        if (proc.exitCode !== null || proc.signalCode !== null) {
          clearTimeout(timer);
          reject(new Error(`${cmd} exited (${proc.exitCode ?? proc.signalCode}) before its output matched ${re}; output:\n${out}`));
          return;
        }
        waiters.push(check);
      };
      check();
    });
  return { proc, output: () => out, waitForOutput };
}

function asPeer(sp: SpawnedPeer, port: number): Peer {
  return {
    port,
    output: sp.output,
    waitForOutput: sp.waitForOutput,
    send(text: string) {
      sp.proc.stdin?.write(text);
    },
    stop: () => stopProcess(sp.proc),
  };
}

export interface SpawnOptions {
  /** Working directory (openssl -WWW serves files relative to it). */
  cwd?: string;
  /** Bound on waiting for the peer to listen. Default 10 s. */
  timeoutMs?: number;
  /** Run the peer under `stdbuf -oL` so a piped stdout (openssl -trace) arrives line by line, not in 4 KiB blocks. */
  lineBuffered?: boolean;
}

/**
 * `openssl s_server -accept 127.0.0.1:0 ...args`. OpenSSL 3 prints `ACCEPT 127.0.0.1:<port>`
 * for an ephemeral port; we read it from there. Do not pass -quiet (it hides that line).
 */
export async function startOpenSslServer(args: string[], opts: SpawnOptions = {}): Promise<Peer> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const argv = ['s_server', '-accept', '127.0.0.1:0', ...args];
  const sp = opts.lineBuffered ? spawnTracked('stdbuf', ['-oL', 'openssl', ...argv], opts.cwd) : spawnTracked('openssl', argv, opts.cwd);
  try {
    const line = await sp.waitForOutput(/ACCEPT 127\.0\.0\.1:(\d+)/, timeoutMs);
    const port = Number(/:(\d+)$/.exec(line)![1]);
    if (!(port > 0)) throw new Error(`openssl s_server reported no port: ${line}`);
    return asPeer(sp, port);
  } catch (e) {
    await stopProcess(sp.proc);
    throw e;
  }
}

/**
 * `gnutls-serv -p <port> ...args`. gnutls-serv cannot report an ephemeral port, so we pick a
 * free one, start it, and retry with another port if the bind fails.
 */
export async function startGnutlsServer(args: string[], opts: SpawnOptions = {}): Promise<Peer> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let lastErr: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const sp = spawnTracked('gnutls-serv', ['-p', String(port), ...args], opts.cwd);
    try {
      await sp.waitForOutput(/listening on IPv4[^\n]*done|bind\(\) failed|Address already in use/i, timeoutMs);
      if (/bind\(\) failed|Address already in use/i.test(sp.output())) {
        throw Object.assign(new Error(`gnutls-serv could not bind ${port}`), { code: 'EADDRINUSE' });
      }
      await waitForPort(port, timeoutMs, () => sp.proc.exitCode === null);
      return asPeer(sp, port);
    } catch (e) {
      lastErr = e;
      await stopProcess(sp.proc);
      if ((e as { code?: string }).code !== 'EADDRINUSE') throw e;
    }
  }
  throw lastErr;
}

/** `gnutls-serv --echo` serving a credential (leaf + chain file, key) under a priority string. */
export function startGnutlsEcho(cred: { fullChainFile: string; keyFile: string }, priority: string): Promise<Peer> {
  return startGnutlsServer(['--echo', '--x509certfile', cred.fullChainFile, '--x509keyfile', cred.keyFile, '--priority', priority]);
}

/** An in-process node:tls server on 127.0.0.1 and an ephemeral port. */
export interface NodeTlsPeer {
  server: tls.Server;
  port: number;
  /** Sockets accepted so far (for per-connection assertions). */
  accepted: tls.TLSSocket[];
  /** Errors node:tls reported for failed client connections. */
  clientErrors: Error[];
  stop(): Promise<void>;
}

export async function startNodeTlsServer(
  options: tls.TlsOptions,
  onConnection: (s: tls.TLSSocket) => void,
): Promise<NodeTlsPeer> {
  const accepted: tls.TLSSocket[] = [];
  const clientErrors: Error[] = [];
  const server = tls.createServer(options, (s) => {
    accepted.push(s);
    s.on('error', () => {});
    onConnection(s);
  });
  server.on('tlsClientError', (err) => clientErrors.push(err));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    server,
    port,
    accepted,
    clientErrors,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of accepted) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Race a promise against a bound; the error names what timed out. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    }),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The client side: one puretls connection driven to the end, with everything it saw recorded.


export type ConnectFn = (options: ClientOptions & { host: string; port: number }) => Promise<Duplex & { info: HandshakeInfo | undefined }>;

/** The HandshakeInfo of a connected socket; connect() resolving without one is a bug. */
export function infoOf(sock: { info: HandshakeInfo | undefined }): HandshakeInfo {
  if (sock.info === undefined) throw new Error('connect() resolved but the socket has no HandshakeInfo');
  return sock.info;
}

/** What one exchange produced. */
export interface Exchange {
  info: HandshakeInfo;
  /** Every byte of application data the server sent until the stream ended. */
  data: Buffer;
  events: TraceEvent[];
}

/** True when the trace shows a close_notify alert received from the peer. */
export function receivedCloseNotify(events: TraceEvent[]): boolean {
  return events.some((e) => e.type === 'alert' && e.direction === 'received' && e.description === 'close_notify');
}

/**
 * Connect with puretls, send `payload` (if any), read until the server ends the stream, and
 * return what was received. The whole exchange is bounded by `boundMs`.
 */
export async function exchange(
  connect: ConnectFn,
  options: ClientOptions & { host: string; port: number },
  payload: string | Uint8Array | null,
  boundMs = 15_000,
): Promise<Exchange> {
  const events: TraceEvent[] = [];
  const userOnEvent = options.onEvent;
  const sock = await within(
    connect({ timeout: 10_000, ...options, onEvent: (e) => { events.push(e); userOnEvent?.(e); } }),
    boundMs,
    'connect',
  );
  try {
    const chunks: Buffer[] = [];
    const done = new Promise<void>((resolve, reject) => {
      sock.on('data', (d: Buffer) => chunks.push(Buffer.from(d)));
      sock.once('end', () => resolve());
      sock.once('error', reject);
    });
    if (payload !== null) sock.write(payload);
    await within(done, boundMs, 'reading until the server closed');
    return { info: infoOf(sock), data: Buffer.concat(chunks), events };
  } finally {
    sock.destroy();
  }
}

/** Resolves with the next `count` bytes (or more) of data on `sock`, bounded by `ms`. */
export function readAtLeast(sock: Duplex, count: number, ms = 10_000): Promise<Buffer> {
  return within(
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let n = 0;
      const onData = (d: Buffer) => {
        chunks.push(Buffer.from(d));
        n += d.length;
        if (n >= count) {
          cleanup();
          resolve(Buffer.concat(chunks));
        }
      };
      const onEnd = () => {
        cleanup();
        reject(new Error(`stream ended after ${n} of ${count} bytes`));
      };
      const onError = (e: Error) => {
        cleanup();
        reject(e);
      };
      // Pause between reads so nothing is emitted while no one listens.
      const cleanup = () => {
        sock.pause();
        sock.off('data', onData);
        sock.off('end', onEnd);
        sock.off('error', onError);
      };
      sock.on('data', onData);
      sock.once('end', onEnd);
      sock.once('error', onError);
      sock.resume();
    }),
    ms,
    `reading ${count} bytes`,
  );
}

/** Polls `pred` every 10 ms until it holds; rejects after `ms` naming `what`. */
export async function waitUntil(pred: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}
