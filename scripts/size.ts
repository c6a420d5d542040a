/**
 * `npm run size`: the browser bundle of puretls' runtime-neutral entries, built with esbuild for
 * `platform: 'browser'` (a Node built-in anywhere in the graph fails the build), minified, with
 * code splitting, as an application bundler (esbuild, Vite, webpack) builds it: a dynamic
 * `import()` becomes a chunk loaded only when that code runs. For each entry it prints
 *
 * - the code loaded up front: the entry's file and every chunk it imports statically;
 * - the code loaded on demand: the chunks reached only through `import()` (the encrypted
 *   PKCS#8 / PKCS#12 reader, with pkijs and asn1js, behind `loadIdentity`);
 *
 * each minified and gzipped (level 9, file by file, summed: what a browser downloads). The
 * up-front code of the root entry is then split by origin (puretls' X.509, the rest of puretls,
 * each noble package), the minified bytes from esbuild's metafile and the gzip share in
 * proportion (marked ≈). The metafiles are written to dist/size/*.meta.json (load one into
 * esbuild's bundle analyzer to see every input): root, websocket, x509.
 */
import { build, type Metafile } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(ROOT, 'dist', 'size');

interface Part {
  min: number;
  gz: number;
}

interface Measured {
  upFront: Part;
  onDemand: Part;
  /** Inputs (path → minified bytes) of the up-front files. */
  inputs: Map<string, number>;
}

async function measure(name: string, entry: string): Promise<Measured> {
  const r = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    splitting: true,
    outdir: join(OUT, 'out'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const meta: Metafile = r.metafile;
  writeFileSync(join(OUT, `${name}.meta.json`), JSON.stringify(meta));
  const code = new Map(r.outputFiles.map((f) => [f.path.slice(ROOT.length + 1), f.contents]));
  const outputs = meta.outputs;
  const start = Object.keys(outputs).find((k) => outputs[k]!.entryPoint !== undefined)!;
  // The static closure: the entry and what it imports with `import` statements, transitively.
  const upFront = new Set<string>();
  const todo = [start];
  while (todo.length) {
    const k = todo.pop()!;
    if (upFront.has(k)) continue;
    upFront.add(k);
    for (const i of outputs[k]!.imports) if (i.kind === 'import-statement') todo.push(i.path);
  }
  const sum = (keys: string[]): Part => {
    let min = 0;
    let gz = 0;
    for (const k of keys) {
      const c = code.get(k);
      if (c === undefined || !k.endsWith('.js')) continue;
      min += c.length;
      gz += gzipSync(c, { level: 9 }).length;
    }
    return { min, gz };
  };
  const inputs = new Map<string, number>();
  for (const k of upFront) for (const [p, i] of Object.entries(outputs[k]!.inputs)) inputs.set(p, (inputs.get(p) ?? 0) + i.bytesInOutput);
  return {
    upFront: sum([...upFront]),
    onDemand: sum(Object.keys(outputs).filter((k) => !upFront.has(k))),
    inputs,
  };
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

/** Where an input comes from: puretls' X.509, the rest of puretls, or a package. */
function origin(path: string): string {
  if (/dist\/src\/x509\//.test(path)) return 'puretls X.509 (src/x509)';
  if (/dist\/src\//.test(path)) return 'puretls, the rest (records, handshake, config, transports)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  return m ? m[1]! : path;
}

/** The size tables as Markdown (printed by `npm run size`, included in `npm run bench`'s report). */
export async function sizeReport(): Promise<string> {
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  mkdirSync(OUT, { recursive: true });
  const entries: [string, string, string][] = [
    ['`puretls` (root entry)', 'root', 'dist/src/index.js'],
    ['`puretls/websocket`', 'websocket', 'dist/src/transport/websocket.js'],
    ['`puretls/x509`', 'x509', 'dist/src/x509/index.js'],
  ];
  const results: [string, Measured][] = [];
  for (const [label, name, entry] of entries) results.push([label, await measure(name, entry)]);

  log('| entry | up front: minified | up front: gzipped | on demand (import()): minified | gzipped |\n|---|---|---|---|---|');
  for (const [name, m] of results) {
    log(`| ${name} | ${kb(m.upFront.min)} | **${kb(m.upFront.gz)}** | ${m.onDemand.min ? kb(m.onDemand.min) : '—'} | ${m.onDemand.gz ? kb(m.onDemand.gz) : '—'} |`);
  }

  const root = results[0]![1];
  const byOrigin = new Map<string, number>();
  for (const [p, n] of root.inputs) byOrigin.set(origin(p), (byOrigin.get(origin(p)) ?? 0) + n);
  const total = [...byOrigin.values()].reduce((a, b) => a + b, 0);
  log('\nThe root entry, up front, by origin:\n\n| origin | minified | gzipped (≈ share) |\n|---|---|---|');
  for (const [o, n] of [...byOrigin].sort((a, b) => b[1] - a[1])) {
    log(`| ${o} | ${kb(n)} | ≈ ${kb((root.upFront.gz * n) / total)} |`);
  }
  const biggest = [...root.inputs]
    .map(([p, n]) => [p.replace(/^.*node_modules\//, '').replace(/^.*dist\/src\//, 'src/'), n] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10);
  log(`\nlargest inputs up front: ${biggest.map(([p, n]) => `${p} ${kb(n)}`).join(', ')}`);
  log(`metafiles: ${join('dist', 'size')}/*.meta.json`);
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(await sizeReport());
