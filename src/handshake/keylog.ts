/**
 * NSS key log lines (the SSLKEYLOGFILE format read by Wireshark and curl's tools):
 *
 *     <label> <client_random hex> <secret hex>
 *
 * TLS 1.3 labels follow RFC 8446 §7.1's secrets (CLIENT_HANDSHAKE_TRAFFIC_SECRET, ...); TLS 1.2
 * has one line per connection, `CLIENT_RANDOM <client_random> <master_secret>`. The format is
 * described in draft-ietf-tls-keylogfile. Secrets leave puretls only through this callback and
 * the verbose trace.
 */
import { toHex } from '../wire/bytes.js';

export type KeyLogLabel =
  | 'CLIENT_RANDOM' // TLS 1.2: the 48-byte master secret
  | 'CLIENT_EARLY_TRAFFIC_SECRET'
  | 'EARLY_EXPORTER_SECRET'
  | 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'
  | 'SERVER_HANDSHAKE_TRAFFIC_SECRET'
  | 'CLIENT_TRAFFIC_SECRET_0'
  | 'SERVER_TRAFFIC_SECRET_0'
  | 'EXPORTER_SECRET';

export const KEY_LOG_LABELS: readonly KeyLogLabel[] = [
  'CLIENT_RANDOM',
  'CLIENT_EARLY_TRAFFIC_SECRET',
  'EARLY_EXPORTER_SECRET',
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'SERVER_TRAFFIC_SECRET_0',
  'EXPORTER_SECRET',
];

/**
 * One key log line, without the trailing newline. `label` is one of KEY_LOG_LABELS (any other
 * upper-case NSS label, e.g. CLIENT_TRAFFIC_SECRET_1, is accepted as is).
 */
export function formatKeyLogLine(label: KeyLogLabel | (string & {}), clientRandom: Uint8Array, secret: Uint8Array): string {
  if (!/^[A-Z][A-Z0-9_]*$/.test(label)) throw new RangeError(`key log: bad label ${JSON.stringify(label)}`);
  if (clientRandom.length !== 32) throw new RangeError(`key log: client_random must be 32 bytes, got ${clientRandom.length}`);
  return `${label} ${toHex(clientRandom)} ${toHex(secret)}`;
}
