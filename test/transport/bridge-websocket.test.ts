/**
 * puretls/websocket through the development bridge (`puretls bridge`, on the `ws` package) to a
 * node:tls server on 127.0.0.1: TLS end to end over a WebSocket, verification included; a
 * target not on the allow list is refused (HTTP 403) without any TCP connection to it; text
 * frames are refused; and the CLI command runs the same bridge.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { startBridge, type RunningBridge } from '../../src/transport/bridge.js';
import { connectWebSocket, type WebSocketLike } from '../../src/transport/websocket.js';
import { PROJECT_ROOT, skipFor } from '../helpers/env.js';
import { closeAll, pki, tlsServer, within } from './local-server.js';

const bridges: RunningBridge[] = [];
afterAll(async () => {
  for (const b of bridges.splice(0)) await b.close();
  await closeAll();
});

const WS = WebSocket as unknown as new (url: string) => WebSocketLike;

async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  let t = '';
  const dec = new TextDecoder();
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) t += dec.decode(c);
  return t;
}

async function exchangeThrough(url: string): Promise<string> {
  const tls = await within(connectWebSocket(url, { host: 'localhost', ca: (await pki()).ca.cert }, WS), 15_000, 'TLS through the bridge');
  expect(tls.info.protocol).toBe('TLSv1.3');
  expect(tls.info.verify.status).toBe('ok');
  const w = tls.writable.getWriter();
  await w.write(new TextEncoder().encode('through the bridge\r\nQUIT\r\n'));
  return within(readText(tls.readable), 15_000, 'the reply');
}

describe('puretls/websocket through puretls bridge', () => {
  it('runs TLS end to end over the WebSocket to an allowed target', async () => {
    const { port } = await tlsServer();
    const bridge = await startBridge({ port: 0, allow: [`127.0.0.1:${port}`] });
    bridges.push(bridge);
    expect(await exchangeThrough(`ws://127.0.0.1:${bridge.port}/127.0.0.1:${port}`)).toBe('got: "through the bridge\\r\\nQUIT\\r\\n"\n');
    // One allowed target: the path may be empty.
    expect(await exchangeThrough(`ws://127.0.0.1:${bridge.port}/`)).toBe('got: "through the bridge\\r\\nQUIT\\r\\n"\n');
  });

  it('refuses a target not allowed, without connecting to it', async () => {
    let contacted = 0;
    const other = createServer((s) => {
      contacted++;
      s.destroy();
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    const otherPort = (other.address() as { port: number }).port;
    const { port } = await tlsServer();
    const bridge = await startBridge({ port: 0, allow: [`127.0.0.1:${port}`, `localhost:${port}`] });
    bridges.push(bridge);
    const status = await within(
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/127.0.0.1:${otherPort}`);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => {});
      }),
    );
    expect(status).toBe(403);
    const err = (await within(
      connectWebSocket(`ws://127.0.0.1:${bridge.port}/127.0.0.1:${otherPort}`, { host: 'localhost', ca: (await pki()).ca.cert }, WS).catch((e: unknown) => e),
    )) as TlsError;
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe('SOCKET_ERROR');
    await new Promise((r) => setTimeout(r, 100));
    expect(contacted).toBe(0);
    await new Promise<void>((r) => other.close(() => r()));
  });

  it('refuses text frames (bytes only)', async () => {
    const { port } = await tlsServer();
    const bridge = await startBridge({ port: 0, allow: [`127.0.0.1:${port}`] });
    bridges.push(bridge);
    const code = await within(
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/`);
        ws.on('open', () => ws.send('a text frame'));
        ws.on('close', (c) => resolve(c));
        ws.on('error', () => {});
      }),
    );
    expect(code).toBe(1003);
  });

  it('bad bridge configuration is BAD_CONFIG', async () => {
    await expect(startBridge({ port: 0, allow: [] })).rejects.toMatchObject({ code: 'BAD_CONFIG' });
    await expect(startBridge({ port: 0, allow: ['no-port-here'] })).rejects.toMatchObject({ code: 'BAD_CONFIG' });
  });

  const noBuild = existsSync(join(PROJECT_ROOT, 'dist/bundle/cli.js')) ? null : 'dist/ is not built (run npm run build)';
  it.skipIf(skipFor(noBuild, 'puretls bridge (the launcher)'))('`puretls bridge --listen 0 --allow HOST:PORT` serves the same', async () => {
    const { port } = await tlsServer();
    const proc = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/puretls.js'), 'bridge', '--listen', '0', '--allow', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      let err = '';
      const listening = await within(
        new Promise<number>((resolve, reject) => {
          proc.stderr.on('data', (d: Buffer) => {
            err += d.toString();
            const m = /listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
            if (m) resolve(Number(m[1]));
          });
          proc.once('exit', (c) => reject(new Error(`bridge exited (${c}): ${err}`)));
        }),
        15_000,
        'the bridge to listen',
      );
      expect(await exchangeThrough(`ws://127.0.0.1:${listening}/127.0.0.1:${port}`)).toBe('got: "through the bridge\\r\\nQUIT\\r\\n"\n');
    } finally {
      proc.kill('SIGTERM');
    }
  });
});
