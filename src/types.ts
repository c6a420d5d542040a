/**
 * The public shapes of puretls: client options, handshake information and the trace events
 * that make every step observable (design.md: one event stream feeds the key log, --debug and
 * the demo).
 *
 * A leaf of the import graph (test/layers.test.ts): it imports nothing of the project but the
 * error type, so every layer may import it. The shapes the options name (a randomness source, a
 * signer, a PSK) are defined here; the modules that implement them import them from here.
 */
import type { TlsError } from './errors.js';

/** Randomness: `n` fresh random bytes (`ClientOptions.random`; default crypto.getRandomValues). */
export type RandomSource = (n: number) => Uint8Array;

export type TlsVersionName = '1.2' | '1.3';
export type VerifyMode = 'none' | 'optional' | 'required';
/** Revocation by stapled OCSP (RFC 6066 §8, RFC 6960): see `ClientOptions.revocation`. */
export type RevocationMode = 'off' | 'soft' | 'hard';
export type DebugLevel = 'none' | 'error' | 'state' | 'info' | 'verbose';

/** A certificate or CA given as PEM text (one or many certificates) or DER bytes. */
export type CertInput = string | Uint8Array;

/** One certificate's verdict, handed to `verifyCallback` (mbedTLS's mbedtls_ssl_conf_verify). */
export interface CertVerifyInfo {
  depth: number;
  subject: string;
  der: Uint8Array;
  flags: string[];
}

