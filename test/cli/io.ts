/** In-process CLI runs: main(argv, io) with captured stdout/stderr and a given stdin. */
import { Readable } from 'node:stream';
import { main, type CliIO } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], stdin: string[] = []): Promise<CliRun> {
  const out: Buffer[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: {
      write(chunk, cb) {
        out.push(Buffer.from(chunk));
        cb?.();
        return true;
      },
    },
    stderr: {
      write(chunk, cb) {
        err.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
        cb?.();
        return true;
      },
    },
    stdin: Readable.from(stdin.map((s) => Buffer.from(s))),
  };
  const code = await main(argv, io);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: err.join('') };
}
