/**
 * TLS 1.2 client, the server's first flight after ServerHello (RFC 5246 §7.4.2-§7.4.5):
 * Certificate → [ServerKeyExchange] → [CertificateRequest] → ServerHelloDone.
 * Each state takes exactly the messages that may come next; anything else is unexpected_message.
 */
import { computeSharedSecret, dhGenerate, dhShared, generateKeyShare, validateFfdheParams } from '../../crypto/groups.js';
import { modpGroupByPrime } from '../../crypto/modp-primes.js';
import { bytesToBigInt } from '../../crypto/bigint.js';
import { rsaEncryptPkcs1 } from '../../crypto/rsa-encrypt.js';
import type { PublicKey } from '../../crypto/types.js';
import type { Tls12Suite } from '../../crypto/suites.js';
import { internalError, peerError } from '../../errors.js';
import { withPeerValue } from '../crypto-errors.js';
import { concat } from '../../wire/bytes.js';
import { HandshakeType } from '../codec/types.js';
import { decodeCertificate12 } from '../messages/certificate.js';
import { decodeCertificateStatus } from '../extensions/status-request.js';
import { applyRevocation } from '../revocation.js';
import { decodeCertificateRequest12, type CertificateRequest12 } from '../messages/certificate-request.js';
import { decodeServerHelloDone } from '../messages/empty.js';
import {
  decodeServerKeyExchangeDhe,
  decodeServerKeyExchangeEcdhe,
  encodeClientKeyExchangeDhe,
  encodeClientKeyExchangeEcdhe,
  encodeClientKeyExchangeRsa,
} from '../messages/key-exchange12.js';
import type { HandshakeContext, HandshakeMessage, HandshakeState } from '../state.js';
import { keyTransportedTo, verifyHandshakeSignature, verifyServerCertificates } from '../verify.js';
import { acceptMessage12, State12, type Authenticated12, type CertAuthenticated12, type Handshake12, type KeyExchange12 } from './common.js';
import { sendClientFlight } from './client-flight.js';

/**
 * RFC 5246 §7.4.2 / RFC 8422 §5.3: the certificate's key must fit the suite's authentication:
 * ECDHE_ECDSA with an ECDSA or EdDSA key (RFC 8422 §2), ECDHE_RSA and DHE_RSA with an RSA key
 * (rsaEncryption or RSASSA-PSS, RFC 8446 §4.2.3 schemes), RSA key exchange with an RSA key that
 * may encrypt (not an id-RSASSA-PSS key, RFC 4055 §1.2).
 */
function keyFitsSuite(suite: Tls12Suite, key: PublicKey): boolean {
  if (suite.auth === 'ecdsa') return key.kind === 'ec' || key.kind === 'ed25519' || key.kind === 'ed448';
  if (key.kind !== 'rsa') return false;
  return suite.kx === 'rsa' ? !key.pss : true;
}

