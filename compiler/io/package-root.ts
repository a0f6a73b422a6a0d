import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/**
 * The firmnet package folder (holding package.json), found by walking up from this module, so data
 * files (targets, runtime sources) resolve the same from compiled dist/ and from TypeScript sources.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'firmnet') return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the firmnet package folder above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
