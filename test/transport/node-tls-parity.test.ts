/**
 * puretls/node's connect() as a drop-in for node:tls's: the same options given to both,
 * against the same node:tls server on 127.0.0.1, and the TLSSocket surface compared field by
 * field (TLS 1.3 and TLS 1.2). Values only the server can confirm (exporter output, Finished
 * messages) are checked against the server's side of the same connection.
 */
import { X509Certificate } from 'node:crypto';
import tls, { type ConnectionOptions, type TLSSocket as NodeTlsSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { connect, connectAsync, TLSSocket, type NodeConnectOptions } from '../../src/transport/node.js';
import { closeAll, otherPki, pki, tlsServer, within } from './local-server.js';

afterAll(closeAll);

const LABEL = 'EXPERIMENTAL-puretls-parity';
const CONTEXT = Buffer.from('some context');

interface ServerView {
  ekm: string;
  ekmNoContext: string;
  finished: string;
  peerFinished: string;
}

/** A node:tls server that tells each client its side's exporter output and Finished values. */
async function parityServer(maxVersion: 'TLSv1.2' | 'TLSv1.3') {
  return tlsServer(
    {
      ALPNProtocols: ['h2', 'http/1.1'],
      maxVersion,
      ciphers: 'TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256',
      honorCipherOrder: true,
    },
    (s) => {
      const view: ServerView = {
        ekm: s.exportKeyingMaterial(32, LABEL, CONTEXT).toString('hex'),
        ekmNoContext: s.exportKeyingMaterial(20, LABEL, undefined as unknown as Buffer).toString('hex'), // no context at all
        finished: s.getFinished()?.toString('hex') ?? '',
        peerFinished: s.getPeerFinished()?.toString('hex') ?? '',
      };
      // Answer once the client has looked at everything (node's getters go null after close).
      s.once('data', () => s.end(JSON.stringify(view) + '\n'));
    },
  );
}

function readAll(s: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let t = '';
    s.on('data', (d: Buffer) => (t += d.toString()));
    s.on('end', () => resolve(t));
    s.on('error', reject);
  });
}

/** Connect with `make`, wait for 'secureConnect' (the socket is returned synchronously by both). */
function secure<S extends NodeTlsSocket | TLSSocket>(make: (cb: () => void) => S): Promise<S> {
  return new Promise((resolve, reject) => {
    const s: S = make(() => resolve(s));
    s.once('error', reject);
  });
}

/** The fields of getPeerCertificate() that node:tls fills, without the circular issuer link. */
function certFields(c: Record<string, unknown>): Record<string, unknown> {
  const { issuerCertificate: _drop, ...rest } = c;
  return rest;
}

