/**
 * Entry from the shared ServerHello state into the TLS 1.2 client (RFC 5246).
 */
import type { DecodedServerHello as ServerHello } from '../messages/hello.js';
import type { HandshakeContext, HandshakeMessage, HandshakeState } from '../state.js';
import { TlsError } from '../../errors.js';

export interface Tls12Start {
  clientHelloRaw: Uint8Array;
  clientRandom: Uint8Array;
  sessionId: Uint8Array;
}

export function startTls12(_ctx: HandshakeContext, _hello: Tls12Start, _sh: ServerHello, _msg: HandshakeMessage): HandshakeState {
  throw new TlsError('PROTOCOL_VERSION', 'the server selected TLS 1.2; the TLS 1.2 client lands in a later change (use a TLS 1.3 server for now)', {
    alert: 'protocol_version',
  });
}
