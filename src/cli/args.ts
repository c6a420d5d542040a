/**
 * Command-line parsing: argv → a command description. Pure and cheap (imports nothing heavy):
 * `puretls --help` runs only this file, usage.ts and main.ts.
 *
 * Every mistake is a TlsError 'BAD_CONFIG' (exit 2), raised before any byte is sent.
 */
import { configError } from '../errors.js';
import type { DebugLevel, TlsVersionName, VerifyMode } from '../types.js';

export interface ConnectArgs {
  host: string;
  port: number;
  /** --servername; undefined: HOST (the core skips SNI for IP addresses). */
  servername: string | undefined;
  caFiles: string[];
  verify: VerifyMode;
  ignore: string[];
  minVersion: TlsVersionName | undefined;
  maxVersion: TlsVersionName | undefined;
  ciphers: string[] | undefined;
  groups: string[] | undefined;
  sigalgs: string[] | undefined;
  alpn: string[] | undefined;
  timeout: number | undefined;
  /** --max-frag: max_fragment_length to offer (512, 1024, 2048, 4096). */
  maxFrag: 512 | 1024 | 2048 | 4096 | undefined;
  /** --record-size-limit N (64..16385). */
  recordSizeLimit: number | undefined;
  /** --max-handshake-size N: the Certificate message limit. */
  maxHandshakeSize: number | undefined;
  /** --key-update-after BYTES: a KeyUpdate every BYTES bytes sent (TLS 1.3). */
  keyUpdateAfter: number | undefined;
  /** --allow-legacy-renegotiation: accept a TLS 1.2 server without RFC 5746. */
  allowLegacyRenegotiation: boolean;
  debug: DebugLevel;
  quiet: boolean;
  /** --show-certs: print the received certificate chain on stderr. */
  showCerts: boolean;
  /** --trace json: every trace event as a JSON line (docs/trace.md). */
  trace: 'json' | undefined;
  /** --trace-file FILE: where the JSON lines go (default stderr). */
  traceFile: string | undefined;
  /** --trace-secrets: key events carry their secret values. */
  traceSecrets: boolean;
  /** --now TIME: the time for certificate validity (default: the system clock). */
  now: Date | undefined;
  keylogFile: string | undefined;
  /** --send TEXT with escapes interpreted; undefined: pipe stdin. */
  send: string | undefined;
  /** Client authentication: --cert FILE --key FILE [--pass PW], or --pfx FILE [--pass PW]. */
  certFile?: string;
  keyFile?: string;
  pfxFile?: string;
  passphrase?: string;
  /** External PSK: --psk HEX --psk-identity ID [--psk-mode psk_ke|psk_dhe_ke]. */
  pskKey?: string;
  pskIdentity?: string;
  pskMode?: 'psk_ke' | 'psk_dhe_ke';
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'connect'; args: ConnectArgs }
  | { kind: 'doctor'; args: ConnectArgs }
  | { kind: 'trace'; input: string; html: string }
  | { kind: 'demo'; args: DemoArgs }
  | { kind: 'bridge'; args: BridgeArgs };

/** `puretls bridge --listen PORT [--host ADDR] --allow HOST:PORT[,HOST:PORT...]`. */
export interface BridgeArgs {
  listen: number;
  host: string;
  allow: string[];
}

function parseBridge(argv: readonly string[]): BridgeArgs {
  let listen: number | undefined;
  let host = '127.0.0.1';
  const allow: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw configError('bad_command_line', `bridge: ${a} needs a value`);
      return v;
    };
    if (a === '--listen') {
      const v = value();
      listen = Number(v);
      if (!/^\d{1,5}$/.test(v) || listen > 65535) throw configError('bad_command_line', `bridge: --listen: "${v}" is not a port`);
    } else if (a === '--host') host = value();
    else if (a === '--allow') allow.push(...value().split(',').filter((t) => t !== ''));
    else throw configError('bad_command_line', `bridge: unknown argument "${a}" (bridge --listen PORT --allow HOST:PORT[,...] [--host ADDR])`);
  }
  if (listen === undefined) throw configError('bad_command_line', 'bridge: --listen PORT is required');
  if (allow.length === 0) throw configError('bad_command_line', 'bridge: --allow HOST:PORT[,...] is required (the targets the bridge may reach)');
  return { listen, host, allow };
}

