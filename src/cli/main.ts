/**
 * The CLI entry: `main(argv, io?)` → exit code. bin/puretls.js calls it with process.argv;
 * tests call it in-process with their own streams.
 *
 * Cold start: this file imports only the argument parser and io.ts (the error type). The commands are
 * loaded with `await import()` when used, so `puretls --help` never loads noble, pkijs or
 * node:tls.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from './args.js';
import { USAGE } from './usage.js';
import { reportError, type CliIO } from './io.js';

export type { CliIO, OutputLike } from './io.js';

function processIO(): CliIO {
  // `puretls connect ... | head`: a reader that went away is not an error of ours.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
  };
}

export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  try {
    const cmd = parseArgs(argv);
    switch (cmd.kind) {
      case 'help':
        io.stdout.write(USAGE);
        return 0;
      case 'version':
        io.stdout.write(`puretls ${version()}\n`);
        return 0;
      case 'connect': {
        const { runConnect } = await import('./connect-command.js');
        return await runConnect(cmd.args, io);
      }
      case 'doctor': {
        const { runDoctor } = await import('./doctor.js');
        return await runDoctor(cmd.args, io);
      }
      case 'trace': {
        const { runTraceHtml } = await import('./trace-html.js');
        return await runTraceHtml(cmd.input, cmd.html, io);
      }
      case 'demo': {
        const { runDemo } = await import('./demo.js');
        return await runDemo(cmd.args, io);
      }
      case 'bridge': {
        const { runBridge } = await import('./bridge-command.js');
        return await runBridge(cmd.args, io);
      }
    }
  } catch (e) {
    return reportError(io, e);
  }
}

/** The version in package.json (found by walking up from this file: src/cli or dist/src/cli). */
function version(): string {
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'puretls' && pkg.version) return pkg.version;
    } catch {
      // not here: go up
    }
    dir = new URL('..', dir);
  }
  return 'unknown';
}