export interface ClientOptions {
  /** Host to connect to (transports) and, unless `servername` says otherwise, the name to verify. */
  host?: string;
  port?: number;
  /** SNI and the name to verify. Default: `host`. An IP address is verified but never sent as SNI. `false`: send no SNI. */
  servername?: string | false;
  /** Trust anchors: PEM (one or many certificates) or DER; one or many. */
  ca?: CertInput | CertInput[];
  /** Extra intermediates for path building. */
  intermediates?: CertInput | CertInput[];
  /** Default 'required'. */
  verify?: VerifyMode;
  /**
   * Stapled OCSP (status_request): 'off' (not requested), 'soft' (default: requested; a good
   * staple is reported, a revoked or invalid one fails, none is fine unless the certificate is
   * must-staple, RFC 7633), 'hard' (a valid staple is required). Applied when `verify` is not 'none'.
   */
  revocation?: RevocationMode;
  /** Accept these certificate failure flags on purpose (e.g. ['EXPIRED']). */
  ignore?: string[];
  /** Per-certificate callback: may return a new flag list for that certificate. */
  verifyCallback?: (info: CertVerifyInfo) => string[] | void;
  /** Match the subject CN when the certificate has no SAN (off by default; RFC 6125 §6.4.4). */
  allowCnFallback?: boolean;
  /**
   * A transport end without close_notify after the handshake (`eof()`) is the error TRUNCATED
   * instead of a plain end (RFC 8446 §6.1: the data may have been cut). Default false, like node:tls.
   */
  requireCloseNotify?: boolean;
  /** The time used for validity checks (default: now). */
  now?: () => Date;
  minVersion?: TlsVersionName;
  maxVersion?: TlsVersionName;
  /** Cipher suites by IANA name or code point, in preference order. */
  ciphers?: Array<string | number> | string;
  /** Named groups by IANA name (X25519MLKEM768, x25519, secp256r1, ...), in preference order. */
  groups?: string[] | string;
  /** Groups to send key shares for in the first ClientHello (default X25519MLKEM768 and x25519 when enabled, else the first group). */
  keyShareGroups?: string[];
  /** Signature schemes by IANA name, in preference order. */
  sigalgs?: string[] | string;
  /** ALPN protocol names. */
  alpn?: string[];
  /** RFC 8446 Appendix D.4 middlebox compatibility mode (default true). */
  middleboxCompat?: boolean;
  /**
   * Ask for records of at most this many plaintext bytes (RFC 6066 §4 max_fragment_length:
   * 512, 1024, 2048 or 4096), honoured both ways. record_size_limit (RFC 8449) is offered with
   * the same value unless `recordSizeLimit` is given; a server that knows both uses the latter.
   */
  maxFragmentLength?: 512 | 1024 | 2048 | 4096;
  /**
   * Offer record_size_limit (RFC 8449): the largest protected record plaintext we accept
   * (64..16385; in TLS 1.3 it counts the content type byte and padding). The server's value
   * limits the records we send.
   */
  recordSizeLimit?: number;
  /**
   * TLS 1.2: accept a server without secure renegotiation (no renegotiation_info, RFC 5746).
   * Off by default, as in OpenSSL 3: such a server leaves the client unable to detect a spliced
   * handshake (RFC 5746 §4.1).
   */
  allowLegacyRenegotiation?: boolean;
  /** TLS 1.3: send a KeyUpdate after this many bytes of application data under one key (besides the automatic one before the AEAD's limit). */
  keyUpdateAfterBytes?: number;
  /** TLS 1.3 record padding policy (RFC 8446 §5.4): pad each record's plaintext to a multiple of this many bytes (default 0: none). */
  recordPadding?: number;
  /**
   * Largest Certificate (and CertificateRequest) handshake message accepted, in bytes. Default
   * 102400, OpenSSL's default max_cert_list (100 KiB). Other messages keep a fixed 65 KiB + 1 KiB.
   */
  maxHandshakeSize?: number;
  /** Abort the handshake after this many ms (enforced by the async adapters, not the core): TIMEOUT, phase 'handshake'. */
  timeout?: number;
  /** The same as `timeout` (wins over it when both are given). */
  handshakeTimeout?: number;
  /** After the handshake: end with TIMEOUT (phase 'read') when no byte arrives for this many ms. Async adapters. */
  readTimeout?: number;
  /** After the handshake: end with TIMEOUT (phase 'idle') when no byte moves either way for this many ms. Async adapters. */
  idleTimeout?: number;
  /** After our close_notify: ms to wait for the peer's before tearing the transport down (default 2000). Async adapters. */
  closeTimeout?: number;
  /** Abort the connection (handshake, reads, writes): TIMEOUT when the reason is a TimeoutError (`AbortSignal.timeout()`), else CLOSED. */
  signal?: AbortSignal;
  /**
   * Receives every trace event (messages, checks, keys, state changes). `key` events name each
   * secret and where it came from, without its bytes unless `traceSecrets` is set.
   */
  onEvent?: (event: TraceEvent) => void;
  /**
   * Teaching and debugging only: `key` events given to `onEvent` carry the secret itself (a
   * copy): the TLS 1.3 early, handshake, master and traffic secrets, which decrypt the session.
   * Default false. (`keyLog` is the other, separate opt-in, in the NSS key log format.)
   */
  traceSecrets?: boolean;
  /** NSS key log lines (SSLKEYLOGFILE format). Secrets: use only for debugging. */
  keyLog?: (line: string) => void;
  /** Randomness source (tests fix it); default crypto.getRandomValues. */
  random?: RandomSource;
  /**
   * Who does the public-key crypto: 'noble' (default: pure JavaScript, synchronous) or
   * 'webcrypto' (the runtime's `crypto.subtle` for ECDSA/RSA verification and X25519, P-256,
   * P-384 key exchange; noble for the rest). WebCrypto is asynchronous: the sans-IO connection
   * then waits in `pendingOperation` (kind 'crypto') — even before its first ClientHello — and
   * the transports (`connect()`, Web Streams) complete it by themselves.
   */
  crypto?: 'noble' | 'webcrypto';

  // ---- client authentication (mutual TLS)
  /** Client certificate chain, leaf first: PEM (one or many blocks) or DER, one or many. */
  cert?: CertInput | CertInput[];
  /** The client certificate's private key: PEM or DER; PKCS#8, PKCS#1 (RSA), SEC1 (EC) or encrypted PKCS#8 (with `passphrase`). */
  key?: string | Uint8Array;
  /** Passphrase of an encrypted `key` or of a `pfx`. */
  passphrase?: string;
  /** PKCS#12 (.p12/.pfx) bytes: certificate chain and key, with `passphrase`. */
  pfx?: Uint8Array;
  /** Signs for a key that never enters JavaScript (secure element, TPM, WebCrypto): use with `cert`. */
  signer?: ClientSigner;
  /** An identity made by `loadIdentity()` (reusable; needed by the sans-IO core for encrypted keys and pfx). */
  identity?: ClientIdentityInfo;
  /** Choose the identity from the server's request (CA names, schemes); undefined/null: send none. */
  selectIdentity?: (request: CertificateRequestInfo) => ClientIdentityInfo | undefined | null;
  /** TLS 1.3: offer post-handshake client authentication (RFC 8446 §4.2.6, §4.6.2). Default false. */
  postHandshakeAuth?: boolean;

