/**
 * Shared by the fuzz targets (fuzz/targets/*.ts, run by Jazzer.js through `npm run fuzz` and
 * replayed by test/fuzz/replay.test.ts): the one rule every target checks is that bad input
 * ends in a TlsError and nothing else (RangeError, TypeError... are crashes).
 */
import { TlsError } from '../src/errors.js';

/** Run `f`; a TlsError is the expected way to refuse input, anything else is rethrown (a crash). */
export function onlyTlsErrors(f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof TlsError) {
      if (e.code === 'INTERNAL') throw new Error(`INTERNAL TlsError escaped: ${e.message}`, { cause: e });
      return;
    }
    throw e;
  }
}

/** Functions of a codec module whose name starts with `decode`, in a stable order. */
export function decoders(mod: Record<string, unknown>): Array<[string, (b: Uint8Array) => unknown]> {
  return Object.entries(mod)
    .filter((e): e is [string, (b: Uint8Array) => unknown] => e[0].startsWith('decode') && typeof e[1] === 'function')
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
