/** The part of workerd's `cloudflare:sockets` module that workerd-main.ts uses. */
declare module 'cloudflare:sockets' {
  export function connect(address: { hostname: string; port: number }): {
    opened: Promise<unknown>;
    readable: ReadableStream<Uint8Array>;
    writable: WritableStream<Uint8Array>;
    close(): Promise<void>;
  };
}