describe.each(['TLSv1.3', 'TLSv1.2'] as const)('connect() vs node:tls, %s, same server', (version) => {
  it('returns the socket at once and matches node:tls field by field', async () => {
    const { port } = await parityServer(version);
    const ca = (await pki()).ca.cert;
    const options: ConnectionOptions = { host: '127.0.0.1', port, servername: 'localhost', ca, ALPNProtocols: ['h2', 'http/1.1'], minVersion: 'TLSv1.2' };

    const nodeLines: string[] = [];
    const node = await within(
      secure((cb) => {
        const s = tls.connect(options, cb);
        s.on('keylog', (l: Buffer) => nodeLines.push(l.toString()));
        return s;
      }),
    );

    const ourLines: string[] = [];
    let ours!: TLSSocket;
    const ready = secure((cb) => {
      ours = connect(options as NodeConnectOptions, cb);
      ours.on('keylog', (l: Buffer) => ourLines.push(l.toString()));
      return ours;
    });
    expect(ours).toBeInstanceOf(TLSSocket); // synchronously, like tls.connect
    expect(ours.getProtocol()).toBeNull();
    await within(ready);

    expect(ours.encrypted).toBe(node.encrypted);
    expect(ours.authorized).toBe(true);
    expect(ours.authorized).toBe(node.authorized);
    expect(ours.authorizationError).toBe(node.authorizationError ?? undefined);
    expect(ours.alpnProtocol).toBe(node.alpnProtocol);
    expect(ours.alpnProtocol).toBe('h2');
    expect(ours.getProtocol()).toBe(node.getProtocol());
    expect(ours.getProtocol()).toBe(version);
    expect(ours.getCipher()).toEqual(node.getCipher());
    expect(ours.isSessionReused()).toBe(node.isSessionReused());

    const ourCert = ours.getPeerCertificate() as unknown as Record<string, unknown>;
    const nodeCert = node.getPeerCertificate() as unknown as Record<string, unknown>;
    expect(certFields(ourCert)).toEqual(certFields(nodeCert));
    for (const f of ['subject', 'issuer', 'subjectaltname', 'valid_from', 'valid_to', 'fingerprint256', 'serialNumber', 'raw']) {
      expect(ourCert[f], f).toBeDefined();
    }
    const ourDetailed = ours.getPeerCertificate(true)!;
    const nodeDetailed = node.getPeerCertificate(true);
    expect(certFields(ourDetailed.issuerCertificate as unknown as Record<string, unknown>)).toEqual(
      certFields(nodeDetailed.issuerCertificate as unknown as Record<string, unknown>),
    );
    // The root links to itself in both.
    expect(ourDetailed.issuerCertificate.issuerCertificate).toBe(ourDetailed.issuerCertificate);
    expect(nodeDetailed.issuerCertificate.issuerCertificate).toBe(nodeDetailed.issuerCertificate);

    const x = ours.getPeerX509Certificate();
    expect(x).toBeInstanceOf(X509Certificate);
    expect(x!.fingerprint256).toBe(node.getPeerX509Certificate()!.fingerprint256);

    const nodeEkm = node.exportKeyingMaterial(32, LABEL, CONTEXT).toString('hex');
    const ourEkm = ours.exportKeyingMaterial(32, LABEL, CONTEXT).toString('hex');
    const ourEkmNoContext = ours.exportKeyingMaterial(20, LABEL).toString('hex');
    const nodeReply = readAll(node);
    const ourReply = readAll(ours);
    node.write('go\n');
    ours.write('go\n');

    // Exporters and Finished: what the server computed on our very connection.
    const view = JSON.parse(await within(ourReply)) as ServerView;
    expect(ourEkm).toBe(view.ekm);
    expect(ourEkmNoContext).toBe(view.ekmNoContext);
    expect(ours.getFinished()!.toString('hex')).toBe(view.peerFinished);
    expect(ours.getPeerFinished()!.toString('hex')).toBe(view.finished);
    // And node's client agrees with the same server about its own connection.
    const nodeView = JSON.parse(await within(nodeReply)) as ServerView;
    expect(nodeEkm).toBe(nodeView.ekm);

    // 'keylog': the same NSS labels, one line each, newline-terminated.
    const labels = (lines: string[]) => lines.map((l) => l.split(' ')[0]).sort();
    expect(labels(ourLines)).toEqual(labels(nodeLines));
    expect(ourLines.every((l) => l.endsWith('\n'))).toBe(true);
  });
});