export class ExpectCertificate12 extends State12 {
  readonly name = 'ExpectCertificate';
  constructor(private readonly hs: Handshake12) {
    super();
  }

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    // RFC 5246 §7.4.2: every suite we offer authenticates the server with a certificate.
    if (!acceptMessage12(msg, ctx, HandshakeType.certificate)) return this;
    const chainDer = decodeCertificate12(msg.body).certificates;
    const suite = this.hs.suite;
    // RFC 5246 §7.4.2: RSA key exchange needs keyEncipherment, the signed exchanges digitalSignature.
    const keyUsage = suite.kx === 'rsa' ? 'keyEncipherment' : 'digitalSignature';
    const chain = verifyServerCertificates(ctx.config, chainDer, ctx.now(), keyUsage);
    if (!keyFitsSuite(suite, chain.leafKey)) {
      const k = chain.leafKey;
      throw peerError('UNSUPPORTED_CERTIFICATE', 'certificate_key_does_not_fit_suite', `the server certificate's ${k.kind}${k.kind === 'rsa' && k.pss ? ' (RSASSA-PSS only)' : ''} key does not fit ${suite.name}`);
    }
    // RFC 8422 §5.1: "servers MUST NOT negotiate the use of an ECC cipher suite unless they can
    // complete the handshake while respecting the choice of curves specified by the client":
    // an ECDSA leaf's curve must be one we listed in supported_groups.
    const lk = chain.leafKey;
    if (suite.auth === 'ecdsa' && lk.kind === 'ec' && !ctx.config.groups.some((g) => g.curve === lk.curve)) {
      throw peerError('ILLEGAL_VALUE', 'certificate_curve_not_offered', `the server certificate's key is on ${lk.curve}, which is not among the groups offered`);
    }
    this.hs.transcript.add(msg.raw);
    ctx.emit({ type: 'message', direction: 'received', name: 'certificate', length: msg.raw.length, summary: { certificates: chainDer.length } });
    ctx.emit({
      type: 'check',
      what: `certificate chain (${chainDer.length} certificate${chainDer.length === 1 ? '' : 's'}) for ${ctx.config.verifyName?.value ?? '(no name)'}, keyUsage ${keyUsage}`,
      ok: chain.status !== 'failed',
      detail: chain.status === 'skipped' ? 'skipped (verify=none)' : chain.status === 'ok' ? 'trusted, valid, name matches' : chain.flags.join(','),
    });
    ctx.emit({ type: 'check', what: `leaf ${chain.leafKey.kind} key fits ${suite.auth?.toUpperCase()} authentication`, ok: true });
    const hs: CertAuthenticated12 = { ...this.hs, chain };
    // RFC 6066 §8: after the server acknowledged status_request, a CertificateStatus may follow.
    if (this.hs.statusPromised) return new ExpectCertificateStatus12(hs);
    return afterCertificate({ ...hs, chain: applyRevocation(ctx.config, chain, undefined, ctx) }, ctx);
  }
}

function afterCertificate(hs: CertAuthenticated12, ctx: HandshakeContext): HandshakeState {
  if (hs.suite.kx === 'rsa') return new ExpectCertificateRequestOrDone(hs, rsaKeyExchange(hs, ctx));
  return new ExpectServerKeyExchange(hs);
}

/**
 * RFC 6066 §8: CertificateStatus (the stapled OCSP response) right after Certificate. "a server
 * MAY also choose not to send a CertificateStatus message", so any other message passes on.
 */
export class ExpectCertificateStatus12 extends State12 {
  readonly name = 'ExpectCertificateStatus';
  constructor(private readonly hs: CertAuthenticated12) {
    super();
  }

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    if (msg.type !== HandshakeType.certificate_status) {
      const next = afterCertificate({ ...this.hs, chain: applyRevocation(ctx.config, this.hs.chain, undefined, ctx) }, ctx);
      return next.handle(msg, ctx);
    }
    const staple = decodeCertificateStatus(msg.body);
    this.hs.transcript.add(msg.raw);
    ctx.emit({ type: 'message', direction: 'received', name: 'certificate_status', length: msg.raw.length, summary: { ocspResponse: staple.length } });
    return afterCertificate({ ...this.hs, chain: applyRevocation(ctx.config, this.hs.chain, staple, ctx) }, ctx);
  }
}

/**
 * RFC 5246 §7.4.7.1: the premaster secret is client_version (0x0303, as in our ClientHello) and
 * 46 random bytes, encrypted with RSAES-PKCS1-v1_5 to the server's certificate key.
 */
