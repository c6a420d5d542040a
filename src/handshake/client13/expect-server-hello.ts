/**
 * TLS 1.3 client, first flight from the server: ServerHello or HelloRetryRequest
 * (RFC 8446 §4.1.3, §4.1.4). Also the fork in the road: a ServerHello without
 * supported_versions is a TLS 1.2 (or older) server and goes to the 1.2 state machine.
 * Each check is one line with its RFC section (Go's checkServerHelloOrHRR, read top to bottom).
 */
import { computeSharedSecret, groupByCode, type KeyShare } from '../../crypto/groups.js';
import { createAead } from '../../crypto/aead.js';
import { suiteByCode, type Tls13Suite } from '../../crypto/suites.js';
import { peerError } from '../../errors.js';
import { withPeerValue } from '../crypto-errors.js';
import { Tls13Protection } from '../../record/protection.js';
import { equalBytesCT, toHex } from '../../wire/bytes.js';
import { ExtensionType, HandshakeType, ProtocolVersion, DOWNGRADE_TLS11, DOWNGRADE_TLS12, extensionTypeName } from '../codec/types.js';
import {
  decodeCookie,
  decodeKeyShareHelloRetryRequest,
  decodeKeyShareServerHello,
  decodeSupportedVersionsServer,
  decodePreSharedKeyServer,
} from '../extensions/index.js';
import type { ExternalPsk } from '../../identity/psk.js';
import { decodeClientHello, decodeServerHello, type DecodedServerHello as ServerHello } from '../messages/hello.js';
import { KeyScheduleHandshake } from './keys.js';
import { Transcript } from '../transcript.js';
import { expectMessage, type HandshakeContext, type HandshakeMessage, type HandshakeState } from '../state.js';
import { buildClientHello, makeKeyShares, type ClientHelloParams } from '../client-hello.js';
import { ExpectEncryptedExtensions } from './expect-server-params.js';
import { startTls12 } from '../client12/start.js';

/** Extensions a TLS 1.3 ServerHello may carry (RFC 8446 §4.2 table). */
const SH_ALLOWED = new Set<number>([ExtensionType.key_share, ExtensionType.supported_versions, ExtensionType.pre_shared_key]);
/** Extensions a HelloRetryRequest may carry. */
const HRR_ALLOWED = new Set<number>([ExtensionType.key_share, ExtensionType.supported_versions, ExtensionType.cookie]);

export class ExpectServerHello implements HandshakeState {
  readonly name: string;
  constructor(
    private readonly hello: ClientHelloParams,
    /** The ClientHello(s) sent so far, raw, for the transcript. */
    private readonly clientHelloRaw: Uint8Array,
    /** Set after a HelloRetryRequest: the transcript so far and the suite it chose. */
    private readonly afterHrr: false | { transcript: Transcript; suite: Tls13Suite },
  ) {
    this.name = afterHrr ? 'ExpectServerHelloAfterRetry' : 'ExpectServerHello';
  }

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    expectMessage(msg, HandshakeType.server_hello);
    const sh = decodeServerHello(msg.body);
    const config = ctx.config;
    ctx.emit({ type: 'message', direction: 'received', name: sh.isHelloRetryRequest ? 'hello_retry_request' : 'server_hello', length: msg.raw.length, summary: summarize(sh) });

    const svExt = sh.extensions.get(ExtensionType.supported_versions);
    const version = svExt ? decodeSupportedVersionsServer(svExt) : sh.legacyVersion;

