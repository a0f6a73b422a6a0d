/**
 * The IR is untrusted: names from it (model, layers, classes, features) and the command line must
 * reach the generated C, Makefile and CMake file only inside comments and string literals, escaped.
 * Proven by compiling, preprocessing, linking and running what a hostile IR emits.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { KERNEL_SOURCES } from '../../compiler/emit/c/kernel-sources.js';
import { HOSTILE_COMMAND, HOSTILE_NAMES, hostileQModel } from '../helpers/hostile-names.js';
import { loadVectors } from '../helpers/vectors.js';
import { STRICT_FLAGS, removeDir, tempDir } from './c-build.js';

const run = promisify(execFile);
const vectors = loadVectors();
// Between them: dense, leaky ReLU, table and softmax layers; multiclass and binary class names.
const VECTORS = ['digits-leaky-per-tensor', 'iris-softmax-head', 'breast-cancer-tanh-bn'];

let work: string;
beforeAll(() => {
  work = tempDir('hostile');
});
afterAll(() => removeDir(work));

/** Preprocessed C with string and character literals and the model's prefix removed: the code a name could have added. */
function codeOutsideLiterals(preprocessed: string, prefix: string): string {
  return preprocessed
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""')
    .replaceAll(prefix, 'PREFIX')
    .replaceAll(prefix.toUpperCase(), 'PREFIX');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

describe.each(VECTORS)('a hostile-names IR (%s) emitted as C', (vectorName) => {
  const vector = vectors.find((v) => v.name === vectorName);
  if (!vector) throw new Error(`vector ${vectorName} missing`);
  const q = hostileQModel(vector.qmodel);
  let dir: string;
  let prefix: string;
  beforeAll(() => {
    dir = join(work, vectorName);
    prefix = emitC(q, dir, { command: HOSTILE_COMMAND }).names.prefix;
  });

  it('gets a C prefix made of the name, and files that are printable ASCII besides the header dash', () => {
    expect(prefix).toMatch(/^[a-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/);
    for (const f of filesUnder(dir).filter((f) => statSync(join(dir, f)).isFile())) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text.replaceAll('—', '-'), f).toMatch(/^[\x20-\x7e\n\t]*$/);
    }
  });

  it('compiles with -Wall -Wextra -Werror -pedantic, and no name reaches the code outside comments and strings', async () => {
    const sources = [`${prefix}.c`, `${prefix}_predict.c`, ...KERNEL_SOURCES, 'example/main.c'].map((f) => join(dir, f));
    const exe = join(dir, 'example', 'strict');
    await run('gcc', [...STRICT_FLAGS, `-I${dir}`, '-o', exe, ...sources, '-lm']);
    for (const source of sources) {
      const { stdout } = await run('gcc', ['-std=c99', '-E', '-P', `-I${dir}`, source], { maxBuffer: 64 << 20 });
      expect(codeOutsideLiterals(stdout, prefix), source).not.toMatch(/injected|alert|INJECTED/i);
    }
    const { stdout: symbols } = await run('nm', ['--defined-only', exe]);
    expect(symbols.replaceAll(prefix, 'PREFIX')).not.toMatch(/injected/i);
    const { stdout } = await run(exe, []);
    expect(stdout).toContain('rows match the golden reference bit for bit');
  });

  it('keeps every class and feature name byte for byte in the name strings (up to a NUL, as C strings end there)', async () => {
    const program = join(dir, 'example', 'names.c');
    const P = prefix.toUpperCase();
    const dump = (array: string, count: string): string =>
      `    for (i = 0; i < ${count}; ++i) {\n        const unsigned char *p = (const unsigned char *)${array}[i];\n        while (*p) printf("%02x", *p++);\n        printf("\\n");\n    }\n`;
    writeFileSync(
      program,
      `#include <stdio.h>\n#include "${prefix}.h"\nint main(void) {\n    int i;\n${dump(`${prefix}_class_names`, `${P}_CLASS_COUNT`)}${dump(`${prefix}_feature_names`, `${P}_INPUT_SIZE`)}    return 0;\n}\n`,
    );
    const exe = join(dir, 'example', 'names');
    await run('gcc', ['-std=c99', '-Wall', '-Werror', `-I${dir}`, '-o', exe, program, ...[`${prefix}.c`, `${prefix}_predict.c`, ...KERNEL_SOURCES].map((f) => join(dir, f)), '-lm']);
    const { stdout } = await run(exe, []);
    const hex = (names: string[]): string[] => names.map((c) => Buffer.from(c.split('\u0000')[0], 'utf8').toString('hex'));
    expect(stdout.trimEnd().split('\n')).toEqual([...hex(q.classNames), ...hex(q.featureNames)]);
  });
});

it('builds and runs a hostile-names IR with the generated Makefile and CMake file, expanding nothing from a name', async () => {
  const vector = vectors.find((v) => v.name === VECTORS[0]);
  if (!vector) throw new Error('vector missing');
  const dir = join(work, 'make-cmake');
  const { prefix } = emitC(hostileQModel(vector.qmodel), dir, { command: HOSTILE_COMMAND }).names;
  const { stdout } = await run('make', ['-s', 'run', 'CC=gcc'], { cwd: join(dir, 'example') });
  expect(stdout).toContain('rows match the golden reference bit for bit');
  const wrapper = join(dir, 'cmake-wrapper');
  mkdirSync(wrapper, { recursive: true });
  writeFileSync(join(wrapper, 'CMakeLists.txt'), `cmake_minimum_required(VERSION 3.13)\nproject(wrapper C)\nadd_subdirectory(${JSON.stringify(dir)} model)\n`);
  const build = join(wrapper, 'build');
  await run('cmake', ['-S', wrapper, '-B', build, '-DFIRMNET_BUILD_EXAMPLE=ON', '-DCMAKE_C_FLAGS=-Wall -Wextra -Werror -pedantic']);
  await run('cmake', ['--build', build]);
  const { stdout: cmakeRun } = await run(join(build, 'model', `${prefix}_example`), []);
  expect(cmakeRun).toContain('rows match the golden reference bit for bit');
  expect(filesUnder(dir).filter((f) => /injected/i.test(f.replaceAll(prefix, 'PREFIX')))).toEqual([]);
});

it('the hostile names cover what the escaping must handle', () => {
  const all = HOSTILE_NAMES.join('');
  for (const trap of ['*/', '/*', '\u0000', '\n#include', '"', '\\', '</script>', '$(shell', '$(shell,', '\u001b[', '\u0007', '??/', '\u2028', '\u202e', '\u009b', '数字']) {
    expect(all, JSON.stringify(trap)).toContain(trap);
  }
});
