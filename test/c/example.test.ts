/**
 * The generated example and build files work as a user would use them: `make run` in example/, the
 * CMake fragment through add_subdirectory (two models in one project sharing the kernels), and the
 * public header from C++ (Arduino sketches and many Zephyr apps are C++).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { KERNEL_SOURCES } from '../../compiler/emit/c/kernel-sources.js';
import { runModel } from '../../compiler/reference/interpreter.js';
import { quantizeInput } from '../../compiler/reference/io.js';
import { BUNDLED_MODELS } from '../../scripts/code-size/bundled-models.js';
import { bundledModel } from '../helpers/bundled-models.js';
import { execFileAsync, spawnAsync } from '../helpers/child-process.js';
import { loadVectors } from '../helpers/vectors.js';
import { removeDir, tempDir } from './c-build.js';

let work: string;
beforeAll(() => {
  work = tempDir('example');
});
afterAll(() => removeDir(work));

async function make(dir: string, target: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await spawnAsync('make', ['-s', target, 'CFLAGS=-std=c99 -O2 -Wall -Wextra -pedantic -Werror'], { cwd: dir });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

const hasCmake = spawnSync('cmake', ['--version']).status === 0;
const hasCxx = spawnSync('g++', ['--version']).status === 0;
if (!hasCmake) console.warn('SKIP: cmake not found — the CMake fragment test is skipped (apt-get install cmake)');
if (!hasCxx) console.warn('SKIP: g++ not found — the C++ include test is skipped (apt-get install g++)');

describe('generated example', () => {
  it('make run: test-set rows, bit-exact check passes and prints the reference codes', async () => {
    const { qmodel: q, test } = await bundledModel(BUNDLED_MODELS[2]);
    const rows = 3;
    const dir = join(work, 'iris');
    const features = test.features.subarray(0, rows * test.featureNames.length);
    emitC(q, dir, { command: 'firmnet emit iris.q.json --target c', exampleRows: { features, rows, description: 'the first 3 rows of models/data/iris/test.csv' } });
    const r = await make(join(dir, 'example'), 'run');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('all 3 rows match the golden reference bit for bit');
    const expected = runModel(q, quantizeInput(q, Float32Array.from(features), rows), rows);
    for (let row = 0; row < rows; row++) {
      const codes = Array.from(expected.subarray(row * 3, row * 3 + 3)).join(' ');
      expect(r.stdout).toContain(`row ${row}: codes ${codes}\n`);
    }
    expect(r.stdout).toMatch(/row 0: scores [0-9.e -]+ -> \S+/);
  });

  it('make run: default synthetic rows, for an all-int16 model (int16 API)', async () => {
    const v = loadVectors().find((x) => x.name === 'iris-int16-all');
    if (!v) throw new Error('vector iris-int16-all missing');
    const dir = join(work, 'int16');
    emitC(v.qmodel, dir, {});
    const r = await make(join(dir, 'example'), 'run');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('all 4 rows match the golden reference bit for bit');
  });

  it('the example reports a mismatch (the check can fail)', async () => {
    const { qmodel: q } = await bundledModel(BUNDLED_MODELS[2]);
    const dir = join(work, 'tampered');
    emitC(q, dir, {});
    const main = join(dir, 'example', 'main.c');
    // Flip the first expected output code.
    const text = readFileSync(main, 'utf8');
    const tampered = text.replace(/(example_expected\[EXAMPLE_ROWS\]\[IRIS_OUTPUT_SIZE\] = \{\n {4}\{ )(-?\d+)/, (_, head: string, n: string) => `${head}${Number(n) === 0 ? 1 : 0}`);
    expect(tampered).not.toBe(text);
    writeFileSync(main, tampered);
    const r = await make(join(dir, 'example'), 'run');
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('1 values differ from the golden reference');
  });
});

describe.skipIf(!hasCmake)('CMake fragment', () => {
  it('two models in one project via add_subdirectory share the kernels; both examples run', async () => {
    const project = join(work, 'cmake-project');
    const a = (await bundledModel(BUNDLED_MODELS[2])).qmodel;
    const b = loadVectors().find((x) => x.name === 'digits-gelu-mixed')?.qmodel;
    if (!b) throw new Error('vector digits-gelu-mixed missing');
    emitC(a, join(project, 'iris'), {});
    emitC(b, join(project, 'digits_gelu'), {});
    writeFileSync(
      join(project, 'CMakeLists.txt'),
      'cmake_minimum_required(VERSION 3.13)\nproject(firmnet_cmake_test C)\nset(FIRMNET_BUILD_EXAMPLE ON)\nadd_subdirectory(iris)\nadd_subdirectory(digits_gelu)\n',
    );
    const build = join(project, 'build');
    await execFileAsync('cmake', ['-S', project, '-B', build, '-DCMAKE_BUILD_TYPE=Release', '-DCMAKE_C_FLAGS=-Wall -Wextra -pedantic -Werror']);
    await execFileAsync('cmake', ['--build', build]);
    const names = [`${build}/iris/iris_example`, `${build}/digits_gelu/digits_gelu_mixed_example`];
    for (const exe of names) {
      const out = await execFileAsync(exe, []);
      expect(out).toContain('match the golden reference bit for bit');
    }
  });
});

describe.skipIf(!hasCxx)('C++ users', () => {
  it('a C++ file includes the model header and links against the C objects', async () => {
    const { qmodel: q } = await bundledModel(BUNDLED_MODELS[2]);
    const dir = join(work, 'cxx');
    emitC(q, dir, {});
    writeFileSync(
      join(dir, 'sketch.cpp'),
      '#include "iris.h"\n#include <cstdio>\nint main() {\n  float in[IRIS_INPUT_SIZE] = {5.1f, 3.5f, 1.4f, 0.2f};\n  float out[IRIS_OUTPUT_SIZE];\n  iris_predict(in, out);\n  std::printf("%s\\n", iris_class_names[0]);\n  return 0;\n}\n',
    );
    const sources = ['iris.c', 'iris_predict.c', ...KERNEL_SOURCES];
    for (const src of sources) await execFileAsync('gcc', ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', '-c', src], { cwd: dir });
    await execFileAsync('g++', ['-std=c++11', '-Wall', '-Wextra', '-Werror', '-o', 'sketch', 'sketch.cpp', ...sources.map((s) => s.replace(/\.c$/, '.o')), '-lm'], { cwd: dir });
    expect(await execFileAsync(join(dir, 'sketch'), [])).toBe(`${q.classNames[0]}\n`);
  });
});
