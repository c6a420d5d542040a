/**
 * design.md "Packaging": the root entry (and `puretls/x509`) must not drag Node built-ins into a
 * browser bundle. Follows every relative import from the entry points and checks the sources.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_ROOT } from './helpers/env.js';

function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const todo = [resolve(PROJECT_ROOT, entry)];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)) {
      const spec = (m[1] ?? m[2])!;
      const ts = resolve(dirname(f), spec.replace(/\.js$/, '.ts'));
      if (existsSync(ts)) todo.push(ts);
    }
  }
  return [...seen];
}

describe('runtime-neutral entry points', () => {
  for (const entry of ['src/index.ts', 'src/x509/index.ts', 'src/diagnose/index.ts', 'src/transport/websocket.ts']) {
    it(`${entry} reaches no Node built-in`, () => {
      const files = reachable(entry);
      expect(files.length).toBeGreaterThan(entry === 'src/index.ts' ? 30 : 5);
      const offenders: string[] = [];
      for (const f of files) {
        const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
        if (/from\s+'node:|require\(|\bBuffer\.|\bprocess\./.test(code)) offenders.push(f.slice(PROJECT_ROOT.length + 1));
      }
      expect(offenders).toEqual([]);
    });
  }

  it('the transports that need Node stay out of the root entry', () => {
    const files = reachable('src/index.ts').map((f) => f.slice(PROJECT_ROOT.length + 1));
    expect(files).not.toContain(join('src', 'transport', 'node.ts'));
    expect(files).not.toContain(join('src', 'transport', 'tls-socket.ts'));
    expect(files).toContain(join('src', 'connection.ts'));
  });
});
