/**
 * `puretls doctor HOST:PORT [connect options]`: why does (or would) a connection fail, and
 * what does the server support?
 *
 * 1. The connection as asked (the user's options). Its error, read by the diagnosis layer,
 *    gives the cause and the fix.
 * 2. Retries that tell more, each bounded by the per-attempt time-out, at most MAX_ATTEMPTS in
 *    all: verification off (the chain, the parameters, a CertificateRequest), ALPN, no SNI; and
 *    raw probe ClientHellos (src/diagnose/probe.ts) for each version, every suite, every group
 *    including the post-quantum hybrids, and SHA-1 certificate signatures.
 * 3. A report: what the server supports, the chain, which check failed and why, the fix.
 *
 * Exit status: 0 when the connection as asked works, 1 when it fails, 2 for usage errors.
 */
import { connect as netConnect } from 'node:net';
import { explainFailure, explainIgnoredMaxFragmentLength, type Diagnosis } from '../diagnose/explain.js';
import { traceFacts, type TraceFacts } from '../diagnose/trace.js';
import { ALL_GROUPS, ALL_SIGALGS, ALL_TLS12_SUITES, ALL_TLS13_SUITES, probeClientHello, readProbeAnswer, type ProbeAnswer, type ProbeSpec } from '../diagnose/probe.js';
import { GROUPS, groupByName } from '../crypto/groups.js';
import { CIPHER_SUITES } from '../crypto/suites.js';
import { SIGNATURE_SCHEMES } from '../crypto/sigschemes.js';
import { internalError, TlsError } from '../errors.js';
import type { ClientOptions, HandshakeInfo, TraceEvent } from '../types.js';
import type { ConnectArgs } from './args.js';
import { clientOptions } from './connect-command.js';
import { diagnosisLines } from './diagnosis.js';
import { explanationForCli } from './flag-names.js';
import type { CliIO } from './io.js';
import { handshakeLine } from './print.js';
import { chainLines } from './show-certs.js';

/** The most connections the doctor makes, whatever happens. */
export const MAX_ATTEMPTS = 12;
/** Per-attempt bound when --timeout is not given. */
export const DEFAULT_ATTEMPT_MS = 5000;
/** How long a finished handshake is kept open to see tickets or a late alert (client certificate refused). */
const LINGER_MS = 400;

interface Attempt {
  what: string;
  ok: boolean;
  error: TlsError | undefined;
  info: HandshakeInfo | undefined;
  events: TraceEvent[];
  facts: TraceFacts;
}

class Budget {
  used = 0;
  take(): boolean {
    if (this.used >= MAX_ATTEMPTS) return false;
    this.used++;
    return true;
  }
}

async function attempt(what: string, options: ClientOptions & { host: string; port: number }, ms: number): Promise<Attempt> {
  const events: TraceEvent[] = [];
  const { connectAsync: connect } = await import('../transport/node.js');
  let error: TlsError | undefined;
  let info: HandshakeInfo | undefined;
  try {
    const sock = await connect({
      ...options,
      timeout: ms,
      onEvent: (e) => events.push(e.type === 'key' && e.secret ? { type: 'key', label: e.label, from: e.from } : e),
    });
    info = sock.info;
    // Linger: TLS 1.3 tickets and a refusal of our (empty) client certificate come after the handshake.
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, LINGER_MS);
      sock.on('data', () => {});
      sock.once('error', (e) => {
        error = e instanceof TlsError ? e : new TlsError('SOCKET_ERROR', 'transport_error', String(e));
        clearTimeout(t);
        resolve();
      });
      sock.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
    sock.destroy();
  } catch (e) {
    error = e instanceof TlsError ? e : internalError('uncaught_exception', String(e));
  }
  const facts = traceFacts(events);
  return { what, ok: error === undefined, error, info, events, facts };
}

/** The largest record plaintext received (protected records: decrypted content; others: the fragment). */
function largestReceivedPlaintext(events: readonly TraceEvent[]): number {
  let n = 0;
  for (const e of events) {
    if (e.type !== 'record' || e.direction !== 'received') continue;
    n = Math.max(n, e.encrypted ? (e.plaintext?.length ?? e.length - 5) : e.length - 5);
  }
  return n;
}

