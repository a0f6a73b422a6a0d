#!/usr/bin/env node
// The CLI runs from the compiled TypeScript in dist/ (built by `npm install` via `prepare`, or `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/compiler/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('firmnet: error: dist/ is missing; run `npm run build` (or `npm install`) in the firmnet folder first\n');
  process.exit(2);
}
const { runCli } = await import(entry.href);
process.exitCode = await runCli(process.argv.slice(2));
