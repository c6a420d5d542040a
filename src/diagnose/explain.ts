/**
 * Causes, not symptoms: from an error and the trace of the connection that failed, name the
 * most likely cause and the concrete fix, in the library's terms (options). The CLI renders the
 * options as flags (src/cli/diagnosis.ts).
 *
 * This layer reads what the client saw (trace.ts facts, the error's code, alert and detail), so
 * it needs no change at the throw sites and works the same for the API and the CLI.
 */
import { TlsError } from '../errors.js';
import { loadCertificates } from '../x509/pem.js';
import type { CertInput } from '../types.js';
import { summarizeChain, type CertSummary } from './certs.js';
import { recognizePeer } from './peer-bytes.js';
import type { TraceFacts } from './trace.js';

/** An option to set, with the value that fixes the failure (`value` undefined: the user's own). */
export interface OptionRef {
  option: string;
  value?: string;
}

export interface Fix {
  /** What to do, in words that stand without the option. */
  text: string;
  /** The option(s) that do it, if any. */
  set?: OptionRef[];
}

export interface Diagnosis {
  /** The most likely cause, one or two sentences. */
  cause: string;
  /** Supporting facts (what was offered, what the chain holds...). */
  facts: string[];
  fixes: Fix[];
}

export interface ExplainContext {
  /** The `ca` option as given (to say what it holds and what it lacks). */
  ca?: CertInput | CertInput[];
  /** The clock used for validity (the `now` option, or the system clock). */
  now?: Date;
  /** The name verified (servername or host). */
  name?: string;
  /** The port connected to (for "wrong port?" advice). */
  port?: number;
}

const list = (v: unknown): string => (Array.isArray(v) ? (v.length ? v.join(', ') : '(none)') : String(v ?? '-'));

function notTls(bytes: Uint8Array, ctx: ExplainContext): Diagnosis {
  const p = recognizePeer(bytes);
  return {
    cause: `this is not TLS: ${p.advice}`,
    facts: [`the server's first bytes${p.name === 'binary' ? ' (hex)' : ''}: ${p.firstLine}`],
    fixes: [{ text: `connect to the port that speaks TLS${ctx.port === 80 ? ' (443 for HTTPS)' : ''}` }],
  };
}

function offeredFacts(f: TraceFacts): string[] {
  const o = f.offered;
  if (!o) return [];
  return [
    `we offered versions ${list(o['versions'])}`,
    `we offered groups ${list(o['groups'])} (key shares for ${list(o['keyShares'])})`,
    `we offered cipher suites ${list(o['cipherSuites'])}`,
    `we offered signature schemes ${list(o['signatureAlgorithms'])}`,
  ];
}

function serverAnswered(f: TraceFacts): boolean {
  return f.received.includes('server_hello') || f.received.includes('hello_retry_request');
}