describe('connect(): node:tls options and behaviour', () => {
  it('rejectUnauthorized: false keeps the socket up and reports node’s authorizationError, like node:tls', async () => {
    const { port } = await tlsServer();
    const ca = (await otherPki()).ca.cert;
    const cases: Array<[string, ConnectionOptions]> = [
      ['untrusted issuer', { host: '127.0.0.1', port, servername: 'localhost', ca, rejectUnauthorized: false }],
      ['wrong name', { host: '127.0.0.1', port, servername: 'wrong.example', ca: (await pki()).ca.cert, rejectUnauthorized: false }],
    ];
    for (const [what, options] of cases) {
      const node = await within(secure((cb) => tls.connect(options, cb)));
      const ours = await within(secure((cb) => connect(options as NodeConnectOptions, cb)));
      expect(ours.authorized, what).toBe(false);
      expect(ours.authorized, what).toBe(node.authorized);
      expect(ours.authorizationError, what).toBe(String(node.authorizationError));
      node.destroy();
      ours.destroy();
    }
  });

  it('refuses a certificate with an error event, then close (rejectUnauthorized default)', async () => {
    const { port } = await tlsServer();
    const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: (await otherPki()).ca.cert });
    const events: string[] = [];
    let err: unknown;
    s.on('secureConnect', () => events.push('secureConnect'));
    s.on('error', (e) => {
      events.push('error');
      err = e;
    });
    await within(new Promise((r) => s.on('close', r)));
    expect(events).toEqual(['error']);
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).code).toBe('CERT_VERIFY_FAILED');
    expect(s.destroyed).toBe(true);
  });

  it('checkServerIdentity replaces the name check, and its Error refuses the connection', async () => {
    const { port } = await tlsServer();
    const ca = (await pki()).ca.cert;
    const seen: Array<[string, string]> = [];
    // A name the certificate does not carry, accepted by the callback (as node:tls lets it).
    const ok = await within(
      connectAsync({
        host: '127.0.0.1',
        port,
        servername: 'not-in-the-cert.example',
        ca,
        checkServerIdentity: (host, cert) => {
          seen.push([host, String(cert.subjectaltname)]);
          return undefined;
        },
      }),
    );
    expect(ok.authorized).toBe(true);
    expect(seen).toEqual([['not-in-the-cert.example', 'DNS:localhost, IP Address:127.0.0.1']]);
    ok.destroy();

    const refusal = Object.assign(new Error('not the pinned key'), { code: 'ERR_PINNED' });
    const err = (await within(
      connectAsync({ host: '127.0.0.1', port, servername: 'localhost', ca, checkServerIdentity: () => refusal }).then(
        () => null,
        (e: unknown) => e,
      ),
    )) as TlsError;
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe('CERT_VERIFY_FAILED');
    expect(err.cause).toBe(refusal);

    // With rejectUnauthorized: false, node keeps the connection and reports the error's code.
    const soft = await within(connectAsync({ host: '127.0.0.1', port, servername: 'localhost', ca, rejectUnauthorized: false, checkServerIdentity: () => refusal }));
    expect(soft.authorized).toBe(false);
    expect(soft.authorizationError).toBe('ERR_PINNED');
    soft.destroy();
  });

  it('accepts node’s version names and ALPN forms, and refuses what it cannot do', async () => {
    const { port } = await tlsServer({ ALPNProtocols: ['x-b'] });
    const ca = (await pki()).ca.cert;
    const wire = Buffer.from([3, 0x78, 0x2d, 0x61, 3, 0x78, 0x2d, 0x62]); // "x-a", "x-b"
    const s = await within(connectAsync({ host: '127.0.0.1', port, servername: 'localhost', ca, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ALPNProtocols: wire }));
    expect(s.getProtocol()).toBe('TLSv1.2');
    expect(s.alpnProtocol).toBe('x-b');
    s.destroy();
    const bad = (o: object) => {
      try {
        connect({ host: '127.0.0.1', port, ...o } as unknown as NodeConnectOptions);
        return undefined;
      } catch (e) {
        return (e as TlsError).code;
      }
    };
    expect(bad({ maxVersion: 'TLSv1.1' })).toBe('BAD_CONFIG');
    expect(bad({ minVersion: 'SSLv3' })).toBe('BAD_CONFIG');
    expect(bad({ alpn: ['a'], ALPNProtocols: ['b'] })).toBe('BAD_CONFIG');
    expect(bad({ rejectUnauthorized: false, verify: 'required' })).toBe('BAD_CONFIG');
    expect(bad({ someOptionNobodyHas: 1 })).toBe('BAD_CONFIG');
  });

  it('queues writes made before the handshake and sends close_notify on end()', async () => {
    let got = '';
    const done = new Promise<boolean>((resolve) => {
      void tlsServer({}, (s) => {
        s.on('data', (d: Buffer) => (got += d.toString()));
        s.on('end', () => resolve(true)); // node:tls ends the readable on close_notify
      }).then(({ port }) => portReady(port));
    });
    let portReady!: (p: number) => void;
    const port = await new Promise<number>((r) => (portReady = r));
    const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: (await pki()).ca.cert });
    s.write('written before the handshake\n');
    s.end('and at the end\n');
    expect(await within(done)).toBe(true);
    expect(got).toBe('written before the handshake\nand at the end\n');
  });

  it('connect(port, host, options, callback) works like node’s', async () => {
    const { port } = await tlsServer();
    const ca = (await pki()).ca.cert;
    const s = await within(secure((cb) => connect(port, '127.0.0.1', { servername: 'localhost', ca }, cb)));
    expect(s.authorized).toBe(true);
    s.destroy();
  });

  it('a connection refused is an error event with SOCKET_ERROR and the system error as cause', async () => {
    const { port } = await tlsServer();
    await closeAll();
    const s = connect({ host: '127.0.0.1', port, ca: (await pki()).ca.cert });
    const err = (await within(new Promise((r) => s.once('error', r)))) as TlsError;
    expect(err.code).toBe('SOCKET_ERROR');
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('exportKeyingMaterial before the handshake is a BAD_CONFIG TlsError', async () => {
    const { port } = await tlsServer();
    const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: (await pki()).ca.cert });
    expect(() => s.exportKeyingMaterial(32, LABEL)).toThrow(TlsError);
    await within(new Promise((r) => s.once('secureConnect', r)));
    expect(s.exportKeyingMaterial(32, LABEL).length).toBe(32);
    s.destroy();
  });
});
