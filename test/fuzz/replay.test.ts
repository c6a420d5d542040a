/**
 * Replays the fuzz targets (fuzz/targets/*.ts, Jazzer.js in `npm run fuzz`) in `npm test`: every
 * kept crasher under test/fuzz/crashers/<target>/, and hand-made edge inputs for every target,
 * must end without an escaping non-TlsError. The targets themselves rethrow anything else.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuzz as connection } from '../../fuzz/targets/connection.js';
import { fuzz as connectionPsk } from '../../fuzz/targets/connection-psk.js';
import { fuzz as deframer } from '../../fuzz/targets/deframer.js';
import { DECODERS as EXTENSION_DECODERS, fuzz as extensions } from '../../fuzz/targets/extensions.js';
import { DECODERS as MESSAGE_DECODERS, fuzz as handshakeMessages } from '../../fuzz/targets/handshake-messages.js';
import { fuzz as ocsp } from '../../fuzz/targets/ocsp.js';
import { fuzz as pem } from '../../fuzz/targets/pem.js';
import { fuzz as x509 } from '../../fuzz/targets/x509.js';
import { onlyTlsErrors } from '../../fuzz/common.js';
import { TlsError } from '../../src/errors.js';

const TARGETS: Record<string, (d: Uint8Array) => void> = {
  deframer, 'handshake-messages': handshakeMessages, extensions, x509, pem, ocsp, connection, 'connection-psk': connectionPsk,
};
const CRASHERS = join(import.meta.dirname, 'crashers');

/** Edge inputs: empty, each selector with an empty / short / long body, lengths that lie. */
function edgeInputs(selectors: number): Uint8Array[] {
  const out: Uint8Array[] = [new Uint8Array(0)];
  for (let s = 0; s < selectors; s++) {
    out.push(Uint8Array.of(s), Uint8Array.of(s, 0), Uint8Array.of(s, 0xff, 0xff, 0xff), Uint8Array.of(s, ...new Uint8Array(300).fill(0xff)));
    out.push(Uint8Array.of(s, 0x30, 0x82, 0xff, 0xff), Uint8Array.of(s, 0, 0, 1, 0), Uint8Array.of(s, 22, 3, 3, 0x40, 0x01, 1, 0, 0x3f, 0xfd));
  }
  return out;
}

describe('fuzz targets: kept crashers and edge inputs end in a TlsError or nothing', () => {
  for (const [name, target] of Object.entries(TARGETS)) {
    it(name, () => {
      const dir = join(CRASHERS, name);
      const kept = existsSync(dir) ? readdirSync(dir).map((f) => new Uint8Array(readFileSync(join(dir, f)))) : [];
      const selectors = name === 'handshake-messages' ? MESSAGE_DECODERS.length : name === 'extensions' ? EXTENSION_DECODERS.length : name === 'connection-psk' ? 4 : 2;
      const inputs = [...kept, ...edgeInputs(selectors), ...edgeInputs(1).map((x) => x.map((b) => b ^ 0xff))];
      for (const input of inputs) expect(() => target(input), `input ${Buffer.from(input).toString('hex').slice(0, 80)}`).not.toThrow();
    });
  }

  it('the decoder tables cover every decoder (a new one is fuzzed without being listed)', () => {
    expect(MESSAGE_DECODERS.map(([n]) => n)).toEqual(expect.arrayContaining(['decodeServerHello', 'decodeCertificate13', 'decodeCertificate12', 'decodeNewSessionTicket13', 'decodeServerKeyExchangeEcdhe', 'decodeKeyUpdate']));
    expect(EXTENSION_DECODERS.map(([n]) => n)).toEqual(expect.arrayContaining(['decodeKeyShareServerHello', 'decodeCertificateStatus', 'decodeSupportedVersionsServer', 'decodeAlpnServer']));
  });

  it('the rule itself: a TlsError is swallowed, anything else and INTERNAL escape', () => {
    expect(() => onlyTlsErrors(() => { throw new TlsError('MALFORMED_MESSAGE', 'x', 'x'); })).not.toThrow();
    expect(() => onlyTlsErrors(() => { throw new RangeError('x'); })).toThrow(RangeError);
    expect(() => onlyTlsErrors(() => { throw new TlsError('INTERNAL', 'x', 'x'); })).toThrow(/INTERNAL/);
  });
});
