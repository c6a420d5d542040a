/**
 * STARTTLS: TLS on a socket that already carried plaintext, against servers on 127.0.0.1
 * that speak a plaintext prelude (Postgres' SSLRequest, SMTP's STARTTLS) and then node:tls on
 * the same socket. The socket is handed over paused (with the answer still buffered) or
 * flowing.
 */
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { TLSSocket as NodeTlsSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { connect, pgSslRequest, smtpStartTls } from '../../src/transport/node.js';
import { pki, within } from './local-server.js';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** Upgrade the server's side to node:tls and answer "got: <text>" to a line. */
async function serveTls(raw: Socket): Promise<void> {
  const p = await pki();
  const t = new NodeTlsSocket(raw, { isServer: true, cert: p.leaf.cert, key: p.leaf.key });
  t.on('error', () => {});
  t.once('data', (d: Buffer) => t.end(`got: ${d.toString()}`));
}

async function listen(onSocket: (s: Socket) => void): Promise<number> {
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    onSocket(s);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

/** A Postgres-like server: 8-byte SSLRequest, then `answer`, then TLS. */
function pgServer(answer: string | Buffer = 'S'): Promise<number> {
  return listen((s) => {
    let got = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      got = Buffer.concat([got, d]);
      if (got.length < 8) return;
      s.off('data', onData);
      s.pause();
      expect(got.subarray(0, 8).toString('hex')).toBe('0000000804d2162f');
      s.write(answer);
      void serveTls(s);
    };
    s.on('data', onData);
  });
}

async function talk(tcp: Socket): Promise<string> {
  const sock = connect({ socket: tcp, servername: 'localhost', ca: (await pki()).ca.cert });
  let text = '';
  sock.on('data', (d: Buffer) => (text += d.toString()));
  await within(new Promise((resolve, reject) => {
    sock.on('end', resolve);
    sock.on('error', reject);
    sock.write('hello over TLS');
  }), 10_000, 'the TLS exchange');
  return text;
}

function opened(port: number): Promise<Socket> {
  const tcp = netConnect({ host: '127.0.0.1', port });
  sockets.push(tcp);
  return new Promise((r) => tcp.once('connect', () => r(tcp)));
}

describe('STARTTLS', () => {
  it('Postgres: pgSslRequest, then connect({ socket })', async () => {
    const tcp = await opened(await pgServer());
    await within(pgSslRequest(tcp));
    expect(await talk(tcp)).toBe('got: hello over TLS');
  });

  it('takes over a socket paused after its plaintext answer was read from the buffer', async () => {
    const tcp = await opened(await pgServer());
    tcp.pause();
    tcp.write(Buffer.from('0000000804d2162f', 'hex'));
    // Let the answer sit in the paused socket's buffer (no 'readable' listener: its removal
    // would resume the socket for us), then take exactly it.
    for (let i = 0; i < 200 && tcp.readableLength === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(tcp.read(1)?.toString()).toBe('S');
    expect(tcp.isPaused()).toBe(true);
    expect(await talk(tcp)).toBe('got: hello over TLS');
  });

  it('takes over a flowing socket whose data listener read the plaintext', async () => {
    const tcp = await opened(await pgServer());
    const answer = new Promise<string>((resolve) => {
      const onData = (d: Buffer): void => {
        tcp.off('data', onData);
        resolve(d.toString());
      };
      tcp.on('data', onData);
    });
    tcp.write(Buffer.from('0000000804d2162f', 'hex'));
    expect(await within(answer)).toBe('S');
    expect(await talk(tcp)).toBe('got: hello over TLS');
  });

  it("refuses bytes injected after the server's answer, and an 'N'", async () => {
    const injected = await opened(await pgServer(Buffer.from('Sinjected plaintext')));
    const err = (await within(pgSslRequest(injected).then(() => null, (e: unknown) => e))) as TlsError;
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe('UNEXPECTED_MESSAGE');
    const refused = await opened(await pgServer('N'));
    const err2 = (await within(pgSslRequest(refused).then(() => null, (e: unknown) => e))) as TlsError;
    expect(err2.code).toBe('NEGOTIATION_FAILED');
    expect(err2.message).toMatch(/does not accept TLS/);
  });

  it('SMTP: greeting already buffered in a paused socket, EHLO, STARTTLS, then TLS', async () => {
    const commands: string[] = [];
    const port = await listen((s) => {
      s.write('220-mail.example ESMTP\r\n220 ready\r\n');
      let buf = '';
      const onData = (d: Buffer): void => {
        buf += d.toString('latin1');
        let eol: number;
        while ((eol = buf.indexOf('\r\n')) >= 0) {
          const line = buf.slice(0, eol);
          buf = buf.slice(eol + 2);
          commands.push(line);
          if (line.startsWith('EHLO')) s.write('250-mail.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n');
          else if (line === 'STARTTLS') {
            s.off('data', onData);
            s.pause();
            s.write('220 go ahead\r\n');
            void serveTls(s);
          }
        }
      };
      s.on('data', onData);
    });
    const tcp = await opened(port);
    tcp.pause();
    await new Promise((r) => setTimeout(r, 50)); // the greeting arrives and waits in the buffer
    await within(smtpStartTls(tcp, { ehloName: 'client.example' }));
    expect(commands).toEqual(['EHLO client.example', 'STARTTLS']);
    expect(await talk(tcp)).toBe('got: hello over TLS');
  });
});
