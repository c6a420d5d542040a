/**
 * Issue 8, finding Info: a host that is an IP literal with a DNS root's trailing dot
 * ("127.0.0.1.") is an IP address, as the WHATWG URL parser reads it: it is never sent as SNI
 * (RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName") and it is
 * verified against iPAddress SANs. Before the fix it was sent as SNI "127.0.0.1" and verified as
 * a DNS name.
 */
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/connection.js';
import { resolveConfig } from '../../src/config.js';
import { ExtensionType } from '../../src/handshake/codec/types.js';
import { decodeClientHello } from '../../src/handshake/messages/hello.js';

function hasSni(host: string): boolean {
  const c = new ClientConnection({ verify: 'none', host });
  const ch = decodeClientHello(c.takeOutput()!.subarray(9));
  return ch.extensions.has(ExtensionType.server_name);
}

describe('an IP literal with a trailing dot is an IP address', () => {
  it('127.0.0.1. is never sent as SNI and is verified as the IP 127.0.0.1', () => {
    expect(hasSni('127.0.0.1.')).toBe(false);
    const c = resolveConfig({ host: '127.0.0.1.', verify: 'none' });
    expect(c.sni).toBeUndefined();
    expect(c.verifyName).toEqual({ kind: 'ip', value: '127.0.0.1' });
  });

  it('the same through servername, and with servername: false', () => {
    expect(resolveConfig({ host: 'example.com', servername: '10.1.2.3.', verify: 'none' }).verifyName).toEqual({ kind: 'ip', value: '10.1.2.3' });
    expect(resolveConfig({ host: '10.1.2.3.', servername: false, verify: 'none' }).verifyName).toEqual({ kind: 'ip', value: '10.1.2.3' });
  });

  it('a DNS name with a trailing dot is still a DNS name (SNI without the dot)', () => {
    expect(hasSni('example.com.')).toBe(true);
    expect(resolveConfig({ host: 'example.com.', verify: 'none' }).sni).toBe('example.com');
  });
});
