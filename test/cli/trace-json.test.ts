/**
 * `--trace json` (issue 14, part 3): real connections' traces, every line validated with Ajv
 * against docs/trace-schema.json; decoded fields (records, messages with fields and
 * extensions, checks, state changes, key derivations) present; secrets only when asked; a
 * failed handshake ends with the rejected message, the failed check, the alert and the error;
 * the API's JsonTracer gives the same objects.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JsonTracer, type JsonTraceEvent } from '../../src/diagnose/json-trace.js';
import type { Field } from '../../src/diagnose/dissect.js';
import { connectAsync as connect } from '../../src/transport/node.js';
import { PROJECT_ROOT } from '../helpers/env.js';
import { closeAll, otherPki, pki, tlsServer, within } from '../transport/local-server.js';
import { runCli } from './io.js';

const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'docs', 'trace-schema.json'), 'utf8')) as object;
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

let dir: string;
let caFile: string;
let otherCaFile: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'puretls-trace-'));
  caFile = join(dir, 'ca.pem');
  otherCaFile = join(dir, 'other.pem');
  writeFileSync(caFile, (await pki()).ca.cert);
  writeFileSync(otherCaFile, (await otherPki()).ca.cert);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(closeAll);

function parseLines(text: string): JsonTraceEvent[] {
  const lines = text.split('\n').filter((l) => l.startsWith('{'));
  return lines.map((l) => JSON.parse(l) as JsonTraceEvent);
}

function expectValid(events: JsonTraceEvent[]): void {
  expect(events.length).toBeGreaterThan(10);
  for (const e of events) {
    const ok = validate(e);
    expect(ok, `${JSON.stringify(e).slice(0, 300)}\n${ajv.errorsText(validate.errors)}`).toBe(true);
  }
  events.forEach((e, i) => expect(e.seq).toBe(i));
}

function fieldNames(fields: Field[]): string[] {
  return fields.flatMap((f) => [f.name, ...fieldNames(f.children ?? [])]);
}

describe('--trace json', () => {
  for (const version of ['1.3', '1.2'] as const) {
    it(`TLS ${version}: every line valid against the schema, with decoded records and messages`, async () => {
      const { port } = await tlsServer();
      const r = await within(runCli(['connect', `localhost:${port}`, '--ca', caFile, '--max-version', version, '--trace', 'json', '--send', 'QUIT\\r\\n']));
      expect(r.code).toBe(0);
      const events = parseLines(r.stderr);
      expectValid(events);
      const types = new Set(events.map((e) => e.type));
      for (const t of ['record', 'message', 'check', 'key', 'state', 'handshake-complete', 'closed']) expect(types, t).toContain(t);
      const ch = events.find((e) => e.type === 'message' && e['name'] === 'client_hello')!;
      const chFields = fieldNames(ch['fields'] as Field[]);
      for (const n of ['legacy_version', 'random', 'cipher_suites', 'CipherSuite', 'Extension server_name', 'Extension supported_groups', 'NamedGroup']) {
        expect(chFields, n).toContain(n);
      }
      expect(JSON.stringify(ch['fields'])).toContain('"value":"localhost"');
      const cert = events.find((e) => e.type === 'message' && e['name'] === 'certificate' && e['direction'] === 'received')!;
      expect(fieldNames(cert['fields'] as Field[])).toContain(version === '1.3' ? 'CertificateEntry' : 'ASN.1Cert');
      // Every received record has its wire bytes; the encrypted ones their plaintext too.
      const recs = events.filter((e) => e.type === 'record' && e['direction'] === 'received');
      for (const rec of recs) expect((rec['hex'] as string).length / 2).toBe(rec['length']);
      expect(recs.some((rec) => rec['encrypted'] && typeof rec['plaintextHex'] === 'string')).toBe(true);
      // No secret values unless asked.
      const keys = events.filter((e) => e.type === 'key');
      expect(keys.length).toBeGreaterThan(2);
      expect(keys.every((k) => k['secret'] === undefined)).toBe(true);
      const done = events.find((e) => e.type === 'handshake-complete')!;
      expect((done['info'] as { protocol: string }).protocol).toBe(`TLSv${version}`);
    });
  }

  it('--trace-secrets adds secret values; --trace-file writes the lines there', async () => {
    const { port } = await tlsServer();
    const file = join(dir, 'trace.jsonl');
    const r = await within(runCli(['connect', `localhost:${port}`, '--ca', caFile, '--trace', 'json', '--trace-secrets', '--trace-file', file, '--send', 'QUIT\\r\\n']));
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('{"v":1');
    const events = parseLines(readFileSync(file, 'utf8'));
    expectValid(events);
    const hs = events.find((e) => e.type === 'key' && e['label'] === 'client_handshake_traffic_secret')!;
    expect(hs['secret']).toMatch(/^[0-9a-f]{64,96}$/);
  });

  it('a failed verification ends with the message, the failed check, the alert and the error', async () => {
    const { port } = await tlsServer();
    const r = await within(runCli(['connect', `localhost:${port}`, '--ca', otherCaFile, '--trace', 'json']));
    expect(r.code).toBe(1);
    const events = parseLines(r.stderr);
    expectValid(events);
    // RFC 8446 Appendix D.4: the compatibility CCS goes out right before the encrypted alert.
    const steps = events.filter((e) => e.type !== 'record' && e.type !== 'closed');
    expect(steps.at(-3)).toMatchObject({ type: 'message', direction: 'sent', name: 'change_cipher_spec' });
    const tail = steps.filter((e) => !(e.type === 'message' && e['name'] === 'change_cipher_spec')).slice(-4);
    expect(tail.map((e) => e.type)).toEqual(['message', 'check', 'alert', 'error']);
    expect(tail[0]!['name']).toBe('certificate');
    expect(tail[1]!['ok']).toBe(false);
    expect(tail[1]!['detail']).toMatch(/NOT_TRUSTED/);
    expect(tail[2]).toMatchObject({ direction: 'sent', description: 'unknown_ca' });
    expect(tail[3]!['code']).toBe('CERT_VERIFY_FAILED');
  });

  it('the API gives the same objects (JsonTracer over onEvent)', async () => {
    const { port } = await tlsServer();
    const tracer = new JsonTracer();
    const events: JsonTraceEvent[] = [];
    const sock = await within(connect({ host: 'localhost', port, ca: (await pki()).ca.cert, onEvent: (e) => events.push(tracer.event(e)) }));
    sock.destroy();
    expectValid(events);
    expect(events.filter((e) => e.type === 'message').map((e) => e['name'])).toEqual([
      'client_hello',
      'server_hello',
      'encrypted_extensions',
      'certificate',
      'certificate_verify',
      'finished',
      'change_cipher_spec',
      'finished',
    ]);
  });
});
