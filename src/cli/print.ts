/**
 * Text for people: the handshake summary line, and trace events as `--debug` lines.
 *
 *   handshake: protocol=TLSv1.3 cipher=TLS_AES_128_GCM_SHA256 group=x25519 sigalg=... alpn=- resumed=no verify=ok
 *
 * Debug levels add event types: error (errors) < state (state, message, check) < info
 * (records, alerts, handshake-complete, tickets, key updates, closes) < verbose (key events,
 * with their secrets in hex, labelled SECRET).
 */
import type { DebugLevel, HandshakeInfo, TraceEvent, VerifyReport } from '../types.js';
import { explanationForCli } from './flag-names.js';

/** The `verify=` value: ok, skipped, or the failure flags. */
export function verifyField(v: VerifyReport): string {
  if (v.status === 'ok' || v.status === 'skipped') return v.status;
  return v.flags.length > 0 ? v.flags.join(',') : 'failed';
}

export function handshakeLine(info: HandshakeInfo): string {
  const f = (v: string | undefined): string => (v === undefined || v === '' ? '-' : v);
  return (
    `handshake: protocol=${info.protocol} cipher=${info.cipher} group=${f(info.group)} ` +
    `sigalg=${f(info.signatureScheme)} alpn=${f(info.alpn)} resumed=${info.resumed ? 'yes' : 'no'} ` +
    `verify=${info.pskIdentity !== undefined ? 'psk' : verifyField(info.verify)}`
  );
}

const RANK: Record<DebugLevel, number> = { none: 0, error: 1, state: 2, info: 3, verbose: 4 };

/** The lowest level that shows each event type. */
const LEVEL_OF: Record<TraceEvent['type'], DebugLevel> = {
  error: 'error',
  state: 'state',
  message: 'state',
  check: 'state',
  record: 'info',
  alert: 'info',
  'handshake-complete': 'info',
  'session-ticket': 'info',
  'key-update': 'info',
  closed: 'info',
  key: 'verbose',
};

export function shows(level: DebugLevel, event: TraceEvent): boolean {
  return RANK[level] >= RANK[LEVEL_OF[event.type]] && level !== 'none';
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** First `n` bytes in hex and an ellipsis: enough to recognise a value, too little to use it. */
export function shortHex(b: Uint8Array, n = 8): string {
  return b.length <= n ? toHex(b) : `${toHex(b.subarray(0, n))}…`;
}

/** A summary value as text: arrays comma-joined, bytes in short hex, objects as k=v. */
export function valueText(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (v instanceof Uint8Array) return shortHex(v);
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.map(valueText).join(',');
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${valueText(x)}`).join(' ')}}`;
  }
  return String(v);
}

export function summaryText(summary: Record<string, unknown>): string {
  return Object.entries(summary)
    .map(([k, v]) => `${k}=${valueText(v)}`)
    .join(' ');
}

/** One `--debug` line for an event (without a newline). */
export function traceLine(e: TraceEvent): string {
  switch (e.type) {
    case 'state':
      return `[state] ${e.from} -> ${e.to}`;
    case 'message': {
      const s = summaryText(e.summary);
      return `[message] ${e.direction} ${e.name} (${e.length} bytes)${s ? ' ' + s : ''}`;
    }
    case 'check':
      return `[check] ${e.ok ? 'ok' : 'FAILED'}: ${e.what}${e.detail ? ` (${e.detail})` : ''}`;
    case 'record':
      return `[record] ${e.direction} ${e.contentType} ${e.length} bytes${e.encrypted ? ' encrypted' : ''}`;
    case 'alert':
      return `[alert] ${e.direction} ${e.level} ${e.description}`;
    case 'key':
      return e.secret
        ? `[key] SECRET ${e.label} = ${toHex(e.secret)} (from ${e.from})`
        : `[key] ${e.label} (from ${e.from})`;
    case 'handshake-complete':
      return `[done] ${handshakeLine(e.info)}`;
    case 'session-ticket':
      return `[ticket] lifetime=${e.lifetime}s ticket=${e.ticketLength} bytes`;
    case 'key-update':
      return `[key-update] ${e.direction} update_requested=${e.updateRequested ? 'yes' : 'no'}`;
    case 'closed':
      return `[closed] ${e.reason}`;
    case 'error': {
      const a = e.error.alertName ? ` (alert ${e.error.direction ?? 'sent'}: ${e.error.alertName})` : '';
      return `[error] ${e.error.code}: ${explanationForCli(e.error.explanation)}${a}`;
    }
  }
}