  // ---- pre-shared keys
  /** An external PSK `{ identity, key (bytes or hex), hash? }`, or a callback given the server's identity hint (TLS 1.2). */
  psk?: PskOption;
  /** TLS 1.3 PSK key exchange: 'psk_dhe_ke' (with (EC)DHE, forward secret; default) or 'psk_ke' (PSK only). */
  pskMode?: 'psk_dhe_ke' | 'psk_ke';
}

/** What a signer is asked to sign. */
export interface SignRequest {
  /** IANA scheme name, e.g. 'ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256', 'ed25519'. */
  scheme: string;
  /** The exact bytes TLS signs (RFC 8446 §4.4.3 content / RFC 5246 §7.4.8 handshake_messages). */
  message: Uint8Array;
  /** For ECDSA and RSA schemes: the scheme's hash of `message` (what a secure element signs). */
  digest?: Uint8Array;
  hash?: 'sha256' | 'sha384' | 'sha512' | 'sha1';
  /** The TLS version the signature is for. */
  version: TlsVersionName;
}

export interface ClientSigner {
  /** The schemes this signer can make (IANA names). Default: every scheme that fits the certificate's key. */
  schemes?: string[];
  /**
   * Sign. May return a Promise (asynchronous hardware): the connection then waits in the
   * "waiting for an operation" state and the driver resumes it (see ClientConnection.pendingOperation).
   * ECDSA may be returned as DER or as r || s.
   */
  sign(request: SignRequest): Uint8Array | PromiseLike<Uint8Array>;
}

/**
 * A client identity made by `loadIdentity()`: what a program may read of the class
 * `ClientIdentity` (src/identity/identity.ts). Options take only a real ClientIdentity (checked
 * when the connection is made, BAD_CONFIG otherwise); its private key never leaves it.
 */
export interface ClientIdentityInfo {
  /** DER, leaf first. */
  readonly certificates: readonly Uint8Array[];
  readonly subject: string;
  readonly issuer: string;
  /** DER of the issuer Names along the chain (to answer certificate_authorities / CA names). */
  readonly issuerNames: readonly Uint8Array[];
  readonly keyDescription: string;
  /** Whether the signature comes from a callback (possibly asynchronous). */
  readonly usesSigner: boolean;
}

/** An external PSK (RFC 8446 §4.2.11 / RFC 4279); checked by src/identity/psk.ts. */
export interface PskInput {
  /** The PSK identity (RFC 4279 §5.1: UTF-8 text), or raw bytes. */
  identity: string | Uint8Array;
  /** The key: bytes, or hex text (as `openssl s_server -psk` and mosquitto's psk_file take it). */
  key: string | Uint8Array;
  /** TLS 1.3: the PSK's hash (its suites use it). Default 'sha256'. */
  hash?: 'sha256' | 'sha384';
}

export type PskOption = PskInput | ((hint: string | undefined) => PskInput | undefined | null);

/** A server's CertificateRequest, as `selectIdentity` sees it. */
export interface CertificateRequestInfo {
  version: TlsVersionName;
  /** Signature schemes the server accepts (IANA names; unknown code points as 0x....). */
  signatureSchemes: string[];
  /** Acceptable CAs (distinguished names as text, e.g. "CN=Device CA,O=Example"); empty: any. */
  certificateAuthorities: string[];
  /** The same, DER-encoded (compare with ClientIdentity.issuerNames). */
  certificateAuthoritiesDer: Uint8Array[];
  /** TLS 1.2: certificate types (rsa_sign, ecdsa_sign, ...). */
  certificateTypes?: string[];
  /** TLS 1.3: a request after the handshake (post_handshake_auth). */
  postHandshake: boolean;
}