export type DemoScenario = 'tls13' | 'tls12' | 'hrr' | 'bad-cert';
export const DEMO_SCENARIOS: readonly DemoScenario[] = ['tls13', 'tls12', 'hrr', 'bad-cert'];

export interface DemoArgs {
  debug: DebugLevel;
  scenario: DemoScenario;
  /** --html FILE: also write the handshake as one self-contained page. */
  html: string | undefined;
}


const DEBUG_LEVELS: readonly DebugLevel[] = ['none', 'error', 'state', 'info', 'verbose'];
const VERIFY_MODES: readonly VerifyMode[] = ['none', 'optional', 'required'];
const VERSIONS: readonly TlsVersionName[] = ['1.2', '1.3'];

/** Options of `connect` that take a value. */
const VALUE_OPTIONS = new Set([
  '--ca',
  '--verify',
  '--servername',
  '--min-version',
  '--max-version',
  '--ciphers',
  '--groups',
  '--sigalgs',
  '--timeout',
  '--max-frag',
  '--record-size-limit',
  '--max-handshake-size',
  '--key-update-after',
  '--debug',
  '--ignore',
  '--alpn',
  '--keylog',
  '--send',
  '--now',
  '--trace',
  '--trace-file',
  '--cert',
  '--key',
  '--pass',
  '--pfx',
  '--psk',
  '--psk-identity',
  '--psk-mode',
]);
const FLAG_OPTIONS = new Set(['--quiet', '--show-certs', '--trace-secrets', '--allow-legacy-renegotiation']);

export function parseArgs(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { kind: 'help' };
  if (first === '--version' || first === '-V' || first === 'version') return { kind: 'version' };
  if (first === 'connect') return { kind: 'connect', args: parseConnect(rest) };
  if (first === 'doctor') return { kind: 'doctor', args: parseConnect(rest, 'doctor') };
  if (first === 'demo') return { kind: 'demo', args: parseDemo(rest) };
  if (first === 'trace') return parseTrace(rest);
  if (first === 'bridge') return { kind: 'bridge', args: parseBridge(rest) };
  if (first.startsWith('-')) throw configError('bad_command_line', `unknown option ${first} (see puretls --help)`);
  throw configError('bad_command_line', `unknown command "${first}" (commands: connect, doctor, demo, trace, bridge, help)`);
}

/** Split `--name=value` / `--name value` pairs; checks names against the allowed sets. */
function* options(
  argv: readonly string[],
  values: ReadonlySet<string>,
  flags: ReadonlySet<string>,
  positional: (arg: string) => void,
): Generator<[string, string | undefined]> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      for (const p of argv.slice(i + 1)) positional(p);
      return;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (flags.has(name)) {
      if (eq > 0) throw configError('bad_command_line', `option ${name} takes no value`);
      yield [name, undefined];
    } else if (values.has(name)) {
      let value: string | undefined;
      if (eq > 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      if (value === undefined) throw configError('bad_command_line', `option ${name} needs a value`);
      yield [name, value];
    } else {
      throw configError('bad_command_line', `unknown option ${name} (see puretls --help)`);
    }
  }
}

