/** The help text (kept apart so `puretls --help` loads nothing else). */
export const USAGE = `puretls: a TLS 1.2/1.3 client in TypeScript, with an observable handshake

Usage:
  puretls connect HOST:PORT [options]   handshake, send --send TEXT (or stdin), print what the
                                        server sends until it closes
  puretls demo [--scenario S] [--debug LEVEL] [--html FILE]
                                        start a local node:tls server with a throw-away CA,
                                        connect to it and explain the handshake step by step;
                                        S: tls13 (default) | tls12 | hrr | bad-cert;
                                        --html FILE also writes it as one annotated page
  puretls trace TRACE.jsonl --html FILE a saved --trace json as that page
  puretls doctor HOST:PORT [options]    connect as asked, then retry with looser settings (bounded)
                                        and print what the server supports, the chain, which check
                                        failed, why, and the fix; exit 1 when the connection fails
  puretls bridge --listen PORT --allow HOST:PORT[,...] [--host ADDR]
                                        a development WebSocket-to-TCP bridge for puretls/websocket
                                        (ws://ADDR:PORT/HOST:PORT); forwards bytes only, only to the
                                        allowed targets (others: HTTP 403); needs the ws package
  puretls help | --help                 this text
  puretls --version                     the version

Options of connect (and doctor):
  --ca FILE              trust anchors (PEM or DER); repeatable
  --verify MODE          none | optional | required (default required); optional reports
                         certificate failures in verify= and goes on
  --servername NAME      SNI and the name to verify (default HOST; for an IP address the IP is
                         verified and no SNI is sent)
  --ignore FLAG,...      certificate failure flags to accept (e.g. EXPIRED)
  --min-version V        1.2 | 1.3
  --max-version V        1.2 | 1.3
  --ciphers LIST         cipher suites, IANA names, comma-separated, in preference order
  --groups LIST          named groups, IANA names (X25519MLKEM768, x25519, secp256r1, ...)
  --sigalgs LIST         signature schemes (ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, ...)
  --alpn LIST            ALPN protocols (h2,http/1.1)
  --send TEXT            send TEXT after the handshake (\\r \\n \\t \\\\ \\xHH escapes);
                         without it, stdin is sent; on stdin a line "k" sends a KeyUpdate,
                         "K" one that asks the server to update too (not with --quiet)
  --cert FILE --key FILE client certificate chain (PEM/DER, leaf first) and its private key
                         (PKCS#8, PKCS#1, SEC1, or encrypted PKCS#8 with --pass)
  --pfx FILE             client certificate and key from a PKCS#12 file (with --pass)
  --pass PW              passphrase of an encrypted --key or of --pfx
  --psk HEX --psk-identity ID
                         external pre-shared key (TLS 1.3, and the TLS 1.2 PSK suites)
  --psk-mode MODE        psk_dhe_ke (default, with (EC)DHE) | psk_ke (TLS 1.3, no DHE)
  --timeout MS           give up on a handshake that takes longer (default 30000)
  --now TIME             check certificate validity at TIME (ISO 8601) instead of the clock
  --max-frag N           ask for records of at most N bytes: 512 | 1024 | 2048 | 4096
                         (max_fragment_length, and record_size_limit with the same value)
  --record-size-limit N  offer record_size_limit N (64..16385)
  --max-handshake-size N largest Certificate message accepted (default 102400)
  --key-update-after N   TLS 1.3: send a KeyUpdate after every N bytes sent
  --allow-legacy-renegotiation
                         accept a TLS 1.2 server without secure renegotiation (RFC 5746)
  --keylog FILE          append NSS key log lines (SSLKEYLOGFILE format) to FILE: secrets!
                         Without it, the SSLKEYLOGFILE environment variable names the file
  --debug LEVEL          none | error | state | info | verbose (verbose prints secrets)
  --trace json           every trace event as one JSON line on stderr (docs/trace.md);
                         --trace-file FILE writes them there, --trace-secrets adds secrets
  --quiet                no handshake summary line
  --show-certs           print each certificate the server sent (subject, issuer, names,
                         validity, key, signature, SHA-256 fingerprint, verdict and why)

Output: the received application data on stdout; on stderr one line
  handshake: protocol=TLSv1.3 cipher=... group=... sigalg=... alpn=... resumed=no verify=ok
and, on failure, "error: CODE: explanation". Exit status: 0 ok, 1 TLS or network error,
2 usage error (BAD_CONFIG).
`;
