/** The CLI flags of issue 12: record sizes, the Certificate size limit, the default handshake time-out. */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { clientOptions, DEFAULT_CLI_HANDSHAKE_TIMEOUT } from '../../src/cli/connect-command.js';
import { TlsError } from '../../src/errors.js';
import { runCli } from './io.js';

const io = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: undefined } as never;

function connectArgs(argv: string[]) {
  const c = parseArgs(['connect', '127.0.0.1:443', ...argv]);
  if (c.kind !== 'connect') throw new Error('not connect');
  return c.args;
}

describe('connect flags for record sizes and limits', () => {
  it('--max-frag, --record-size-limit, --max-handshake-size reach the options', () => {
    const o = clientOptions(connectArgs(['--max-frag', '512', '--record-size-limit=1000', '--max-handshake-size', '200000', '--verify', 'none']), io);
    expect(o).toMatchObject({ maxFragmentLength: 512, recordSizeLimit: 1000, maxHandshakeSize: 200000 });
    expect(clientOptions(connectArgs(['--allow-legacy-renegotiation', '--verify', 'none']), io).allowLegacyRenegotiation).toBe(true);
    expect(clientOptions(connectArgs(['--verify', 'none']), io).allowLegacyRenegotiation).toBeUndefined();
  });
  it('a default handshake time-out; --timeout overrides it', () => {
    expect(clientOptions(connectArgs(['--verify', 'none']), io).timeout).toBe(DEFAULT_CLI_HANDSHAKE_TIMEOUT);
    expect(clientOptions(connectArgs(['--verify', 'none', '--timeout', '1500']), io).timeout).toBe(1500);
  });
  for (const [argv, re] of [
    [['--max-frag', '1000'], /--max-frag must be one of 512, 1024, 2048, 4096/],
    [['--record-size-limit', '63'], /--record-size-limit needs a number from 64 to 16385/],
    [['--max-handshake-size', 'big'], /--max-handshake-size needs a number/],
  ] as const) {
    it(`${argv.join(' ')} → BAD_CONFIG naming the flag`, () => {
      let err: unknown;
      try {
        connectArgs([...argv]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TlsError);
      expect((err as TlsError).code).toBe('BAD_CONFIG');
      expect((err as TlsError).explanation).toMatch(re);
    });
  }
  it('a library option error is shown with the flag name (exit 2)', async () => {
    const r = await runCli(['connect', '127.0.0.1:1', '--verify', 'none', '--groups', 'x25591']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: BAD_CONFIG: --groups: unknown group "x25591" \(nearest valid: "x25519"\)/);
  });
});
