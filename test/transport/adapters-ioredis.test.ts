/**
 * puretls/ioredis: ioredis (the real library) over puretls. No Redis server is installed here,
 * so the peer is a small RESP responder on node:tls (127.0.0.1) answering PING, SET and GET
 * (and an error for anything else): it checks the connector's contract with ioredis
 * (secureConnect, commands, replies, an untrusted certificate as an error), not Redis itself.
 */
import { type TLSSocket as NodeTlsSocket } from 'node:tls';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ioredisConnector } from '../../src/transport/ioredis.js';
import { closeAll, otherPki, pki, tlsServer, within } from './local-server.js';

afterAll(closeAll);

/** Parse RESP arrays of bulk strings ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") as they arrive. */
function respServer(s: NodeTlsSocket, commands: string[][]): void {
  const store = new Map<string, string>();
  let buf = '';
  s.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (;;) {
      const m = /^\*(\d+)\r\n/.exec(buf);
      if (m === null) return;
      let at = m[0].length;
      const args: string[] = [];
      for (let i = 0; i < Number(m[1]); i++) {
        const b = /^\$(\d+)\r\n/.exec(buf.slice(at));
        if (b === null) return;
        const len = Number(b[1]);
        if (buf.length < at + b[0].length + len + 2) return;
        args.push(buf.slice(at + b[0].length, at + b[0].length + len));
        at += b[0].length + len + 2;
      }
      buf = buf.slice(at);
      commands.push(args);
      const cmd = args[0]!.toUpperCase();
      if (cmd === 'PING') s.write('+PONG\r\n');
      else if (cmd === 'SET') {
        store.set(args[1]!, args[2]!);
        s.write('+OK\r\n');
      } else if (cmd === 'GET') {
        const v = store.get(args[1]!);
        s.write(v === undefined ? '$-1\r\n' : `$${Buffer.byteLength(v)}\r\n${v}\r\n`);
      } else s.write(`-ERR unknown command '${args[0]}'\r\n`);
    }
  });
}

describe('puretls/ioredis: ioredis over puretls', () => {
  it('connects, and SET / GET / PING go through', async () => {
    const commands: string[][] = [];
    const { port } = await tlsServer({}, (s) => respServer(s, commands));
    const redis = new Redis({
      host: 'localhost',
      port,
      tls: {},
      Connector: ioredisConnector({ ca: (await pki()).ca.cert }) as never,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    try {
      await within(redis.connect(), 15_000, 'ioredis connect');
      expect(await within(redis.set('k', 'value over puretls'))).toBe('OK');
      expect(await within(redis.get('k'))).toBe('value over puretls');
      expect(await within(redis.ping())).toBe('PONG');
      expect(commands.map((c) => c[0]!.toUpperCase())).toEqual(expect.arrayContaining(['SET', 'GET', 'PING']));
    } finally {
      redis.disconnect();
    }
  });

  it('an untrusted server certificate fails the connection with CERT_VERIFY_FAILED', async () => {
    const { port } = await tlsServer({}, (s) => respServer(s, []));
    const redis = new Redis({
      host: 'localhost',
      port,
      tls: {},
      Connector: ioredisConnector({ ca: (await otherPki()).ca.cert }) as never,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    const errors: Array<{ code?: string }> = [];
    redis.on('error', (e: { code?: string }) => errors.push(e));
    try {
      await within(redis.connect().then(() => null, (e: unknown) => e), 15_000, 'the failure');
      // ioredis reports the socket's error as its own 'error' event.
      expect(errors.map((e) => e.code)).toContain('CERT_VERIFY_FAILED');
    } finally {
      redis.disconnect();
    }
  });
});
