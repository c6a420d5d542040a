/**
 * The benchmark's peer: a node:tls TLS 1.3 server in a child process, so that
 * `process.cpuUsage()` in the parent measures the client alone.
 *
 * Configuration comes in the environment (BENCH_KEY, BENCH_CERT: PEM). It prints
 * `LISTEN <port>` once it listens on 127.0.0.1. Per connection, after the handshake, the client
 * may send one command line:
 *   `S <n>\n`  the server sends n bytes in 16 KiB writes, then end() (close_notify);
 *   `D <n>\n`  the server reads and discards n bytes, then answers `OK\n` and ends.
 * A connection that sends nothing (the handshake benchmark) is simply closed by the client.
 */
import tls from 'node:tls';

const key = process.env.BENCH_KEY;
const cert = process.env.BENCH_CERT;
if (!key || !cert) {
  process.stderr.write('bench server: BENCH_KEY and BENCH_CERT are required\n');
  process.exit(2);
}

const CHUNK = Buffer.alloc(16 * 1024, 0x61);

function sendBytes(s: tls.TLSSocket, n: number): void {
  let left = n;
  const pump = (): void => {
    while (left > 0) {
      const len = Math.min(left, CHUNK.length);
      left -= len;
      const ok = s.write(len === CHUNK.length ? CHUNK : CHUNK.subarray(0, len));
      if (!ok && left > 0) {
        s.once('drain', pump);
        return;
      }
    }
    s.end();
  };
  pump();
}

const server = tls.createServer(
  { key, cert, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256' },
  (s) => {
    s.on('error', () => {});
    let line = '';
    let discardLeft = -1;
    const onData = (d: Buffer): void => {
      if (discardLeft >= 0) {
        discardLeft -= d.length;
        if (discardLeft <= 0) {
          s.off('data', onData);
          s.end('OK\n');
        }
        return;
      }
      line += d.toString('latin1');
      const nl = line.indexOf('\n');
      if (nl < 0) return;
      const [cmd, arg] = line.slice(0, nl).split(' ');
      const rest = Buffer.from(line.slice(nl + 1), 'latin1');
      const n = Number(arg);
      if (cmd === 'S') {
        s.off('data', onData);
        s.resume();
        sendBytes(s, n);
      } else if (cmd === 'D') {
        discardLeft = n;
        if (rest.length > 0) onData(rest);
      } else {
        s.destroy();
      }
    };
    s.on('data', onData);
  },
);
server.on('tlsClientError', () => {});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`LISTEN ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
