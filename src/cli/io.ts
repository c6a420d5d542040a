/**
 * The CLI's streams and how an error reaches them: what main.ts and every command share
 * (a file of its own so that the commands, loaded on demand by main.ts, do not import main.ts).
 */
import type { Readable } from 'node:stream';
import { TlsError } from '../errors.js';
import { explanationForCli } from './flag-names.js';

/** Something to write text or bytes to (process.stdout, a PassThrough in tests). */
export interface OutputLike {
  write(chunk: string | Uint8Array, cb?: (err?: Error | null) => void): boolean;
}

export interface CliIO {
  stdout: OutputLike;
  stderr: OutputLike;
  /** Read lazily: touching process.stdin opens it. */
  stdin: Readable;
}

/** Exit codes: 0 ok, 1 a TLS or network error, 2 a usage error (BAD_CONFIG). */
export function exitCodeFor(err: TlsError): number {
  return err.code === 'BAD_CONFIG' ? 2 : 1;
}

/** `error: CODE: explanation` on stderr; returns the exit code. */
export function reportError(io: CliIO, e: unknown): number {
  if (e instanceof TlsError) {
    io.stderr.write(`error: ${e.code}: ${explanationForCli(e.explanation)}\n`);
    return exitCodeFor(e);
  }
  const msg = e instanceof Error ? e.message : String(e);
  io.stderr.write(`error: INTERNAL: ${msg}\n`);
  return 1;
}
