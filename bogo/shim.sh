#!/bin/sh
# puretls' BoGo shim front (bogo/README.md): decline what the Node shim would decline anyway,
# before Node starts (a Node start costs ~0.1 s; ~4,000 of BoGo's tests are server, DTLS or
# QUIC tests, and many client tests need features puretls does not have).
# Exit 89 = unimplemented (a skip under the runner's -allow-unimplemented).
# The flag list below equals UNIMPLEMENTED_FLAGS in bogo/flags.ts (test/bogo/flags.test.ts).
for a in "$@"; do
  case "$a" in
    -server|-dtls|-quic) exit 89 ;;
    -resume-count|-expect-session-miss|-expect-no-session|-expect-ticket-renewal| \
    -resumption-delay|-enable-early-data|-expect-ticket-supports-early-data| \
    -expect-early-data-reason|-expect-no-offer-early-data|-on-resume-no-ticket| \
    -new-x509-credential|-expect-selected-credential|-expect-certificate-types| \
    -expect-client-ca-list|-fail-cert-callback|-expect-peer-verify-pref| \
    -require-any-client-certificate|-tls-unique|-export-traffic-secrets| \
    -use-exporter-between-reads|-cipher|-expect-cipher-aes|-expect-cipher-no-aes| \
    -renegotiate-freely|-renegotiate-once|-renegotiate-explicit|-renegotiate-ignore|-false-start| \
    -allow-false-start-without-alpn|-forbid-renegotiation-after-handshake|-psk|-psk-identity| \
    -enable-grease|-permute-extensions|-fallback-scsv|-enable-signed-cert-timestamps| \
    -expect-signed-cert-timestamps|-signed-cert-timestamps|-ech-config-list|-expect-ech-accept| \
    -enable-ech-grease|-expect-ech-retry-configs|-expect-no-ech-retry-configs| \
    -expect-ech-name-override|-expect-no-ech-name-override|-select-next-proto| \
    -select-empty-next-proto|-send-channel-id|-application-settings| \
    -expect-peer-application-settings|-alps-use-new-codepoint|-new-spake2plusv1-credential| \
    -pake-context|-pake-client-id|-pake-server-id|-pake-password|-wrong-pake-role|-srtp-profiles| \
    -quic-transport-params|-quic-use-legacy-codepoint|-install-cert-compression-algs| \
    -send-alert|-peek-then-read|-partial-write|-read-with-unfinished-write| \
    -write-different-record-sizes|-cbc-record-splitting|-max-send-fragment|-key-update| \
    -key-update-before-read|-expect-msg-callback|-handshake-twice|-no-op-extra-handshake| \
    -handshake-never-done|-max-cert-list|-allow-unknown-alpn-protos|-ocsp-response| \
    -fail-ocsp-callback|-ignore-rsa-key-usage|-expect-key-usage-invalid| \
    -expect-secure-renegotiation|-expect-no-secure-renegotiation|-write-settings| \
    -wait-for-debugger) exit 89 ;;
  esac
done
here=$(dirname "$0")
exec node "$here/../dist/bogo/shim.js" "$@"
