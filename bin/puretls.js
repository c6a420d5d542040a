#!/usr/bin/env node
// The CLI entry: the compiled code lives in dist/ (built by `npm ci` through the `prepare` script).
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`error: INTERNAL: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(70);
  },
);
