/** Fuzz target: PEM and DER certificate loading (src/x509/pem.ts), the text as given. */
import { loadCertificates } from '../../src/x509/pem.js';
import { onlyTlsErrors } from '../common.js';

const latin1 = new TextDecoder('latin1');

export function fuzz(data: Uint8Array): void {
  onlyTlsErrors(() => {
    loadCertificates(latin1.decode(data), 'fuzz');
    loadCertificates(data, 'fuzz');
  });
}
