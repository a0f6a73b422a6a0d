/**
 * Host builds of generated C for the tests: emit a model under the name "model", compile it with the
 * test harness (test/c/harness.c) under strict warnings or under ASan+UBSan, run it on a batch, and
 * decode the results.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { KERNEL_FILES, KERNEL_SOURCES } from '../../compiler/emit/c/kernel-sources.js';
import { sha256Hex } from '../../compiler/io/content-hash.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import type { QDtype } from '../../compiler/ops/op-types.js';
import type { QArray } from '../../compiler/ops/q-array.js';
import { execFilePromise, spawnAsync } from '../helpers/child-process.js';

export const HARNESS = resolve('test/c/harness.c');

/** The flags, plus the warnings embedded projects commonly turn on; -O2 so flow-based warnings run. */
export const STRICT_FLAGS = [
  '-std=c99',
  '-pedantic',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-Wconversion',
  '-Wsign-conversion',
  '-Wshadow',
  '-Wstrict-prototypes',
  '-Wmissing-prototypes',
  '-Wcast-qual',
  '-Wcast-align',
  '-Wundef',
  '-Wvla',
  '-Wdouble-promotion',
  '-O2',
];

/** ASan + UBSan, every report fatal; float-cast-overflow is not part of -fsanitize=undefined in GCC, so it is named. */
export const SANITIZE_FLAGS = [
  '-std=c99',
  '-pedantic',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-O1',
  '-g',
  '-fno-omit-frame-pointer',
  '-fsanitize=address,undefined,float-cast-overflow,float-divide-by-zero',
  '-fno-sanitize-recover=all',
];

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `firmnet-c-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Emits `q` as "model" into dir (so the harness can include "model.h"). */
export function emitForHarness(q: QModel, dir: string): void {
  emitC(q, dir, { name: 'model', command: 'test/c harness build' });
}

export interface Build {
  exe: string;
  /** Compiler diagnostics (must be empty: zero warnings). */
  stderr: string;
}

/** Compiles the harness against the model in dir; rejects (with gcc's message) on any error. */
export async function buildHarness(dir: string, flags: string[], exeName: string): Promise<Build> {
  const exe = join(dir, exeName);
  const kernels = await kernelObjects(dir, flags);
  const sources = [HARNESS, join(dir, 'model.c'), join(dir, 'model_predict.c')];
  const { stderr } = await execFilePromise('gcc', [...flags, `-I${dir}`, '-o', exe, ...sources, ...kernels.objects, '-lm']);
  // The kernels' diagnostics count for every build that links them.
  return { exe, stderr: kernels.stderr + stderr };
}

/** Compiled kernels by flags and code: every model emits the same kernel files, only their header comment names the model. */
const kernelBuilds = new Map<string, Promise<{ objects: string[]; stderr: string }>>();

/** The kernel sources of the model in dir, compiled once per flag set and code in this test file (most of the harness's compile time). */
function kernelObjects(dir: string, flags: string[]): Promise<{ objects: string[]; stderr: string }> {
  // Every kernel file, headers included: a source reads the shared header and the dense dot products.
  const code = KERNEL_FILES.map((f) => readFileSync(join(dir, f), 'utf8').replace(/^\/\*[\s\S]*?\*\/\n/, ''));
  const key = sha256Hex(JSON.stringify([flags, code])).slice(0, 16);
  let built = kernelBuilds.get(key);
  if (!built) {
    const compiled = KERNEL_SOURCES.map((source) => {
      const object = join(dir, `${source.replace(/\.c$/, '')}-${key}.o`);
      return execFilePromise('gcc', [...flags, `-I${dir}`, '-c', '-o', object, join(dir, source)]).then(({ stderr }) => ({ object, stderr }));
    });
    built = Promise.all(compiled).then((objects) => ({ objects: objects.map((o) => o.object), stderr: objects.map((o) => o.stderr).join('') }));
    kernelBuilds.set(key, built);
  }
  return built;
}

export interface HarnessRun {
  status: number | null;
  stdout: Buffer;
  /** Sanitizer reports land here (and make the status non-zero). */
  stderr: string;
}

export async function runHarness(exe: string, mode: 'int' | 'float', stdin: Buffer): Promise<HarnessRun> {
  const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' };
  const r = await spawnAsync(exe, [mode], { input: stdin, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

export function encodeCodes(dtype: QDtype, values: ArrayLike<number>): Buffer {
  const array = dtype === 'int16' ? Int16Array.from(values) : Int8Array.from(values);
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

export function decodeCodes(dtype: QDtype, bytes: Buffer, offset: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(dtype === 'int16' ? bytes.readInt16LE(offset + 2 * i) : bytes.readInt8(offset + i));
  return out;
}

export interface FloatRunResult {
  /** Per row: the C quantize_input codes, invoke's output codes, predict's floats. */
  input: number[];
  output: number[];
  scores: Float32Array;
}

/** Decodes the harness's float mode: per row, input codes, output codes, output floats. */
export function decodeFloatRun(q: QModel, bytes: Buffer, rows: number): FloatRunResult {
  const inT = q.layers[0].input;
  const outT = q.layers[q.layers.length - 1].output;
  const inBytes = inT.features * (inT.dtype === 'int16' ? 2 : 1);
  const outBytes = outT.features * (outT.dtype === 'int16' ? 2 : 1);
  const rowBytes = inBytes + outBytes + 4 * outT.features;
  if (bytes.length !== rows * rowBytes) throw new Error(`harness wrote ${bytes.length} bytes, expected ${rows} rows of ${rowBytes}`);
  const input: number[] = [];
  const output: number[] = [];
  const scores = new Float32Array(rows * outT.features);
  for (let r = 0; r < rows; r++) {
    const o = r * rowBytes;
    input.push(...decodeCodes(inT.dtype, bytes, o, inT.features));
    output.push(...decodeCodes(outT.dtype, bytes, o + inBytes, outT.features));
    for (let j = 0; j < outT.features; j++) scores[r * outT.features + j] = bytes.readFloatLE(o + inBytes + outBytes + 4 * j);
  }
  return { input, output, scores };
}

export function floatBytes(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** Indices where two code arrays differ (first few), for a readable failure. */
export function firstDifferences(actual: ArrayLike<number>, expected: ArrayLike<number>, limit = 5): string[] {
  const out: string[] = [];
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n && out.length < limit; i++) if (actual[i] !== expected[i]) out.push(`[${i}] C ${actual[i]} vs reference ${expected[i]}`);
  return out;
}

export function asArray(values: QArray): number[] {
  return Array.from(values);
}

/**
 * Compiles a test's own `main.c` (written into dir beside the emitted model `emitted`) with the model
 * and the kernels under STRICT_FLAGS, runs it with `stdin`, and resolves with its output lines;
 * rejects on a compiler warning or a non-zero exit.
 */
export async function runMainProgram(dir: string, mainSource: string, emitted: { source: string; predictSource: string }, stdin: Buffer): Promise<string[]> {
  writeFileSync(join(dir, 'main.c'), mainSource);
  const exe = join(dir, 'main');
  const sources = ['main.c', emitted.source, emitted.predictSource, ...KERNEL_SOURCES].map((f) => join(dir, f));
  const { stderr } = await execFilePromise('gcc', [...STRICT_FLAGS, `-I${dir}`, '-o', exe, ...sources, '-lm']);
  if (stderr !== '') throw new Error(`gcc warned:\n${stderr}`);
  const r = await spawnAsync(exe, [], { input: stdin });
  if (r.status !== 0) throw new Error(`${exe} exited with ${r.status}: ${r.stderr.toString()}`);
  return r.stdout.toString('utf8').trimEnd().split('\n');
}