/** A received alert, read against what came before it. */
function peerAlert(err: TlsError, f: TraceFacts): Diagnosis {
  const alert = err.alertName ?? 'unknown';
  if (f.renegotiationRequested) {
    return {
      cause:
        `the server asked to renegotiate (TLS 1.2 HelloRequest), we refused with a no_renegotiation warning, and it then failed the connection (${alert}): ` +
        'puretls never renegotiates (RFC 5746 makes it optional); the server requires it, typically to ask for a client certificate on one path only',
      facts: ['received hello_request after the handshake', `then the fatal alert ${alert}`],
      fixes: [{ text: 'configure the server to ask for the client certificate in the initial handshake (or not at all) instead of renegotiating' }],
    };
  }
  if (f.certificateRequested && ['handshake_failure', 'certificate_required', 'bad_certificate', 'access_denied', 'unknown_ca'].includes(alert)) {
    return {
      cause: `the server requires a client certificate: it sent CertificateRequest, we answered with an empty Certificate, and it refused with ${alert}`,
      facts: ['received certificate_request', 'sent an empty certificate (no client certificate configured)'],
      fixes: [{ text: 'give a client certificate and its private key', set: [{ option: 'cert' }, { option: 'key' }] }],
    };
  }
  if ((alert === 'handshake_failure' || alert === 'insufficient_security') && !serverAnswered(f)) {
    return {
      cause:
        `the server refused our ClientHello (${alert}): nothing in common between what we offered and what it accepts — ` +
        'a cipher suite, a key exchange group (a server that accepts only post-quantum hybrid groups such as X25519MLKEM768 answers this way), ' +
        'or a signature scheme for its certificate chain (a chain signed with SHA-1 needs rsa_pkcs1_sha1 in signature_algorithms_cert)',
      facts: offeredFacts(f),
      fixes: [
        { text: 'find out which one with the doctor, which retries with other versions, suites, groups and schemes', set: [{ option: 'doctor' }] },
        { text: 'or widen what is offered', set: [{ option: 'groups' }, { option: 'ciphers' }, { option: 'sigalgs' }] },
      ],
    };
  }
  if (alert === 'protocol_version') {
    return {
      cause: `the server does not accept the TLS versions we offered (${list(f.offered?.['versions'])}): it probably speaks only TLS 1.1 or older, which puretls does not support (RFC 8996)`,
      facts: offeredFacts(f).slice(0, 1),
      fixes: [{ text: 'upgrade the server to TLS 1.2 or 1.3; if the versions we offered were narrowed, widen them', set: [{ option: 'minVersion', value: '1.2' }, { option: 'maxVersion', value: '1.3' }] }],
    };
  }
  if (alert === 'unrecognized_name') {
    return {
      cause: `the server does not serve the name we sent as SNI (${list(f.offered?.['serverName'])})`,
      facts: [],
      fixes: [{ text: 'connect with a name the server hosts', set: [{ option: 'servername' }] }],
    };
  }
  if (alert === 'no_application_protocol') {
    return {
      cause: `the server accepts none of the ALPN protocols we offered (${list(f.offered?.['alpn'])})`,
      facts: [],
      fixes: [{ text: 'offer a protocol the server speaks, or none', set: [{ option: 'alpn' }] }],
    };
  }
  return { cause: err.explanation, facts: offeredFacts(f).slice(0, 1), fixes: [] };
}

/** Subjects of the `ca` option's certificates (unparsable ones skipped). */
function anchors(ctx: ExplainContext): CertSummary[] {
  try {
    return summarizeChain(loadCertificates(ctx.ca, 'ca'));
  } catch {
    return [];
  }
}

