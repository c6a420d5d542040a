/**
 * A dissector for learners and traces: splits a record or a handshake message into named
 * fields with their byte offsets (Wireshark's tree, in the RFC's field names). The JSON trace
 * carries the tree; the HTML page colours each byte by the field that owns it.
 *
 * It never throws: bytes it cannot read become one `undecoded` field. It is descriptive only;
 * the protocol code (src/handshake/codec) decides what is valid.
 * Field names: RFC 8446 §4 (TLS 1.3), RFC 5246 §7.4 (TLS 1.2), RFC 8422 §5.4 (ECDHE).
 */
import { contentTypeName } from '../record/content-type.js';
import { extensionTypeName, handshakeTypeName } from '../handshake/codec/types.js';
import { schemeByCode } from '../crypto/sigschemes.js';
import { groupName, hex4, suiteName, versionName } from './names.js';

export interface Field {
  name: string;
  /** Offset in the dissected bytes. */
  offset: number;
  length: number;
  /** The value as a person reads it (a number, a name, a short hex). */
  value?: string;
  children?: Field[];
}

const HEX_SHOWN = 32;

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b.subarray(0, HEX_SHOWN)) s += x.toString(16).padStart(2, '0');
  return b.length > HEX_SHOWN ? `${s}… (${b.length} bytes)` : s;
}

