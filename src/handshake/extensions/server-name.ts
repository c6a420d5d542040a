/**
 * server_name (RFC 6066 §3). The client sends one host_name; a server that used it answers with
 * an empty extension (in ServerHello for TLS 1.2, in EncryptedExtensions for TLS 1.3).
 *
 *     struct { NameType name_type; select (name_type) { case host_name: HostName; } name; } ServerName;
 *     enum { host_name(0), (255) } NameType;
 *     opaque HostName<1..2^16-1>;
 *     struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
 */
import { decodeError } from '../../errors.js';
import { fromUtf8, utf8 } from '../../wire/bytes.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';
import { decodeEmpty, encodeEmpty } from './common.js';

export const NameType = { host_name: 0 } as const;

/** ClientHello: a ServerNameList with host names (ASCII / A-labels; RFC 6066 §3: no trailing dot). */
export function encodeServerNameClient(hostNames: string | readonly string[]): Uint8Array {
  const names = typeof hostNames === 'string' ? [hostNames] : hostNames;
  return write((w) =>
    w.u16Prefixed((w) => {
      for (const n of names) {
        w.u8(NameType.host_name);
        w.vec16(utf8(n));
      }
    }),
  );
}

/** ClientHello: the host names. Only host_name is defined; any other NameType → decode_error. */
export function decodeServerNameClient(data: Uint8Array): string[] {
  const r = new Reader(data, 'server_name');
  const list = r.sub16('server_name_list');
  if (list.isEmpty()) throw decodeError('empty_list', 'server_name: empty server_name_list');
  const out = list.list((r) => {
    const t = r.u8('name_type');
    if (t !== NameType.host_name) throw decodeError('unknown_name_type', `server_name: unknown name_type ${t}`);
    return fromUtf8(r.vec16('HostName', 1));
  });
  r.end();
  return out;
}

/** ServerHello / EncryptedExtensions: empty. */
export const encodeServerNameServer = encodeEmpty;
export function decodeServerNameServer(data: Uint8Array): void {
  decodeEmpty(data, 'server_name');
}
