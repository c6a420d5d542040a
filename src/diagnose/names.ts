/**
 * Names for code points the diagnosis meets on the wire, including ones puretls may not
 * implement (a server's choice is worth naming even when we cannot follow it).
 * IANA TLS Supported Groups registry; draft-ietf-tls-ecdhe-mlkem for the hybrid ML-KEM groups.
 */
import { groupByCode } from '../crypto/groups.js';
import { suiteByCode } from '../crypto/suites.js';

const OTHER_GROUPS: Record<number, string> = {
  0x11eb: 'SecP256r1MLKEM768',
  0x11ec: 'X25519MLKEM768',
  0x11ed: 'SecP384r1MLKEM1024',
  0x6399: 'X25519Kyber768Draft00',
  0x0200: 'MLKEM512',
  0x0201: 'MLKEM768',
  0x0202: 'MLKEM1024',
};

/** Hybrid and pure post-quantum key exchange groups (ML-KEM, and the Kyber draft). */
export const PQ_GROUP_CODES: ReadonlySet<number> = new Set([0x11eb, 0x11ec, 0x11ed, 0x6399, 0x0200, 0x0201, 0x0202]);

export function hex4(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

export function groupName(code: number): string {
  return groupByCode(code)?.name ?? OTHER_GROUPS[code] ?? hex4(code);
}

/** Suites a server may choose that puretls does not implement (IANA TLS Cipher Suites registry). */
const OTHER_SUITES: Record<number, string> = {
  0x1304: 'TLS_AES_128_CCM_SHA256',
  0x1305: 'TLS_AES_128_CCM_8_SHA256',
  0x000a: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  0x002f: 'TLS_RSA_WITH_AES_128_CBC_SHA',
  0x0033: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  0x0035: 'TLS_RSA_WITH_AES_256_CBC_SHA',
  0x0039: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
  0x003c: 'TLS_RSA_WITH_AES_128_CBC_SHA256',
  0x003d: 'TLS_RSA_WITH_AES_256_CBC_SHA256',
  0x0067: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  0x006b: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  0x009c: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  0x009d: 'TLS_RSA_WITH_AES_256_GCM_SHA384',
  0x009e: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  0x009f: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  0xccaa: 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  0xc0ac: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM',
  0xc0ad: 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM',
  0xc09c: 'TLS_RSA_WITH_AES_128_CCM',
  0xc09d: 'TLS_RSA_WITH_AES_256_CCM',
};

export function suiteName(code: number): string {
  return suiteByCode(code)?.name ?? OTHER_SUITES[code] ?? hex4(code);
}

export function versionName(v: number): string {
  switch (v) {
    case 0x0304:
      return 'TLSv1.3';
    case 0x0303:
      return 'TLSv1.2';
    case 0x0302:
      return 'TLSv1.1';
    case 0x0301:
      return 'TLSv1.0';
    case 0x0300:
      return 'SSLv3';
    default:
      return hex4(v);
  }
}
