/**
 * The package manifests are read by tools that expand text: library.properties by the Arduino IDE,
 * library.json by PlatformIO, module.yml by Zephyr's YAML loader, Kconfig by kconfiglib (which runs
 * `$(shell,...)` while reading) and CMakeLists.txt by CMake. A hostile-names IR must give manifests
 * whose every key and build setting comes from firmnet, with names only in description text, and
 * whose reading and building creates no file and defines nothing a name asked for.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitArduino } from '../../compiler/emit/arduino/emit-arduino.js';
import { cFloat } from '../../compiler/emit/c/c-syntax.js';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { defaultExampleRows } from '../../compiler/emit/c/example-rows.js';
import type { CModelNames } from '../../compiler/emit/c/c-names.js';
import { argmaxRows } from '../../compiler/evaluate/metrics.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { loadCores } from '../../firmware-sim/targets.js';
import { HOSTILE_COMMAND, HOSTILE_MODEL_NAME, hostileQModel } from '../helpers/hostile-names.js';
import { loadVectors } from '../helpers/vectors.js';
import { removeDir, tempDir } from './c-build.js';
import { CHECK_KCONFIG, CHECK_MODULE_YML, MODULE_SCHEMA, ZEPHYR_PYTHON, buildSketch, buildStubZephyrApp } from './package-builds.js';

const run = promisify(execFile);
const have = (tool: string): boolean => spawnSync('which', [tool]).status === 0;

const q = hostileQModel(loadVectors().find((v) => v.name === 'iris-softmax-head')!.qmodel);
const row = Float32Array.from(defaultExampleRows(q, 1).features);

let work: string;
let c: string;
let arduino: string;
let names: CModelNames;
beforeAll(() => {
  work = tempDir('hostile-packages');
  c = join(work, 'c');
  arduino = join(work, 'arduino');
  names = emitC(q, c, { command: HOSTILE_COMMAND }).names;
  emitArduino(q, arduino, { command: HOSTILE_COMMAND, exampleRows: { features: row, rows: 1, description: HOSTILE_MODEL_NAME } });
});
afterAll(() => removeDir(work));

/** Text with the model's prefix taken out: what is left must not carry a hostile name. */
const withoutPrefix = (text: string): string => text.replaceAll(names.prefix, 'PREFIX').replaceAll(names.macro, 'PREFIX').replaceAll(names.prefix.replace(/_/g, '-'), 'PREFIX');

/** A fresh folder to run a tool in, and afterwards the files in it: a `$(shell touch ...)` would leave one. */
function scratch(name: string): { dir: string; files: () => string[] } {
  const dir = join(work, 'scratch', name);
  mkdirSync(dir, { recursive: true });
  return { dir, files: () => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /injected/i.test(withoutPrefix(f))) };
}

it('library.properties: firmnet\'s keys, one value a line, names only in the sentences', () => {
  const lines = readFileSync(join(arduino, 'library.properties'), 'utf8').trimEnd().split('\n');
  for (const line of lines) expect(line).toMatch(/^[a-z_]+=[\x20-\x7e]*$/);
  expect(lines.map((l) => l.slice(0, l.indexOf('=')))).toEqual(['name', 'version', 'author', 'maintainer', 'sentence', 'paragraph', 'category', 'architectures', 'includes', 'dot_a_linkage']);
  const outsideSentences = lines.filter((l) => !/^(sentence|paragraph)=/.test(l)).join('\n');
  expect(withoutPrefix(outsideSentences)).not.toMatch(/injected/i);
  expect(lines[0]).toBe(`name=firmnet_${names.prefix}`);
});