function rsaKeyExchange(hs: CertAuthenticated12, ctx: HandshakeContext): KeyExchange12 {
  const keyProof = keyTransportedTo(hs.chain);
  const key = hs.chain.leafKey;
  if (key.kind !== 'rsa') throw internalError('rsa_key_exchange_without_rsa_key', 'RSA key exchange without an RSA key');
  const pms = concat(Uint8Array.of(0x03, 0x03), ctx.config.random(46));
  const encrypted = withPeerValue(() => rsaEncryptPkcs1(key, pms, ctx.config.random));
  ctx.emit({ type: 'check', what: 'RSA key exchange: premaster secret encrypted to the certificate key (no forward secrecy)', ok: true });
  return { body: encodeClientKeyExchangeRsa(encrypted), preMasterSecret: pms, group: undefined, keyProof, summary: { keyExchange: 'RSA', encryptedLength: encrypted.length } };
}

export class ExpectServerKeyExchange extends State12 {
  readonly name = 'ExpectServerKeyExchange';
  constructor(private readonly hs: CertAuthenticated12) {
    super();
  }

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    // RFC 5246 §7.4.3: ECDHE and DHE always send a ServerKeyExchange.
    if (!acceptMessage12(msg, ctx, HandshakeType.server_key_exchange)) return this;
    const kx = this.hs.suite.kx === 'ecdhe' ? this.ecdhe(msg, ctx) : this.dhe(msg, ctx);
    this.hs.transcript.add(msg.raw);
    return new ExpectCertificateRequestOrDone(this.hs, kx);
  }

  /** RFC 8422 §5.4: the signature covers client_random + server_random + ServerECDHParams. */
  private signed(params: Uint8Array): Uint8Array {
    return concat(this.hs.clientRandom, this.hs.serverRandom, params);
  }

  private ecdhe(msg: HandshakeMessage, ctx: HandshakeContext): KeyExchange12 {
    const ske = decodeServerKeyExchangeEcdhe(msg.body);
    // RFC 8422 §5.4: the curve MUST be one the client offered in supported_groups.
    const group = ctx.config.groups.find((g) => g.code === ske.group && g.kind === 'ecdhe');
    if (!group) {
      throw peerError('ILLEGAL_VALUE', 'server_key_exchange_unoffered_group', `ServerKeyExchange uses group 0x${ske.group.toString(16).padStart(4, '0')}, which we did not offer`);
    }
    // RFC 5246 §7.4.3: verify the signature with the scheme the server chose (offered, fits the key).
    const sig = verifyHandshakeSignature(ctx.config, '1.2', this.hs.chain, ske.scheme, this.signed(ske.params), ske.signature);
    ctx.emit({ type: 'message', direction: 'received', name: 'server_key_exchange', length: msg.raw.length, summary: { group: group.name, scheme: sig.scheme.name } });
    ctx.emit({ type: 'check', what: `ServerKeyExchange signature (${sig.scheme.name}) over the randoms and ${group.name} parameters`, ok: true });
    // RFC 8422 §5.11 / RFC 7748 §6: the server's point is validated before use.
    const share = generateKeyShare(group, ctx.config.random);
    const pms = withPeerValue(() => computeSharedSecret(share, ske.publicKey));
    ctx.emit({ type: 'check', what: `server ${group.name} public value is valid`, ok: true });
    return { body: encodeClientKeyExchangeEcdhe(share.publicKey), preMasterSecret: pms, group: group.name, keyProof: sig, summary: { group: group.name } };
  }

  private dhe(msg: HandshakeMessage, ctx: HandshakeContext): KeyExchange12 {
    const ske = decodeServerKeyExchangeDhe(msg.body);
    // RFC 7919 §3-§4: accept only known safe primes of at least 2048 bits (RFC 7919 and RFC 3526);
    // p and g are checked before the signature so an unknown or small group is refused whoever signed it.
    // The RFC 3526 MODP groups of 2048 bits and up are known safe primes too: a server that does
    // not know RFC 7919 (OpenSSL's modp_2048, common Apache/nginx settings) sends one of them.
    const p = bytesToBigInt(ske.p);
    const modp = modpGroupByPrime(p);
    let group: { name: string; p?: bigint; g?: bigint };
    if (modp) {
      if (bytesToBigInt(ske.g) !== modp.g) {
        throw peerError('ILLEGAL_VALUE', 'dh_modp_generator_not_2', `${modp.name} prime with a generator other than 2`);
      }
      group = modp;
    } else {
      const named = withPeerValue(() => validateFfdheParams(p, bytesToBigInt(ske.g)));
      if (!named) throw peerError('WEAK_PARAMETERS', 'dh_group_unknown', 'server Diffie-Hellman group is not an RFC 7919 or RFC 3526 group');
      // RFC 7919 §4: when we listed ffdhe groups and the server picked one, it must be one of those.
      const offered = ctx.config.groups.filter((g) => g.kind === 'ffdhe');
      if (offered.length > 0 && !offered.includes(named)) {
        throw peerError('ILLEGAL_VALUE', 'server_key_exchange_unoffered_group', `ServerKeyExchange uses ${named.name}, which we did not offer`);
      }
      group = named;
    }
    const sig = verifyHandshakeSignature(ctx.config, '1.2', this.hs.chain, ske.scheme, this.signed(ske.params), ske.signature);
    ctx.emit({ type: 'message', direction: 'received', name: 'server_key_exchange', length: msg.raw.length, summary: { group: group.name, scheme: sig.scheme.name } });
    ctx.emit({ type: 'check', what: `ServerKeyExchange signature (${sig.scheme.name}) over the randoms and ${group.name} parameters`, ok: true });
    const kp = dhGenerate(group.p!, group.g!, ctx.config.random);
    // RFC 7919 §5.1: 1 < Ys < p - 1 (dhShared refuses anything else); leading zeros stripped (RFC 5246 §8.1.2).
    const pms = withPeerValue(() => dhShared(kp, ske.Ys));
    ctx.emit({ type: 'check', what: `server ${group.name} public value is in range`, ok: true });
    return { body: encodeClientKeyExchangeDhe(kp.publicKey), preMasterSecret: pms, group: group.name, keyProof: sig, summary: { group: group.name } };
  }
}