function rawProbe(host: string, port: number, spec: ProbeSpec, ms: number): Promise<ProbeAnswer> {
  return new Promise((resolve) => {
    let buf = new Uint8Array(0);
    let settled = false;
    const sock = netConnect({ host, port });
    const done = (a: ProbeAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(a);
    };
    const timer = setTimeout(() => done({ kind: 'timeout' }), ms);
    sock.on('connect', () => sock.write(probeClientHello(spec)));
    sock.on('data', (d: Buffer) => {
      const nb = new Uint8Array(buf.length + d.length);
      nb.set(buf);
      nb.set(d, buf.length);
      buf = nb;
      const a = readProbeAnswer(buf);
      if (a) done(a);
    });
    sock.on('error', (e) => done({ kind: 'error', message: e.message }));
    sock.on('close', () => done(buf.length ? (readProbeAnswer(buf) ?? { kind: 'closed' }) : { kind: 'closed' }));
  });
}

const OUR_SUITES13 = CIPHER_SUITES.filter((s) => s.version === '1.3').map((s) => s.code);
const OUR_GROUPS = GROUPS.filter((g) => g.defaultEnabled).map((g) => g.code);
const OUR_SIGALGS = SIGNATURE_SCHEMES.filter((s) => s.tls13).map((s) => s.code);

function answerText(a: ProbeAnswer): string {
  switch (a.kind) {
    case 'server_hello':
      return `${a.version}, ${a.suite}${a.group ? `, ${a.helloRetry ? 'asks for ' : ''}${a.group}` : ''}`;
    case 'alert':
      return `refused (${a.alert})`;
    case 'closed':
      return 'refused (closed the connection)';
    case 'timeout':
      return 'no answer';
    case 'not-tls':
      return 'not TLS';
    case 'error':
      return `error: ${a.message}`;
  }
}

const accepted = (a: ProbeAnswer | undefined): a is Extract<ProbeAnswer, { kind: 'server_hello' }> => a?.kind === 'server_hello';

