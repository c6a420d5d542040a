/**
 * Fuzz target: every handshake message decoder (src/handshake/messages) and the handshake
 * message joiner. The first byte picks the decoder, the rest is the message body.
 */
import { HandshakeJoiner } from '../../src/handshake/codec/handshake.js';
import * as messages from '../../src/handshake/messages/index.js';
import { decoders, onlyTlsErrors } from '../common.js';

export const DECODERS = decoders(messages);

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const sel = data[0]!;
  const body = data.subarray(1);
  onlyTlsErrors(() => {
    if (sel === 0xff) {
      // The joiner: fragments of 1..16 bytes, whole messages out.
      const j = new HandshakeJoiner();
      for (let off = 0; off < body.length; off += 1 + (off % 16)) {
        j.push(body.subarray(off, off + 1 + (off % 16)));
        while (j.next()) {
          /* drain */
        }
      }
      return;
    }
    const [name, decode] = DECODERS[sel % DECODERS.length]!;
    if (name === 'decodeEmptyMessage') messages.decodeEmptyMessage(body, sel);
    else if (name === 'decodeFinished') messages.decodeFinished(body, sel & 1 ? 32 : undefined);
    else decode(body);
  });
}
