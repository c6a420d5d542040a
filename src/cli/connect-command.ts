/**
 * `puretls connect HOST:PORT`: handshake, one summary line on stderr, then send `--send` (or
 * pipe stdin) and copy every received application byte to stdout until the peer closes.
 * It uses the public `puretls/node` connect() like any user would.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { configError, TlsError } from '../errors.js';
import type { ClientOptions, TraceEvent } from '../types.js';
import type { ConnectArgs } from './args.js';
import type { TLSSocket } from '../transport/tls-socket.js';
import { reportError, type CliIO } from './io.js';
import { handshakeLine, shows, traceLine } from './print.js';
import { chainLines } from './show-certs.js';
import { JsonTracer } from '../diagnose/json-trace.js';
import { traceFacts } from '../diagnose/trace.js';
import { explainFailure } from '../diagnose/explain.js';
import { diagnosisLines } from './diagnosis.js';

function readCaFiles(files: readonly string[]): Uint8Array[] {
  return files.map((f) => {
    try {
      return readFileSync(f);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw configError('cannot_read_ca_file', `cannot read --ca file ${f}: ${why}`);
    }
  });
}

function readFileFor(flag: string, file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw configError('unreadable_file', `cannot read ${flag} file ${file}: ${why}`);
  }
}

/** A file created (mode 0600) or appended to, one line per call. */
function fileWriter(file: string, flag: string): (line: string) => void {
  try {
    appendFileSync(file, '', { mode: 0o600 });
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw configError('cannot_write_file', `cannot write ${flag} file ${file}: ${why}`);
  }
  return (line) => appendFileSync(file, line.endsWith('\n') ? line : line + '\n');
}

/** The keylog file: one line per secret. */
function keyLogWriter(file: string): (line: string) => void {
  return fileWriter(file, '--keylog');
}

/** The CLI's handshake time-out when --timeout is not given (ms). */
export const DEFAULT_CLI_HANDSHAKE_TIMEOUT = 30_000;

export function clientOptions(args: ConnectArgs, io: CliIO): ClientOptions {
  const opts: ClientOptions = {
    host: args.host,
    port: args.port,
    verify: args.verify,
    // An end of stream without close_notify is TRUNCATED (exit 1), as openssl s_client reports it.
    requireCloseNotify: true,
  };
  if (args.servername !== undefined) opts.servername = args.servername;
  if (args.caFiles.length > 0) opts.ca = readCaFiles(args.caFiles);
  if (args.ignore.length > 0) opts.ignore = args.ignore;
  if (args.minVersion) opts.minVersion = args.minVersion;
  if (args.maxVersion) opts.maxVersion = args.maxVersion;
  if (args.ciphers) opts.ciphers = args.ciphers;
  if (args.groups) opts.groups = args.groups;
  if (args.sigalgs) opts.sigalgs = args.sigalgs;
  if (args.alpn) opts.alpn = args.alpn;
  // A silent server must not hang the CLI: a default handshake time-out, --timeout overrides it.
  opts.timeout = args.timeout ?? DEFAULT_CLI_HANDSHAKE_TIMEOUT;
  if (args.now !== undefined) {
    const t = args.now;
    opts.now = () => t;
  }
  if (args.maxFrag !== undefined) opts.maxFragmentLength = args.maxFrag;
  if (args.recordSizeLimit !== undefined) opts.recordSizeLimit = args.recordSizeLimit;
  if (args.maxHandshakeSize !== undefined) opts.maxHandshakeSize = args.maxHandshakeSize;
  if (args.allowLegacyRenegotiation) opts.allowLegacyRenegotiation = true;
  if (args.keyUpdateAfter !== undefined) opts.keyUpdateAfterBytes = args.keyUpdateAfter;
  if (args.certFile !== undefined) opts.cert = readFileFor('--cert', args.certFile);
  if (args.keyFile !== undefined) opts.key = readFileFor('--key', args.keyFile);
  if (args.pfxFile !== undefined) opts.pfx = readFileFor('--pfx', args.pfxFile);
  if (args.passphrase !== undefined) opts.passphrase = args.passphrase;
  // A half-given PSK reaches the library, whose BAD_CONFIG names what is missing (in flags).
  if (args.pskKey !== undefined || args.pskIdentity !== undefined) opts.psk = { identity: args.pskIdentity as string, key: args.pskKey as string };
  if (args.pskMode !== undefined) opts.pskMode = args.pskMode;
  // --keylog, else the SSLKEYLOGFILE environment variable (NSS, curl, browsers): CLI only, never the library.
  const keylog = args.keylogFile ?? (process.env['SSLKEYLOGFILE'] || undefined);
  if (keylog !== undefined) opts.keyLog = keyLogWriter(keylog);
  if (args.trace === 'json') {
    const tracer = new JsonTracer({ secrets: args.traceSecrets });
    // --trace-secrets: the key events carry the secrets (the library's explicit opt-in).
    if (args.traceSecrets) opts.traceSecrets = true;
    const write = args.traceFile !== undefined ? fileWriter(args.traceFile, '--trace-file') : (line: string) => io.stderr.write(line + '\n');
    opts.onEvent = (e: TraceEvent) => write(tracer.line(e));
  } else if (args.debug !== 'none') {
    const level = args.debug;
    // --debug verbose prints the labelled secrets: the library's explicit opt-in.
    if (level === 'verbose') opts.traceSecrets = true;
    opts.onEvent = (e: TraceEvent) => {
      if (shows(level, e)) io.stderr.write(traceLine(e) + '\n');
    };
  }
  return opts;
}

