/**
 * Our trace against OpenSSL's view of the same handshake (issue 14, part 7): `openssl s_server
 * -msg` prints every handshake message it receives (<<<) and sends (>>>) with its length; the
 * `--trace json` of the puretls client on the other end must show the same messages, in the same
 * order in each direction, with the same lengths, and every line must validate against
 * docs/trace-schema.json. TLS 1.3 and TLS 1.2.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBadPki, badCredArgs, type BadPki } from '../helpers/bad-pki.js';
import { PROJECT_ROOT, programMissing, skipFor } from '../helpers/env.js';
import { startOpenSslServer, stopAllPeers, waitUntil, within } from '../helpers/peers.js';
import { runCli } from '../cli/io.js';

const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'docs', 'trace-schema.json'), 'utf8')) as object;
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

/** OpenSSL's message names → ours. */
const NAME: Record<string, string> = {
  ClientHello: 'client_hello',
  ServerHello: 'server_hello',
  EncryptedExtensions: 'encrypted_extensions',
  Certificate: 'certificate',
  CertificateVerify: 'certificate_verify',
  ServerKeyExchange: 'server_key_exchange',
  ServerHelloDone: 'server_hello_done',
  ClientKeyExchange: 'client_key_exchange',
  Finished: 'finished',
  NewSessionTicket: 'new_session_ticket',
};

interface Msg {
  /** 'c2s' client to server, 's2c' server to client. */
  dir: 'c2s' | 's2c';
  name: string;
  length: number;
}

function opensslMessages(output: string): Msg[] {
  const out: Msg[] = [];
  for (const m of output.matchAll(/^(<<<|>>>) TLS [\d.]+, Handshake \[length ([0-9a-f]{4})\], (\w+)$/gm)) {
    out.push({ dir: m[1] === '<<<' ? 'c2s' : 's2c', name: NAME[m[3]!] ?? m[3]!, length: parseInt(m[2]!, 16) });
  }
  return out;
}

const missing = programMissing('openssl');
describe.skipIf(skipFor(missing, 'trace against openssl s_server -msg'))('our trace vs openssl s_server -msg', () => {
  let bad: BadPki;
  let dir: string;
  beforeAll(() => {
    bad = makeBadPki();
    dir = mkdtempSync(join(tmpdir(), 'puretls-trace-ossl-'));
  });
  afterAll(async () => {
    await stopAllPeers();
    bad?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const version of ['1.3', '1.2'] as const) {
    it(`TLS ${version}: the same handshake messages, order and lengths; the trace validates`, async () => {
      const peer = await startOpenSslServer([version === '1.3' ? '-tls1_3' : '-tls1_2', '-msg', '-www', ...badCredArgs(bad.creds.good)]);
      const file = join(dir, `trace${version}.jsonl`);
      const r = await within(
        runCli(['connect', `localhost:${peer.port}`, '--ca', bad.rootFile, '--trace', 'json', '--trace-file', file, '--send', 'GET / HTTP/1.0\\r\\n\\r\\n']),
        20_000,
        'connect',
      );
      expect(r.code, r.stderr).toBe(0);
      const events = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const e of events) expect(validate(e), ajv.errorsText(validate.errors)).toBe(true);

      const ours: Msg[] = events
        .filter((e) => e['type'] === 'message' && e['name'] !== 'change_cipher_spec')
        .map((e) => ({ dir: e['direction'] === 'sent' ? 'c2s' : 's2c', name: String(e['name']), length: Number(e['length']) }));
      // OpenSSL's view: wait until it printed our Finished (the last client message).
      await waitUntil(() => opensslMessages(peer.output()).filter((m) => m.dir === 'c2s' && m.name === 'finished').length > 0, 10_000, 'openssl printed our Finished');
      const theirs = opensslMessages(peer.output());
      // TLS 1.3 tickets are post-handshake: compare the handshake proper, then count tickets.
      const hs = (l: Msg[]) => l.filter((m) => m.name !== 'new_session_ticket');
      for (const dir of ['c2s', 's2c'] as const) {
        expect(hs(ours).filter((m) => m.dir === dir), `${dir}\nopenssl:\n${peer.output()}`).toEqual(hs(theirs).filter((m) => m.dir === dir));
      }
      const expected13 = ['client_hello', 'server_hello', 'encrypted_extensions', 'certificate', 'certificate_verify', 'finished', 'finished'];
      const expected12 = ['client_hello', 'server_hello', 'certificate', 'server_key_exchange', 'server_hello_done', 'client_key_exchange', 'finished', 'finished'];
      expect(hs(theirs).map((m) => m.name)).toEqual(version === '1.3' ? expected13 : expected12.filter((n) => n !== 'new_session_ticket'));
      const tickets = theirs.filter((m) => m.name === 'new_session_ticket').length;
      const ourTickets = events.filter((e) => e['type'] === 'session-ticket' || (e['type'] === 'message' && e['name'] === 'new_session_ticket')).length;
      expect(tickets).toBeGreaterThan(0);
      expect(ourTickets).toBeGreaterThanOrEqual(tickets);
      await peer.stop();
    });
  }
});
