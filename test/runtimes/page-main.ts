/**
 * The Chromium page: TLS through `puretls bridge` with the browser's WebSocket and with
 * Chromium's WebSocketStream (puretls/websocket), each reply shown on the page.
 */
import { connectWebSocket, connectWebSocketStream, type WebSocketStreamLike } from '../../src/transport/websocket.js';
import { heading, tlsExchange, type ExchangeRequest, type ExchangeResult } from './client.js';

declare const WebSocketStream: (new (url: string) => WebSocketStreamLike) | undefined;

function show(r: ExchangeResult): void {
  const section = document.createElement('section');
  const h = document.createElement('h2');
  const pre = document.createElement('pre');
  h.textContent = heading(r);
  pre.textContent = r.reply.split('\n').filter((l) => /HTTP\/1\.0|Protocol\s+:|Cipher\s+:|New, TLS/.test(l)).join('\n');
  section.append(h);
  if (pre.textContent !== '') section.append(pre);
  document.getElementById('results')!.append(section);
}

async function run(bridge: string, reqs: ExchangeRequest[]): Promise<ExchangeResult[]> {
  const out: ExchangeResult[] = [];
  const runtime = navigator.userAgent.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0] ?? 'Chromium';
  for (const req of reqs) {
    const url = `${bridge}/127.0.0.1:${req.port}`;
    const viaWs = await tlsExchange((o) => connectWebSocket(url, o), req, runtime, 'WebSocket');
    show(viaWs);
    out.push(viaWs);
    if (typeof WebSocketStream !== 'function') throw new Error('this Chromium has no WebSocketStream');
    const viaWss = await tlsExchange((o) => connectWebSocketStream(new WebSocketStream(url), o), req, runtime, 'WebSocketStream');
    show(viaWss);
    out.push(viaWss);
  }
  return out;
}

(globalThis as unknown as { puretlsRun: typeof run }).puretlsRun = run;
