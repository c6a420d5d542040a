/**
 * IP address literals: recognising them (an IP is never sent as SNI, RFC 6066 §3) and turning
 * them into the bytes an iPAddress SAN holds (RFC 5280 §4.2.1.6). Dependency-free so that the
 * browser bundle does not pull in node:net.
 */

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function parseIPv4(s: string): Uint8Array | undefined {
  if (!V4.test(s)) return undefined;
  return Uint8Array.from(s.split('.').map(Number));
}

export function parseIPv6(s: string): Uint8Array | undefined {
  let str = s;
  const pct = str.indexOf('%');
  if (pct >= 0) return undefined; // zone ids are not addresses a certificate can name
  let tail: number[] = [];
  const lastColon = str.lastIndexOf(':');
  if (str.includes('.') && lastColon >= 0) {
    const v4 = parseIPv4(str.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    str = str.slice(0, lastColon + 1) + '0:0';
    tail.length = 2;
  }
  const parts = str.split('::');
  if (parts.length > 2) return undefined;
  const parseGroups = (p: string): number[] | undefined => {
    if (p === '') return [];
    const gs = p.split(':');
    const out: number[] = [];
    for (const g of gs) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(parts[0]!);
  const rest = parts.length === 2 ? parseGroups(parts[1]!) : [];
  if (!head || !rest) return undefined;
  let groups: number[];
  if (parts.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array(fill).fill(0), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  if (tail.length === 2) {
    groups[6] = tail[0]!;
    groups[7] = tail[1]!;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** The address bytes (4 or 16), or undefined when `s` is not an IP literal. */
export function parseIP(s: string): Uint8Array | undefined {
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  return parseIPv4(bare) ?? parseIPv6(bare);
}

export function isIP(s: string): boolean {
  return parseIP(s) !== undefined;
}
