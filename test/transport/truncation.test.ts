/**
 * Truncation through the Node adapter (issues 8 and 12): a server that ends the TCP stream after
 * the handshake without close_notify. By default the socket ends like node:tls' does (the data is
 * delivered, then 'end'); with `requireCloseNotify` the same end is the error TRUNCATED.
 */
import type { TLSSocket as NodeTlsSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { connectAsync } from '../../src/transport/node.js';
import type { TLSSocket } from '../../src/transport/tls-socket.js';
import { closeAll, pki, tlsServer, within } from './local-server.js';

afterEach(closeAll);

/** Answer the first data with `text`, then end the TCP stream under TLS without a close_notify. */
function cutAfter(text: string) {
  return (s: NodeTlsSocket): void => {
    s.once('data', () => {
      s.write(text, () => {
        const tcp = (s as unknown as { _parent?: import('node:net').Socket })._parent;
        if (tcp) tcp.end();
        else s.destroy();
      });
    });
  };
}

/** Everything the socket delivers, and the error it emitted (if any), once it closes. */
function collect(sock: TLSSocket): Promise<{ data: string; error: unknown }> {
  return new Promise((resolve) => {
    let data = '';
    let error: unknown;
    sock.on('data', (d: Buffer) => (data += d.toString()));
    sock.on('error', (e) => (error = e));
    sock.on('close', () => resolve({ data, error }));
  });
}

describe('TLSSocket: an end without close_notify after the handshake', () => {
  it('default: the data, then a plain end (node:tls behaviour)', async () => {
    const { port } = await tlsServer({}, cutAfter('first half'));
    const sock = await connectAsync({ host: 'localhost', port, ca: (await pki()).ca.cert, timeout: 10_000 });
    sock.write('GO');
    const got = await within(collect(sock));
    expect(got.data).toBe('first half');
    expect(got.error).toBeUndefined();
  });

  it('requireCloseNotify: the data, then the error TRUNCATED', async () => {
    const { port } = await tlsServer({}, cutAfter('first half'));
    const sock = await connectAsync({ host: 'localhost', port, ca: (await pki()).ca.cert, timeout: 10_000, requireCloseNotify: true });
    sock.write('GO');
    const got = await within(collect(sock));
    expect(got.data).toBe('first half');
    expect(got.error).toBeInstanceOf(TlsError);
    expect((got.error as TlsError).code).toBe('TRUNCATED');
  });
});
