/**
 * The demo's storyteller: turns trace events into a handshake a learner can follow, one section
 * per message in the shape of RFC 8446 Figure 1: `ClientHello →`, `← ServerHello`,
 * `← {EncryptedExtensions}` (braces: protected by handshake or application traffic keys).
 * Secrets are shortened to their first 8 bytes: enough to recognise, not to use.
 */
import type { TraceEvent } from '../types.js';
import { shortHex, valueText } from './print.js';
import { summarizeChain } from '../diagnose/certs.js';
import { certificatesOfMessage } from '../diagnose/trace.js';

const HEX = /^[0-9a-f]{34,}$/i;

/** client_hello → ClientHello */
export function messageTitle(name: string): string {
  return name
    .split('_')
    .map((w) => (w.length > 0 ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join('');
}

function fieldValue(v: unknown): string {
  if (typeof v === 'string' && HEX.test(v)) return `${v.slice(0, 16)}…`;
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.map(fieldValue).join(', ');
  if (v instanceof Uint8Array) return shortHex(v);
  return valueText(v);
}

/** Words for the keys' origins, by secret name. */
const KEY_NOTES: Record<string, string> = {
  early_secret: 'start of the key schedule (no pre-shared key)',
  handshake_secret: 'mixes in the (EC)DHE shared secret: only the two ends can compute it',
  client_handshake_traffic_secret: 'protects our handshake messages',
  server_handshake_traffic_secret: "protects the server's handshake messages",
  master_secret: 'root of the application keys',
  client_application_traffic_secret_0: 'protects the data we send',
  server_application_traffic_secret_0: 'protects the data the server sends',
  exporter_master_secret: 'for keying material exporters (RFC 5705)',
  resumption_master_secret: 'for session tickets / resumption',
};

const WIDTH = 100;
const FIELD_INDENT = ' '.repeat(25);

/** `    name                 value, value, ...` wrapped at WIDTH columns after commas. */
function fieldLines(name: string, value: string): string[] {
  const lines: string[] = [];
  let line = `    ${name.padEnd(20)} `;
  for (const [i, part] of value.split(', ').entries()) {
    const piece = i === 0 ? part : `, ${part}`;
    if (i > 0 && line.length + piece.length > WIDTH) {
      lines.push(line + ',');
      line = FIELD_INDENT + part;
    } else {
      line += piece;
    }
  }
  lines.push(line);
  return lines;
}

export class Narrator {
  private readEncrypted = false;
  private writeEncrypted = false;
  private lastTitle = '';

  constructor(private readonly out: (line: string) => void) {}

  private header(direction: 'sent' | 'received', title: string, encrypted: boolean, note = ''): void {
    this.lastTitle = title;
    const t = encrypted ? `{${title}}` : title;
    this.out('');
    this.out(direction === 'sent' ? `${t} →${note}` : `← ${t}${note}`);
  }

  event(e: TraceEvent): void {
    switch (e.type) {
      case 'message': {
        const encrypted = e.direction === 'sent' ? this.writeEncrypted : this.readEncrypted;
        if (e.name === 'change_cipher_spec') {
          this.header(e.direction, 'ChangeCipherSpec', false, '   (middlebox compatibility, RFC 8446 D.4: a no-op)');
          return;
        }
        this.header(e.direction, messageTitle(e.name), encrypted, `   ${e.length} bytes`);
        for (const [k, v] of Object.entries(e.summary)) for (const l of fieldLines(k, fieldValue(v))) this.out(l);
        if (e.name === 'certificate' && e.direction === 'received' && e.raw) this.certificates(e.raw, encrypted);
        return;
      }
      case 'check':
        this.out(`    ${e.ok ? '✓' : '✗'} ${e.what}${e.detail ? ` — ${e.detail}` : ''}`);
        return;
      case 'key': {
        if (e.secret) {
          const note = KEY_NOTES[e.label];
          this.out(`    key ${e.label} = ${shortHex(e.secret)}${note ? `  (${note})` : ''}`);
          this.out(`        = ${e.from}`);
          return;
        }
        // Protection changes: "read key: <secret>" / "write key: <secret>".
        if (e.label.startsWith('read key')) {
          this.readEncrypted = true;
          this.out(`    ⇒ the server's records are decrypted from now on with keys from ${e.from}`);
        } else if (e.label.startsWith('write key')) {
          this.writeEncrypted = true;
          this.out(`    ⇒ our records are encrypted from now on with keys from ${e.from}`);
        }
        return;
      }
      case 'alert':
        this.header(e.direction, `Alert ${e.level} ${e.description}`, e.direction === 'sent' ? this.writeEncrypted : this.readEncrypted);
        return;
      case 'session-ticket':
        if (this.lastTitle !== 'NewSessionTicket') this.header('received', 'NewSessionTicket', this.readEncrypted);
        this.lastTitle = '';
        this.out(`    a session ticket for later resumption: ${e.ticketLength} bytes, valid ${e.lifetime} s`);
        return;
      case 'key-update':
        this.out(`    KeyUpdate ${e.direction}${e.updateRequested ? ' (update requested)' : ''}`);
        return;
      case 'error':
        this.out(`    ✗ ${e.error.code}: ${e.error.explanation}`);
        return;
      case 'state':
      case 'record':
      case 'handshake-complete':
      case 'closed':
        return;
    }
  }

  /** The certificates themselves (a TLS 1.3 Certificate arrives encrypted, a TLS 1.2 one in the clear). */
  private certificates(raw: Uint8Array, encrypted: boolean): void {
    const ders = certificatesOfMessage(raw, encrypted ? '1.3' : '1.2') ?? [];
    for (const c of summarizeChain(ders)) {
      this.out(`    [${c.index}] ${c.subject}  (issued by ${c.issuer})`);
      this.out(`        names ${c.names.join(', ') || '-'}; ${c.key}; signed with ${c.signatureAlgorithm}`);
      this.out(`        valid ${c.notBefore.toISOString().slice(0, 10)} to ${c.notAfter.toISOString().slice(0, 10)}; sha256 ${c.sha256.slice(0, 23)}…`);
    }
  }

  /** Application data, shown as text (one header per chunk). */
  data(direction: 'sent' | 'received', bytes: Uint8Array): void {
    this.header(direction, 'ApplicationData', true, `   ${bytes.length} bytes`);
    const text = new TextDecoder().decode(bytes);
    for (const line of text.replace(/\r?\n$/, '').split(/\r?\n/)) this.out(`    | ${line}`);
  }
}