function parseConnect(argv: readonly string[], command = 'connect'): ConnectArgs {
  const positionals: string[] = [];
  const a: Omit<ConnectArgs, 'host' | 'port'> = {
    servername: undefined,
    caFiles: [],
    verify: 'required',
    ignore: [],
    minVersion: undefined,
    maxVersion: undefined,
    ciphers: undefined,
    groups: undefined,
    sigalgs: undefined,
    alpn: undefined,
    timeout: undefined,
    maxFrag: undefined,
    recordSizeLimit: undefined,
    maxHandshakeSize: undefined,
    allowLegacyRenegotiation: false,
    keyUpdateAfter: undefined,
    debug: 'none',
    quiet: false,
    showCerts: false,
    trace: undefined,
    traceFile: undefined,
    traceSecrets: false,
    now: undefined,
    keylogFile: undefined,
    send: undefined,
  };
  for (const [name, v] of options(argv, VALUE_OPTIONS, FLAG_OPTIONS, (p) => positionals.push(p))) {
    const value = v!;
    switch (name) {
      case '--ca':
        if (value === '') throw configError('bad_command_line', '--ca needs a file name');
        a.caFiles.push(value);
        break;
      case '--verify':
        a.verify = oneOf(name, value, VERIFY_MODES);
        break;
      case '--servername':
        if (value === '') throw configError('bad_command_line', '--servername needs a name');
        a.servername = value;
        break;
      case '--min-version':
        a.minVersion = oneOf(name, value, VERSIONS);
        break;
      case '--max-version':
        a.maxVersion = oneOf(name, value, VERSIONS);
        break;
      case '--ciphers':
        a.ciphers = list(name, value);
        break;
      case '--groups':
        a.groups = list(name, value);
        break;
      case '--sigalgs':
        a.sigalgs = list(name, value);
        break;
      case '--alpn':
        a.alpn = list(name, value);
        break;
      case '--ignore':
        a.ignore.push(...list(name, value));
        break;
      case '--timeout':
        if (!/^\d+$/.test(value) || Number(value) <= 0) throw configError('bad_command_line', `--timeout needs a positive number of milliseconds, not "${value}"`);
        a.timeout = Number(value);
        break;
      case '--max-frag':
        a.maxFrag = Number(oneOf(name, value, ['512', '1024', '2048', '4096'] as const)) as ConnectArgs['maxFrag'];
        break;
      case '--record-size-limit':
        a.recordSizeLimit = integer(name, value, 64, 16385);
        break;
      case '--max-handshake-size':
        a.maxHandshakeSize = integer(name, value, 1024, 0xffffff);
        break;
      case '--debug':
        a.debug = oneOf(name, value, DEBUG_LEVELS);
        break;
      case '--quiet':
        a.quiet = true;
        break;
      case '--show-certs':
        a.showCerts = true;
        break;
      case '--trace':
        a.trace = oneOf(name, value, ['json'] as const);
        break;
      case '--trace-file':
        if (value === '') throw configError('bad_command_line', '--trace-file needs a file name');
        a.traceFile = value;
        break;
      case '--trace-secrets':
        a.traceSecrets = true;
        break;
      case '--now': {
        const t = /^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:\d\d)?)?$/.test(value) ? new Date(value) : new Date(NaN);
        if (Number.isNaN(t.getTime())) throw configError('bad_command_line', `--now needs an ISO 8601 time such as 2026-01-31T12:00:00Z, not "${value}"`);
        a.now = t;
        break;
      }
      case '--key-update-after':
        a.keyUpdateAfter = integer(name, value, 1, Number.MAX_SAFE_INTEGER);
        break;
      case '--allow-legacy-renegotiation':
        a.allowLegacyRenegotiation = true;
        break;
      case '--keylog':
        if (value === '') throw configError('bad_command_line', '--keylog needs a file name');
        a.keylogFile = value;
        break;
      case '--send':
        a.send = unescape(value);
        break;
      case '--cert':
      case '--key':
      case '--pfx':
        if (value === '') throw configError('missing_file_name', `${name} needs a file name`);
        if (name === '--cert') a.certFile = value;
        else if (name === '--key') a.keyFile = value;
        else a.pfxFile = value;
        break;
      case '--pass':
        a.passphrase = value;
        break;
      case '--psk':
        a.pskKey = value;
        break;
      case '--psk-identity':
        if (value === '') throw configError('missing_psk_identity', '--psk-identity needs an identity');
        a.pskIdentity = value;
        break;
      case '--psk-mode':
        a.pskMode = oneOf(name, value, ['psk_ke', 'psk_dhe_ke'] as const);
        break;
    }
  }
  if (positionals.length === 0) throw configError('bad_command_line', `${command} needs HOST:PORT`);
  if (positionals.length > 1) throw configError('bad_command_line', `unexpected argument "${positionals[1]}"`);
  const { host, port } = parseHostPort(positionals[0]!);
  if (a.minVersion && a.maxVersion && a.minVersion > a.maxVersion) {
    throw configError('bad_command_line', `--min-version ${a.minVersion} is above --max-version ${a.maxVersion}`);
  }
  return { host, port, ...a };
}

