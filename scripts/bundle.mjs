#!/usr/bin/env node
/**
 * Bundles the compiled entries (dist/src, from tsc) into dist/bundle with esbuild: one ESM file
 * per package export plus shared chunks (code splitting, so every entry shares one copy of each
 * class: a `TlsError` from `puretls/node` is the `TlsError` of `puretls`), the noble, pkijs and
 * asn1js code included, the optional peer dependencies (undici, ws, mqtt, pg, ioredis) and Node's
 * built-ins left as imports. A dynamic `import()` stays a separate chunk, loaded when it runs (the
 * encrypted-key reader with pkijs, the CLI's commands).
 *
 * Why: Node loads one file far faster than the ~150 modules of dist/src and its dependencies
 * (resolution, file reads and one compilation per module dominate an import of the root entry;
 * bench/cold.ts measures it). package.json's exports and bin point here; the type declarations
 * stay in dist/src. Run by `npm run build` after tsc. Usage: node scripts/bundle.mjs
 */
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * Output name → compiled entry, read from package.json: each export whose `default` is
 * ./dist/bundle/<name>.js is built from the .js beside its `types` (dist/src/...); the CLI
 * (bin/puretls.js imports dist/bundle/cli.js) from dist/src/cli/main.js.
 */
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const entries = { cli: join(root, 'dist', 'src', 'cli', 'main.js') };
for (const [name, target] of Object.entries(pkg.exports)) {
  const m = typeof target === 'object' ? /^\.\/dist\/bundle\/([a-z0-9]+)\.js$/.exec(target.default) : null;
  if (!m) continue; // ./roots (generated data, not bundled) and ./package.json
  if (!target.types?.endsWith('.d.ts')) throw new Error(`package.json exports ${name}: no types to find its source by`);
  entries[m[1]] = join(root, target.types.replace(/\.d\.ts$/, '.js'));
}

/**
 * @noble/ciphers builds its AES lookup tables (1.3 MB, forward and inverse) when aes.js is
 * evaluated, the largest single cost of importing puretls. In the bundle they are built on first
 * use instead: the two `const tableX = genTtable(...)` become memoised functions and their five
 * readers call them. Only this file changes, only these lines; the build fails if noble's source
 * no longer has exactly them (a new noble version: check, then adjust the counts), so nothing is
 * ever left half-rewritten. AES-GCM and AES-CCM never touch the inverse tables.
 */
const lazyAesTables = {
  name: 'lazy-aes-tables',
  setup(b) {
    b.onLoad({ filter: /[\\/]@noble[\\/]ciphers[\\/]aes\.js$/ }, async (args) => {
      let code = await readFile(args.path, 'utf8');
      const defs = /^const (tableEncoding|tableDecoding) = \/\* @__PURE__ \*\/ (genTtable\(.*\));$/gm;
      const uses = /^( +const \{[\w, ]+\} = )(tableEncoding|tableDecoding);$/gm;
      const nDefs = [...code.matchAll(defs)].length;
      const nUses = [...code.matchAll(uses)].length;
      const nAll = [...code.matchAll(/\btable(?:En|De)coding\b/g)].length;
      if (nDefs !== 2 || nUses !== 5 || nAll !== 7) {
        throw new Error(`lazy-aes-tables: ${args.path} changed (definitions ${nDefs}/2, readers ${nUses}/5, mentions ${nAll}/7)`);
      }
      code = code.replace(defs, 'const $1 = /* @__PURE__ */ (() => { let t; return () => t || (t = $2); })();');
      code = code.replace(uses, '$1$2();');
      return { contents: code, loader: 'js' };
    });
  },
};

const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['undici', 'ws', 'mqtt', 'pg', 'ioredis'],
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  sourcemap: true, // linked .map files: node --enable-source-maps gives the dist/src lines
  plugins: [lazyAesTables],
  logLevel: 'warning',
});
