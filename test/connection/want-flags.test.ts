/** The sans-IO poll answers: wantsWrite (WANT_WRITE), wantsRead (WANT_READ), bytesAvailable. */
import { describe, expect, it } from 'vitest';
import { appRec, CT, FakeServer13 } from '../helpers/fake-server13.js';

describe('WANT_READ / WANT_WRITE without exceptions', () => {
  it('follows the connection from ClientHello to close', () => {
    const s = new FakeServer13();
    // The constructor queued the ClientHello and the fake server took it: now we wait for the server.
    expect(s.client.wantsWrite).toBe(false);
    expect(s.client.wantsRead).toBe(true);
    expect(s.client.handshakeComplete).toBe(false);
    s.completeHandshake();
    expect(s.client.handshakeComplete).toBe(true);
    expect(s.client.wantsRead).toBe(true);
    s.client.write(new TextEncoder().encode('ping'));
    expect(s.client.wantsWrite).toBe(true);
    s.readClient();
    expect(s.client.wantsWrite).toBe(false);
    expect(s.client.bytesAvailable).toBe(0);
    s.send([appRec(CT.appData, new TextEncoder().encode('pong')), appRec(CT.appData, new TextEncoder().encode('!!'))]);
    expect(s.client.bytesAvailable).toBe(6);
    expect(new TextDecoder().decode(s.client.read()!)).toBe('pong!!');
    expect(s.client.bytesAvailable).toBe(0);
    // A partial record: feed() returns quietly, WANT_READ stays.
    const rec = s.seal([appRec(CT.appData, new Uint8Array(10))]);
    s.client.feed(rec.subarray(0, 7));
    expect(s.client.wantsRead).toBe(true);
    expect(s.client.bytesAvailable).toBe(0);
    s.client.feed(rec.subarray(7));
    expect(s.client.bytesAvailable).toBe(10);
    s.send(appRec(CT.alert, Uint8Array.of(1, 0))); // close_notify
    expect(s.client.peerClosed).toBe(true);
    expect(s.client.wantsRead).toBe(false);
  });
});
