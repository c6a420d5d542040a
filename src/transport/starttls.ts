/**
 * STARTTLS: the plaintext steps some protocols take before TLS starts on the same socket,
 * then `connect({ socket })` (puretls/node) takes the socket over, paused or flowing.
 *
 *   const tcp = net.connect(5432, 'db.example');
 *   await pgSslRequest(tcp);                                  // Postgres: SSLRequest, 'S'
 *   const socket = connect({ socket: tcp, servername: 'db.example', ca });
 *
 *   const tcp = net.connect(587, 'mail.example');
 *   await smtpStartTls(tcp, { ehloName: 'client.example' });  // SMTP: EHLO, STARTTLS, 220
 *   const socket = connect({ socket: tcp, servername: 'mail.example', ca });
 *   // RFC 3207 §4.2: forget what the server said before TLS and send EHLO again.
 *
 * Both read exactly the server's plaintext answer and refuse any byte after it: a server
 * speaks TLS only after our ClientHello, so bytes already waiting there were injected by
 * someone on the path (the plaintext-injection flaws of CVE-2011-0411 and CVE-2021-23214).
 */
import type { Duplex } from 'node:stream';
import { peerError, TlsError } from '../errors.js';

const DEFAULT_TIMEOUT = 30_000;

/**
 * Read from `socket` (paused mode) until `complete(buffered)` returns how many bytes form the
 * answer; returns them, leaves the socket paused. Anything after the answer is refused.
 */
function readAnswer(socket: Duplex, complete: (buf: Buffer) => number, what: string, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (err: TlsError | null, answer?: Buffer): void => {
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.pause();
      if (err) reject(err);
      else resolve(answer!);
    };
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while ((chunk = socket.read() as Buffer | null) !== null) buf = Buffer.concat([buf, chunk]);
      const n = complete(buf);
      if (n === 0) return;
      if (n < buf.length) {
        done(peerError('UNEXPECTED_MESSAGE', 'starttls_plaintext_injection', `${what}: ${buf.length - n} bytes arrived after the server's answer and before TLS (plaintext injection?)`));
        return;
      }
      done(null, buf);
    };
    const onEnd = (): void => done(new TlsError('CONNECTION_CLOSED', 'starttls_closed_before_answer', `${what}: the server closed the connection before answering`));
    const onError = (e: Error): void => done(new TlsError('SOCKET_ERROR', 'transport_error', `${what}: transport error: ${e.message}`, { cause: e }));
    const timer = setTimeout(() => done(new TlsError('TIMEOUT', 'starttls_timeout', `${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('readable', onReadable);
    socket.on('end', onEnd);
    socket.on('error', onError);
    onReadable();
  });
}

/**
 * PostgreSQL: send SSLRequest (protocol "SSL Session Encryption": Int32 8, Int32 80877103)
 * and read the one-byte answer. 'S': go on with TLS; 'N': the server does not do TLS
 * (NEGOTIATION_FAILED); anything else, or bytes after it: UNEXPECTED_MESSAGE.
 */
export async function pgSslRequest(socket: Duplex, options: { timeout?: number } = {}): Promise<void> {
  socket.write(Uint8Array.of(0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f));
  const answer = await readAnswer(socket, (b) => (b.length >= 1 ? 1 : 0), 'Postgres SSLRequest', options.timeout ?? DEFAULT_TIMEOUT);
  if (answer[0] === 0x53) return; // 'S'
  if (answer[0] === 0x4e) throw peerError('NEGOTIATION_FAILED', 'starttls_refused', "Postgres SSLRequest: the server answered 'N': it does not accept TLS (ssl = off)");
  throw peerError('UNEXPECTED_MESSAGE', 'starttls_unexpected_answer', `Postgres SSLRequest: unexpected answer byte 0x${answer[0]!.toString(16)}`);
}

/** Length of one complete SMTP reply (RFC 5321 §4.2: "250-..." lines, then "250 ..."), or 0. */
function smtpReplyLength(b: Buffer): number {
  let start = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', start, 'latin1');
    if (eol < 0) return 0;
    if (b[start + 3] !== 0x2d) return eol + 2; // not "xyz-": the last line
    start = eol + 2;
  }
}

async function smtpStep(socket: Duplex, command: string | null, want: string, timeout: number): Promise<string> {
  if (command !== null) socket.write(`${command}\r\n`);
  const reply = (await readAnswer(socket, smtpReplyLength, `SMTP ${command ?? 'greeting'}`, timeout)).toString('latin1');
  if (!reply.startsWith(want)) {
    throw peerError('NEGOTIATION_FAILED', 'starttls_unexpected_reply', `SMTP ${command ?? 'greeting'}: expected ${want}, got ${JSON.stringify(reply.trim())}`);
  }
  return reply;
}

/**
 * SMTP (RFC 3207): read the greeting, EHLO, check that STARTTLS is offered, STARTTLS, read
 * "220". The socket is then ready for `connect({ socket })`.
 */
export async function smtpStartTls(socket: Duplex, options: { ehloName?: string; timeout?: number } = {}): Promise<void> {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  await smtpStep(socket, null, '220', timeout);
  const ehlo = await smtpStep(socket, `EHLO ${options.ehloName ?? 'localhost'}`, '250', timeout);
  if (!/^250[- ]STARTTLS\b/im.test(ehlo)) throw peerError('NEGOTIATION_FAILED', 'starttls_not_offered', 'SMTP: the server does not offer STARTTLS');
  await smtpStep(socket, 'STARTTLS', '220', timeout);
}
