/**
 * `puretls demo [--scenario tls13|tls12|hrr|bad-cert] [--debug LEVEL]`: a whole handshake on
 * this machine, explained (TLS 1.3, TLS 1.2, a HelloRetryRequest, a failed verification).
 *
 * 1. Make a throw-away CA and a server certificate for localhost / 127.0.0.1 (ECDSA P-256), in
 *    memory (src/demo/pki.ts).
 * 2. Start a node:tls server on 127.0.0.1 with an ephemeral port; it answers one HTTP request.
 * 3. Connect with puretls (servername localhost, trusting only the demo CA, verify required)
 *    and narrate the trace events (narrate.ts), then send a GET, print the reply and close.
 */
import { createServer, type Server, type TLSSocket as NodeTlsSocket, type TlsOptions } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { makeDemoPki } from '../demo/pki.js';
import { writeFileSync } from 'node:fs';
import { TlsError } from '../errors.js';
import { JsonTracer, type JsonTraceEvent } from '../diagnose/json-trace.js';
import { traceToHtml } from '../diagnose/html.js';
import type { ClientOptions, TraceEvent } from '../types.js';
import type { DemoArgs, DemoScenario } from './args.js';
import type { CliIO } from './io.js';
import { Narrator } from './narrate.js';
import { handshakeLine, shows, traceLine } from './print.js';

export const DEMO_REQUEST = 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';

/** A node:tls server that answers each request with one small HTTP response, then closes. */
export async function startDemoServer(
  cert: string,
  key: string,
  ca?: string,
  extra: Partial<TlsOptions> = {},
): Promise<{ server: Server; port: number }> {
  const server = createServer({ cert: ca ? cert + ca : cert, key, minVersion: 'TLSv1.2', ...extra }, (sock: NodeTlsSocket) => {
    let request = '';
    sock.on('error', () => {});
    sock.on('data', (d: Buffer) => {
      request += d.toString('latin1');
      if (!request.includes('\r\n\r\n')) return;
      const body = `Hello from node:tls over ${sock.getProtocol() ?? 'TLS'} (${sock.getCipher().standardName})\n`;
      sock.end(
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

interface ScenarioText {
  title: string;
  /** Extra client options and what they do, for the setup lines. */
  client: Partial<ClientOptions>;
  clientNote: string;
  /** node:tls server options for the scenario. */
  server: Partial<TlsOptions>;
  /** The last words, after the connection closed (or failed). */
  closing: string;
}

const SCENARIOS: Record<DemoScenario, ScenarioText> = {
  tls13: {
    title: 'a TLS 1.3 handshake',
    client: {},
    clientNote: 'puretls connects with servername=localhost, trusting only the demo CA, verify=required',
    server: {},
    closing: 'Closed: both sides sent close_notify. The whole handshake took one round trip.',
  },
  tls12: {
    title: 'a TLS 1.2 handshake (ECDHE, RFC 5246 + RFC 8422)',
    client: { maxVersion: '1.2' },
    clientNote: 'puretls connects with maxVersion=1.2, servername=localhost, trusting only the demo CA',
    server: {},
    closing:
      'Closed. TLS 1.2 took two round trips: the certificate travelled in the clear, and the keys came from\n' +
      'the master secret (PRF over the ECDHE shared secret and both randoms), not from a key schedule.',
  },
  hrr: {
    title: 'a TLS 1.3 handshake with a HelloRetryRequest',
    client: { keyShareGroups: ['secp256r1'] },
    clientNote:
      'puretls offers groups x25519 and secp256r1 but sends a key share for secp256r1 only;\n' +
      '    the server accepts only X25519, so it must ask for another ClientHello (RFC 8446 §4.1.4)',
    server: { ecdhCurve: 'X25519' },
    closing: 'Closed. The HelloRetryRequest cost one extra round trip: two ClientHellos, one handshake.',
  },
  'bad-cert': {
    title: 'a failed certificate verification',
    client: { servername: 'wrong.example' },
    clientNote:
      'puretls connects with servername=wrong.example: the server certificate names localhost and\n' +
      '    127.0.0.1 only, so verification must fail (RFC 6125 name matching)',
    server: {},
    closing: 'The handshake stopped at the Certificate: puretls sent a fatal alert and closed. No data was exchanged.',
  },
};

export async function runDemo(args: DemoArgs, io: CliIO): Promise<number> {
  const sc = SCENARIOS[args.scenario];
  const say = (line = ''): void => {
    io.stdout.write(line + '\n');
  };
  const title = `puretls demo: ${sc.title} on this machine, step by step`;
  say(title);
  say('='.repeat(title.length));
  say();
  say('Setting up');
  const pki = await makeDemoPki();
  say('    made a throw-away CA ("puretls demo CA") and a server certificate for');
  say('    DNS:localhost and IP:127.0.0.1 signed by it (ECDSA P-256, SHA-256), in memory');
  const { server, port } = await startDemoServer(pki.leaf.cert, pki.leaf.key, undefined, sc.server);
  try {
    say(`    started a node:tls server on 127.0.0.1:${port} (an OpenSSL inside Node)`);
    say(`    ${sc.clientNote}`);
    say();
    say('Legend: "X →" we send X, "← X" the server sends X, {X}: X travels encrypted.');
    if (args.debug !== 'none') say(`The --debug ${args.debug} trace lines are on stderr, interleaved in time.`);

    const narrator = new Narrator(say);
    // For --html: every event as JSON (with the secrets: the demo's keys are thrown away).
    const tracer = new JsonTracer({ secrets: true });
    const recorded: JsonTraceEvent[] = [];
    const writeHtml = (outcome: string): void => {
      if (!args.html) return;
      writeFileSync(args.html, traceToHtml(recorded, { title: `puretls demo: ${sc.title}`, subtitle: outcome }));
      say(`Wrote ${args.html}: the handshake as a ladder, every record annotated byte by byte, and the key schedule.`);
    };
    const { connectAsync: connect } = await import('../transport/node.js');
    let socket;
    try {
      socket = await connect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: pki.ca.cert,
        verify: 'required',
        timeout: 10_000,
        ...sc.client,
        // The demo teaches the key schedule with its own throw-away secrets.
        traceSecrets: true,
        onEvent: (e: TraceEvent) => {
          if (args.debug !== 'none' && shows(args.debug, e)) io.stderr.write(traceLine(e) + '\n');
          if (args.html) recorded.push(tracer.event(e));
          narrator.event(e);
        },
      });
    } catch (e) {
      if (args.scenario !== 'bad-cert') throw e;
      say();
      say(`Handshake failed, as this scenario intends: ${e instanceof TlsError ? `${e.code}: ${e.explanation}` : String(e)}`);
      say();
      say(sc.closing);
      writeHtml(sc.closing);
      return 0;
    }
    say();
    say('Handshake complete');
    say(`    ${handshakeLine(socket.info!)}`);

    const done = new Promise<void>((resolve, reject) => {
      socket.on('data', (d: Buffer) => narrator.data('received', d));
      socket.on('error', reject);
      socket.on('end', () => resolve());
    });
    const request = new TextEncoder().encode(DEMO_REQUEST);
    narrator.data('sent', request);
    socket.write(request);
    await done;
    await new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
    say();
    say(sc.closing);
    writeHtml(handshakeLine(socket.info!));
    say();
    say('Other scenarios: puretls demo --scenario tls13|tls12|hrr|bad-cert');
    say('Next: npx puretls connect example.com:443 --send "GET / HTTP/1.1\\r\\nHost: example.com\\r\\nConnection: close\\r\\n\\r\\n" --debug state');
    return 0;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
