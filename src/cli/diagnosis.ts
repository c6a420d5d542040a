/**
 * The library's diagnosis (src/diagnose/explain.ts) in the CLI's words: options become flags.
 */
import type { Diagnosis, Fix, OptionRef } from '../diagnose/explain.js';
import { explanationForCli } from './flag-names.js';

const FLAG_OF: Record<string, string> = {
  servername: '--servername',
  ca: '--ca',
  ignore: '--ignore',
  groups: '--groups',
  ciphers: '--ciphers',
  sigalgs: '--sigalgs',
  minVersion: '--min-version',
  maxVersion: '--max-version',
  alpn: '--alpn',
  cert: '--cert',
  key: '--key',
  verify: '--verify',
};

const PLACEHOLDER: Record<string, string> = { ca: 'FILE', cert: 'FILE', key: 'FILE', servername: 'NAME', now: 'YYYY-MM-DDTHH:MM:SSZ' };

export function optionAsFlag(o: OptionRef, target: string): string {
  if (o.option === 'doctor') return `puretls doctor ${target}`;
  const mapped = explanationForCli(`\`${o.option}\``);
  const flag = mapped.startsWith('--') ? mapped : (FLAG_OF[o.option] ?? `--${o.option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  return `${flag} ${o.value ?? PLACEHOLDER[o.option] ?? 'LIST'}`;
}

export function fixLine(x: Fix, target: string): string {
  return x.set?.length ? `${x.text}: ${x.set.map((o) => optionAsFlag(o, target)).join(' ')}` : x.text;
}

/** `cause: ...` and `fix: ...` lines. */
export function diagnosisLines(d: Diagnosis, target: string, withFacts = false): string[] {
  return [`cause: ${d.cause}`, ...(withFacts ? d.facts.map((f) => `  seen: ${f}`) : []), ...d.fixes.map((x) => `fix: ${fixLine(x, target)}`)];
}
