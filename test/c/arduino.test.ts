/**
 * `firmnet emit --target arduino` is built as the Arduino IDE builds a sketch on a Cortex-M4 core:
 * the library's src/*.c with arm-none-eabi-gcc (-std=gnu11), the example .ino as C++ (the IDE's
 * `#include <Arduino.h>` prepended) with arm-none-eabi-g++ against a minimal Arduino.h written here,
 * warnings as errors. The image is then run under QEMU (mps2-an386): the sketch must print the class
 * the golden reference gives for its row, and that the output codes match it bit for bit.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetForModel } from '../../compiler/data/dataset.js';
import { emitArduino } from '../../compiler/emit/arduino/emit-arduino.js';
import { cFloat } from '../../compiler/emit/c/c-syntax.js';
import { KERNEL_FILES, KERNEL_FILE_PATHS } from '../../compiler/emit/c/kernel-sources.js';
import { argmaxRows } from '../../compiler/evaluate/metrics.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { loadCores } from '../../firmware-sim/targets.js';
import { loadVectors } from '../helpers/vectors.js';
import { removeDir, tempDir } from './c-build.js';
import { buildSketch } from './package-builds.js';

const run = promisify(execFile);
const have = (tool: string): boolean => spawnSync('which', [tool]).status === 0;
const TOOLS = ['arm-none-eabi-gcc', 'arm-none-eabi-g++', 'qemu-system-arm'];
const missing = TOOLS.filter((t) => !have(t));
if (missing.length > 0) console.warn(`SKIP: ${missing.join(', ')} not found — the Arduino library build is skipped; run scripts/install-system-deps.sh`);

let work: string;
beforeAll(() => {
  work = tempDir('arduino');
});
afterAll(() => removeDir(work));

describe.skipIf(missing.length > 0)('firmnet emit --target arduino', () => {
  const vector = loadVectors().find((v) => v.name === 'digits-leaky-per-tensor')!;
  const q = vector.qmodel;
  const test = loadDatasetForModel(q, 'models/data/digits/test.csv');
  const row = 5;
  const features = test.features.subarray(row * 64, (row + 1) * 64);

  it('lays out an Arduino library: library.properties, src/ with the model and every kernel file, examples/<name>/<name>.ino', () => {
    const dir = join(work, 'layout');
    const r = emitArduino(q, dir, { command: 'firmnet emit --target arduino', exampleRows: { features, rows: 1, description: 'row 6 of models/data/digits/test.csv' }, packageVersion: '2.3.4' });
    const prefix = r.names.prefix;
    expect(r.files).toEqual(
      ['library.properties', `examples/${prefix}/${prefix}.ino`, ...[`${prefix}.h`, `${prefix}.c`, `${prefix}_data.h`, `${prefix}_predict.c`, ...KERNEL_FILES].map((f) => `src/${f}`)].sort(),
    );
    const properties = readFileSync(join(dir, 'library.properties'), 'utf8');
    expect(properties).toMatch(new RegExp(`^name=firmnet_${prefix}\\nversion=2\\.3\\.4\\nauthor=firmnet \\S+\\nmaintainer=firmnet\\nsentence=.+\\nparagraph=.+\\ncategory=Data Processing\\narchitectures=\\*\\nincludes=${prefix}\\.h\\ndot_a_linkage=true\\n$`));
    // The kernels are the C emitter's copies, byte for byte.
    for (const [f, path] of KERNEL_FILE_PATHS) expect(readFileSync(join(dir, 'src', f), 'utf8')).toContain(readFileSync(resolve(path), 'utf8'));
    expect(() => emitArduino(q, join(work, 'bad-version'), { packageVersion: 'v1' })).toThrow(/package version 'v1' is not MAJOR\.MINOR\.PATCH/);
    // The same IR and options give the same bytes wherever the library is written.
    const again = emitArduino(q, join(work, 'elsewhere', 'layout'), { command: 'firmnet emit --target arduino', exampleRows: { features, rows: 1, description: 'row 6 of models/data/digits/test.csv' }, packageVersion: '2.3.4' });
    for (const f of again.files) expect(readFileSync(join(again.outDir, f)).equals(readFileSync(join(dir, f))), f).toBe(true);
  });

  it('the sketch compiles as C++ with arm-none-eabi-g++ and, run under QEMU, prints the reference\'s class for its row', async () => {
    const dir = join(work, 'sketch');
    const r = emitArduino(q, dir, { command: 'firmnet emit --target arduino', exampleRows: { features, rows: 1, description: 'row 6 of models/data/digits/test.csv' } });
    const core = loadCores().find((c) => c.id === 'cortex-m4f')!;
    const { elf } = await buildSketch([dir], readFileSync(join(dir, r.sketch), 'utf8'), core, join(dir, 'build'));
    const qemu = await run('qemu-system-arm', ['-M', core.emulator.machine, '-nographic', '-semihosting', '-kernel', elf], { timeout: 60_000 });
    const printed = `${qemu.stdout}${qemu.stderr}`;
    const scores = predictQuantized(q, Float32Array.from(features), 1).scores;
    const best = argmaxRows(scores, 1, scores.length)[0];
    expect(printed).toContain(`class: ${q.classNames[best]} (class_index ${best}, probability ${scores[best].toFixed(6).slice(0, -1)}`);
    expect(printed).toContain('output codes match the golden reference bit for bit');
  });

  it('two firmnet libraries in one sketch link (one copy of the kernels) and each classifies its row as the reference does', async () => {
    const iris = loadVectors().find((v) => v.name === 'iris-softmax-head')!.qmodel;
    const irisRow = loadDatasetForModel(iris, 'models/data/iris/test.csv').features.subarray(0, iris.featureNames.length);
    const libraries = [emitArduino(q, join(work, 'two', 'digits'), { name: 'digits' }), emitArduino(iris, join(work, 'two', 'iris'), { name: 'iris' })];
    const ino = `#include "digits.h"
#include "iris.h"
static const float digits_row[DIGITS_INPUT_SIZE] = { ${Array.from(features, cFloat).join(', ')} };
static const float iris_row[IRIS_INPUT_SIZE] = { ${Array.from(irisRow, cFloat).join(', ')} };
void setup() {
    digits_result_t digits_result;
    iris_result_t iris_result;
    Serial.print("digits ");
    Serial.println(digits_classify(digits_row, &digits_result));
    Serial.print("iris ");
    Serial.println(iris_classify(iris_row, &iris_result));
}
void loop() {
}
`;
    const core = loadCores().find((c) => c.id === 'cortex-m4f')!;
    const { elf } = await buildSketch(libraries.map((l) => l.outDir), ino, core, join(work, 'two', 'build'));
    const qemu = await run('qemu-system-arm', ['-M', core.emulator.machine, '-nographic', '-semihosting', '-kernel', elf], { timeout: 60_000 });
    const label = (m: typeof q, row: ArrayLike<number>): string => {
      const { scores, cols } = predictQuantized(m, Float32Array.from(row), 1);
      return m.classNames[argmaxRows(scores, 1, cols)[0]];
    };
    expect(`${qemu.stdout}${qemu.stderr}`).toContain(`digits ${label(q, features)}\niris ${label(iris, irisRow)}\n`);
  });
});