    if (version !== ProtocolVersion.TLS13) {
      return this.notTls13(sh, version, msg, ctx);
    }
    // RFC 8446 §4.2.1: a server selecting a version the client did not offer is illegal.
    if (!config.versions.has('1.3')) {
      throw peerError('ILLEGAL_VALUE', 'server_hello_tls13_not_offered', 'the server selected TLS 1.3, which was not offered');
    }
    // RFC 8446 §4.1.3: legacy_version MUST be 0x0303 in a TLS 1.3 ServerHello.
    if (sh.legacyVersion !== ProtocolVersion.TLS12) {
      throw peerError('ILLEGAL_VALUE', 'server_hello_legacy_version', `TLS 1.3 ServerHello with legacy_version 0x${sh.legacyVersion.toString(16)}`);
    }
    // RFC 8446 §4.1.3: legacy_session_id_echo MUST match what we sent.
    if (!equalBytesCT(sh.sessionId, this.hello.sessionId)) {
      throw peerError('ILLEGAL_VALUE', 'server_hello_session_id_mismatch', 'the server did not echo our legacy_session_id');
    }
    // RFC 8446 §4.1.3: legacy_compression_method MUST be 0.
    if (sh.compression !== 0) {
      throw peerError('ILLEGAL_VALUE', 'server_hello_compression', 'the server selected a compression method');
    }
    const suite = suiteByCode(sh.cipherSuite);
    // RFC 8446 §4.1.3: a cipher suite we did not offer (or a TLS 1.2 one) is illegal_parameter.
    if (!suite || suite.version !== '1.3' || !config.suites.some((s) => s.code === suite.code)) {
      throw peerError('ILLEGAL_VALUE', 'server_hello_unoffered_cipher_suite', `the server selected a cipher suite we did not offer for TLS 1.3 (0x${sh.cipherSuite.toString(16).padStart(4, '0')})`);
    }
    const allowed = sh.isHelloRetryRequest ? HRR_ALLOWED : SH_ALLOWED;
    const sent = decodeClientHello(this.clientHelloRaw.subarray(4)).extensions;
    for (const type of sh.extensions.keys()) {
      if (!allowed.has(type)) {
        // RFC 8446 §4.2: an extension we did not send → unsupported_extension; one we sent that is
        // not specified for this message → illegal_parameter. "Sent" is read from our ClientHello.
        const offered = sent.has(type);
        const where = sh.isHelloRetryRequest ? 'HelloRetryRequest' : 'ServerHello';
        const explanation = `${where} carries the ${extensionTypeName(type)} extension, which is not allowed there`;
        if (offered) throw peerError('ILLEGAL_VALUE', 'server_hello_forbidden_extension', explanation);
        throw peerError('UNOFFERED_EXTENSION', 'server_hello_unoffered_extension', explanation);
      }
    }
    if (sh.extensions.has(ExtensionType.pre_shared_key) && !this.hello.psk) {
      // RFC 8446 §4.2: a response to an extension we did not send.
      throw peerError('UNOFFERED_EXTENSION', 'server_hello_unoffered_psk', 'the server selected a pre_shared_key we did not offer');
    }
    ctx.setVersion('1.3');
    return sh.isHelloRetryRequest ? this.helloRetry(sh, suite, msg, ctx) : this.serverHello(sh, suite, msg, ctx);
  }

  private helloRetry(sh: ServerHello, suite: Tls13Suite, msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    const config = ctx.config;
    // RFC 8446 §4.1.4: a second HelloRetryRequest is unexpected_message.
    if (this.afterHrr) {
      throw peerError('UNEXPECTED_MESSAGE', 'second_hello_retry_request', 'a second HelloRetryRequest');
    }
    const ksExt = sh.extensions.get(ExtensionType.key_share);
    const cookieExt = sh.extensions.get(ExtensionType.cookie);
    let newShares = this.hello.keyShares;
    if (ksExt) {
      const groupCode = decodeKeyShareHelloRetryRequest(ksExt);
      const group = config.groups.find((g) => g.code === groupCode);
      // RFC 8446 §4.1.4: the selected group MUST be one we offered in supported_groups...
      if (!group) {
        throw peerError('ILLEGAL_VALUE', 'hrr_unoffered_group', `HelloRetryRequest selected a group we did not offer (0x${groupCode.toString(16).padStart(4, '0')})`);
      }
      // ...and MUST NOT be one we already sent a key share for.
      if (this.hello.keyShares.some((k) => k.group.code === groupCode)) {
        throw peerError('ILLEGAL_VALUE', 'hrr_group_already_shared', `HelloRetryRequest asked for ${group.name}, for which we already sent a key share`);
      }
      newShares = makeKeyShares(config, [group]);
    }
    const cookie = cookieExt ? decodeCookie(cookieExt) : undefined;
    // RFC 8446 §4.1.4: an HRR that would not change the ClientHello is illegal_parameter.
    if (!ksExt && !cookie) {
      throw peerError('ILLEGAL_VALUE', 'hrr_changes_nothing', 'HelloRetryRequest that changes nothing (no key_share, no cookie)');
    }
    ctx.emit({ type: 'check', what: 'HelloRetryRequest is well-formed', ok: true, detail: ksExt ? `retry with ${newShares[0]!.group.name}` : 'retry with cookie' });
    // RFC 8446 §4.4.1: the transcript restarts with message_hash(ClientHello1), then the HRR.
    const transcript = new Transcript();
    transcript.setHash(suite.hash);
    transcript.add(this.clientHelloRaw);
    transcript.replaceWithMessageHash();
    transcript.add(msg.raw);
    const params: ClientHelloParams = { ...this.hello, keyShares: newShares, ...(cookie ? { cookie } : {}) };
    // RFC 8446 §4.1.4: a PSK whose hash does not fit the suite the HRR chose is not offered again.
    if (params.psk && params.psk.hash !== suite.hash) delete params.psk;
    // RFC 8446 Appendix D.4: the compatibility CCS goes right before the second ClientHello.
    if (ctx.config.middleboxCompat) ctx.sendChangeCipherSpec();
    const ch2 = buildClientHello(config, params, transcript);
    ctx.sendHandshake(ch2.raw, ch2.summary);
    transcript.add(ch2.raw);
    return new ExpectServerHello(params, ch2.raw, { transcript, suite });
  }

  private serverHello(sh: ServerHello, suite: Tls13Suite, msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    // RFC 8446 §4.1.4: the ServerHello's suite MUST equal the HelloRetryRequest's.
    if (this.afterHrr && this.afterHrr.suite.code !== suite.code) {
      throw peerError('ILLEGAL_VALUE', 'server_hello_suite_differs_from_hrr', 'the ServerHello cipher suite differs from the HelloRetryRequest one');
    }
    const psk = this.acceptedPsk(sh, suite, ctx);
    const ksExt = sh.extensions.get(ExtensionType.key_share);
    let shared: Uint8Array | null = null;
    let group: KeyShare['group'] | undefined;
    if (!ksExt) {
      // RFC 8446 §9.2: a (EC)DHE handshake without key_share is missing_extension; only psk_ke
      // (which we offer only when pskMode says so) goes without one (§4.2.9).
      if (!psk || ctx.config.pskMode !== 'psk_ke') {
        if (psk) throw peerError('MISSING_EXTENSION', 'server_hello_psk_ke_not_offered', 'the ServerHello selected our PSK without key_share (psk_ke), but we offered only psk_dhe_ke');
        throw peerError('MISSING_EXTENSION', 'server_hello_no_key_share', 'the ServerHello has no key_share');
      }
      ctx.emit({ type: 'check', what: 'PSK key exchange mode', ok: true, detail: 'psk_ke: no (EC)DHE, no forward secrecy (as configured by pskMode)' });
    } else {
      if (psk && ctx.config.pskMode === 'psk_ke') {
        throw peerError('ILLEGAL_VALUE', 'server_hello_psk_dhe_ke_not_offered', 'the server answered our PSK with a key_share (psk_dhe_ke), but we offered only psk_ke');
      }
      ({ shared, group } = this.keyShare(ksExt, ctx));
    }
    return this.keysAndNext(sh, suite, msg, ctx, shared, group, psk);
  }

  /** RFC 8446 §4.2.11: the server's selected_identity must be one we offered, with the suite's hash. */
  private acceptedPsk(sh: ServerHello, suite: Tls13Suite, ctx: HandshakeContext): ExternalPsk | undefined {
    const ext = sh.extensions.get(ExtensionType.pre_shared_key);
    const psk = this.hello.psk;
    if (!ext || !psk) return undefined;
    const selected = decodePreSharedKeyServer(ext);
    if (selected !== 0) {
      throw peerError('ILLEGAL_VALUE', 'server_hello_psk_identity_not_offered', `the server selected PSK identity ${selected}; we offered only one`);
    }
    if (suite.hash !== psk.hash) {
      throw peerError('ILLEGAL_VALUE', 'server_hello_psk_hash_mismatch', `the server selected our PSK (bound to ${psk.hash}) with ${suite.name}, whose hash differs`);
    }
    ctx.emit({ type: 'check', what: `server accepted the external PSK "${psk.identityText}"`, ok: true, detail: 'no certificate: its Finished proves it holds the key' });
    return psk;
  }

  private keyShare(ksExt: Uint8Array, ctx: HandshakeContext): { shared: Uint8Array; group: KeyShare['group'] } {
    const entry = decodeKeyShareServerHello(ksExt);
    const mine: KeyShare | undefined = this.hello.keyShares.find((k) => k.group.code === entry.group);
    // RFC 8446 §4.2.8: the server's share MUST be in a group we sent a share for.
    if (!mine) {
      const g = groupByCode(entry.group);
      throw peerError('ILLEGAL_VALUE', 'server_hello_key_share_unoffered_group', `the server's key share is for ${g ? g.name : `group 0x${entry.group.toString(16)}`}, for which we sent no share`);
    }
    const shared = withPeerValue(() => computeSharedSecret(mine, entry.keyExchange));
    ctx.emit({ type: 'check', what: `server key share (${mine.group.name}) is a valid public value`, ok: true });
    return { shared, group: mine.group };
  }

  private keysAndNext(
    sh: ServerHello,
    suite: Tls13Suite,
    msg: HandshakeMessage,
    ctx: HandshakeContext,
    shared: Uint8Array | null,
    group: KeyShare['group'] | undefined,
    psk: ExternalPsk | undefined,
  ): HandshakeState {
    void sh;

    const transcript = this.afterHrr ? this.afterHrr.transcript : new Transcript();
    if (!this.afterHrr) {
      transcript.setHash(suite.hash);
      transcript.add(this.clientHelloRaw);
    }
    transcript.add(msg.raw);

    const keys = new KeyScheduleHandshake(suite, shared, transcript.current(), this.hello.random, ctx, psk?.key);
    // Read the server's flight under server_handshake_traffic_secret; our alerts and Finished
    // go under client_handshake_traffic_secret (RFC 8446 §7.3).
    ctx.setReadProtection(new Tls13Protection(createAead(suite.aead, keys.serverHandshake.key), keys.serverHandshake.iv), 'server_handshake_traffic_secret');
    ctx.setWriteProtection(new Tls13Protection(createAead(suite.aead, keys.clientHandshake.key), keys.clientHandshake.iv), 'client_handshake_traffic_secret');
    return new ExpectEncryptedExtensions({
      suite,
      group,
      ...(psk ? { psk } : {}),
      transcript,
      keys,
      clientRandom: this.hello.random,
      helloRetry: this.afterHrr !== false,
      sentCcs: this.afterHrr !== false && ctx.config.middleboxCompat,
    });
  }

  /** A ServerHello for TLS 1.2 or older. */
  private notTls13(sh: ServerHello, version: number, msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    const config = ctx.config;
    if (sh.isHelloRetryRequest) {
      throw peerError('ILLEGAL_VALUE', 'hrr_without_tls13', 'HelloRetryRequest without TLS 1.3 in supported_versions');
    }
    if (this.afterHrr) {
      // RFC 8446 §4.1.4: after an HRR the server MUST select TLS 1.3.
      throw peerError('ILLEGAL_VALUE', 'version_changed_after_hrr', 'the server selected an older version after a HelloRetryRequest');
    }
    if (sh.extensions.has(ExtensionType.supported_versions)) {
      // RFC 8446 §4.2.1: supported_versions in a ServerHello may only select TLS 1.3 or later.
      throw peerError('ILLEGAL_VALUE', 'supported_versions_bad_value', `supported_versions in ServerHello selects 0x${version.toString(16)}`);
    }
    if (version !== ProtocolVersion.TLS12 || !config.versions.has('1.2')) {
      const v = version === ProtocolVersion.TLS12 ? 'TLS 1.2' : version === ProtocolVersion.TLS11 ? 'TLS 1.1' : version === ProtocolVersion.TLS10 ? 'TLS 1.0' : `0x${version.toString(16)}`;
      throw peerError('UNSUPPORTED_VERSION', 'version_not_enabled', `the server selected ${v}, but this client accepts only TLS ${config.minVersion === config.maxVersion ? config.minVersion : `${config.minVersion}-${config.maxVersion}`}`);
    }
    // RFC 8446 §4.1.3: a TLS 1.3-capable client that negotiates 1.2 MUST check the sentinel.
    if (config.versions.has('1.3')) {
      const tail = sh.random.subarray(24);
      if (equalBytesCT(tail, DOWNGRADE_TLS12) || equalBytesCT(tail, DOWNGRADE_TLS11)) {
        throw peerError('DOWNGRADE_DETECTED', 'tls13_downgrade_sentinel', 'the ServerHello random carries the TLS 1.3 downgrade sentinel: an attacker may be forcing an older version');
      }
    }
    ctx.setVersion('1.2');
    return startTls12(ctx, { clientHelloRaw: this.clientHelloRaw, clientRandom: this.hello.random, sessionId: this.hello.sessionId }, sh, msg);
  }
}

function summarize(sh: ServerHello): Record<string, unknown> {
  const s = suiteByCode(sh.cipherSuite);
  return {
    cipherSuite: s ? s.name : `0x${sh.cipherSuite.toString(16).padStart(4, '0')}`,
    random: toHex(sh.random),
    extensions: [...sh.extensions.keys()].map(extensionTypeName),
  };
}