function certificateFailure(err: TlsError, f: TraceFacts, ctx: ExplainContext): Diagnosis {
  const flags = (err.detail?.['flags'] as string[] | undefined) ?? [];
  const chain = summarizeChain(f.chain ?? [], f.verdicts);
  const now = ctx.now ?? new Date();
  const leaf = chain[0];
  const facts = chain.map((c) => `certificate ${c.index}: ${c.subject} issued by ${c.issuer}, valid ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()}`);

  if (flags.includes('FUTURE') && chain.length > 0 && chain.every((c) => now < c.notBefore || c.flags.includes('FUTURE') || c.selfIssued)) {
    const earliest = new Date(Math.min(...chain.map((c) => c.notBefore.getTime())));
    const ancient = now.getUTCFullYear() < 2000;
    return {
      cause:
        `the client's clock is wrong: it says ${now.toISOString()}, before every certificate's start (${earliest.toISOString()}), so every certificate is "not yet valid"` +
        (ancient ? ' — a device without a real-time clock that believes it is 1970' : ''),
      facts,
      fixes: [
        { text: 'set the time (NTP, or a real-time clock) before connecting' },
        { text: 'or pass the real time', set: [{ option: 'now' }] },
        { text: 'or, knowingly, accept not-yet-valid certificates', set: [{ option: 'ignore', value: 'FUTURE' }] },
      ],
    };
  }
  if (flags.includes('NAME_MISMATCH') && leaf) {
    const dns = leaf.names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4));
    const ipName = ctx.name !== undefined && /^[\d.]+$|:/.test(ctx.name);
    return {
      cause:
        `the certificate is not for ${ctx.name ?? 'the name we asked for'}: it names ${leaf.names.length ? leaf.names.join(', ') : `no subjectAltName (subject ${leaf.subject})`}` +
        (ipName ? ' — connecting by IP address needs an IP entry in the certificate' : ''),
      facts,
      fixes: dns.length
        ? [{ text: 'connect with a name the certificate holds', set: [{ option: 'servername', value: dns.find((d) => !d.startsWith('*')) ?? dns[0]! }] }]
        : [{ text: 'the server needs a certificate for this name' }],
    };
  }
  if (flags.includes('EXPIRED')) {
    const expired = chain.filter((c) => c.flags.includes('EXPIRED') || now > c.notAfter);
    const who = expired.map((c) => `${c.index === 0 ? 'the server certificate' : `certificate ${c.index}`} (${c.subject}) expired ${c.notAfter.toISOString()}`);
    return {
      cause: `${who.join('; ') || 'a certificate of the chain has expired'} (our clock says ${now.toISOString()})`,
      facts,
      fixes: [
        { text: 'renew the certificate on the server (if the clock is right)' },
        { text: 'or, knowingly, accept an expired certificate', set: [{ option: 'ignore', value: 'EXPIRED' }] },
      ],
    };
  }
  if (flags.includes('NOT_TRUSTED')) {
    const given = anchors(ctx);
    const subjects = new Set(chain.map((c) => c.subject));
    // The first certificate whose issuer is neither sent nor given: the missing link.
    const gap = chain.find((c) => !c.selfIssued && !subjects.has(c.issuer) && !given.some((a) => a.subject === c.issuer));
    const top = chain[chain.length - 1];
    const haveText = ctx.ca === undefined ? 'the default roots' : given.length ? given.map((a) => a.subject).join('; ') : '(nothing usable)';
    if (gap && gap.index === 0 && chain.length === 1) {
      return {
        cause:
          `the issuer of the server certificate, "${gap.issuer}", is missing: the server sent only its own certificate, and ${ctx.ca === undefined ? 'the default roots do' : `the given ca (${haveText}) does`} not hold "${gap.issuer}"` +
          ' — a missing intermediate, or an untrusted root',
        facts,
        fixes: [
          { text: `if "${gap.issuer}" is an intermediate CA: configure the server to send its full chain (leaf, then intermediate)` },
          { text: `or add the intermediate "${gap.issuer}" to the trusted certificates`, set: [{ option: 'ca', value: 'intermediate.pem' }] },
          { text: `if "${gap.issuer}" is a root CA: trust it`, set: [{ option: 'ca', value: 'root.pem' }] },
        ],
      };
    }
    if (gap) {
      return {
        cause: `the chain does not reach a trusted CA: "${gap.subject}" is issued by "${gap.issuer}", which the server did not send and ${haveText} does not hold`,
        facts,
        fixes: [{ text: `trust the CA "${gap.issuer}" (or the root above it)`, set: [{ option: 'ca', value: 'issuer.pem' }] }],
      };
    }
    return {
      cause: `the chain ends at "${top?.subject ?? '?'}", which is not among the trusted CAs (${haveText})`,
      facts,
      fixes: [{ text: `trust "${top?.selfIssued ? top.subject : (top?.issuer ?? '?')}"`, set: [{ option: 'ca', value: 'root.pem' }] }],
    };
  }
  if (flags.includes('BAD_ALGORITHM') && chain.some((c) => /sha1/i.test(c.signatureAlgorithm))) {
    const c = chain.find((x) => /sha1/i.test(x.signatureAlgorithm))!;
    return {
      cause: `"${c.subject}" is signed with ${c.signatureAlgorithm}: SHA-1 signatures are refused (collisions are practical since 2017)`,
      facts,
      fixes: [{ text: 'reissue the certificate with a SHA-256 signature' }],
    };
  }
  const reasons = chain.flatMap((c) => c.reasons.map((r) => `certificate ${c.index} (${c.subject}): ${r}`));
  return { cause: reasons[0] ?? err.explanation, facts: [...reasons.slice(1), ...facts], fixes: [] };
}

