/**
 * workerd: a worker whose fetch handler takes the exchange requests (JSON body) and runs each
 * over a TCP socket from `connect()` of `cloudflare:sockets`, answering with the results.
 */
import { connect } from 'cloudflare:sockets';
import { connectStreams } from '../../src/index.js';
import { tlsExchange, type ExchangeRequest, type ExchangeResult } from './client.js';

export default {
  async fetch(request: Request): Promise<Response> {
    const out: ExchangeResult[] = [];
    try {
      for (const req of (await request.json()) as ExchangeRequest[]) {
        const open = async (options: Parameters<typeof connectStreams>[1]) => {
          const sock = connect({ hostname: '127.0.0.1', port: req.port });
          await sock.opened;
          return connectStreams({ readable: sock.readable, writable: sock.writable }, options);
        };
        out.push(await tlsExchange(open, req, 'workerd', 'cloudflare:sockets connect()'));
      }
      return new Response(JSON.stringify(out), { headers: { 'content-type': 'application/json' } });
    } catch (e) {
      const err = e as { code?: string; message?: string };
      return new Response(JSON.stringify({ error: `${err.code ?? ''} ${err.message ?? String(e)}` }), { status: 500 });
    }
  },
};