it('library.json: a PlatformIO name and build settings from firmnet, the name only in the description', () => {
  const manifest = JSON.parse(readFileSync(join(c, 'library.json'), 'utf8'));
  expect(manifest.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  expect(manifest.description).toMatch(/^[\x20-\x7e]*$/);
  const { description: _d, ...rest } = manifest;
  expect(withoutPrefix(JSON.stringify(rest))).not.toMatch(/injected/i);
});

describe.skipIf(!ZEPHYR_PYTHON)('Zephyr module metadata', () => {
  it('module.yml has only the documented keys with firmnet\'s values', async () => {
    const { stdout } = await run(ZEPHYR_PYTHON!, ['-c', CHECK_MODULE_YML, join(c, 'zephyr', 'module.yml'), MODULE_SCHEMA]);
    expect(JSON.parse(stdout)).toEqual({ name: `firmnet_${names.prefix}`, build: { cmake: 'zephyr', kconfig: 'zephyr/Kconfig' } });
  });

  it('kconfiglib reads the Kconfig without a warning, defines only the model\'s option, and runs no $(shell,...)', async () => {
    const where = scratch('kconfig');
    const top = join(where.dir, 'Kconfig');
    const prj = join(where.dir, 'prj.conf');
    writeFileSync(top, `mainmenu "stub"\nsource "${join(c, 'zephyr', 'Kconfig')}"\n`);
    writeFileSync(prj, `CONFIG_FIRMNET_${names.macro}=y\n`);
    const { stdout } = await run(ZEPHYR_PYTHON!, ['-c', CHECK_KCONFIG, top, prj, join(where.dir, '.config')], { cwd: where.dir });
    expect(stdout.trim()).toBe(`FIRMNET_${names.macro}=y`);
    expect(where.files()).toEqual([]);
    const config = readFileSync(join(where.dir, '.config'), 'utf8');
    expect(withoutPrefix(config)).not.toMatch(/injected/i);
  });
});

describe.skipIf(!have('cmake'))('Zephyr module build', () => {
  it('configures and builds in a stub Zephyr layout, expanding nothing from a name, and classifies as the reference does', async () => {
    const where = scratch('zephyr');
    const main = `#include <stdio.h>\n#include "${names.header}"\nstatic const float row[${names.macro}_INPUT_SIZE] = { ${Array.from(row, cFloat).join(', ')} };\nint main(void) {\n    ${names.prefix}_result_t result;\n    ${names.prefix}_classify(row, &result);\n    printf("%ld\\n", (long)result.class_index);\n    return 0;\n}\n`;
    const exe = await buildStubZephyrApp(join(where.dir, 'app'), [c], { [`CONFIG_FIRMNET_${names.macro}`]: true }, main);
    const { stdout } = await run(exe, [], { cwd: where.dir });
    const { scores, cols } = predictQuantized(q, row, 1);
    expect(stdout.trim()).toBe(String(argmaxRows(scores, 1, cols)[0]));
    expect(where.files()).toEqual([]);
  });
});

describe.skipIf(!have('arm-none-eabi-g++') || !have('qemu-system-arm'))('Arduino sketch', () => {
  it('compiles as C++ under -Werror with no name outside comments and strings, and runs bit-exact', async () => {
    const core = loadCores().find((k) => k.id === 'cortex-m4f')!;
    const sketch = `examples/${names.prefix}/${names.prefix}.ino`;
    const { elf, sketchCpp } = await buildSketch([arduino], readFileSync(join(arduino, sketch), 'utf8'), core, join(work, 'sketch'));
    const { stdout: preprocessed } = await run('arm-none-eabi-g++', ['-E', '-P', `-I${join(work, 'sketch', 'stub')}`, `-I${join(arduino, 'src')}`, sketchCpp], { maxBuffer: 64 << 20 });
    const code = preprocessed.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
    expect(withoutPrefix(code)).not.toMatch(/injected|alert/i);
    const qemu = await run('qemu-system-arm', ['-M', core.emulator.machine, '-nographic', '-semihosting', '-kernel', elf], { timeout: 60_000 });
    expect(`${qemu.stdout}${qemu.stderr}`).toContain('output codes match the golden reference bit for bit');
  });
});