/**
 * Everything the handshake reported, kept for the chain display and the diagnosis. Collection
 * stops once the handshake is over (the data phase is not needed and can be long).
 */
export class HandshakeRecorder {
  readonly events: TraceEvent[] = [];
  private done = false;
  record(e: TraceEvent): void {
    if (this.done && e.type !== 'error') return;
    // Secrets are not kept: the diagnosis never needs them.
    this.events.push(e.type === 'key' && e.secret ? { type: 'key', label: e.label, from: e.from } : e);
    if (e.type === 'handshake-complete') this.done = true;
  }
}

/** The certificate block, when asked for by --show-certs or --debug info/verbose. */
function wantsChain(args: ConnectArgs): boolean {
  return args.showCerts || args.debug === 'info' || args.debug === 'verbose';
}

/**
 * Stdin to the socket line by line, where a line "k" sends a KeyUpdate and "K" one that asks
 * the server to update too (as openssl s_client does). Returns a function that stops it.
 */
function pipeWithKeyCommands(stdin: NodeJS.ReadableStream, socket: TLSSocket, io: CliIO): () => void {
  let partial = Buffer.alloc(0);
  const onData = (chunk: Buffer | string): void => {
    let buf = Buffer.concat([partial, Buffer.from(chunk)]);
    let nl: number;
    while ((nl = buf.indexOf(10)) >= 0) {
      const line = buf.subarray(0, nl + 1);
      buf = buf.subarray(nl + 1);
      const text = line.toString('latin1').replace(/\r?\n$/, '');
      if (text === 'k' || text === 'K') {
        try {
          socket.updateKeys({ requestPeer: text === 'K' });
          io.stderr.write(`KEYUPDATE${text === 'K' ? ' (update_requested)' : ''}\n`);
        } catch (e) {
          io.stderr.write(`KEYUPDATE refused: ${e instanceof Error ? e.message : String(e)}\n`);
        }
      } else if (!socket.write(line)) {
        stdin.pause();
        socket.once('drain', () => stdin.resume());
      }
    }
    partial = Buffer.from(buf);
  };
  const onEnd = (): void => {
    if (partial.length > 0 && !socket.destroyed) socket.write(partial);
    partial = Buffer.alloc(0);
  };
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  return () => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
  };
}

export async function runConnect(args: ConnectArgs, io: CliIO): Promise<number> {
  const options = clientOptions(args, io);
  const recorder = new HandshakeRecorder();
  const debugEvent = options.onEvent;
  const now = options.now ?? (() => new Date());
  let chainShown = false;
  const showChain = (): void => {
    if (chainShown || !wantsChain(args)) return;
    chainShown = true;
    for (const line of chainLines(traceFacts(recorder.events), now())) io.stderr.write(line + '\n');
  };
  options.onEvent = (e: TraceEvent) => {
    recorder.record(e);
    // The chain goes right before the handshake's outcome line.
    if (e.type === 'handshake-complete' || (e.type === 'error' && !recorder.events.some((x) => x.type === 'handshake-complete'))) showChain();
    debugEvent?.(e);
  };
  /** `error: CODE: explanation`, then the cause and the fixes when the analysis knows more. */
  const explainError = (e: unknown): number => {
    const code = reportError(io, e);
    if (e instanceof TlsError && e.code !== 'BAD_CONFIG') {
      const facts = traceFacts(recorder.events);
      const d = explainFailure(e, facts, { ca: options.ca, now: now(), name: args.servername ?? args.host, port: args.port });
      if (d.cause !== e.explanation || d.fixes.length > 0) {
        for (const line of diagnosisLines(d, `${args.host}:${args.port}`)) io.stderr.write(line + '\n');
      }
    }
    return code;
  };
  const { connectAsync: connect } = await import('../transport/node.js');
  let socket;
  try {
    socket = await connect({ ...options, host: args.host, port: args.port });
  } catch (e) {
    showChain();
    return explainError(e);
  }
  if (!args.quiet) io.stderr.write(handshakeLine(socket.info!) + '\n');

  const stdin = args.send === undefined ? io.stdin : undefined;
  let stopKeys: (() => void) | undefined;
  const finished = new Promise<number>((resolve) => {
    let failed: unknown;
    socket.on('data', (chunk: Buffer) => io.stdout.write(chunk));
    socket.on('error', (e) => {
      failed = e;
    });
    socket.on('close', () => {
      stdin?.unpipe(socket);
      stopKeys?.();
      // The server ended the stream: a clean close only with close_notify. Without it the output
      // may be cut, and like `openssl s_client` we say so and fail (requireCloseNotify).
      if (failed === undefined && 'eof' in socket.connection) {
        try {
          (socket.connection as { eof(): unknown }).eof();
        } catch (e) {
          failed = e;
        }
      }
      resolve(failed === undefined ? 0 : explainError(failed));
    });
  });

  if (args.send !== undefined) {
    if (args.send.length > 0) socket.write(args.send);
  } else if (stdin) {
    // Stdin's end does not close the connection: the server decides when the exchange is over.
    if (args.quiet) stdin.pipe(socket, { end: false });
    else stopKeys = pipeWithKeyCommands(stdin, socket, io);
  }
  const code = await finished;
  // Let the last bytes reach stdout before main() returns and the launcher exits.
  await new Promise<void>((r) => io.stdout.write('', () => r()));
  return code;
}
