/**
 * The structured trace: every TraceEvent as one JSON object with decoded fields, for
 * `puretls connect --trace json` (one object per line) and for programs (`JsonTracer`).
 * The shape is docs/trace-schema.json (JSON Schema 2020-12), version TRACE_SCHEMA_VERSION;
 * docs/trace.md describes it. A change that breaks a reader bumps the version.
 *
 * Secrets: key events carry `secret` (hex) only when `secrets: true` is asked for; record
 * plaintext is application data and handshake messages (no keys).
 */
import type { TraceEvent, VerifyReport } from '../types.js';
import { summarizeChain } from './certs.js';
import { dissectHandshake, dissectRecord, type Field } from './dissect.js';

export const TRACE_SCHEMA_VERSION = 1;
export const TRACE_SCHEMA_ID = 'https://github.com/puretls/puretls/docs/trace-schema.json';

export interface JsonTraceOptions {
  /** Include secret values in key events (hex). Default false. */
  secrets?: boolean;
  /** Include record and message bytes (hex). Default true. */
  bytes?: boolean;
  /** The clock for `t` (ms since the tracer was made). */
  clock?: () => number;
}

export type JsonTraceEvent = Record<string, unknown> & { v: number; seq: number; t: number; type: string };

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Summary values made JSON-safe: bytes become hex, everything else stays. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return hexOf(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function verifyJson(v: VerifyReport): Record<string, unknown> {
  return {
    status: v.status,
    flags: v.flags,
    certificates: v.certificates.map((c) => ({ depth: c.depth, subject: c.subject, flags: c.flags })),
    peerCertificates: summarizeChain(v.peerCertificates).map((c) => ({ subject: c.subject, issuer: c.issuer, sha256: c.sha256 })),
  };
}

/** Turns events into JSON objects, numbering them and remembering the negotiated version. */
export class JsonTracer {
  private seq = 0;
  private readonly start: number;
  private readonly clock: () => number;
  /** TLS 1.3 once EncryptedExtensions or a TLS 1.3 ServerHello is seen (message shapes differ). */
  private tls13 = false;

  constructor(private readonly opts: JsonTraceOptions = {}) {
    this.clock = opts.clock ?? (() => Date.now());
    this.start = this.clock();
  }

  event(e: TraceEvent): JsonTraceEvent {
    const base = { v: TRACE_SCHEMA_VERSION, seq: this.seq++, t: this.clock() - this.start };
    const bytes = this.opts.bytes !== false;
    switch (e.type) {
      case 'record': {
        const o: JsonTraceEvent = { ...base, type: 'record', direction: e.direction, contentType: e.contentType, length: e.length, encrypted: e.encrypted };
        if (e.raw) {
          o['fields'] = dissectRecord(e.raw, e.encrypted);
          if (bytes) o['hex'] = hexOf(e.raw);
        }
        if (e.plaintext && bytes) o['plaintextHex'] = hexOf(e.plaintext);
        return o;
      }
      case 'message': {
        if (e.name === 'encrypted_extensions') this.tls13 = true;
        const o: JsonTraceEvent = { ...base, type: 'message', direction: e.direction, name: e.name, length: e.length, summary: plain(e.summary) };
        if (e.raw) {
          const fields: Field[] = dissectHandshake(e.raw, this.tls13);
          o['fields'] = fields;
          if (bytes) o['hex'] = hexOf(e.raw);
          if (e.name === 'server_hello' && /supported_versions/.test(JSON.stringify(fields))) this.tls13 = true;
        }
        return o;
      }
      case 'check':
        return { ...base, type: 'check', what: e.what, ok: e.ok, ...(e.detail !== undefined ? { detail: e.detail } : {}) };
      case 'key':
        return {
          ...base,
          type: 'key',
          label: e.label,
          from: e.from,
          ...(e.secret ? (this.opts.secrets ? { secret: hexOf(e.secret) } : { secretLength: e.secret.length }) : {}),
        };
      case 'state':
        return { ...base, type: 'state', from: e.from, to: e.to };
      case 'alert':
        return { ...base, type: 'alert', direction: e.direction, level: e.level, description: e.description };
      case 'handshake-complete': {
        const { verify, ...rest } = e.info;
        return { ...base, type: 'handshake-complete', info: { ...plain(rest) as object, verify: verifyJson(verify) } };
      }
      case 'session-ticket':
        return { ...base, type: 'session-ticket', lifetime: e.lifetime, ageAdd: e.ageAdd, ticketLength: e.ticketLength };
      case 'key-update':
        return { ...base, type: 'key-update', direction: e.direction, updateRequested: e.updateRequested };
      case 'closed':
        return { ...base, type: 'closed', reason: e.reason };
      case 'error': {
        const err = e.error;
        return {
          ...base,
          type: 'error',
          code: err.code,
          ...(typeof (err as { reason?: unknown }).reason === 'string' ? { reason: (err as { reason?: string }).reason } : {}),
          explanation: err.explanation,
          ...(err.alertName !== undefined ? { alert: err.alertName, alertDirection: err.direction ?? 'sent' } : {}),
        };
      }
    }
  }

  /** One JSON line (no newline). */
  line(e: TraceEvent): string {
    return JSON.stringify(this.event(e));
  }
}