/** The diagnosis of a failed connection, from its error and the trace events it produced. */
export function explainFailure(e: unknown, f: TraceFacts, ctx: ExplainContext = {}): Diagnosis {
  const err = e instanceof TlsError ? e : (f.error ?? new TlsError('INTERNAL', 'uncaught_exception', String(e)));
  const peerBytes = err.detail?.['peerBytes'];
  if (peerBytes instanceof Uint8Array && peerBytes.length > 0) return notTls(peerBytes, ctx);
  if (err.detail?.['certificates'] || err.code === 'CERT_VERIFY_FAILED') return certificateFailure(err, f, ctx);
  if (err.direction === 'received' && err.alert !== undefined && err.code !== 'CONNECTION_CLOSED') return peerAlert(err, f);
  if (f.serverVersion && !['TLSv1.3', 'TLSv1.2'].includes(f.serverVersion)) {
    return {
      cause: `the server chose ${f.serverVersion}, though we offered up to ${list(f.offered?.['versions'])}: it speaks nothing newer, and puretls (as RFC 8996 asks) does not speak TLS 1.1 or older`,
      facts: offeredFacts(f).slice(0, 1),
      fixes: [{ text: 'upgrade the server to TLS 1.2 or 1.3 (no client option can fix this)' }],
    };
  }
  if (err.code === 'RECORD_OVERFLOW' && f.offered?.['maxFragmentLength'] !== undefined) {
    return {
      cause:
        `the server ignored max_fragment_length: we asked for records of at most ${String(f.offered['maxFragmentLength'])} bytes and it sent a larger one ` +
        '(mbedTLS reports this as -0x7200, MBEDTLS_ERR_SSL_INVALID_RECORD)',
      facts: [err.explanation],
      fixes: [
        { text: 'use a server that honours RFC 6066 max_fragment_length, or one that supports record_size_limit (RFC 8449)' },
        { text: 'or give the client a 16 KiB receive buffer and stop asking', set: [{ option: 'maxFragmentLength' }] },
      ],
    };
  }
  if (err.code === 'SOCKET_ERROR' && /ECONNREFUSED/.test(err.explanation)) {
    return { cause: 'nothing listens on that address and port (connection refused)', facts: [], fixes: [{ text: 'check the host and the port' }] };
  }
  if (err.code === 'SOCKET_ERROR' && /ENOTFOUND|EAI_AGAIN/.test(err.explanation)) {
    return { cause: 'the host name does not resolve (DNS)', facts: [], fixes: [{ text: 'check the host name' }] };
  }
  if ((err.code === 'CONNECTION_CLOSED' || err.code === 'SOCKET_ERROR') && f.recordsReceived === 0 && f.sent.includes('client_hello')) {
    return {
      cause: 'the server hung up on our ClientHello without a word (no alert): it may not speak TLS on this port, or it rejects what we offered without saying so',
      facts: offeredFacts(f),
      fixes: [{ text: 'check the port; then let the doctor try other versions, suites and groups', set: [{ option: 'doctor' }] }],
    };
  }
  if (err.code === 'TIMEOUT' && f.recordsReceived === 0) {
    return {
      cause: 'the server accepted the connection but never answered our ClientHello: this port is probably not TLS (or a firewall holds the reply)',
      facts: [],
      fixes: [{ text: 'check the port' }],
    };
  }
  return { cause: err.explanation, facts: [], fixes: [] };
}

/** The diagnosis as text in the library's terms (options as `name: value`). */
export function diagnosisText(d: Diagnosis): string {
  const fix = (x: Fix): string =>
    x.set?.length ? `${x.text}: ${x.set.map((o) => `option ${o.option}${o.value !== undefined ? ` = ${o.value}` : ''}`).join(', ')}` : x.text;
  return [`cause: ${d.cause}`, ...d.fixes.map((x) => `fix: ${fix(x)}`)].join('\n');
}

/**
 * A connection that worked for puretls (which always accepts 2^14-byte records when the server
 * does not acknowledge max_fragment_length, RFC 6066 §4) but would fail on the device that asked
 * for small records: the server ignored `maxFragmentLength` and sent a larger record. mbedTLS
 * built with a small MBEDTLS_SSL_IN_CONTENT_LEN fails exactly here with -0x7200
 * (MBEDTLS_ERR_SSL_INVALID_RECORD, "record too large").
 */
export function explainIgnoredMaxFragmentLength(asked: number, largestPlaintext: number, acknowledged: boolean): Diagnosis {
  return {
    cause:
      `the server ignored max_fragment_length: we asked for records of at most ${asked} bytes, it ${acknowledged ? 'acknowledged that but' : 'did not acknowledge it (RFC 6066 §4: then the limit stays 2^14) and'} ` +
      `sent a record of ${largestPlaintext} bytes; a client with a ${asked}-byte receive buffer fails there (mbedTLS: -0x7200, MBEDTLS_ERR_SSL_INVALID_RECORD, record too large)`,
    facts: [`largest record received: ${largestPlaintext} bytes of plaintext (asked: at most ${asked})`],
    fixes: [
      { text: 'make the server honour max_fragment_length (RFC 6066), or support record_size_limit (RFC 8449), which puretls offers with the same value' },
      { text: 'or give the client a 16 KiB receive buffer (mbedTLS: MBEDTLS_SSL_IN_CONTENT_LEN 16384) and stop asking for small records' },
    ],
  };
}
