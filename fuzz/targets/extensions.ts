/**
 * Fuzz target: the extension block (src/handshake/extensions/block.ts) and every extension
 * decoder. The first byte picks: 0xff the block, else one decoder for the rest.
 */
import * as extensions from '../../src/handshake/extensions/index.js';
import { Reader } from '../../src/wire/reader.js';
import { decoders, onlyTlsErrors } from '../common.js';

export const DECODERS = decoders(extensions).filter(([n]) => n !== 'decodeExtensions');

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const sel = data[0]!;
  const body = data.subarray(1);
  onlyTlsErrors(() => {
    if (sel === 0xff) {
      const r = new Reader(body, 'fuzz');
      extensions.decodeExtensions(r, 'fuzz');
      r.end();
      return;
    }
    const [name, decode] = DECODERS[sel % DECODERS.length]!;
    if (name === 'decodeEmpty') extensions.decodeEmpty(body, 'fuzz');
    else if (name === 'decodeU16List') extensions.decodeU16List(body, 'fuzz', sel & 1);
    else if (name === 'decodeU8List') extensions.decodeU8List(body, 'fuzz', sel & 1);
    else decode(body);
  });
}
