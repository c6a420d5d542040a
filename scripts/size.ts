/**
 * `npm run size`: the browser bundle of puretls' runtime-neutral entries, built with esbuild
 * for `platform: 'browser'` (a Node built-in anywhere in the graph fails the build), minified,
 * then gzipped (level 9). Prints one Markdown table for the README:
 *
 * - `puretls` (the root entry: ClientConnection + connectStreams, X.509 validation included),
 *   and how much of it is X.509 (src/x509 and the ASN.1 it needs) versus the rest (the core);
 * - `puretls/websocket` (the root entry plus the WebSocket adapter);
 * - `puretls/x509` on its own.
 *
 * The minified bytes of each part come from esbuild's metafile (bytesInOutput); a part's gzip
 * size is measured by gzipping a bundle of that part alone where one exists (the x509 entry),
 * else estimated in proportion (marked ≈).
 */
import { build, type Metafile } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Measured {
  min: number;
  gz: number;
  meta: Metafile;
}

async function bundle(entry: string): Promise<Measured> {
  const r = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = r.outputFiles[0]!.contents;
  return { min: code.length, gz: gzipSync(code, { level: 9 }).length, meta: r.metafile };
}

/** Minified bytes contributed by inputs whose path matches `re`. */
function bytesOf(m: Metafile, re: RegExp): number {
  let n = 0;
  for (const out of Object.values(m.outputs)) {
    for (const [path, i] of Object.entries(out.inputs)) if (re.test(path)) n += i.bytesInOutput;
  }
  return n;
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  const root = await bundle('dist/src/index.js');
  const ws = await bundle('dist/src/transport/websocket.js');
  const x509 = await bundle('dist/src/x509/index.js');
  const x509Part = bytesOf(root.meta, /dist\/src\/x509\//);
  const corePart = root.min - x509Part;
  const rows = [
    ['`puretls` (root entry, browser ESM)', kb(root.min), kb(root.gz)],
    ['  of which X.509 (src/x509)', kb(x509Part), `≈ ${kb((root.gz * x509Part) / root.min)}`],
    ['  of which the rest (core: records, handshake, crypto, noble)', kb(corePart), `≈ ${kb((root.gz * corePart) / root.min)}`],
    ['`puretls/websocket` (root + WebSocket adapter)', kb(ws.min), kb(ws.gz)],
    ['`puretls/x509` alone', kb(x509.min), kb(x509.gz)],
  ];
  console.log('| bundle | minified | gzipped |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  const biggest = Object.entries(root.meta.outputs[Object.keys(root.meta.outputs)[0]!]!.inputs)
    .map(([p, i]) => [p.replace(/^.*node_modules\//, '').replace(/^.*dist\/src\//, 'src/'), i.bytesInOutput] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8);
  console.log(`\nlargest inputs of the root bundle: ${biggest.map(([p, n]) => `${p} ${kb(n)}`).join(', ')}`);
}

void main();
