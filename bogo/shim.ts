/**
 * puretls' BoGo shim: plays the client for BoringSSL's ssl/test/runner over the sans-IO core
 * (the contract: bogo/README.md). Started once per test by bogo/shim.sh (which declines server,
 * DTLS, QUIC and unimplemented tests with exit 89 before Node starts).
 *
 * Per test: connect to the runner, send the 8-byte shim ID, handshake, check the -expect-*
 * flags, then echo application data XORed with 0xff until close_notify or EOF.
 * Failures print `:CODE:` (puretls' TlsError code; bogo/config.json's ErrorMap names which
 * BoringSSL error each stands for) and the explanation on stderr, and exit 1.
 */
import { connect, type Socket } from 'node:net';
import { ClientConnection, TlsError } from '../src/index.js';
import type { ClientOptions } from '../src/types.js';
import { parseShimArgs, type ShimOptions } from './flags.js';
import { checkExpectations, clientOptions, Expectation, exporterRequest, Unimplemented } from './options.js';

const EXIT_UNIMPLEMENTED = 89;

/** Run one connection; resolves with the exit status. */
function run(o: ShimOptions, opts: ClientOptions): Promise<number> {
  return new Promise((resolve) => {
    const sock: Socket = connect({ host: o.ipv6 ? '::1' : '127.0.0.1', port: o.port });
    sock.setNoDelay(true);
    let conn: ClientConnection;
    let done = false;
    let postHandshakeDone = false;
    const finish = (status: number, message?: string): void => {
      if (done) return;
      done = true;
      if (message) process.stderr.write(message + '\n');
      const out = conn?.takeOutput();
      if (out) sock.write(out);
      sock.end(() => resolve(status));
      // A peer that never reads must not keep us alive past the runner's idle timeout.
      setTimeout(() => resolve(status), 2000).unref();
    };
    const flush = (): void => {
      const out = conn.takeOutput();
      if (out) sock.write(out);
    };
    const failWith = (e: unknown): void => {
      if (e instanceof TlsError) {
        // A received alert is named like BoringSSL's SSL_R_*_ALERT_* reasons (bogo/config.json maps them).
        const code = e.code === 'PEER_ALERT' && e.alertName ? `PEER_ALERT_${e.alertName.toUpperCase()}` : e.code;
        finish(1, `:${code}: ${e.message}${e.alertName ? ` (alert ${e.alertName} ${e.direction})` : ''}`);
      } else if (e instanceof Expectation) {
        finish(1, `expectation failed: ${e.message}`);
      } else {
        finish(1, `:INTERNAL_SHIM: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    };
    const afterHandshake = (): void => {
      postHandshakeDone = true;
      checkExpectations(o, conn.info!);
      const exporter = exporterRequest(o);
      if (exporter) {
        // Sent as application data, before anything else (the runner reads it first).
        conn.write(conn.exportKeyingMaterial(exporter.label, exporter.context, exporter.length));
      }
      if (o.shimWritesFirst) conn.write(new TextEncoder().encode('hello'));
      if (o.shimShutsDown) {
        conn.close();
        flush();
        if (!o.checkCloseNotify) finish(0);
      }
    };
    sock.on('connect', () => {
      try {
        conn = new ClientConnection(opts);
      } catch (e) {
        failWith(e);
        return;
      }
      const id = Buffer.alloc(8);
      id.writeBigUInt64LE(o.shimId);
      sock.write(id);
      flush();
    });
    sock.on('data', (data: Buffer) => {
      if (done) return;
      try {
        conn.feed(new Uint8Array(data.buffer, data.byteOffset, data.length));
        if (conn.handshakeComplete && !postHandshakeDone) afterHandshake();
        for (let d = conn.read(); d; d = conn.read()) {
          if (o.shimShutsDown) continue;
          const echo = new Uint8Array(d.length);
          for (let i = 0; i < d.length; i++) echo[i] = d[i]! ^ 0xff;
          conn.write(echo);
        }
        if (conn.peerClosed) {
          conn.close();
          flush();
          finish(0);
          return;
        }
        flush();
      } catch (e) {
        failWith(e);
      }
    });
    sock.on('end', () => {
      if (done) return;
      if (!conn?.handshakeComplete) {
        finish(1, ':CONNECTION_CLOSED: the runner closed the connection during the handshake');
      } else if (o.checkCloseNotify) {
        finish(1, ':CLOSE_WITHOUT_CLOSE_NOTIFY: the runner closed without close_notify');
      } else {
        finish(0);
      }
    });
    sock.on('error', (e) => {
      if (done) return;
      done = true;
      process.stderr.write(`:SOCKET_ERROR: ${e.message}\n`);
      resolve(1);
    });
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseShimArgs(argv);
  switch (parsed.kind) {
    case 'handshaker-probe':
      process.stdout.write('No\n');
      return 0;
    case 'unimplemented':
      process.stdout.write(`unimplemented: ${parsed.flag}\n`);
      return EXIT_UNIMPLEMENTED;
    case 'error':
      process.stderr.write(`shim: ${parsed.message}\n`);
      return 1;
  }
  const o = parsed.options;
  let opts: ClientOptions;
  try {
    opts = clientOptions(o);
  } catch (e) {
    if (e instanceof Unimplemented) {
      process.stdout.write(`unimplemented: ${e.message}\n`);
      return EXIT_UNIMPLEMENTED;
    }
    throw e;
  }
  return run(o, opts);
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (e) => {
    process.stderr.write(`shim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
