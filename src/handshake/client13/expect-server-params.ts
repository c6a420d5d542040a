/**
 * TLS 1.3 client, the server's encrypted flight up to its Finished (RFC 8446 §4.3, §4.4):
 * EncryptedExtensions → [CertificateRequest] → Certificate → CertificateVerify.
 * Each state takes exactly one message type; anything else is unexpected_message.
 */
import type { Tls13Suite } from '../../crypto/suites.js';
import type { NamedGroup } from '../../crypto/groups.js';
import { peerError } from '../../errors.js';
import { fromUtf8 } from '../../wire/bytes.js';
import { ExtensionType, HandshakeType, extensionTypeName } from '../codec/types.js';
import { decodeAlpnServer, decodeCertificateStatus, decodeServerNameServer } from '../extensions/index.js';
import { applyRevocation } from '../revocation.js';
import { decodeEncryptedExtensions } from '../messages/encrypted-extensions.js';
import { decodeCertificate13 } from '../messages/certificate.js';
import { decodeCertificateRequest13 } from '../messages/certificate-request.js';
import { decodeCertificateVerify } from '../messages/certificate-verify.js';
import type { Transcript } from '../transcript.js';
import { expectMessage, type HandshakeContext, type HandshakeMessage, type HandshakeState } from '../state.js';
import { certificateVerifyContent13, pskAccepted, verifyHandshakeSignature, verifyServerCertificates, type CertificateDecision, type SignatureVerified } from '../verify.js';
import type { KeyScheduleHandshake } from './keys.js';
import { ExpectFinished } from './expect-finished.js';
import { negotiateRecordLimits } from '../record-limits.js';
import type { ExternalPsk } from '../../identity/psk.js';
import { readCertRequest13, type CertRequest13 } from './client-auth.js';

/** What the 1.3 states carry from one to the next. */
export interface Handshake13 {
  suite: Tls13Suite;
  /** The (EC)DHE group; undefined for psk_ke. */
  group: NamedGroup | undefined;
  /** Set when the server accepted our external PSK: no certificate follows (RFC 8446 §2.2). */
  psk?: ExternalPsk;
  transcript: Transcript;
  keys: KeyScheduleHandshake;
  clientRandom: Uint8Array;
  helloRetry: boolean;
  sentCcs: boolean;
  alpn?: string;
  /** Set when the server sent a CertificateRequest (answered after its Finished). */
  certRequest?: CertRequest13;
}

/**
 * Extensions that may appear in EncryptedExtensions (RFC 8446 §4.2 table: "EE"), limited to the
 * ones we offered. Anything else is unsupported_extension (not offered) or illegal_parameter
 * (offered, but not allowed in EE).
 */
const EE_ALLOWED = new Set<number>([
  ExtensionType.server_name,
  ExtensionType.max_fragment_length,
  ExtensionType.supported_groups,
  ExtensionType.alpn,
  ExtensionType.record_size_limit,
  ExtensionType.use_srtp,
  ExtensionType.heartbeat,
  ExtensionType.early_data,
]);
const NEVER_IN_EE = new Set<number>([
  ExtensionType.key_share,
  ExtensionType.supported_versions,
  ExtensionType.pre_shared_key,
  ExtensionType.signature_algorithms,
  ExtensionType.signature_algorithms_cert,
  ExtensionType.psk_key_exchange_modes,
  ExtensionType.cookie,
  ExtensionType.ec_point_formats,
  ExtensionType.extended_master_secret,
  ExtensionType.encrypt_then_mac,
  ExtensionType.renegotiation_info,
  ExtensionType.session_ticket,
]);

export class ExpectEncryptedExtensions implements HandshakeState {
  readonly name = 'ExpectEncryptedExtensions';
  constructor(private readonly hs: Handshake13) {}

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    expectMessage(msg, HandshakeType.encrypted_extensions);
    const exts = decodeEncryptedExtensions(msg.body).extensions;
    const config = ctx.config;
    for (const type of exts.keys()) {
      if (NEVER_IN_EE.has(type)) {
        throw peerError('ILLEGAL_VALUE', 'encrypted_extensions_forbidden_extension', `EncryptedExtensions carries ${extensionTypeName(type)}, which is not allowed there`);
      }
      const offered =
        type === ExtensionType.supported_groups ||
        (type === ExtensionType.server_name && config.sni !== undefined) ||
        (type === ExtensionType.alpn && config.alpn.length > 0) ||
        (type === ExtensionType.max_fragment_length && config.maxFragmentLength !== undefined) ||
        (type === ExtensionType.record_size_limit && config.recordSizeLimit !== undefined);
      if (!EE_ALLOWED.has(type) || !offered) {
        // RFC 8446 §4.2: a response to an extension we did not send is unsupported_extension.
        throw peerError('UNOFFERED_EXTENSION', 'encrypted_extensions_unoffered_extension', `EncryptedExtensions carries ${extensionTypeName(type)}, which we did not offer`);
      }
    }
    const limits = negotiateRecordLimits(config, exts, '1.3', 'EncryptedExtensions');
    if (limits) ctx.setRecordLimits(limits);
    const sn = exts.get(ExtensionType.server_name);
    if (sn) decodeServerNameServer(sn); // RFC 6066 §3: the acknowledgement is empty
    let alpn: string | undefined;
    const alpnExt = exts.get(ExtensionType.alpn);
    if (alpnExt) {
      const p = fromUtf8(decodeAlpnServer(alpnExt));
      // RFC 7301 §3.1: the server's choice MUST be one we offered.
      if (!config.alpn.includes(p)) {
        throw peerError('ILLEGAL_VALUE', 'alpn_unoffered_protocol', `the server selected ALPN protocol '${p}', which we did not offer`);
      }
      alpn = p;
    }
    // supported_groups in EE is the server's preference list: informational only (§4.2.7).
    this.hs.transcript.add(msg.raw);
    ctx.emit({ type: 'message', direction: 'received', name: 'encrypted_extensions', length: msg.raw.length, summary: { extensions: [...exts.keys()].map(extensionTypeName), alpn: alpn ?? '-' } });
    const hs = { ...this.hs, ...(alpn !== undefined ? { alpn } : {}) };
    // RFC 8446 §2.2 / §4.3.2: a PSK handshake has no Certificate, CertificateVerify or
    // CertificateRequest: the server's Finished, keyed from the PSK, authenticates it.
    if (hs.psk) return new ExpectFinished(hs, { kind: 'psk', psk: pskAccepted(hs.psk.identityText) });
    return new ExpectCertificateOrCertReq(hs);
  }
}

