/**
 * node:tls option names → puretls options, for `connect()` in puretls/node (a drop-in for
 * `tls.connect`). Each node name is mapped here, once; everything else passes to the core,
 * whose `resolveConfig` refuses a name it does not know (BAD_CONFIG).
 *
 *   host, port, socket, servername, ca                  same meaning
 *   ALPNProtocols (string[], Buffer[], wire-format)     → alpn
 *   minVersion / maxVersion 'TLSv1.2' | 'TLSv1.3'       → '1.2' | '1.3' (below 1.2: see below)
 *   rejectUnauthorized: false                           → verify: 'optional' (authorized = false, the socket stays up)
 *   checkServerIdentity(hostname, cert)                 → run by TLSSocket after the chain checks, instead of ours
 *   family, localAddress, localPort, lookup, ...        → net.connect
 */
import type { LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { configError, type TlsError } from '../errors.js';
import type { ClientOptions, TlsVersionName } from '../types.js';
import type { PeerCertificate } from './peer-certificate.js';

type NodeVersionName = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** The options of `connect()`: puretls' own, plus node:tls's and net's names. */
export interface NodeConnectOptions extends Omit<ClientOptions, 'minVersion' | 'maxVersion'> {
  /** Default 'localhost', as node:tls. */
  host?: string;
  port?: number;
  /** Carry TLS over this Duplex instead of opening a TCP connection (STARTTLS, a proxy tunnel, a WebSocket bridge). */
  socket?: Duplex;
  /** puretls' '1.2' / '1.3', or node's 'TLSv1.2' / 'TLSv1.3'. */
  minVersion?: TlsVersionName | NodeVersionName;
  maxVersion?: TlsVersionName | NodeVersionName;
  /** node:tls: ALPN protocols as strings, Buffers, or one Buffer in wire format. */
  ALPNProtocols?: ReadonlyArray<string | Uint8Array> | Uint8Array;
  /** node:tls: false accepts a certificate that does not verify (`authorized` false). Default true. */
  rejectUnauthorized?: boolean;
  /** node:tls: replaces the host name check; return an Error to refuse the certificate. */
  checkServerIdentity?: (hostname: string, cert: PeerCertificate) => Error | undefined;
  // net.connect's options (when no `socket` is given)
  family?: number;
  localAddress?: string;
  localPort?: number;
  lookup?: LookupFunction;
  noDelay?: boolean;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
  /** A Unix domain socket instead of host/port. */
  path?: string;
}

/** What `connect()` needs, split by who uses it. */
export interface SplitOptions {
  client: ClientOptions;
  net: { host: string; port: number; path?: string; family?: number; localAddress?: string; localPort?: number; lookup?: LookupFunction; noDelay?: boolean; keepAlive?: boolean; keepAliveInitialDelay?: number };
  socket: Duplex | undefined;
  checkServerIdentity: ((hostname: string, cert: PeerCertificate) => Error | undefined) | undefined;
  rejectUnauthorized: boolean;
}

const NET_NAMES = ['family', 'localAddress', 'localPort', 'lookup', 'noDelay', 'keepAlive', 'keepAliveInitialDelay', 'path'] as const;

function bad(msg: string): TlsError {
  return configError('bad_option', msg);
}

/** node's version names to puretls'; below TLS 1.2 a minimum means "1.2" (all this client speaks). */
function version(v: unknown, what: 'minVersion' | 'maxVersion'): TlsVersionName | undefined {
  switch (v) {
    case undefined:
      return undefined;
    case '1.2':
    case 'TLSv1.2':
      return '1.2';
    case '1.3':
    case 'TLSv1.3':
      return '1.3';
    case 'TLSv1':
    case 'TLSv1.1':
      if (what === 'minVersion') return '1.2';
      throw bad(`maxVersion: '${v}' is below TLS 1.2, which puretls does not implement (use 'TLSv1.2' or 'TLSv1.3')`);
    default:
      throw bad(`${what}: expected 'TLSv1.2' or 'TLSv1.3' (or '1.2' / '1.3'), got ${JSON.stringify(v)}`);
  }
}

/** node's ALPNProtocols forms to a list of names (RFC 7301 §3.1 wire format: u8 length + name). */
export function alpnNames(v: unknown): string[] {
  const dec = new TextDecoder();
  if (v instanceof Uint8Array) {
    const out: string[] = [];
    for (let i = 0; i < v.length; ) {
      const n = v[i]!;
      if (n === 0 || i + 1 + n > v.length) throw bad('ALPNProtocols: malformed wire-format buffer');
      out.push(dec.decode(v.subarray(i + 1, i + 1 + n)));
      i += 1 + n;
    }
    return out;
  }
  if (!Array.isArray(v)) throw bad('ALPNProtocols: expected an array of strings or Buffers, or one wire-format Buffer');
  return v.map((p, i) => {
    if (typeof p === 'string') return p;
    if (p instanceof Uint8Array) return dec.decode(p);
    throw bad(`ALPNProtocols[${i}]: expected a string or a Buffer`);
  });
}

/** node:tls takes PEM in Buffers too; puretls reads a Uint8Array as DER unless it is PEM text. */
function pemBuffers(ca: ClientOptions['ca']): ClientOptions['ca'] {
  const one = (c: unknown): unknown =>
    c instanceof Uint8Array && c.length > 10 && new TextDecoder().decode(c.subarray(0, 64)).includes('-----BEGIN') ? new TextDecoder().decode(c) : c;
  if (Array.isArray(ca)) return ca.map(one) as ClientOptions['ca'];
  return one(ca) as ClientOptions['ca'];
}

/** Split `connect()`'s options; BAD_CONFIG for a contradiction. Unknown names go on to the core. */
export function splitOptions(options: NodeConnectOptions): SplitOptions {
  if (options === null || typeof options !== 'object') throw bad('connect: options must be an object');
  const {
    socket,
    ALPNProtocols,
    rejectUnauthorized,
    checkServerIdentity,
    minVersion,
    maxVersion,
    ...rest
  } = options;
  const client: Record<string, unknown> = { ...rest };
  const net: Record<string, unknown> = { host: options.host ?? 'localhost', port: options.port };
  for (const n of NET_NAMES) {
    if (n in client) {
      net[n] = client[n];
      delete client[n];
    }
  }
  client.host = net.host;
  if (ALPNProtocols !== undefined) {
    if (options.alpn !== undefined) throw bad('give either alpn or ALPNProtocols, not both');
    client.alpn = alpnNames(ALPNProtocols);
  }
  const min = version(minVersion, 'minVersion');
  const max = version(maxVersion, 'maxVersion');
  if (min !== undefined) client.minVersion = min;
  if (max !== undefined) client.maxVersion = max;
  if (rejectUnauthorized !== undefined && typeof rejectUnauthorized !== 'boolean') throw bad('rejectUnauthorized: expected a boolean');
  if (rejectUnauthorized === false && options.verify === 'required') throw bad("rejectUnauthorized: false contradicts verify: 'required'");
  if (rejectUnauthorized === false && options.verify === undefined) client.verify = 'optional';
  if (checkServerIdentity !== undefined) {
    if (typeof checkServerIdentity !== 'function') throw bad('checkServerIdentity: expected a function');
    // The chain is still checked by the core; the name is the callback's to judge (as node:tls).
    client.ignore = [...(options.ignore ?? []), 'NAME_MISMATCH'];
  }
  if (options.ca !== undefined) client.ca = pemBuffers(options.ca);
  if (socket === undefined && net.path === undefined && (typeof net.port !== 'number' || !Number.isInteger(net.port))) {
    throw bad('connect: port must be an integer (or give socket or path)');
  }
  return {
    client: client as ClientOptions,
    net: net as SplitOptions['net'],
    socket,
    checkServerIdentity,
    rejectUnauthorized: rejectUnauthorized ?? options.verify !== 'optional',
  };
}
