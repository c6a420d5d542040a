// A node:tls echo server for the post-quantum interop tests, run under Node 26 (OpenSSL 3.5) by
// test/helpers/node26.ts. argv[2] is JSON: { key, cert, groups? } (PEM strings; groups is
// OpenSSL's group list, e.g. "X25519MLKEM768", absent for Node's defaults). It listens on
// 127.0.0.1 and an ephemeral port, prints "LISTENING <port>", then one JSON line per event:
// {"keylog": "<NSS key log line>"}, {"secure": {...}} and {"error": "..."}.
import tls from 'node:tls';

const cfg = JSON.parse(process.argv[2]);
const opts = { key: cfg.key, cert: cfg.cert, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' };
if (cfg.groups) opts.ecdhCurve = cfg.groups;
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const server = tls.createServer(opts, (s) => {
  out({ secure: { protocol: s.getProtocol(), cipher: s.getCipher().standardName } });
  s.on('error', (e) => out({ error: e.message }));
  s.pipe(s);
});
server.on('keylog', (line) => out({ keylog: line.toString('latin1').trim() }));
server.on('tlsClientError', (e) => out({ error: e.message }));
server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
process.stdin.on('end', () => process.exit(0)); // the test closing our stdin ends us
process.stdin.resume();