export async function runDoctor(args: ConnectArgs, io: CliIO): Promise<number> {
  const out = (line = ''): void => {
    io.stdout.write(line + '\n');
  };
  const ms = args.timeout ?? DEFAULT_ATTEMPT_MS;
  const target = `${args.host}:${args.port}`;
  const base = { ...clientOptions({ ...args, debug: 'none', keylogFile: undefined }, io), host: args.host, port: args.port };
  delete base.onEvent;
  const budget = new Budget();
  const sni = args.servername ?? (/^[\d.]+$|:/.test(args.host) ? undefined : args.host);
  const now = args.now ?? new Date();

  out(`puretls doctor ${target}`);
  out(`(at most ${MAX_ATTEMPTS} connections, each bounded by ${ms} ms)`);
  out();

  // 1. The connection as asked.
  budget.take();
  const plain = await attempt('as asked', base, ms);
  out(`connection as asked: ${plain.ok ? 'OK' : 'FAILED'}`);
  if (plain.ok && plain.info) out(`  ${handshakeLine(plain.info)}`);
  if (plain.error) out(`  error: ${plain.error.code}: ${explanationForCli(plain.error.explanation)}`);

  // Works here, but not on the device that asked for small records (issue 14: mbedTLS -0x7200).
  const mfl = base.maxFragmentLength;
  const largestPlain = largestReceivedPlaintext(plain.events);
  const mflIgnored = plain.ok && mfl !== undefined && largestPlain > mfl;
  if (mflIgnored) {
    out(`  but: the server sent a ${largestPlain}-byte record though we asked for at most ${mfl}`);
  }

  const stopEarly =
    plain.error !== undefined &&
    (plain.error.detail?.['peerBytes'] !== undefined || (plain.error.code === 'SOCKET_ERROR' && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(plain.error.explanation)));
  let diagnosis: Diagnosis | undefined = plain.error
    ? explainFailure(plain.error, plain.facts, { ca: base.ca, now, name: args.servername ?? args.host, port: args.port })
    : undefined;
  if (stopEarly) {
    out();
    for (const l of diagnosisLines(diagnosis!, target, true)) out(l);
    return 1;
  }

  // 2. Retries that tell more.
  let open = plain;
  if (!plain.ok && budget.take()) {
    const loose = await attempt('verify none', { ...base, verify: 'none' }, ms);
    if (loose.events.length > 0) open = loose;
  }
  const alpn = budget.take() ? await attempt('alpn', { ...base, verify: 'none', alpn: ['h2', 'http/1.1'] }, ms) : undefined;
  const probes: Record<string, ProbeAnswer> = {};
  const probe = async (name: string, spec: Omit<ProbeSpec, 'serverName'>): Promise<ProbeAnswer | undefined> => {
    if (!budget.take()) return undefined;
    const a = await rawProbe(args.host, args.port, { ...spec, ...(sni ? { serverName: sni } : {}) }, ms);
    probes[name] = a;
    return a;
  };
  // The user's groups (or the defaults), as the connection as asked offers them.
  const userGroups = args.groups ? args.groups.map((n) => groupByName(n)).filter((g) => g !== undefined) : GROUPS.filter((g) => g.defaultEnabled);
  const shareGroup = userGroups.find((g) => g.name === 'x25519') ?? userGroups[0];
  const ours13 = await probe('TLS 1.3 (our suites and groups)', {
    maxVersion: 0x0304,
    with12: false,
    suites: OUR_SUITES13,
    groups: userGroups.map((g) => g.code),
    keyShares: shareGroup ? [shareGroup.name] : ['x25519'],
    sigalgs: OUR_SIGALGS,
  });
  const pq13 = await probe('TLS 1.3 with post-quantum groups', {
    maxVersion: 0x0304,
    with12: false,
    suites: ALL_TLS13_SUITES,
    groups: ALL_GROUPS,
    sigalgs: OUR_SIGALGS,
  });
  const all13 = accepted(ours13)
    ? undefined
    : await probe('TLS 1.3, every suite, SHA-1 certificate signatures', {
        maxVersion: 0x0304,
        with12: false,
        suites: ALL_TLS13_SUITES,
        groups: OUR_GROUPS,
        sigalgs: OUR_SIGALGS,
        sigalgsCert: ALL_SIGALGS,
      });
  const v12 = await probe('TLS 1.2', { maxVersion: 0x0303, suites: ALL_TLS12_SUITES, groups: OUR_GROUPS, sigalgs: ALL_SIGALGS });
  const v11 = await probe('TLS 1.1', { maxVersion: 0x0302, suites: ALL_TLS12_SUITES, groups: OUR_GROUPS, sigalgs: ALL_SIGALGS });
  let noSni: Attempt | undefined;
  const nameTrouble = plain.error?.alertName === 'unrecognized_name' || (plain.error?.detail?.['flags'] as string[] | undefined)?.includes('NAME_MISMATCH');
  if (nameTrouble && sni && budget.take()) noSni = await attempt('no SNI', { ...base, verify: 'none', servername: false }, ms);

  // Causes only the probes can tell.
  const pqOnly = !accepted(ours13) && accepted(pq13) && /MLKEM|Kyber/.test(pq13.group ?? '');
  const otherSuite13 = !accepted(ours13) && accepted(all13) && !OUR_SUITES13.includes(CIPHER_SUITES.find((s) => s.name === all13.suite)?.code ?? -1);
  const sha1Chain = !accepted(ours13) && accepted(all13) && !otherSuite13;
  const v12ok = accepted(v12) && v12.version === 'TLSv1.2';
  const only11 = !accepted(ours13) && !v12ok && accepted(v11) && /1\.[01]$/.test(v11.version);
  if (!plain.ok && pqOnly) {
    diagnosis = {
      cause: `the server accepts only post-quantum hybrid key exchange: it asked for ${pq13.group} when offered, and refused the groups we offered (${userGroups.map((g) => g.name).join(', ')})`,
      facts: [],
      fixes: GROUPS.some((g) => g.name === pq13.group)
        ? [{ text: `offer ${pq13.group}`, set: [{ option: 'groups', value: `${pq13.group},x25519` }] }]
        : [{ text: `puretls does not implement ${pq13.group} yet: allow a classic group (x25519) on the server, or use a client with ML-KEM` }],
    };
  } else if (!plain.ok && otherSuite13 && accepted(all13)) {
    diagnosis = {
      cause: `the server accepts only the cipher suite ${all13.suite}, which puretls does not implement`,
      facts: [],
      fixes: [{ text: 'enable a common suite on the server (TLS_AES_128_GCM_SHA256 is mandatory to implement, RFC 8446 §9.1)' }],
    };
  } else if (!plain.ok && sha1Chain) {
    diagnosis = {
      cause:
        "the server's certificate chain is signed with SHA-1: our signature_algorithms_cert excludes SHA-1 schemes, so the server found no certificate it may send and refused the handshake",
      facts: [],
      fixes: [
        { text: 'reissue the certificate chain with SHA-256 signatures' },
        { text: 'or, knowingly, offer SHA-1 for certificates and accept it', set: [{ option: 'sigalgs', value: 'ecdsa_secp256r1_sha256,rsa_pss_rsae_sha256,rsa_pkcs1_sha256,ecdsa_sha1,rsa_pkcs1_sha1' }, { option: 'ignore', value: 'BAD_ALGORITHM' }] },
      ],
    };
  } else if (!plain.ok && only11) {
    diagnosis = {
      cause: `the server speaks only ${v11.version} (it answered a TLS 1.1 ClientHello and refused TLS 1.2 and 1.3): puretls supports TLS 1.2 and 1.3 only (RFC 8996 deprecates 1.0 and 1.1)`,
      facts: [],
      fixes: [{ text: 'upgrade the server to TLS 1.2 or 1.3 (no client option can fix this)' }],
    };
  }

  // 3. The report.
  out();
  out('server supports:');
  out(`  TLS 1.3      ${ours13 ? answerText(ours13) : 'not probed'}`);
  if (pq13) out(`  post-quantum ${accepted(pq13) && /MLKEM|Kyber/.test(pq13.group ?? '') ? `yes: ${pq13.group}` : `no (offered X25519MLKEM768: ${answerText(pq13)})`}`);
  if (all13) out(`  TLS 1.3 any  ${answerText(all13)} (every suite, SHA-1 certificate signatures allowed)`);
  out(`  TLS 1.2      ${v12 ? (accepted(v12) && !v12ok ? `no (answered with ${v12.version})` : answerText(v12)) : 'not probed'}`);
  out(`  TLS 1.1      ${v11 ? (accepted(v11) && v11.version === 'TLSv1.1' ? `YES (${answerText(v11)}): obsolete` : `no (${answerText(v11)})`) : 'not probed'}`);
  const info = open.info ?? plain.info;
  if (info) out(`  negotiated   ${info.protocol} ${info.cipher} group=${info.group ?? '-'} sigalg=${info.signatureScheme ?? '-'}`);
  if (alpn) out(`  ALPN         ${alpn.info?.alpn ? `${alpn.info.alpn} (offered h2, http/1.1)` : alpn.ok ? 'none selected (offered h2, http/1.1)' : `(attempt failed: ${alpn.error?.code})`}`);
  const tickets = [open, alpn].flatMap((a) => a?.events ?? []).filter((e) => e.type === 'session-ticket');
  out(`  tickets      ${tickets.length > 0 ? `yes (lifetime ${(tickets[0] as { lifetime: number }).lifetime} s)` : 'none seen'}`);
  const largest = Math.max(0, ...open.events.filter((e) => e.type === 'record' && e.direction === 'received').map((e) => (e as { length: number }).length));
  out(`  records      largest received ${largest} bytes on the wire`);
  const certReq = plain.facts.certificateRequested || open.facts.certificateRequested;
  out(`  client cert  ${certReq ? 'REQUESTED by the server (CertificateRequest)' : 'not requested'}`);
  if (noSni) out(`  without SNI  ${noSni.ok ? `the server sends ${traceFacts(noSni.events).chain ? 'a certificate' : 'no certificate'}` : noSni.error?.code}`);
  out();
  for (const l of chainLines(plain.facts.chain ? plain.facts : open.facts, now)) out(l);
  out();
  if (mflIgnored) {
    const acknowledged = (plain.info?.recordLimits?.receiveFragment ?? 1 << 14) <= mfl!;
    out(`verdict: the connection works for puretls, but FAILS for a client that can only receive ${mfl}-byte records.`);
    for (const l of diagnosisLines(explainIgnoredMaxFragmentLength(mfl!, largestPlain, acknowledged), target, true)) out(l);
    out(`(${budget.used} connections made)`);
    return 1;
  }
  if (plain.ok) {
    out('verdict: the connection works.');
    return 0;
  }
  out('verdict: the connection as asked FAILS.');
  for (const l of diagnosisLines(diagnosis!, target, true)) out(l);
  out(`(${budget.used} connections made)`);
  return 1;
}
