/**
 * An op's knowledge stays in its own files. LayerNorm is the worked example of docs/architecture.md
 * ("to add an op, touch these files"): outside its op folder and its kernel files, the only sources
 * that may name it are the shared files listed here, each for a reason the doc gives. A new shared
 * file that names it (a switch, a flag, a list entry) fails this test, and so does a listed file
 * that stops naming it (the doc's list would then be stale).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every spelling of the op: the IR and model-file name, the camelCase setting, the flag, the class. */
const NAMES_THE_OP = /layer_norm|layernorm|layer-norm/i;

/**
 * The op's own files: its op folder (with its tests, vectors, README and C kernel files in c/) and
 * its AssemblyScript kernel, which stays in runtime/ with the others (one AssemblyScript module).
 */
const OWN_FILES = [/^compiler\/ops\/layer-norm\//, /^runtime\/layer-norm\.ts$/];

/** The source trees whose files are shared by every op (docs, tests and measured data are counted apart). */
const SOURCE_ROOTS = ['compiler', 'firmware-sim', 'bench', 'scripts', 'runtime'];
const SOURCE_FILE = /\.(ts|c|h|js|mjs)$/;

/** The shared files adding LayerNorm touched, as docs/architecture.md lists them. */
const SHARED_FILES_NAMING_IT = [
  // Its two entries in the one registry file: the float layer kind and the IR op (their types are declared in its folder).
  'compiler/ops/registry.ts',
  // The AssemblyScript module of every kernel (`npm run asbuild`): one re-export line.
  'runtime/index.ts',
];

function sources(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'build') out.push(...sources(root, path));
    } else if (SOURCE_FILE.test(entry.name)) out.push(path);
  }
  return out;
}

describe('where LayerNorm is named', () => {
  it('outside its own files, only in the shared files the architecture doc lists', () => {
    const root = process.cwd();
    const naming = SOURCE_ROOTS.flatMap((dir) => sources(root, dir))
      .filter((path) => !OWN_FILES.some((own) => own.test(path)))
      .filter((path) => NAMES_THE_OP.test(readFileSync(join(root, path), 'utf8')))
      .sort();
    expect(naming).toEqual([...SHARED_FILES_NAMING_IT].sort());
  });

  it('the doc lists the same shared files', () => {
    const doc = readFileSync(join(process.cwd(), 'docs/architecture.md'), 'utf8');
    for (const path of SHARED_FILES_NAMING_IT) expect(doc, path).toContain(`\`${path}\``);
  });
});
