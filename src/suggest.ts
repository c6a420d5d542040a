/**
 * "Did you mean ...?" for configuration lists: the valid name nearest to a mistyped one, by
 * edit distance (Levenshtein, case-insensitive), so `ignore: ['EXPIRD']` is refused with a
 * hint at `EXPIRED` instead of being accepted silently.
 */

/** Levenshtein distance between two strings (insert, delete, substitute: cost 1 each). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The candidate nearest to `name` (ties: the first in `candidates`' order). */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const n = name.trim().toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(n, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** `unknown <what> 'X' (nearest valid: 'Y')`, the explanation every list option uses. */
export function unknownEntry(option: string, what: string, name: string, candidates: Iterable<string>): string {
  const near = nearest(name, candidates);
  return `${option}: unknown ${what} ${JSON.stringify(name)}${near !== undefined ? ` (nearest valid: ${JSON.stringify(near)})` : ''}`;
}