export interface VerifyReport {
  /** 'ok', 'skipped' (mode none), or 'failed' (flags say why; mode optional lets it through). */
  status: 'ok' | 'skipped' | 'failed';
  flags: string[];
  /** Per certificate: depth 0 is the leaf. */
  certificates: Array<{ depth: number; subject: string; flags: string[] }>;
  /** The chain as sent by the server (DER), leaf first. */
  peerCertificates: Uint8Array[];
  /** The path the validator built (DER), leaf first, ending at the trust anchor; empty when skipped. */
  verifiedChain: Uint8Array[];
}

export interface HandshakeInfo {
  protocol: 'TLSv1.2' | 'TLSv1.3';
  cipher: string;
  group: string | undefined;
  signatureScheme: string | undefined;
  alpn: string | undefined;
  resumed: boolean;
  helloRetry: boolean;
  verify: VerifyReport;
  serverName: string | undefined;
  /** TLS 1.2: the extended master secret (RFC 7627) was used. */
  extendedMasterSecret?: boolean;
  /** TLS 1.2 CBC suites: encrypt-then-MAC (RFC 7366) was negotiated. */
  encryptThenMac?: boolean;
  /** The stapled OCSP response and its verdict (absent when `revocation` is 'off'). */
  ocsp?: OcspInfo;
  /**
   * Record sizes in force: the largest plaintext per record we send and accept
   * (max_fragment_length or 2^14), and the record_size_limit values when negotiated.
   */
  recordLimits?: { sendFragment: number; receiveFragment: number; peerRecordSizeLimit: number | undefined; ownRecordSizeLimit: number | undefined };
  /** Client authentication: whether the server asked, and what we sent. */
  clientAuth?: { requested: boolean; subject?: string; scheme?: string };
  /** The handshake was authenticated with this external PSK identity (no certificates). */
  pskIdentity?: string;
}

/** What the server stapled (RFC 6066 §8 / RFC 8446 §4.4.2.1) and what it says about the leaf. */
export interface OcspInfo {
  /**
   * 'good' / 'revoked' / 'unknown': a verified, fresh response for the leaf; 'invalid': a staple
   * that cannot be used (`problem` says why); 'none': nothing stapled; 'skipped': not checked
   * (`verify` 'none', or no issuer to check against).
   */
  status: 'good' | 'revoked' | 'unknown' | 'invalid' | 'none' | 'skipped';
  problem?: string;
  /** The certificate carries the TLS feature status_request (RFC 7633 must-staple). */
  mustStaple: boolean;
  thisUpdate?: Date;
  nextUpdate?: Date;
  producedAt?: Date;
  revocationTime?: Date;
  revocationReason?: string;
  signer?: 'issuer' | 'delegated';
  /** The stapled OCSPResponse (DER), as received. */
  response?: Uint8Array;
  /** Client authentication: whether the server asked, and what we sent. */
  clientAuth?: { requested: boolean; subject?: string; scheme?: string };
  /** The handshake was authenticated with this external PSK identity (no certificates). */
  pskIdentity?: string;
}

/** Events: the learner's window into the handshake. */
export type TraceEvent =
  | { type: 'state'; from: string; to: string }
  | {
      type: 'message';
      direction: 'sent' | 'received';
      name: string;
      length: number;
      summary: Record<string, unknown>;
      /** The whole handshake message (4-byte header + body), a copy. */
      raw?: Uint8Array;
    }
  | {
      type: 'record';
      direction: 'sent' | 'received';
      contentType: string;
      length: number;
      encrypted: boolean;
      /** The record as on the wire (5-byte header + fragment), a copy. */
      raw?: Uint8Array;
      /** The content of a protected record, decrypted (TLS 1.3: without the inner type and padding), a copy. */
      plaintext?: Uint8Array;
    }
  | { type: 'check'; what: string; ok: boolean; detail?: string }
  /** `secret`: a copy of the secret, only with the `traceSecrets` option. */
  | { type: 'key'; label: string; from: string; secret?: Uint8Array }
  | { type: 'alert'; direction: 'sent' | 'received'; level: 'warning' | 'fatal'; description: string }
  | { type: 'handshake-complete'; info: HandshakeInfo }
  | { type: 'session-ticket'; lifetime: number; ageAdd: number; ticketLength: number }
  | { type: 'key-update'; direction: 'sent' | 'received'; updateRequested: boolean }
  | { type: 'closed'; reason: 'close_notify' | 'error' | 'local' | 'truncated' }
  | { type: 'error'; error: TlsError };
