/**
 * IP address literals: recognising them (an IP is never sent as SNI, RFC 6066 §3) and turning
 * them into the bytes an iPAddress SAN holds (RFC 5280 §4.2.1.6), for both the configuration and
 * certificate name matching (x509/hostname.ts). Strict: dotted-quad IPv4 without leading zeros or
 * shorthand; RFC 4291 §2.2 IPv6 text forms ("::" once, an optional trailing dotted quad, hex in
 * either case); no zone ids, no brackets. Dependency-free so that the browser bundle does not
 * pull in node:net.
 */

/** Strict dotted-quad IPv4 (no leading zeros, no shorthand). */
export function parseIPv4(s: string): Uint8Array | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** RFC 4291 §2.2 text forms, including "::" and a trailing dotted quad. Zone ids ("%eth0") are not addresses a certificate can name. */
export function parseIPv6(s: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let tail: Uint8Array | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tail = parseIPv4(s.slice(lastColon + 1));
    if (!tail) return undefined;
    text = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = text.indexOf('::');
  if (dbl !== text.lastIndexOf('::')) return undefined;
  const parseGroups = (t: string): number[] | undefined => {
    if (t === '') return [];
    const out: number[] = [];
    for (const g of t.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = parseGroups(text.slice(0, dbl));
    const rest = parseGroups(text.slice(dbl + 2));
    if (!head || !rest || head.length + rest.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    const all = parseGroups(text);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (tail) out.set(tail, 12);
  return out;
}

/** The address bytes (4 or 16), or undefined when `s` is not an IP literal. */
export function parseIP(s: string): Uint8Array | undefined {
  return s.includes(':') ? parseIPv6(s) : parseIPv4(s);
}

/** Is `s` an IP literal, optionally in URL brackets ("[::1]")? */
export function isIP(s: string): boolean {
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  return parseIP(bare) !== undefined;
}
