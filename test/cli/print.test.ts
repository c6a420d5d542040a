/** The handshake summary line and the --debug lines. */
import { describe, expect, it } from 'vitest';
import { handshakeLine, shortHex, shows, traceLine, verifyField } from '../../src/cli/print.js';
import { Narrator, messageTitle } from '../../src/cli/narrate.js';
import { TlsError } from '../../src/errors.js';
import type { HandshakeInfo, TraceEvent } from '../../src/types.js';

const info: HandshakeInfo = {
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_128_GCM_SHA256',
  group: 'x25519',
  signatureScheme: 'ecdsa_secp256r1_sha256',
  alpn: undefined,
  resumed: false,
  helloRetry: false,
  verify: { status: 'ok', flags: [], certificates: [], peerCertificates: [], verifiedChain: [] },
  serverName: 'localhost',
};

describe('handshake line', () => {
  it('has the exact documented format', () => {
    expect(handshakeLine(info)).toBe(
      'handshake: protocol=TLSv1.3 cipher=TLS_AES_128_GCM_SHA256 group=x25519 sigalg=ecdsa_secp256r1_sha256 alpn=- resumed=no verify=ok',
    );
    expect(handshakeLine({ ...info, protocol: 'TLSv1.2', group: undefined, alpn: 'h2', resumed: true })).toBe(
      'handshake: protocol=TLSv1.2 cipher=TLS_AES_128_GCM_SHA256 group=- sigalg=ecdsa_secp256r1_sha256 alpn=h2 resumed=yes verify=ok',
    );
  });

  it('verify= is ok, skipped or the failure flags', () => {
    expect(verifyField({ status: 'skipped', flags: [], certificates: [], peerCertificates: [], verifiedChain: [] })).toBe('skipped');
    expect(verifyField({ status: 'failed', flags: ['UNKNOWN_CA', 'EXPIRED'], certificates: [], peerCertificates: [], verifiedChain: [] })).toBe('UNKNOWN_CA,EXPIRED');
    expect(verifyField({ status: 'failed', flags: [], certificates: [], peerCertificates: [], verifiedChain: [] })).toBe('failed');
  });
});

describe('debug lines', () => {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => i);
  const events: TraceEvent[] = [
    { type: 'state', from: 'Start', to: 'ExpectServerHello' },
    { type: 'message', direction: 'sent', name: 'client_hello', length: 245, summary: { groups: ['x25519', 'secp256r1'], serverName: 'localhost' } },
    { type: 'check', what: 'server Finished', ok: true },
    { type: 'record', direction: 'received', contentType: 'application_data', length: 53, encrypted: true },
    { type: 'alert', direction: 'sent', level: 'fatal', description: 'bad_certificate' },
    { type: 'key', label: 'client_handshake_traffic_secret', from: 'handshake_secret', secret },
    { type: 'error', error: new TlsError('CERT_VERIFY_FAILED', 'not_trusted', 'unknown CA') },
  ];

  it('formats each event type readably', () => {
    expect(events.map(traceLine)).toEqual([
      '[state] Start -> ExpectServerHello',
      '[message] sent client_hello (245 bytes) groups=x25519,secp256r1 serverName=localhost',
      '[check] ok: server Finished',
      '[record] received application_data 53 bytes encrypted',
      '[alert] sent fatal bad_certificate',
      `[key] SECRET client_handshake_traffic_secret = ${Buffer.from(secret).toString('hex')} (from handshake_secret)`,
      '[error] CERT_VERIFY_FAILED: unknown CA (alert sent: unknown_ca)',
    ]);
  });

  it('levels add event types: error < state < info < verbose', () => {
    const shown = (level: 'none' | 'error' | 'state' | 'info' | 'verbose') => events.filter((e) => shows(level, e)).map((e) => e.type);
    expect(shown('none')).toEqual([]);
    expect(shown('error')).toEqual(['error']);
    expect(shown('state')).toEqual(['state', 'message', 'check', 'error']);
    expect(shown('info')).toEqual(['state', 'message', 'check', 'record', 'alert', 'error']);
    expect(shown('verbose')).toEqual(['state', 'message', 'check', 'record', 'alert', 'key', 'error']);
  });

  it('shortens secrets for the demo', () => {
    expect(shortHex(secret)).toBe('0001020304050607…');
    expect(messageTitle('encrypted_extensions')).toBe('EncryptedExtensions');
    const lines: string[] = [];
    const n = new Narrator((l) => lines.push(l));
    n.event({ type: 'message', direction: 'received', name: 'server_hello', length: 90, summary: { cipherSuite: 'TLS_AES_128_GCM_SHA256' } });
    n.event({ type: 'key', label: 'handshake_secret', from: 'HKDF-Extract(...)', secret });
    n.event({ type: 'key', label: 'read key: server_handshake_traffic_secret', from: 'server_handshake_traffic_secret' });
    n.event({ type: 'message', direction: 'received', name: 'encrypted_extensions', length: 10, summary: {} });
    expect(lines).toContain('← ServerHello   90 bytes');
    expect(lines).toContain('    key handshake_secret = 0001020304050607…  (mixes in the (EC)DHE shared secret: only the two ends can compute it)');
    expect(lines).toContain('← {EncryptedExtensions}   10 bytes');
    expect(lines.join('\n')).not.toContain(Buffer.from(secret).toString('hex'));
  });
});
