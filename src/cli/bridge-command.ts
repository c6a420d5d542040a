/**
 * `puretls bridge --listen PORT --allow HOST:PORT[,...]`: runs the development
 * WebSocket-to-TCP bridge (src/transport/bridge.ts) until SIGINT/SIGTERM.
 */
import type { BridgeArgs } from './args.js';
import type { CliIO } from './io.js';

export async function runBridge(args: BridgeArgs, io: CliIO): Promise<number> {
  const { startBridge } = await import('../transport/bridge.js');
  const bridge = await startBridge({
    port: args.listen,
    host: args.host,
    allow: args.allow,
    log: (line) => io.stderr.write(`bridge: ${line}\n`),
  });
  io.stderr.write(`bridge: listening on ws://${args.host}:${bridge.port}/ → ${args.allow.join(', ')}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await bridge.close();
  return 0;
}
