/**
 * `puretls trace TRACE.jsonl --html OUT.html`: a JSON trace saved by `connect --trace json`
 * (docs/trace.md) drawn as the self-contained teaching page (src/diagnose/html.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { TRACE_SCHEMA_VERSION, type JsonTraceEvent } from '../diagnose/json-trace.js';
import { traceToHtml } from '../diagnose/html.js';
import { configError } from '../errors.js';
import type { CliIO } from './io.js';

export function readJsonTrace(text: string, file: string): JsonTraceEvent[] {
  const events: JsonTraceEvent[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      throw configError('bad_trace_file', `${file}:${i + 1}: not a JSON line`);
    }
    const e = o as Partial<JsonTraceEvent>;
    if (typeof o !== 'object' || o === null || e.v !== TRACE_SCHEMA_VERSION || typeof e.type !== 'string') {
      throw configError('bad_trace_file', `${file}:${i + 1}: not a puretls trace event of version ${TRACE_SCHEMA_VERSION}`);
    }
    events.push(o as JsonTraceEvent);
  });
  if (events.length === 0) throw configError('bad_trace_file', `${file}: no trace events`);
  return events;
}

export async function runTraceHtml(input: string, out: string, io: CliIO): Promise<number> {
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (e) {
    throw configError('cannot_read_file', `cannot read ${input}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const events = readJsonTrace(text, input);
  writeFileSync(out, traceToHtml(events, { title: `A TLS handshake, byte by byte (${input})` }));
  io.stderr.write(`wrote ${out}: ${events.length} events\n`);
  return 0;
}
