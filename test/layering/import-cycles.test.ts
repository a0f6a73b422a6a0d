/**
 * The import graph stays acyclic: no file imports itself through others, and no folder
 * (compiler/<area>, firmware-sim, bench, scripts) depends on one that depends back on it. The
 * checker itself is pinned on small trees whose cycles are known, so a parser that missed an import
 * form (import type, export-from, import()) would fail here rather than report "none" on the project.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCycles, folderOf, importCycles, importSpecifiers } from '../../scripts/import-graph.js';
import { runAsync } from '../helpers/run-async.js';

const work = mkdtempSync(join(tmpdir(), 'firmnet-import-cycles-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A project tree under `work/name` from { path: source }. */
function tree(name: string, files: Record<string, string>): string {
  const root = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  for (const folder of ['compiler', 'firmware-sim', 'bench', 'scripts']) mkdirSync(join(root, folder), { recursive: true });
  return root;
}

describe('import parsing', () => {
  it('sees every static and literal dynamic import form, and only relative ones', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "import * as c from './c.js';",
      "import './side-effect.js';",
      "export { d } from './d.js';",
      "export type { E } from './e.js';",
      "export * from './f.js';",
      "import g = require('./g.js');",
      "type H = typeof import('./h.js');",
      "const i = await import('./i.js');",
      "const j = await import(someVariable);",
      "import yargs from 'yargs';",
      "import { readFileSync } from 'node:fs';",
      "// import { k } from './comment.js';",
      "const text = \"import { l } from './string.js'\";",
    ].join('\n');
    expect(importSpecifiers('x.ts', source)).toEqual(['./a.js', '../b.js', './c.js', './side-effect.js', './d.js', './e.js', './f.js', './g.js', './h.js', './i.js']);
  });

  it('groups files by area, and keeps the modules directly in compiler/ apart', () => {
    expect(folderOf('compiler/emit/c/c-syntax.ts')).toBe('compiler/emit');
    expect(folderOf('compiler/cli/commands/train.ts')).toBe('compiler/cli');
    expect(folderOf('compiler/errors.ts')).toBe('compiler/errors.ts');
    expect(folderOf('firmware-sim/qemu/bare-metal.ts')).toBe('firmware-sim');
    expect(folderOf('scripts/code-size/report.ts')).toBe('scripts');
  });
});

describe('cycle finding', () => {
  it('finds each strongly connected component with the shortest cycle through each of its edges', () => {
    const edges = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'a' },
      { from: 'c', to: 'b' },
      { from: 'c', to: 'd' },
      { from: 'd', to: 'e' },
      { from: 'x', to: 'y' },
      { from: 'y', to: 'x' },
    ];
    const cycles = findCycles(edges);
    expect(cycles.map((c) => c.members)).toEqual([
      ['a', 'b', 'c'],
      ['x', 'y'],
    ]);
    expect(cycles[0].paths).toEqual([
      ['b', 'c', 'b'],
      ['a', 'b', 'c', 'a'],
    ]);
    expect(cycles[0].edges.map((e) => `${e.from}${e.to}`)).toEqual(['ab', 'bc', 'ca', 'cb']);
    expect(cycles[1].paths).toEqual([['x', 'y', 'x']]);
  });

  it('reports nothing for a graph without cycles, however it is shaped', () => {
    const edges: { from: string; to: string }[] = [];
    for (let i = 0; i < 2000; i++) edges.push({ from: `n${i}`, to: `n${i + 1}` }, { from: `n${i}`, to: `n${i + 2}` });
    expect(findCycles(edges)).toEqual([]);
  });

  it('reads a tree from disk: .js specifiers name .ts files, folder cycles carry the file imports behind them', async () => {
    const root = tree('cyclic', {
      'compiler/model/name.ts': "import { MAX } from '../emit/c/syntax.js';\nexport const n = MAX;\n",
      'compiler/emit/c/syntax.ts': 'export const MAX = 32;\n',
      'compiler/emit/c/names.ts': "import type { X } from '../../model/name.js';\nexport type Y = X;\n",
      'compiler/cli/main.ts': "import { run } from './commands/train.js';\nexport type Command = string;\nrun();\n",
      'compiler/cli/commands/train.ts': "import type { Command } from '../main.js';\nexport function run(): Command { return ''; }\n",
      'compiler/errors.ts': 'export class E {}\n',
      'firmware-sim/report.ts': "export * from '../compiler/errors.js';\n",
    });
    const found = importCycles(root);
    expect(found.files).toBe(7);
    expect(found.fileCycles.map((c) => c.members)).toEqual([['compiler/cli/commands/train.ts', 'compiler/cli/main.ts']]);
    expect(found.folderCycles.map((c) => c.members)).toEqual([['compiler/emit', 'compiler/model']]);
    expect(found.folderCycles[0].edges.find((e) => e.from === 'compiler/model')!.witnesses).toEqual([{ from: 'compiler/model/name.ts', to: 'compiler/emit/c/syntax.ts' }]);

    const cyclic = await runAsync(process.execPath, ['dist/scripts/check-import-cycles.js', root]);
    expect(cyclic.status).toBe(1);
    expect(cyclic.stdout).toContain('cycle: compiler/emit -> compiler/model -> compiler/emit');
    expect(cyclic.stdout).toContain('compiler/model/name.ts imports compiler/emit/c/syntax.ts');
    expect(cyclic.stdout).toContain('cycle: compiler/cli/commands/train.ts -> compiler/cli/main.ts -> compiler/cli/commands/train.ts');

    const clean = await runAsync(process.execPath, ['dist/scripts/check-import-cycles.js', tree('acyclic', { 'compiler/model/name.ts': "import { E } from '../errors.js';\nexport const e = E;\n", 'compiler/errors.ts': 'export class E {}\n' })]);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain('folder-level cycles: none');
    expect(clean.stdout).toContain('file-level cycles: none');
  });
});

describe('the project', () => {
  const found = importCycles(process.cwd());

  it('has no file-level import cycle', () => {
    expect(found.fileCycles.map((c) => c.paths[0].join(' -> '))).toEqual([]);
  });

  it('has no folder-level import cycle', () => {
    expect(found.folderCycles.map((c) => c.members)).toEqual([]);
  });
});
