/** Fuzz target: the record deframer (src/record/deframer.ts), fed in chunks the input chooses. */
import { RecordDeframer } from '../../src/record/deframer.js';
import { onlyTlsErrors } from '../common.js';

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const chunk = 1 + (data[0]! % 64) * 37; // 1 .. 2332 bytes per push
  onlyTlsErrors(() => {
    const d = new RecordDeframer();
    for (let off = 1; off < data.length; off += chunk) {
      d.push(data.subarray(off, off + chunk));
      while (d.next()) {
        /* drain */
      }
    }
  });
}
