/**
 * The library's explanations speak of options (`minVersion`, `ca`); the CLI speaks of flags.
 * This table rewrites option names in an explanation into the flags that set them: a name in
 * backticks anywhere, and the `option:` prefix of a BAD_CONFIG explanation.
 */
const FLAG_FOR_OPTION: Readonly<Record<string, string>> = {
  ca: '--ca',
  verify: '--verify',
  servername: '--servername',
  minVersion: '--min-version',
  maxVersion: '--max-version',
  ciphers: '--ciphers',
  groups: '--groups',
  sigalgs: '--sigalgs',
  alpn: '--alpn',
  ignore: '--ignore',
  timeout: '--timeout',
  handshakeTimeout: '--timeout',
  maxFragmentLength: '--max-frag',
  recordSizeLimit: '--record-size-limit',
  maxHandshakeSize: '--max-handshake-size',
  allowLegacyRenegotiation: '--allow-legacy-renegotiation',
  keyUpdateAfterBytes: '--key-update-after',
  keyLog: '--keylog',
  now: '--now',
  cert: '--cert',
  key: '--key',
  pfx: '--pfx',
  passphrase: '--pass',
  psk: '--psk',
  pskMode: '--psk-mode',
};

/** The explanation with option names replaced by the CLI flags that set them. */
export function explanationForCli(text: string): string {
  return text
    .replace(/^(\w+):/, (m, name: string) => (FLAG_FOR_OPTION[name] ? `${FLAG_FOR_OPTION[name]}:` : m))
    .replace(/`(\w+)`/g, (m, name: string) => FLAG_FOR_OPTION[name] ?? m);
}
