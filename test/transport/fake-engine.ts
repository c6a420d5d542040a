/**
 * A tiny stand-in for ClientConnection with a toy protocol, to test the adapters' pumping
 * without the real handshake:
 *   client → "HELLO\n"; server → "OK\n" completes the handshake, "FAIL\n" makes feed() throw
 *   NEGOTIATION_FAILED after queueing "ALERT\n". Afterwards bytes pass through both ways;
 *   "BYE\n" from the server is its close_notify; close() sends "BYE\n".
 * With `answerEverything`, after the handshake every byte received is answered with a byte of
 * its own and nothing reaches the application: a server that makes the engine reply (TLS 1.3
 * KeyUpdate with update_requested, TLS 1.2 HelloRequest) and never reads.
 */
import { TlsError } from '../../src/errors.js';
import type { TlsEngine } from '../../src/transport/drive.js';
import type { HandshakeInfo } from '../../src/types.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export const FAKE_INFO: HandshakeInfo = {
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_128_GCM_SHA256',
  group: 'x25519',
  signatureScheme: 'ecdsa_secp256r1_sha256',
  alpn: undefined,
  resumed: false,
  helloRetry: false,
  verify: { status: 'ok', flags: [], certificates: [], peerCertificates: [], verifiedChain: [] },
  serverName: 'localhost',
};

export class FakeEngine implements TlsEngine {
  handshakeComplete = false;
  peerClosed = false;
  error: TlsError | undefined;
  info: HandshakeInfo | undefined;
  private out: Uint8Array[] = [enc.encode('HELLO\n')];
  private inbox: Uint8Array[] = [];
  private pending: Uint8Array[] = [];
  private hsBuf = '';
  closed = false;
  fed = 0;
  constructor(private readonly opts: { answerEverything?: boolean } = {}) {}

  feed(data: Uint8Array): void {
    if (this.error) throw this.error;
    this.fed += data.length;
    if (!this.handshakeComplete) {
      this.hsBuf += dec.decode(data);
      if (this.hsBuf.startsWith('FAIL\n')) {
        this.out.push(enc.encode('ALERT\n'));
        this.error = new TlsError('NEGOTIATION_FAILED', 'fake_server_fail', 'the fake server said FAIL');
        throw this.error;
      }
      if (!this.hsBuf.startsWith('OK\n')) return;
      this.handshakeComplete = true;
      this.info = FAKE_INFO;
      for (const p of this.pending) this.out.push(p);
      this.pending = [];
      const rest = this.hsBuf.slice(3);
      this.hsBuf = '';
      if (rest.length === 0) return;
      data = enc.encode(rest);
    }
    if (this.opts.answerEverything) {
      this.out.push(new Uint8Array(data.length).fill(0x6b));
      return;
    }
    const text = dec.decode(data);
    const bye = text.indexOf('BYE\n');
    if (bye >= 0) {
      if (bye > 0) this.inbox.push(enc.encode(text.slice(0, bye)));
      this.peerClosed = true;
      return;
    }
    this.inbox.push(data);
  }
  takeOutput(): Uint8Array | null {
    if (this.out.length === 0) return null;
    const all = this.out;
    this.out = [];
    if (all.length === 1) return all[0]!;
    return enc.encode(all.map((a) => dec.decode(a)).join(''));
  }
  write(data: Uint8Array): void {
    if (this.closed) throw new TlsError('CLOSED', 'write_after_close', 'closed');
    if (this.handshakeComplete) this.out.push(data);
    else this.pending.push(data);
  }
  read(): Uint8Array | null {
    return this.inbox.shift() ?? null;
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.out.push(enc.encode('BYE\n'));
  }
}
