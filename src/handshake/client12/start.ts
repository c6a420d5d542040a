/**
 * Entry from the shared ServerHello state into the TLS 1.2 client (RFC 5246 §7.4.1.3): the
 * checks a 1.2 ServerHello must pass, top to bottom, then the first 1.2 state.
 *
 * The flight we then expect (RFC 5246 §7.3, full handshake, no resumption):
 *
 *     ServerHello → Certificate → [ServerKeyExchange] → [CertificateRequest] → ServerHelloDone
 *     ClientKeyExchange, [Certificate (empty)], ChangeCipherSpec, Finished  →
 *     ← [NewSessionTicket] ChangeCipherSpec Finished
 *
 * The downgrade sentinel (RFC 8446 §4.1.3) and the version itself were checked by the caller.
 */
import { suiteByCode } from '../../crypto/suites.js';
import { peerError } from '../../errors.js';
import { equalBytesCT, fromUtf8 } from '../../wire/bytes.js';
import { ExtensionType, extensionTypeName } from '../codec/types.js';
import {
  decodeAlpnServer,
  decodeEcPointFormats,
  decodeEncryptThenMac,
  decodeExtendedMasterSecret,
  decodeRenegotiationInfo,
  decodeServerNameServer,
  decodeSessionTicketServer,
  ECPointFormat,
  decodeStatusRequestServer,
} from '../extensions/index.js';
import type { DecodedServerHello as ServerHello } from '../messages/hello.js';
import { Transcript } from '../transcript.js';
import type { HandshakeContext, HandshakeMessage, HandshakeState } from '../state.js';
import type { Handshake12 } from './common.js';
import { ExpectCertificate12 } from './expect-server-params.js';
import { negotiateRecordLimits } from '../record-limits.js';
import { ExpectPskServerKeyExchange } from './psk.js';

export interface Tls12Start {
  clientHelloRaw: Uint8Array;
  clientRandom: Uint8Array;
  sessionId: Uint8Array;
}

/** Extensions that exist only in TLS 1.3: a 1.2 ServerHello carrying one is illegal_parameter. */
const TLS13_ONLY = new Set<number>([
  ExtensionType.key_share,
  ExtensionType.pre_shared_key,
  ExtensionType.psk_key_exchange_modes,
  ExtensionType.cookie,
  ExtensionType.early_data,
]);