export class ExpectCertificateRequestOrDone extends State12 {
  readonly name = 'ExpectCertificateRequestOrDone';
  constructor(
    private readonly hs: Authenticated12,
    private readonly kx: KeyExchange12,
  ) {
    super();
  }

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    if (!acceptMessage12(msg, ctx, HandshakeType.certificate_request, HandshakeType.server_hello_done)) return this;
    if (msg.type === HandshakeType.server_hello_done) return new ExpectServerHelloDone(this.hs, this.kx, undefined).handle(msg, ctx);
    const req = decodeCertificateRequest12(msg.body);
    this.hs.transcript.add(msg.raw);
    ctx.emit({
      type: 'message',
      direction: 'received',
      name: 'certificate_request',
      length: msg.raw.length,
      summary: { certificateTypes: req.certificateTypes, signatureAlgorithms: req.signatureAlgorithms.length, authorities: req.certificateAuthorities.length },
    });
    return new ExpectServerHelloDone(this.hs, this.kx, req);
  }
}

export class ExpectServerHelloDone extends State12 {
  readonly name = 'ExpectServerHelloDone';
  constructor(
    private readonly hs: Authenticated12,
    private readonly kx: KeyExchange12,
    private readonly certRequest: CertificateRequest12 | undefined,
  ) {
    super();
  }

  handle(msg: HandshakeMessage, ctx: HandshakeContext): HandshakeState {
    if (!acceptMessage12(msg, ctx, HandshakeType.server_hello_done)) return this;
    decodeServerHelloDone(msg.body);
    this.hs.transcript.add(msg.raw);
    ctx.emit({ type: 'message', direction: 'received', name: 'server_hello_done', length: msg.raw.length, summary: {} });
    return sendClientFlight(ctx, this.hs, this.kx, this.certRequest);
  }
}
