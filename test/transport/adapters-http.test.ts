/**
 * The HTTP-family adapters with the real libraries against real servers on 127.0.0.1:
 * undici's fetch (puretls/undici) against node:https (HTTP/1.1), node:http2 (h2) and
 * `openssl s_server -WWW`; the `ws` client (puretls/ws) against a `ws` server behind
 * node:https; and node's own `https.request` with `createConnection`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer } from 'node:https';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import WebSocket, { WebSocketServer } from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../src/transport/node.js';
import { undiciConnector } from '../../src/transport/undici.js';
import { wsCreateConnection } from '../../src/transport/ws.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { startOpenSslServer, stopAllPeers } from '../helpers/peers.js';
import { pki, within } from './local-server.js';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await stopAllPeers();
});

async function listen<S extends HttpsServer | Http2SecureServer>(server: S): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(
    () =>
      new Promise<void>((r) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => r());
      }),
  );
  return (server.address() as { port: number }).port;
}

async function httpsServer(): Promise<number> {
  const p = await pki();
  return listen(
    createHttpsServer({ cert: p.leaf.cert, key: p.leaf.key }, (req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end(`hello ${req.method} ${req.url} over HTTP/${req.httpVersion}`);
    }),
  );
}

describe('puretls/undici: fetch over puretls', () => {
  it('HTTP/1.1 against node:https', async () => {
    const port = await httpsServer();
    const dispatcher = new Agent({ connect: undiciConnector({ ca: (await pki()).ca.cert }) });
    closers.push(() => dispatcher.destroy());
    const res = await within(fetch(`https://localhost:${port}/one`, { dispatcher }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello GET /one over HTTP/1.1');
  });

  it('h2 against node:http2 when allowH2 (ALPN offered by the connector)', async () => {
    const p = await pki();
    const server = createSecureServer({ cert: p.leaf.cert, key: p.leaf.key, allowHTTP1: true }, (req, res) => {
      res.end(`hello ${req.url} over HTTP/${req.httpVersion}`);
    });
    const sessions = new Set<{ destroy(): void }>();
    server.on('session', (s) => sessions.add(s));
    server.on('secureConnection', (s) => sessions.add(s));
    const port = await listen(server);
    closers.push(async () => sessions.forEach((s) => s.destroy()));
    const h2 = new Agent({ allowH2: true, connect: undiciConnector({ ca: p.ca.cert, allowH2: true }) });
    const h1 = new Agent({ connect: undiciConnector({ ca: p.ca.cert }) });
    closers.push(() => h2.destroy(), () => h1.destroy());
    const a = await within(fetch(`https://localhost:${port}/h2`, { dispatcher: h2 }));
    expect(await a.text()).toBe('hello /h2 over HTTP/2.0');
    // Without allowH2 the same server is spoken to in HTTP/1.1.
    const b = await within(fetch(`https://localhost:${port}/h1`, { dispatcher: h1 }));
    expect(await b.text()).toBe('hello /h1 over HTTP/1.1');
  });

  const noOpenssl = programMissing('openssl');
  it.skipIf(skipFor(noOpenssl, 'openssl s_server -WWW'))('against openssl s_server -WWW', async () => {
    const p = await pki();
    const dir = mkdtempSync(join(tmpdir(), 'puretls-www-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'cert.pem'), p.leaf.cert);
    writeFileSync(join(dir, 'key.pem'), p.leaf.key);
    writeFileSync(join(dir, 'page.txt'), 'served by openssl s_server -WWW\n');
    const peer = await startOpenSslServer(['-cert', 'cert.pem', '-key', 'key.pem', '-WWW'], { cwd: dir });
    const dispatcher = new Agent({ connect: undiciConnector({ ca: p.ca.cert }) });
    closers.push(() => dispatcher.destroy());
    // s_server -WWW answers HTTP/1.0 and closes: one request per connection.
    const res = await within(fetch(`https://localhost:${peer.port}/page.txt`, { dispatcher }), 20_000, 'fetch');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('served by openssl s_server -WWW\n');
  });
});

describe('createConnection: node:https and ws', () => {
  it('https.request({ createConnection }) gets its response', async () => {
    const port = await httpsServer();
    const ca = (await pki()).ca.cert;
    const body = await within(
      new Promise<string>((resolve, reject) => {
        const req = httpsRequest(
          { host: 'localhost', port, path: '/via-http', createConnection: createConnection({ ca }) as never },
          (res) => {
            let t = '';
            res.on('data', (d: Buffer) => (t += d.toString()));
            res.on('end', () => resolve(t));
          },
        );
        req.on('error', reject);
        req.end();
      }),
    );
    expect(body).toBe('hello GET /via-http over HTTP/1.1');
  });

  it('https.request({ createConnection }) reports a failed handshake as its error', async () => {
    const port = await httpsServer();
    const err = await within(
      new Promise<Error>((resolve) => {
        const req = httpsRequest({ host: 'localhost', port, path: '/', createConnection: createConnection({ verify: 'required' }) as never }, () =>
          resolve(new Error('a response came')),
        );
        req.on('error', resolve);
        req.end();
      }),
    );
    expect((err as { code?: string }).code).toBe('CERT_VERIFY_FAILED');
  });

  it('the ws client talks to a ws server behind node:https', async () => {
    const p = await pki();
    const server = createHttpsServer({ cert: p.leaf.cert, key: p.leaf.key });
    const wss = new WebSocketServer({ server });
    wss.on('connection', (sock) => sock.on('message', (m) => sock.send(`echo: ${m.toString()}`)));
    const port = await listen(server);
    closers.push(async () => void wss.close());
    const ws = new WebSocket(`wss://localhost:${port}/chat`, { createConnection: wsCreateConnection({ ca: p.ca.cert }) as never });
    const reply = await within(
      new Promise<string>((resolve, reject) => {
        ws.on('open', () => ws.send('hi over puretls'));
        ws.on('message', (m) => resolve(m.toString()));
        ws.on('error', reject);
      }),
    );
    expect(reply).toBe('echo: hi over puretls');
    ws.close();
  });
});
