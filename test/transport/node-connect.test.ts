/**
 * puretls/node connect() and connectStreams() with the real ClientConnection, against node:tls
 * servers on 127.0.0.1 (ephemeral ports, in-memory demo PKI), plus node:http over a TLSSocket
 * to show it plugs in where a socket is expected.
 */
import { Agent, request } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect } from 'node:net';
import { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { connectAsync as connect, TLSSocket } from '../../src/transport/node.js';
import { connectStreams } from '../../src/transport/web.js';
import { closeAll, otherPki, pki, tcpServer, tlsServer, within } from './local-server.js';

afterEach(closeAll);

function collect(s: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    s.on('data', (d: Buffer) => parts.push(d));
    s.on('end', () => resolve(Buffer.concat(parts)));
    s.on('error', reject);
  });
}

async function failure(p: Promise<unknown>): Promise<TlsError> {
  const e = await within(p.then(() => new Error('expected a failure'), (err: unknown) => err));
  expect(e).toBeInstanceOf(TlsError);
  return e as TlsError;
}

describe('connect() over TCP', () => {
  it('handshakes with node:tls and behaves like a node:tls socket', async () => {
    const { port } = await tlsServer({ ALPNProtocols: ['x-test'] });
    const ca = (await pki()).ca.cert;
    const sock = await within(connect({ host: '127.0.0.1', port, servername: 'localhost', ca, alpn: ['x-test'] }));
    expect(sock).toBeInstanceOf(TLSSocket);
    expect(sock).toBeInstanceOf(Duplex);
    expect(sock.encrypted).toBe(true);
    expect(sock.info?.protocol).toBe('TLSv1.3');
    expect(sock.alpnProtocol).toBe('x-test');
    expect(sock.authorized).toBe(true);
    expect(sock.authorizationError).toBeUndefined();
    expect(sock.getProtocol()).toBe('TLSv1.3');
    expect(sock.getCipher()?.standardName).toMatch(/^TLS_/);
    expect(sock.remotePort).toBe(port);
    sock.setNoDelay(true).setKeepAlive(true);
    const reply = collect(sock);
    sock.write('one\r\n');
    sock.write('QUIT\r\n');
    expect((await within(reply)).toString()).toBe('got: "one\\r\\nQUIT\\r\\n"\n');
    await within(new Promise((r) => (sock.closed ? r(null) : sock.once('close', r))));
    expect(sock.connection.peerClosed).toBe(true);
  });

  it('carries a megabyte both ways intact (records, backpressure)', async () => {
    const size = 1 << 20;
    const { port } = await tlsServer({}, (s) => {
      let n = 0;
      s.on('data', (d: Buffer) => {
        s.write(d); // echo
        n += d.length;
        if (n >= size) s.end();
      });
    });
    const ca = (await pki()).ca.cert;
    const sock = await within(connect({ host: 'localhost', port, ca }));
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
    const echoed = collect(sock);
    sock.write(data);
    const got = await within(echoed, 20_000, 'echo');
    expect(got.length).toBe(size);
    expect(got.equals(data)).toBe(true);
  });

  it('end() sends close_notify and still reads the reply (half-close)', async () => {
    const { port } = await tlsServer({}, (s) => {
      let text = '';
      s.on('data', (d: Buffer) => (text += d.toString()));
      s.on('end', () => s.end(`bye after ${JSON.stringify(text)}`));
    });
    const sock = await within(connect({ host: 'localhost', port, ca: (await pki()).ca.cert }));
    const reply = collect(sock);
    sock.end('last words');
    expect((await within(reply)).toString()).toBe('bye after "last words"');
  });

  it('rejects with CERT_VERIFY_FAILED and sends the alert to the server first', async () => {
    const srv = await tlsServer();
    const err = await failure(connect({ host: 'localhost', port: srv.port, ca: (await otherPki()).ca.cert }));
    expect(err.code).toBe('CERT_VERIFY_FAILED');
    expect(err.direction).toBe('sent');
    await within(
      (async () => {
        while (srv.clientErrors.length === 0) await new Promise((r) => setTimeout(r, 10));
      })(),
      5000,
      'the server to see the alert',
    );
    expect(String(srv.clientErrors[0]!.message)).toMatch(/alert/i);
  });

  it('rejects with TIMEOUT after `timeout` ms and destroys the socket', async () => {
    let serverSaw: (() => void) | undefined;
    const closedOnServer = new Promise<void>((r) => (serverSaw = r));
    const port = await tcpServer((s) => {
      s.resume(); // read (and drop) the ClientHello, so that the client's FIN is seen
      s.on('close', () => serverSaw!());
    });
    const t0 = Date.now();
    const err = await failure(connect({ host: '127.0.0.1', port, timeout: 150 }));
    expect(err.code).toBe('TIMEOUT');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    await within(closedOnServer, 5000, 'the server to see the close');
  });

  it('rejects with CONNECTION_CLOSED when the server hangs up mid-handshake', async () => {
    const port = await tcpServer((s) => s.once('data', () => s.end()));
    expect((await failure(connect({ host: '127.0.0.1', port }))).code).toBe('CONNECTION_CLOSED');
  });

  it('rejects with SOCKET_ERROR when the connection is refused', async () => {
    const port = await tcpServer(() => {});
    await closeAll();
    const err = await failure(connect({ host: '127.0.0.1', port }));
    expect(err.code).toBe('SOCKET_ERROR');
  });

  it('throws BAD_CONFIG before opening anything', async () => {
    let connections = 0;
    const port = await tcpServer(() => connections++);
    const err = await failure(connect({ host: '127.0.0.1', port, verify: 'sometimes' as never }));
    expect(err.code).toBe('BAD_CONFIG');
    await new Promise((r) => setTimeout(r, 50));
    expect(connections).toBe(0);
  });

  it('runs over a Duplex given as `socket`', async () => {
    const { port } = await tlsServer();
    const tcp = netConnect({ host: '127.0.0.1', port });
    const sock = await within(connect({ host: 'localhost', port, socket: tcp, ca: (await pki()).ca.cert }));
    expect(sock.transport).toBe(tcp);
    const reply = collect(sock);
    sock.write('QUIT\r\n');
    expect((await within(reply)).toString()).toBe('got: "QUIT\\r\\n"\n');
  });

  it('plugs into node:http as the socket of an Agent', async () => {
    const p = await pki();
    const server = createHttpsServer({ cert: p.leaf.cert, key: p.leaf.key }, (req, res) => {
      res.end(`hello ${req.url} over ${(req.socket as import('node:tls').TLSSocket).getProtocol()}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      const agent = new Agent();
      (agent as unknown as { createConnection: unknown }).createConnection = (
        _opts: unknown,
        cb: (err: Error | null, s?: Duplex) => void,
      ) => {
        connect({ host: 'localhost', port, ca: p.ca.cert }).then((s) => cb(null, s), cb);
      };
      const body = await within(
        new Promise<string>((resolve, reject) => {
          const req = request({ host: 'localhost', port, path: '/x', agent, headers: { connection: 'close' } }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (text += d));
            res.on('end', () => resolve(`${res.statusCode} ${text}`));
          });
          req.on('error', reject);
          req.end();
        }),
      );
      expect(body).toBe('200 hello /x over TLSv1.3');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('connectStreams() over Web Streams', () => {
  it('handshakes with node:tls through Duplex.toWeb and exchanges data', async () => {
    const { port } = await tlsServer();
    const tcp = netConnect({ host: '127.0.0.1', port });
    const web = Duplex.toWeb(tcp) as unknown as { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> };
    const tls = await within(connectStreams(web, { host: 'localhost', ca: (await pki()).ca.cert }));
    expect(tls.info.protocol).toBe('TLSv1.3');
    expect(tls.info.verify.status).toBe('ok');
    const w = tls.writable.getWriter();
    await within(w.write(new TextEncoder().encode('web\r\nQUIT\r\n')));
    let text = '';
    for await (const chunk of tls.readable as unknown as AsyncIterable<Uint8Array>) text += new TextDecoder().decode(chunk);
    expect(text).toBe('got: "web\\r\\nQUIT\\r\\n"\n');
    await within(tls.close());
  });

  it('rejects with CERT_VERIFY_FAILED for an untrusted chain', async () => {
    const { port } = await tlsServer();
    const tcp = netConnect({ host: '127.0.0.1', port });
    const web = Duplex.toWeb(tcp) as unknown as { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> };
    const err = await failure(connectStreams(web, { host: 'localhost', ca: (await otherPki()).ca.cert }));
    expect(err.code).toBe('CERT_VERIFY_FAILED');
  });

  it('rejects BAD_CONFIG without touching the streams', async () => {
    const t = new TransformStream<Uint8Array, Uint8Array>();
    const err = await failure(connectStreams({ readable: t.readable, writable: t.writable }, { verify: 'x' as never }));
    expect(err.code).toBe('BAD_CONFIG');
    expect(t.readable.locked).toBe(false);
  });
});