export function startTls12(ctx: HandshakeContext, hello: Tls12Start, sh: ServerHello, msg: HandshakeMessage): HandshakeState {
  const config = ctx.config;
  const check = (what: string, detail?: string) => ctx.emit({ type: 'check', what, ok: true, ...(detail ? { detail } : {}) });

  // RFC 5246 §7.4.1.3: cipher_suite is "selected by the server from the list in ClientHello".
  const suite = suiteByCode(sh.cipherSuite);
  if (!suite || suite.version !== '1.2' || !config.suites.some((s) => s.code === suite.code)) {
    throw peerError('ILLEGAL_VALUE', 'server_hello_unoffered_cipher_suite', `the server selected a cipher suite we did not offer for TLS 1.2 (0x${sh.cipherSuite.toString(16).padStart(4, '0')}${suite ? ` ${suite.name}` : ''})`);
  }
  // RFC 5246 §7.4.1.3: compression_method "selected by the server from the list in ClientHello" (we offer only null).
  if (sh.compression !== 0) {
    throw peerError('ILLEGAL_VALUE', 'server_hello_compression', `the server selected compression method ${sh.compression}; only null (0) was offered`);
  }
  // RFC 5246 §7.4.1.2: a session_id that matches ours would announce a resumption; ours is never a
  // real session (middlebox-compatibility random or empty), so the server cannot resume it.
  if (hello.sessionId.length > 0 && equalBytesCT(sh.sessionId, hello.sessionId)) {
    throw peerError('ILLEGAL_VALUE', 'server_hello_unknown_session_resumed', 'the server echoed our random session_id as if resuming a session we never had');
  }

  // RFC 5246 §7.4.1.4: "If a client receives an extension type in ServerHello that it did not
  // request in the associated ClientHello, it MUST abort the handshake with an
  // unsupported_extension fatal alert."
  let ems = false;
  let etm = false;
  let ticketPromised = false;
  let statusPromised = false;
  let alpn: string | undefined;
  let renegotiationInfo = false;
  for (const [type, data] of sh.extensions) {
    switch (type) {
      case ExtensionType.server_name:
        if (config.sni === undefined) break; // not offered: falls to the check below
        decodeServerNameServer(data); // RFC 6066 §3: empty
        continue;
      case ExtensionType.ec_point_formats:
        // RFC 8422 §5.2: the server's list MUST contain uncompressed.
        if (!decodeEcPointFormats(data).includes(ECPointFormat.uncompressed)) {
          throw peerError('ILLEGAL_VALUE', 'ec_point_formats_no_uncompressed', 'ec_point_formats in ServerHello without the uncompressed format');
        }
        continue;
      case ExtensionType.alpn: {
        if (config.alpn.length === 0) break;
        const p = fromUtf8(decodeAlpnServer(data));
        // RFC 7301 §3.1: the server's choice MUST be one we offered.
        if (!config.alpn.includes(p)) {
          throw peerError('ILLEGAL_VALUE', 'alpn_unoffered_protocol', `the server selected ALPN protocol '${p}', which we did not offer`);
        }
        alpn = p;
        continue;
      }
      case ExtensionType.extended_master_secret:
        decodeExtendedMasterSecret(data); // RFC 7627 §5.1: empty
        ems = true;
        continue;
      case ExtensionType.encrypt_then_mac:
        decodeEncryptThenMac(data); // RFC 7366 §2: empty
        // RFC 7366 §3: a server that selects an AEAD (or stream) suite MUST NOT send it.
        if (suite.protection !== 'cbc') {
          throw peerError('ILLEGAL_VALUE', 'encrypt_then_mac_with_aead', `encrypt_then_mac with the AEAD suite ${suite.name} (RFC 7366 §3: CBC suites only)`);
        }
        etm = true;
        continue;
      case ExtensionType.renegotiation_info:
        // RFC 5746 §3.4: on an initial handshake renegotiated_connection MUST be empty, else
        // "MUST abort the handshake (by sending a fatal handshake_failure alert)".
        if (decodeRenegotiationInfo(data).length !== 0) {
          throw peerError('NEGOTIATION_FAILED', 'renegotiation_info_not_empty', 'renegotiation_info in the initial ServerHello is not empty (RFC 5746 §3.4)');
        }
        renegotiationInfo = true;
        continue;
      case ExtensionType.status_request:
        if (config.revocation === 'off') break; // not offered: falls to the check below
        decodeStatusRequestServer(data); // RFC 6066 §8: empty
        statusPromised = true;
        continue;
      case ExtensionType.supported_groups:
        // We offered it, so RFC 5246 §7.4.1.4 allows it back; RFC 8422 gives the server's copy no
        // meaning in TLS 1.2 (some servers send their list anyway): ignored, as BoringSSL does.
        continue;
      case ExtensionType.session_ticket:
        decodeSessionTicketServer(data); // RFC 5077 §3.2: empty
        ticketPromised = true;
        continue;
      case ExtensionType.max_fragment_length:
      case ExtensionType.record_size_limit:
        continue; // negotiateRecordLimits below
    }
    if (TLS13_ONLY.has(type)) {
      throw peerError('ILLEGAL_VALUE', 'tls12_server_hello_tls13_extension', `TLS 1.2 ServerHello carries the TLS 1.3 extension ${extensionTypeName(type)}`);
    }
    throw peerError('UNOFFERED_EXTENSION', 'server_hello_unoffered_extension', `TLS 1.2 ServerHello carries ${extensionTypeName(type)}, which we did not offer`);
  }

  const limits = negotiateRecordLimits(config, sh.extensions, '1.2', 'TLS 1.2 ServerHello');
  if (limits) ctx.setRecordLimits(limits);

  check(`server selected ${suite.name} (offered, TLS 1.2)`);
  // RFC 5746 §4.1: without renegotiation_info the client cannot tell whether an attacker has
  // spliced its own handshake in front of ours — from the client's side the attack looks like an
  // ordinary initial handshake, and the server takes our handshake for a renegotiation. A client
  // that requires secure renegotiation aborts with handshake_failure; like OpenSSL 3 we do, unless
  // the user accepts legacy servers on purpose.
  if (!renegotiationInfo && !config.allowLegacyRenegotiation) {
    throw peerError(
      'NEGOTIATION_FAILED',
      'secure_renegotiation_not_supported',
      'the server does not support secure renegotiation (no renegotiation_info, RFC 5746): an attacker could splice a handshake of ' +
        'its own in front of ours and this client could not tell (RFC 5746 §4.1); set `allowLegacyRenegotiation` to connect anyway',
    );
  }
  ctx.emit({
    type: 'check',
    what: 'secure renegotiation indication (RFC 5746)',
    ok: true,
    detail: renegotiationInfo
      ? 'renegotiation_info empty, as on an initial handshake'
      : 'the server sent no renegotiation_info (a legacy server), accepted because `allowLegacyRenegotiation` is set: an attacker could have spliced a handshake in front of ours (RFC 5746 §4.1)',
  });
  ctx.emit({
    type: 'check',
    what: 'extended master secret (RFC 7627)',
    ok: true,
    detail: ems ? 'agreed: the master secret is bound to the handshake transcript' : 'not agreed by the server: the classic master secret is used (no protection against triple handshake)',
  });
  if (suite.protection === 'cbc') {
    ctx.emit({
      type: 'check',
      what: 'encrypt-then-MAC (RFC 7366)',
      ok: true,
      detail: etm ? 'agreed: records are MACed after encryption' : 'not agreed: MAC-then-encrypt with constant-time padding and MAC checks',
    });
  }

  // RFC 5246 §7.4.9: handshake_messages, hashed with the PRF hash of the suite (§5, RFC 5289 §3).
  const transcript = new Transcript(suite.hash);
  transcript.add(hello.clientHelloRaw);
  transcript.add(msg.raw);

  const hs: Handshake12 = {
    suite,
    transcript,
    clientRandom: hello.clientRandom,
    serverRandom: sh.random.slice(),
    ems,
    etm,
    ticketPromised,
    statusPromised,
    ...(alpn !== undefined ? { alpn } : {}),
  };
  // RFC 4279 §2: PSK suites have no Certificate.
  if (suite.auth === 'psk') return new ExpectPskServerKeyExchange(hs);
  return new ExpectCertificate12(hs);
}
