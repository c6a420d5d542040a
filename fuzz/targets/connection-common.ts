/** The connection targets' shared driver (connection.ts, connection-psk.ts). */
import { ClientConnection } from '../../src/connection.js';
import type { ClientOptions } from '../../src/types.js';
import { onlyTlsErrors } from '../common.js';

/**
 * Feed `data` after its selector byte to a fresh client made with `options`, in chunks the
 * selector picks (bit 7 set: 1 + 4·(bits 2..6) bytes; else all at once), reading and writing
 * as an application would, then close.
 */
export function feedConnection(data: Uint8Array, options: ClientOptions): void {
  const sel = data[0]!;
  const body = data.subarray(1);
  const chunk = sel & 0x80 ? 1 + 4 * ((sel >> 2) & 0x1f) : Math.max(1, body.length);
  onlyTlsErrors(() => {
    const c = new ClientConnection(options);
    c.takeOutput();
    for (let off = 0; off < body.length; off += chunk) {
      c.feed(body.subarray(off, off + chunk));
      c.takeOutput();
      c.read();
    }
    c.close();
    c.takeOutput();
  });
}