export class ExpectCertificateOrCertReq implements HandshakeState {
  readonly name = 'ExpectCertificateOrCertReq';
  constructor(private readonly hs: Handshake13) {}

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    expectMessage(msg, HandshakeType.certificate, HandshakeType.certificate_request);
    if (msg.type === HandshakeType.certificate) return new ExpectCertificate(this.hs).handle(msg, ctx);
    const req = decodeCertificateRequest13(msg.body);
    // RFC 8446 §4.3.2: signature_algorithms MUST be present (missing_extension otherwise).
    const certRequest = readCertRequest13(req);
    // RFC 8446 §4.3.2: in the handshake, certificate_request_context is empty.
    if (req.context.length !== 0) {
      throw peerError('ILLEGAL_VALUE', 'certificate_request_context_not_empty', 'CertificateRequest in the handshake with a non-empty context');
    }
    this.hs.transcript.add(msg.raw);
    ctx.emit({ type: 'message', direction: 'received', name: 'certificate_request', length: msg.raw.length, summary: { extensions: [...req.extensions.keys()].map(extensionTypeName), certificateAuthorities: certRequest.authorities.length } });
    return new ExpectCertificate({ ...this.hs, certRequest });
  }
}

export class ExpectCertificate implements HandshakeState {
  readonly name = 'ExpectCertificate';
  constructor(private readonly hs: Handshake13) {}

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    expectMessage(msg, HandshakeType.certificate);
    const cert = decodeCertificate13(msg.body);
    // RFC 8446 §4.4.2: the server's certificate_request_context is empty.
    if (cert.context.length !== 0) {
      throw peerError('ILLEGAL_VALUE', 'certificate_context_not_empty', 'server Certificate with a non-empty request context');
    }
    let staple: Uint8Array | undefined;
    for (const [i, e] of cert.entries.entries()) {
      for (const [type, data] of e.extensions) {
        // RFC 8446 §4.4.2.1: a stapled OCSP response (CertificateStatus) when we sent status_request.
        if (type === ExtensionType.status_request && ctx.config.revocation !== 'off') {
          const resp = decodeCertificateStatus(data);
          if (i === 0) staple = resp;
          continue;
        }
        // RFC 8446 §4.4.2: only extensions we offered in ClientHello (status_request, SCT) may appear.
        throw peerError('UNOFFERED_EXTENSION', 'certificate_entry_unrequested_extension', `CertificateEntry carries ${extensionTypeName(type)}, which we did not request`);
      }
    }
    const chainDer = cert.entries.map((e) => e.data);
    const verified = verifyServerCertificates(ctx.config, chainDer, ctx.now(), 'digitalSignature');
    const chain = applyRevocation(ctx.config, verified, staple, ctx);
    this.hs.transcript.add(msg.raw);
    ctx.emit({ type: 'message', direction: 'received', name: 'certificate', length: msg.raw.length, summary: { certificates: chainDer.length } });
    ctx.emit({
      type: 'check',
      what: `certificate chain (${chainDer.length} certificate${chainDer.length === 1 ? '' : 's'}) for ${ctx.config.verifyName?.value ?? '(no name)'}`,
      ok: chain.status !== 'failed',
      detail: chain.status === 'skipped' ? 'skipped (verify=none)' : chain.status === 'ok' ? 'trusted, valid, name matches' : chain.flags.join(','),
    });
    return new ExpectCertificateVerify(this.hs, chain);
  }
}

export class ExpectCertificateVerify implements HandshakeState {
  readonly name = 'ExpectCertificateVerify';
  constructor(
    private readonly hs: Handshake13,
    private readonly chain: CertificateDecision,
  ) {}

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    expectMessage(msg, HandshakeType.certificate_verify);
    const cv = decodeCertificateVerify(msg.body);
    // RFC 8446 §4.4.3: the signature covers the transcript up to and including Certificate.
    const content = certificateVerifyContent13(this.hs.transcript.current());
    const sig: SignatureVerified = verifyHandshakeSignature(ctx.config, '1.3', this.chain, cv.scheme, content, cv.signature);
    this.hs.transcript.add(msg.raw);
    ctx.emit({ type: 'message', direction: 'received', name: 'certificate_verify', length: msg.raw.length, summary: { scheme: sig.scheme.name } });
    ctx.emit({ type: 'check', what: `CertificateVerify signature (${sig.scheme.name}) with the leaf's key`, ok: true });
    return new ExpectFinished(this.hs, { kind: 'certificate', chain: this.chain, sig });
  }
}
