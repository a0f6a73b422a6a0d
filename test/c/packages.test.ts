/**
 * The package manifests in the C output, each used as its build system uses it:
 * - PlatformIO: library.json names a valid library, and the files its srcDir/srcFilter/includeDir/
 *   flags select build and run (the library builder's selection, repeated here with gcc).
 * - Zephyr: zephyr/module.yml validated against the documented module.yml format (pykwalify),
 *   zephyr/Kconfig read by kconfiglib (the Kconfig implementation Zephyr uses) inside the menu Zephyr
 *   generates for a module, and zephyr/CMakeLists.txt configured and built by CMake in a stub Zephyr
 *   layout (the zephyr_library_* functions, modules added with add_subdirectory, libraries linked
 *   whole-archive): two models in one image share one copy of the kernels and both classify rows as
 *   the golden reference does.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetForModel } from '../../compiler/data/dataset.js';
import { cFloat } from '../../compiler/emit/c/c-syntax.js';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { KERNEL_SOURCES } from '../../compiler/emit/c/kernel-sources.js';
import { argmaxRows } from '../../compiler/evaluate/metrics.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { loadVectors } from '../helpers/vectors.js';
import { removeDir, tempDir } from './c-build.js';
import { CHECK_KCONFIG, CHECK_MODULE_YML, MODULE_SCHEMA, ZEPHYR_PYTHON, buildStubZephyrApp } from './package-builds.js';

const run = promisify(execFile);
const hasCmake = spawnSync('cmake', ['--version']).status === 0;
if (!hasCmake) console.warn('SKIP: cmake not found — the Zephyr module build is skipped (apt-get install cmake)');

let work: string;
beforeAll(() => {
  work = tempDir('packages');
});
afterAll(() => removeDir(work));

const vectors = loadVectors();
const MODELS: { vector: string; name: string; csv: string }[] = [
  { vector: 'digits-leaky-per-tensor', name: 'digits', csv: 'models/data/digits/test.csv' },
  { vector: 'iris-softmax-head', name: 'iris', csv: 'models/data/iris/test.csv' },
];

/** The reference's classes for the first rows of a model's test CSV, and those rows. */
function rowsAndClasses(q: QModel, csv: string, rows: number): { features: Float32Array; classes: number[] } {
  const data = loadDatasetForModel(q, csv);
  const features = data.features.subarray(0, rows * q.featureNames.length);
  const { scores, cols } = predictQuantized(q, Float32Array.from(features), rows);
  return { features: Float32Array.from(features), classes: Array.from(argmaxRows(scores, rows, cols)) };
}

/** A main.c that classifies embedded rows with each model and prints `<model> <class_index>` per row. */
function classifyMain(models: { name: string; q: QModel; features: Float32Array; rows: number }[]): string {
  const parts = models.map(
    (m) =>
      `static const float ${m.name}_rows[${m.rows}][${m.q.featureNames.length}] = {\n${Array.from({ length: m.rows }, (_, r) => `    { ${Array.from(m.features.subarray(r * m.q.featureNames.length, (r + 1) * m.q.featureNames.length), cFloat).join(', ')} }`).join(',\n')}\n};\n`,
  );
  const calls = models.map((m) => `    for (r = 0; r < ${m.rows}; ++r) {\n        ${m.name}_result_t result;\n        ${m.name}_classify(${m.name}_rows[r], &result);\n        printf("${m.name} %ld\\n", (long)result.class_index);\n    }\n`);
  return `#include <stdio.h>\n${models.map((m) => `#include "${m.name}.h"\n`).join('')}\n${parts.join('\n')}\nint main(void) {\n    int r;\n${calls.join('')}    return 0;\n}\n`;
}

