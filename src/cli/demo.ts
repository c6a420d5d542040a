/**
 * `puretls demo`: a whole TLS 1.3 handshake on this machine, explained.
 *
 * 1. Make a throw-away CA and a server certificate for localhost / 127.0.0.1 (ECDSA P-256), in
 *    memory (src/demo/pki.ts).
 * 2. Start a node:tls server on 127.0.0.1 with an ephemeral port; it answers one HTTP request.
 * 3. Connect with puretls (servername localhost, trusting only the demo CA, verify required)
 *    and narrate the trace events (narrate.ts), then send a GET, print the reply and close.
 */
import { createServer, type Server, type TLSSocket as NodeTlsSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { makeDemoPki } from '../demo/pki.js';
import type { TraceEvent } from '../types.js';
import type { CliIO } from './main.js';
import { Narrator } from './narrate.js';
import { handshakeLine } from './print.js';

export const DEMO_REQUEST = 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';

/** A node:tls server that answers each request with one small HTTP response, then closes. */
export async function startDemoServer(cert: string, key: string, ca?: string): Promise<{ server: Server; port: number }> {
  const server = createServer({ cert: ca ? cert + ca : cert, key, minVersion: 'TLSv1.2' }, (sock: NodeTlsSocket) => {
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

export async function runDemo(io: CliIO): Promise<number> {
  const say = (line = ''): void => {
    io.stdout.write(line + '\n');
  };
  say('puretls demo: a TLS 1.3 handshake on this machine, step by step');
  say('================================================================');
  say();
  say('Setting up');
  const pki = await makeDemoPki();
  say('    made a throw-away CA ("puretls demo CA") and a server certificate for');
  say('    DNS:localhost and IP:127.0.0.1 signed by it (ECDSA P-256, SHA-256), in memory');
  const { server, port } = await startDemoServer(pki.leaf.cert, pki.leaf.key);
  try {
    say(`    started a node:tls server on 127.0.0.1:${port} (an OpenSSL inside Node)`);
    say('    puretls connects with servername=localhost, trusting only the demo CA, verify=required');
    say();
    say('Legend: "X →" we send X, "← X" the server sends X, {X}: X travels encrypted.');

    const narrator = new Narrator(say);
    const { connect } = await import('../transport/node.js');
    const socket = await connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: pki.ca.cert,
      verify: 'required',
      timeout: 10_000,
      onEvent: (e: TraceEvent) => narrator.event(e),
    });
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
    say('Closed: both sides sent close_notify. The whole handshake took one round trip.');
    say();
    say('Next: npx puretls connect example.com:443 --send "GET / HTTP/1.1\\r\\nHost: example.com\\r\\nConnection: close\\r\\n\\r\\n" --debug state');
    return 0;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
