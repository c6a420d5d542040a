/**
 * What the client saw, read back from its trace events: what we offered, what the server
 * answered (or did not), the chain it sent, the verdicts, the alerts and the error. The cause
 * analysis (explain.ts) and the certificate display work on these facts, never on the states'
 * insides, so they need no change when a throw site changes.
 */
import type { TlsError } from '../errors.js';
import { ExtensionType } from '../handshake/codec/types.js';
import { decodeKeyShareHelloRetryRequest } from '../handshake/extensions/key-share.js';
import { decodeSupportedVersionsServer } from '../handshake/extensions/supported-versions.js';
import { decodeCertificate12, decodeCertificate13 } from '../handshake/messages/certificate.js';
import { decodeServerHello } from '../handshake/messages/hello.js';
import type { HandshakeInfo, TraceEvent } from '../types.js';
import type { CertVerdict } from './certs.js';
import { groupName, versionName } from './names.js';

type MessageEvent = Extract<TraceEvent, { type: 'message' }>;

export interface TraceFacts {
  /** The first ClientHello's summary (versions, cipherSuites, groups, keyShares, signatureAlgorithms, serverName...). */
  offered: Record<string, unknown> | undefined;
  /** Names of the handshake messages received, in order. */
  received: string[];
  /** Names of the handshake messages sent, in order. */
  sent: string[];
  /** The group a HelloRetryRequest asked for, if one came. */
  helloRetryGroup: string | undefined;
  /** The version the ServerHello selected (TLSv1.3, TLSv1.2, TLSv1.1...), when one came. */
  serverVersion: string | undefined;
  /** Records (of any type) received from the server. */
  recordsReceived: number;
  /** The server's certificate chain as sent (DER, leaf first), when a Certificate message came. */
  chain: Uint8Array[] | undefined;
  /** The validator's verdicts (from the handshake result or the error). */
  verdicts: CertVerdict[];
  /** Alerts received, by name. */
  alertsReceived: string[];
  info: HandshakeInfo | undefined;
  error: TlsError | undefined;
  /** The negotiated version once known ('1.3' when EncryptedExtensions came). */
  version: '1.2' | '1.3' | undefined;
  /** The server asked for a client certificate (CertificateRequest). */
  certificateRequested: boolean;
  /** The server asked to renegotiate (TLS 1.2 HelloRequest). */
  renegotiationRequested: boolean;
}

/** The selected version and the HelloRetryRequest's group, read from the message bytes. */
function readServerHello(raw: Uint8Array, f: TraceFacts): void {
  try {
    const sh = decodeServerHello(raw.subarray(4));
    const sv = sh.extensions.get(ExtensionType.supported_versions);
    f.serverVersion = versionName(sv ? decodeSupportedVersionsServer(sv) : sh.legacyVersion);
    const ks = sh.extensions.get(ExtensionType.key_share);
    if (sh.isHelloRetryRequest && ks) f.helloRetryGroup = groupName(decodeKeyShareHelloRetryRequest(ks));
  } catch {
    // a malformed ServerHello: the error says so
  }
}

/** The server's certificate list from a Certificate message (header included). */
export function certificatesOfMessage(raw: Uint8Array, version: '1.2' | '1.3'): Uint8Array[] | undefined {
  try {
    const body = raw.subarray(4);
    return version === '1.3' ? decodeCertificate13(body).entries.map((e) => e.data) : decodeCertificate12(body).certificates;
  } catch {
    return undefined;
  }
}

export function traceFacts(events: readonly TraceEvent[]): TraceFacts {
  const f: TraceFacts = {
    offered: undefined,
    received: [],
    sent: [],
    helloRetryGroup: undefined,
    serverVersion: undefined,
    recordsReceived: 0,
    chain: undefined,
    verdicts: [],
    alertsReceived: [],
    info: undefined,
    error: undefined,
    version: undefined,
    certificateRequested: false,
    renegotiationRequested: false,
  };
  let certMessage: MessageEvent | undefined;
  for (const e of events) {
    switch (e.type) {
      case 'message':
        if (e.direction === 'sent') {
          if (e.name === 'client_hello' && f.offered === undefined) f.offered = e.summary;
          f.sent.push(e.name);
          break;
        }
        f.received.push(e.name);
        if ((e.name === 'hello_retry_request' || e.name === 'server_hello') && e.raw) readServerHello(e.raw, f);
        if (e.name === 'encrypted_extensions') f.version = '1.3';
        if (e.name === 'server_key_exchange' || e.name === 'server_hello_done') f.version ??= '1.2';
        if (e.name === 'certificate' && certMessage === undefined) certMessage = e;
        if (e.name === 'certificate_request') f.certificateRequested = true;
        if (e.name === 'hello_request') f.renegotiationRequested = true;
        break;
      case 'record':
        if (e.direction === 'received') f.recordsReceived++;
        break;
      case 'alert':
        if (e.direction === 'received') f.alertsReceived.push(e.description);
        break;
      case 'handshake-complete':
        f.info = e.info;
        f.version = e.info.protocol === 'TLSv1.3' ? '1.3' : '1.2';
        f.verdicts = e.info.verify.certificates;
        if (e.info.verify.peerCertificates.length > 0) f.chain = e.info.verify.peerCertificates;
        break;
      case 'error': {
        f.error = e.error;
        const certs = e.error.detail?.['certificates'];
        if (Array.isArray(certs)) f.verdicts = certs as CertVerdict[];
        break;
      }
      default:
        break;
    }
  }
  if (f.chain === undefined && certMessage?.raw) {
    // TLS 1.3 carries a request context and per-entry extensions; 1.2 a bare list.
    const v = f.version ?? (f.received.includes('encrypted_extensions') ? '1.3' : '1.2');
    f.chain = certificatesOfMessage(certMessage.raw, v) ?? certificatesOfMessage(certMessage.raw, v === '1.3' ? '1.2' : '1.3');
  }
  return f;
}