class Cursor {
  pos: number;
  constructor(
    readonly b: Uint8Array,
    start = 0,
    readonly end = b.length,
  ) {
    this.pos = start;
  }
  get left(): number {
    return this.end - this.pos;
  }
  need(n: number): void {
    if (n > this.left) throw new RangeError('short');
  }
  uint(n: number): number {
    this.need(n);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.b[this.pos + i]!;
    this.pos += n;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** A numeric field. */
  num(out: Field[], name: string, n: number, show: (v: number) => string = String): number {
    const offset = this.pos;
    const v = this.uint(n);
    out.push({ name, offset, length: n, value: show(v) });
    return v;
  }
  /** A fixed-size opaque field. */
  raw(out: Field[], name: string, n: number): Uint8Array {
    const offset = this.pos;
    const v = this.bytes(n);
    out.push({ name, offset, length: n, value: hex(v) });
    return v;
  }
  /** A length-prefixed vector: the length field, then the body dissected by `inner` (or shown as hex). */
  vec(out: Field[], name: string, lenBytes: number, inner?: (c: Cursor, fields: Field[]) => void): Uint8Array {
    const offset = this.pos;
    const len = this.uint(lenBytes);
    this.need(len);
    const start = this.pos;
    const body = this.b.subarray(start, start + len);
    const children: Field[] = [{ name: `${name} length`, offset, length: lenBytes, value: String(len) }];
    if (inner && len > 0) {
      const c = new Cursor(this.b, start, start + len);
      safely(children, c, () => inner(c, children));
    } else if (len > 0) {
      children.push({ name, offset: start, length: len, value: hex(body) });
    }
    this.pos = start + len;
    out.push({ name, offset, length: lenBytes + len, children });
    return body;
  }
  rest(out: Field[], name: string): void {
    if (this.left > 0) this.raw(out, name, this.left);
  }
}

/** Run a dissection step; what it could not read becomes one `undecoded` field. */
function safely(out: Field[], c: Cursor, f: () => void): void {
  const from = c.pos;
  try {
    f();
  } catch {
    c.pos = Math.max(c.pos, from);
  }
  if (c.left > 0) out.push({ name: 'undecoded', offset: c.pos, length: c.left, value: hex(c.b.subarray(c.pos, c.end)) });
  c.pos = c.end;
}

const list16 = (name: string, show: (v: number) => string) => (c: Cursor, out: Field[]) => {
  while (c.left > 0) c.num(out, name, 2, show);
};
const schemeName = (v: number): string => schemeByCode(v)?.name ?? hex4(v);

/** Extension bodies we know how to read; the rest stay hex. `role`: who sent it. */
function extensionBody(type: number, c: Cursor, out: Field[], role: 'client' | 'server' | 'hrr'): void {
  switch (type) {
    case 0: // server_name, RFC 6066 §3
      if (c.left === 0) return;
      c.vec(out, 'server_name_list', 2, (c, o) => {
        while (c.left > 0) {
          c.num(o, 'name_type', 1, (v) => (v === 0 ? 'host_name (0)' : String(v)));
          const at = c.pos;
          const nameBytes = c.vec(o, 'HostName', 2);
          o[o.length - 1]!.value = new TextDecoder().decode(nameBytes);
          void at;
        }
      });
      return;
    case 10: // supported_groups
      c.vec(out, 'named_group_list', 2, list16('NamedGroup', groupName));
      return;
    case 13: // signature_algorithms
    case 50: // signature_algorithms_cert
      c.vec(out, 'supported_signature_algorithms', 2, list16('SignatureScheme', schemeName));
      return;
    case 43: // supported_versions
      if (role === 'client') c.vec(out, 'versions', 1, list16('ProtocolVersion', versionName));
      else c.num(out, 'selected_version', 2, versionName);
      return;
    case 51: // key_share, RFC 8446 §4.2.8
      if (role === 'hrr') {
        c.num(out, 'selected_group', 2, groupName);
        return;
      }
      const entry = (c: Cursor, o: Field[]) => {
        const at = c.pos;
        const kids: Field[] = [];
        c.num(kids, 'group', 2, groupName);
        c.vec(kids, 'key_exchange', 2);
        o.push({ name: 'KeyShareEntry', offset: at, length: c.pos - at, children: kids });
      };
      if (role === 'client') {
        c.vec(out, 'client_shares', 2, (c, o) => {
          while (c.left > 0) entry(c, o);
        });
      } else entry(c, out);
      return;
    case 16: // ALPN, RFC 7301
      c.vec(out, 'protocol_name_list', 2, (c, o) => {
        while (c.left > 0) {
          const p = c.vec(o, 'ProtocolName', 1);
          o[o.length - 1]!.value = new TextDecoder().decode(p);
        }
      });
      return;
    case 45: // psk_key_exchange_modes
      c.vec(out, 'ke_modes', 1, (c, o) => {
        while (c.left > 0) c.num(o, 'PskKeyExchangeMode', 1, (v) => (v === 1 ? 'psk_dhe_ke (1)' : v === 0 ? 'psk_ke (0)' : String(v)));
      });
      return;
    case 11: // ec_point_formats
      c.vec(out, 'ec_point_format_list', 1, (c, o) => {
        while (c.left > 0) c.num(o, 'ECPointFormat', 1, (v) => (v === 0 ? 'uncompressed (0)' : String(v)));
      });
      return;
    case 0xff01: // renegotiation_info
      c.vec(out, 'renegotiated_connection', 1);
      return;
    default:
      c.rest(out, 'extension_data');
  }
}

function extensions(c: Cursor, out: Field[], role: 'client' | 'server' | 'hrr'): void {
  if (c.left === 0) return;
  c.vec(out, 'extensions', 2, (c, o) => {
    while (c.left > 0) {
      const at = c.pos;
      const kids: Field[] = [];
      const type = c.num(kids, 'extension_type', 2, (v) => `${extensionTypeName(v)} (${v})`);
      const len = c.num(kids, 'extension_data length', 2);
      c.need(len);
      const inner = new Cursor(c.b, c.pos, c.pos + len);
      safely(kids, inner, () => extensionBody(type, inner, kids, role));
      c.pos += len;
      o.push({ name: `Extension ${extensionTypeName(type)}`, offset: at, length: c.pos - at, children: kids });
    }
  });
}

const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

function hello(c: Cursor, out: Field[], client: boolean): void {
  c.num(out, 'legacy_version', 2, versionName);
  const random = c.raw(out, 'random', 32);
  const hrr = !client && hex(random) === HRR_RANDOM;
  if (hrr) out[out.length - 1]!.value += ' (HelloRetryRequest)';
  c.vec(out, client ? 'legacy_session_id' : 'legacy_session_id_echo', 1);
  if (client) {
    c.vec(out, 'cipher_suites', 2, list16('CipherSuite', suiteName));
    c.vec(out, 'legacy_compression_methods', 1);
  } else {
    c.num(out, 'cipher_suite', 2, suiteName);
    c.num(out, 'legacy_compression_method', 1);
  }
  extensions(c, out, client ? 'client' : hrr ? 'hrr' : 'server');
}

function certificate(c: Cursor, out: Field[], tls13: boolean): void {
  if (tls13) c.vec(out, 'certificate_request_context', 1);
  c.vec(out, 'certificate_list', 3, (c, o) => {
    while (c.left > 0) {
      const at = c.pos;
      const kids: Field[] = [];
      c.vec(kids, 'cert_data', 3);
      if (tls13) extensions(c, kids, 'server');
      o.push({ name: tls13 ? 'CertificateEntry' : 'ASN.1Cert', offset: at, length: c.pos - at, children: kids });
    }
  });
}

/**
 * The fields of one handshake message (4-byte header included). `tls13` selects the TLS 1.3
 * shapes where the versions differ (Certificate, CertificateRequest, NewSessionTicket).
 */
export function dissectHandshake(raw: Uint8Array, tls13: boolean): Field[] {
  const out: Field[] = [];
  const c = new Cursor(raw);
  safely(out, c, () => {
    const type = c.num(out, 'msg_type', 1, (v) => `${handshakeTypeName(v)} (${v})`);
    c.num(out, 'length', 3);
    const body: Field[] = [];
    const at = c.pos;
    safely(body, c, () => {
      switch (type) {
        case 1:
          return hello(c, body, true);
        case 2:
          return hello(c, body, false);
        case 8: // EncryptedExtensions
          return extensions(c, body, 'server');
        case 11:
          return certificate(c, body, tls13);
        case 15: // CertificateVerify
          c.num(body, 'algorithm', 2, schemeName);
          c.vec(body, 'signature', 2);
          return;
        case 20:
          c.rest(body, 'verify_data');
          return;
        case 4: // NewSessionTicket
          c.num(body, 'ticket_lifetime', 4, (v) => `${v} s`);
          if (tls13) {
            c.num(body, 'ticket_age_add', 4);
            c.vec(body, 'ticket_nonce', 1);
            c.vec(body, 'ticket', 2);
            extensions(c, body, 'server');
          } else c.vec(body, 'ticket', 2);
          return;
        case 12: // ServerKeyExchange (ECDHE, RFC 8422 §5.4)
          c.num(body, 'curve_type', 1, (v) => (v === 3 ? 'named_curve (3)' : String(v)));
          c.num(body, 'namedcurve', 2, groupName);
          c.vec(body, 'public', 1);
          c.num(body, 'signature algorithm', 2, schemeName);
          c.vec(body, 'signature', 2);
          return;
        case 16: // ClientKeyExchange (ECDHE)
          c.vec(body, 'ecdh_Yc', 1);
          return;
        case 24: // KeyUpdate
          c.num(body, 'request_update', 1, (v) => (v === 1 ? 'update_requested (1)' : 'update_not_requested (0)'));
          return;
        default:
          c.rest(body, 'body');
      }
    });
    out.push({ name: 'body', offset: at, length: raw.length - at, children: body });
  });
  return out;
}

/**
 * The fields of one record as on the wire (RFC 8446 §5.1 TLSPlaintext / §5.2 TLSCiphertext).
 * For a protected record the fragment is `encrypted_record`, ending with the AEAD tag.
 */
export function dissectRecord(raw: Uint8Array, encrypted: boolean, tagLength = 16): Field[] {
  const out: Field[] = [];
  const c = new Cursor(raw);
  safely(out, c, () => {
    c.num(out, encrypted ? 'opaque_type' : 'type', 1, (v) => `${contentTypeName(v)} (${v})`);
    c.num(out, 'legacy_record_version', 2, (v) => `${hex4(v)} (${versionName(v)})`);
    const len = c.num(out, 'length', 2);
    if (!encrypted) {
      c.rest(out, 'fragment');
      return;
    }
    const body = Math.max(0, Math.min(len, c.left) - tagLength);
    const kids: Field[] = [];
    const at = c.pos;
    c.raw(kids, 'ciphertext (content, type, padding)', body);
    c.rest(kids, 'AEAD tag');
    out.push({ name: 'encrypted_record', offset: at, length: c.pos - at, children: kids });
  });
  return out;
}
