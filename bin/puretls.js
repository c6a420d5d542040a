#!/usr/bin/env node
// The CLI entry: the compiled code is bundled into dist/bundle (npm ci builds it through the `prepare` script).
import { main } from '../dist/bundle/cli.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`error: INTERNAL: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(70);
  },
);
