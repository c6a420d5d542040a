/**
 * The runtime-neutral half of the runtime tests (test/runtimes/*.test.ts): run one TLS handshake
 * with verification against the CA the test gave, over whatever the runtime's own socket API
 * opened (Deno.connect, Bun.connect, workerd's cloudflare:sockets connect(), a WebSocket through
 * `puretls bridge` in Chromium), send an HTTP request to `openssl s_server -www`, and read its
 * whole reply. Bundled by esbuild with the root entry for each runtime (harness.ts).
 */
import type { ClientOptions, TlsStreams } from '../../src/index.js';

export interface ExchangeRequest {
  /** The CA that signed the server's chain (PEM). */
  ca: string;
  /** The only version the client allows. */
  version: '1.2' | '1.3';
  /** Where openssl s_server listens (127.0.0.1). */
  port: number;
  /** Whether `ca` is the server's CA; when not, the handshake must fail with CERT_VERIFY_FAILED. */
  trusted: boolean;
}

export interface ExchangeResult {
  runtime: string;
  transport: string;
  version: string;
  protocol: string;
  cipher: string;
  verify: string;
  reply: string;
  trusted: boolean;
  /** The TlsError code (or message) when the exchange failed. */
  error?: string;
}

/** One handshake through `open`, one request, the whole reply (until the server closes). */
export async function tlsExchange(
  open: (options: ClientOptions) => Promise<TlsStreams>,
  req: ExchangeRequest,
  runtime: string,
  transport: string,
): Promise<ExchangeResult> {
  const base = { runtime, transport, version: req.version, trusted: req.trusted };
  let tls: TlsStreams;
  try {
    tls = await open({ host: 'localhost', ca: req.ca, minVersion: req.version, maxVersion: req.version, timeout: 20_000 });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return { ...base, protocol: '', cipher: '', verify: '', reply: '', error: err.code ?? err.message ?? String(e) };
  }
  const w = tls.writable.getWriter();
  await w.write(new TextEncoder().encode(`GET / HTTP/1.0\r\nUser-Agent: puretls on ${runtime}\r\n\r\n`));
  w.releaseLock();
  let reply = '';
  const dec = new TextDecoder();
  const r = tls.readable.getReader();
  for (;;) {
    const { done, value } = await r.read();
    if (done) break;
    reply += dec.decode(value, { stream: true });
  }
  await tls.close(); // the transport's writable side too, so the runtime has nothing left open
  return { ...base, protocol: tls.info.protocol, cipher: tls.info.cipher, verify: tls.info.verify.status, reply };
}

/** The heading the page shows for an exchange (the test checks it). */
export function heading(r: ExchangeResult): string {
  const what = `TLS ${r.version} over ${r.transport}${r.trusted ? '' : ', trusting an unrelated CA'}`;
  return r.error !== undefined ? `${what}: refused (${r.error})` : `${what}: ${r.protocol} ${r.cipher}, certificate ${r.verify}`;
}