describe('PlatformIO: library.json in the C output', () => {
  it('names a valid library, and the files it selects build into a program that classifies like the reference', async () => {
    const q = vectors.find((v) => v.name === MODELS[0].vector)!.qmodel;
    const dir = join(work, 'pio', 'digits');
    const { names } = emitC(q, dir, { name: 'digits', command: 'test/c packages', packageVersion: '0.4.2' });
    const manifest = JSON.parse(readFileSync(join(dir, 'library.json'), 'utf8'));
    // PlatformIO's library names: lower-case letters, digits and single dashes inside, at most 50 characters.
    expect(manifest.name).toBe('digits');
    expect(manifest.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(manifest.version).toBe('0.4.2');
    expect(manifest.description.length).toBeLessThanOrEqual(255);
    expect(manifest.headers).toBe(names.header);
    expect(manifest.build).toEqual({ srcDir: '.', includeDir: '.', srcFilter: ['+<*.c>', '-<example/>', '-<zephyr/>'], flags: ['-ffp-contract=off'] });
    // srcDir '.' with +<*.c>: the C files at the top of the folder, none under example/ or zephyr/.
    const sources = spawnSync('find', [dir, '-maxdepth', '1', '-name', '*.c'], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    expect(sources.map((s) => s.slice(dir.length + 1))).toEqual([names.source, names.predictSource, ...KERNEL_SOURCES].sort());
    const { features, classes } = rowsAndClasses(q, MODELS[0].csv, 8);
    const main = join(work, 'pio', 'main.c');
    writeFileSync(main, classifyMain([{ name: 'digits', q, features, rows: 8 }]));
    const exe = join(work, 'pio', 'app');
    const { stderr } = await run('gcc', ['-std=gnu11', '-Wall', '-Wextra', '-Werror', ...manifest.build.flags, `-I${join(dir, manifest.build.includeDir)}`, '-o', exe, main, ...sources, '-lm']);
    expect(stderr).toBe('');
    const { stdout } = await run(exe, []);
    expect(stdout.trimEnd().split('\n')).toEqual(classes.map((c) => `digits ${c}`));
  });
});

describe.skipIf(!hasCmake)('Zephyr: the C output is a module', () => {
  const emitted = MODELS.map((m) => {
    const q = vectors.find((v) => v.name === m.vector)!.qmodel;
    return { ...m, q, ...rowsAndClasses(q, m.csv, 6) };
  });
  let modules: string[];
  beforeAll(() => {
    modules = emitted.map((m) => {
      const dir = join(work, 'zephyr', 'modules', m.name);
      emitC(m.q, dir, { name: m.name, command: 'test/c packages' });
      return dir;
    });
  });

  it.skipIf(!ZEPHYR_PYTHON)('module.yml has the documented format and points at the module\'s CMakeLists.txt and Kconfig; kconfiglib reads the Kconfig', async () => {
    const kconfig: string[] = ['mainmenu "stub Zephyr application"'];
    for (const [i, dir] of modules.entries()) {
      const { stdout } = await run(ZEPHYR_PYTHON!, ['-c', CHECK_MODULE_YML, join(dir, 'zephyr', 'module.yml'), MODULE_SCHEMA]);
      const meta = JSON.parse(stdout);
      expect(meta).toEqual({ name: `firmnet_${emitted[i].name}`, build: { cmake: 'zephyr', kconfig: 'zephyr/Kconfig' } });
      expect(existsSync(join(dir, meta.build.cmake, 'CMakeLists.txt'))).toBe(true);
      expect(existsSync(join(dir, meta.build.kconfig))).toBe(true);
      // The menu Zephyr's build generates for each module (its name, sanitized, makes ZEPHYR_<NAME>_MODULE).
      const symbol = `ZEPHYR_${meta.name.replace(/[^a-zA-Z0-9]/g, '_').toUpperCase()}_MODULE`;
      kconfig.push(`menu "${meta.name} (${dir})"`, `osource "${join(dir, meta.build.kconfig)}"`, `config ${symbol}`, '\tbool', '\tdefault y', 'endmenu');
    }
    const top = join(work, 'zephyr', 'Kconfig');
    writeFileSync(top, `${kconfig.join('\n')}\n`);
    const prj = join(work, 'zephyr', 'prj.conf');
    writeFileSync(prj, 'CONFIG_FIRMNET_DIGITS=y\nCONFIG_FIRMNET_IRIS=y\n');
    const { stdout } = await run(ZEPHYR_PYTHON!, ['-c', CHECK_KCONFIG, top, prj, join(work, 'zephyr', '.config')]);
    expect(stdout.trim().split('\n').sort()).toEqual(['FIRMNET_DIGITS=y', 'FIRMNET_IRIS=y']);
  });

  function build(name: string, enabled: string[]): Promise<string> {
    const main = classifyMain(emitted.filter((m) => enabled.includes(m.name)).map((m) => ({ name: m.name, q: m.q, features: m.features, rows: 6 })));
    const config = Object.fromEntries(MODELS.map((m) => [`CONFIG_FIRMNET_${m.name.toUpperCase()}`, enabled.includes(m.name)]));
    return buildStubZephyrApp(join(work, 'zephyr', name), modules, config, main);
  }

  it('two modules in one image: the kernels built once, both models classify as the reference does', async () => {
    const exe = await build('both', ['digits', 'iris']);
    const { stdout } = await run(exe, []);
    expect(stdout.trimEnd().split('\n')).toEqual(emitted.flatMap((m) => m.classes.map((c) => `${m.name} ${c}`)));
  });

  it('with the first module switched off, the second still brings the kernels', async () => {
    const exe = await build('iris-only', ['iris']);
    const { stdout } = await run(exe, []);
    expect(stdout.trimEnd().split('\n')).toEqual(emitted[1].classes.map((c) => `iris ${c}`));
  });
});
