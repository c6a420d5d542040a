/** Deno: TLS over `Deno.connect` (its Web Streams), one exchange per request given as argv[0] (JSON). */
import { connectStreams } from '../../src/index.js';
import { tlsExchange, type ExchangeRequest, type ExchangeResult } from './client.js';

declare const Deno: {
  args: string[];
  version: { deno: string };
  connect(o: { hostname: string; port: number }): Promise<{ readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> }>;
};

const out: ExchangeResult[] = [];
for (const req of JSON.parse(Deno.args[0]!) as ExchangeRequest[]) {
  const open = async (options: Parameters<typeof connectStreams>[1]) => {
    const conn = await Deno.connect({ hostname: '127.0.0.1', port: req.port });
    return connectStreams({ readable: conn.readable, writable: conn.writable }, options);
  };
  out.push(await tlsExchange(open, req, `Deno ${Deno.version.deno}`, 'Deno.connect'));
}
console.log(JSON.stringify(out));
