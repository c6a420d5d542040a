/** Fuzz target: the OCSP response parser (src/x509/ocsp.ts). */
import { parseOcspResponse } from '../../src/x509/ocsp.js';
import { onlyTlsErrors } from '../common.js';

export function fuzz(data: Uint8Array): void {
  onlyTlsErrors(() => {
    parseOcspResponse(data);
  });
}
