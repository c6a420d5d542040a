/** Fuzz target: the DER reader and X.509 certificate parser (src/wire/der.ts, src/x509/certificate.ts). */
import { parseCertificate } from '../../src/x509/certificate.js';
import { onlyTlsErrors } from '../common.js';

export function fuzz(data: Uint8Array): void {
  onlyTlsErrors(() => {
    parseCertificate(data);
  });
}