/** `trace TRACE.jsonl --html OUT.html`: a saved `--trace json` as a page. */
function parseTrace(argv: readonly string[]): Command {
  const inputs: string[] = [];
  let html: string | undefined;
  for (const [, v] of options(argv, new Set(['--html']), new Set(), (p) => inputs.push(p))) html = v;
  if (inputs.length !== 1) throw configError('bad_command_line', 'trace needs one JSON trace file (made with connect --trace json --trace-file FILE)');
  if (!html) throw configError('bad_command_line', 'trace needs --html FILE');
  return { kind: 'trace', input: inputs[0]!, html };
}

function parseDemo(argv: readonly string[]): DemoArgs {
  const a: DemoArgs = { debug: 'none', scenario: 'tls13', html: undefined };
  const extra: string[] = [];
  for (const [name, v] of options(argv, new Set(['--debug', '--scenario', '--html']), new Set(), (p) => extra.push(p))) {
    if (name === '--debug') a.debug = oneOf(name, v!, DEBUG_LEVELS);
    else if (name === '--html') {
      if (v === '') throw configError('bad_command_line', '--html needs a file name');
      a.html = v;
    } else a.scenario = oneOf(name, v!, DEMO_SCENARIOS);
  }
  if (extra.length > 0) throw configError('bad_command_line', `demo takes no arguments besides its options (got "${extra[0]}")`);
  return a;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw configError('bad_command_line', `${name} must be one of ${allowed.join(', ')} (got "${value}")`);
}

function integer(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw configError('bad_number', `${name} needs a number from ${min} to ${max}, not "${value}"`);
  return n;
}

function list(name: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw configError('bad_command_line', `${name} needs a comma-separated list`);
  return items;
}

/** HOST:PORT, [IPv6]:PORT. */
export function parseHostPort(s: string): { host: string; port: number } {
  let host: string;
  let portText: string;
  const m6 = /^\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\]:(.*)$/.exec(s);
  if (m6) {
    host = m6[1]!;
    portText = m6[2]!;
  } else {
    const i = s.lastIndexOf(':');
    if (i <= 0) throw configError('bad_command_line', `expected HOST:PORT, got "${s}"`);
    host = s.slice(0, i);
    portText = s.slice(i + 1);
    if (host.includes(':')) throw configError('bad_command_line', `write an IPv6 address in brackets: [${host}]:${portText}`);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw configError('bad_command_line', `bad port "${portText}" in "${s}" (1-65535)`);
  }
  if (!/^[A-Za-z0-9._%:-]+$/.test(host)) throw configError('bad_command_line', `bad host "${host}"`);
  return { host, port: Number(portText) };
}

/** `--send` escapes: \r \n \t \\ \0 \xHH. */
export function unescape(s: string): string {
  return s.replace(/\\(x[0-9A-Fa-f]{2}|.)/gs, (_m, e: string) => {
    switch (e[0]) {
      case 'r':
        return '\r';
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case '0':
        return '\0';
      case '\\':
        return '\\';
      case 'x':
        if (e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
        return '\\x';
      default:
        return '\\' + e;
    }
  });
}
