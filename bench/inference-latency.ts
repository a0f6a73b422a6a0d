/**
 * Batch-1 inference latency of the emitted WebAssembly module (SIMD and scalar builds) against the
 * TypeScript golden reference, onnxruntime-node on the same float weights, and the generated C
 * compiled natively (gcc -O3 -march=native), all measured in one process run:
 *   (a) the digits MLP 64-64-32-10 ReLU (trained briefly on models/data/digits), 6,464 MACs;
 *   (b) a dense autoencoder 640-128-128-128-128-8-128-128-128-128-640 ReLU (the shape of the MLPerf
 *       Tiny anomaly-detection model, 264,192 MACs) with seeded random weights.
 *
 * Every implementation is first checked on the timing rows (integer outputs equal to the golden
 * reference; onnxruntime's float outputs close to firmnet's float model), then timed: blocks of
 * calls after a warm-up, median over blocks of the per-call time, ≥ 10,000 calls in all.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDataset } from '../compiler/data/dataset.js';
import { emitC } from '../compiler/emit/c/emit-c.js';
import { KERNEL_SOURCES } from '../compiler/emit/c/kernel-sources.js';
import { emitWasm } from '../compiler/emit/wasm/emit-wasm.js';
import { floatModelToOnnx } from '../compiler/export/onnx.js';
import { type FloatModel, MODEL_FORMAT, MODEL_VERSION } from '../compiler/model/float-model.js';
import type { QModel } from '../compiler/ir/qmodel.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../compiler/quantize/quantize.js';
import { runModel } from '../compiler/reference/interpreter.js';
import { quantizeInput } from '../compiler/reference/io.js';
import { Rng } from '../compiler/rng.js';
import { DEFAULT_TRAIN_SETTINGS, trainConfig } from '../compiler/train/settings.js';
import { trainModel } from '../compiler/train/train.js';
import { AUTOENCODER_WIDTHS, randomReluLayers } from '../firmware-sim/validation-models.js';
import { median } from './stats.js';
import { predictFloat } from '../compiler/inference/float-inference.js';

export interface BenchModel {
  label: string;
  float: FloatModel;
  q: QModel;
  /** Raw feature rows used for checking and timing (row-major). */
  features: Float32Array;
  rows: number;
  macs: number;
}

/** The digits MLP, 64-64-32-10 ReLU, trained for a few epochs (enough for realistic weights and ranges). */
export function digitsBenchModel(epochs = 20): BenchModel {
  const train = loadDataset('models/data/digits/train.csv', { task: 'multiclass', labelColumns: ['label'] });
  const test = loadDataset('models/data/digits/test.csv', { task: 'multiclass', labelColumns: ['label'], classNames: train.classNames });
  const { model } = trainModel(train, trainConfig('multiclass', { ...DEFAULT_TRAIN_SETTINGS, epochs, validationSplit: 0 }), 'digits');
  const { qmodel } = quantizeModel(model, { features: train.features, rows: train.rows, description: 'digits train.csv', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS);
  return { label: 'digits MLP 64-64-32-10', float: model, q: qmodel, features: test.features, rows: test.rows, macs: macsOf(model) };
}

/**
 * The autoencoder with He-initialised seeded random weights and small random biases, calibrated on
 * seeded standard-normal inputs (for timing; the weights' values do not change the work done).
 */
export function autoencoderBenchModel(seed = 1, calibrationRows = 256, rows = 64): BenchModel {
  return randomDenseBenchModel('autoencoder', 'autoencoder 640-128x4-8-128x4-640', AUTOENCODER_WIDTHS, seed, calibrationRows, rows);
}

/** A ReLU MLP of the given layer sizes with seeded random weights, quantized on seeded N(0,1) rows. */
export function randomDenseBenchModel(name: string, label: string, sizes: number[], seed = 1, calibrationRows = 256, rows = 64): BenchModel {
  const rng = new Rng(seed);
  const layers = randomReluLayers(rng, sizes, 0.01);
  const n = sizes[0];
  const featureNames = Array.from({ length: n }, (_, i) => `f${i}`);
  const model: FloatModel = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name,
    task: 'regression',
    head: 'identity',
    inputFeatures: n,
    outputFeatures: sizes[sizes.length - 1],
    featureNames,
    labelColumns: Array.from({ length: sizes[sizes.length - 1] }, (_, i) => `y${i}`),
    classNames: [],
    inputStandardization: null,
    targetStandardization: null,
    anomaly: null,
    layers,
    seed,
    source: { format: 'firmnet', file: null },
    training: null,
  };
  const calibration = normalRows(rng, calibrationRows, n);
  const { qmodel } = quantizeModel(model, { features: calibration, rows: calibrationRows, description: `${calibrationRows} seeded N(0,1) rows`, seed }, DEFAULT_QUANTIZE_OPTIONS);
  return { label, float: model, q: qmodel, features: normalRows(rng, rows, n), rows, macs: macsOf(model) };
}

function environment(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  const gccVersion = gcc.status === 0 ? gcc.stdout.split('\n')[0] : 'gcc not found';
  let ortVersion = 'not installed';
  try {
    ortVersion = (JSON.parse(readFileSync(join('node_modules', 'onnxruntime-node', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // reported as not installed
  }
  return `machine: ${cpu} × ${cpus().length}; Node ${process.versions.node} (V8 ${process.versions.v8}); onnxruntime-node ${ortVersion}; ${gccVersion}`;
}

function normalRows(rng: Rng, rows: number, n: number): Float32Array {
  return Float32Array.from({ length: rows * n }, () => rng.normal());
}

export function macsOf(model: FloatModel): number {
  return model.layers.reduce((s, l) => s + (l.type === 'dense' ? l.inFeatures * l.outFeatures : 0), 0);
}

interface Timing {
  medianUs: number;
  calls: number;
}

/**
 * Median per-call time: `fn(i)` is called in blocks of `block` calls (block chosen so one block
 * takes ≥ ~20 µs), after ~0.3 s of warm-up, until ≥ minCalls calls and ≥ 200 blocks.
 */
function timeCalls(fn: (i: number) => void, minCalls = 10_000): Timing {
  let i = 0;
  const warmEnd = performance.now() + 300;
  let warmCalls = 0;
  while (performance.now() < warmEnd || warmCalls < 1000) {
    fn(i++);
    warmCalls++;
  }
  const t0 = performance.now();
  for (let k = 0; k < 200; k++) fn(i++);
  const perCall = (performance.now() - t0) / 200;
  const block = Math.max(1, Math.ceil(0.02 / Math.max(perCall, 1e-6)));
  const perBlock: number[] = [];
  let calls = 0;
  while (calls < minCalls || perBlock.length < 200) {
    const start = performance.now();
    for (let k = 0; k < block; k++) fn(i++);
    perBlock.push(((performance.now() - start) * 1000) / block);
    calls += block;
  }
  return { medianUs: median(perBlock), calls };
}

interface ModuleApi {
  predict(features: Float32Array): Float32Array;
  predictInt8(input: Int8Array): Int8Array;
  predictQuantized(input: Int8Array | Int16Array): Int8Array | Int16Array;
  sizes: { wasmBytes: number; codeBytes: number; dataBytes: number; constantBytes: number; arenaBytes: number; workspaceBytes: number; memoryBytes: number };
  createInstance(): { exports: Record<string, unknown>; memory: { buffer: ArrayBuffer } };
}

interface Row {
  name: string;
  api: string;
  timing: Timing | null;
  note?: string;
}

export async function benchInferenceLatency(): Promise<void> {
  console.log('## Inference latency, batch 1 (median µs per call over blocks of calls after warm-up; ≥ 10,000 calls each)');
  console.log(environment());
  const models = [digitsBenchModel(), autoencoderBenchModel()];
  const dir = mkdtempSync(join(tmpdir(), 'firmnet-bench-latency-'));
  try {
    for (const m of models) await benchModel(m, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchModel(m: BenchModel, dir: string): Promise<void> {
  const tag = m.q.name.replace(/[^A-Za-z0-9_]/g, '_');
  const inputs = quantizeInput(m.q, m.features, m.rows) as Int8Array;
  const IN = m.q.layers[0].input.features;
  const OUT = m.q.layers[m.q.layers.length - 1].output.features;
  const golden = runModel(m.q, inputs, m.rows);
  const rowsIn = Array.from({ length: m.rows }, (_, r) => inputs.slice(r * IN, (r + 1) * IN));
  const rowsFloat = Array.from({ length: m.rows }, (_, r) => m.features.slice(r * IN, (r + 1) * IN));

  const builds: Record<'simd' | 'scalar', { api: ModuleApi; buildMs: number }> = {} as never;
  for (const simd of [true, false]) {
    const out = join(dir, `${tag}-${simd ? 'simd' : 'scalar'}`);
    const result = await emitWasm(m.q, out, { simd, command: 'npm run bench -- latency' });
    const api = (await import(pathToFileURL(join(out, 'model.mjs')).href)) as ModuleApi;
    for (let r = 0; r < m.rows; r++) {
      const y = api.predictInt8(rowsIn[r]);
      for (let j = 0; j < OUT; j++) {
        if (y[j] !== golden[r * OUT + j]) throw new Error(`${m.label}: WASM ${simd ? 'SIMD' : 'scalar'} output differs from the golden reference at row ${r}, output ${j}`);
      }
    }
    builds[simd ? 'simd' : 'scalar'] = { api, buildMs: result.buildMs };
  }

  const results: Row[] = [];
  for (const kind of ['simd', 'scalar'] as const) {
    const { api } = builds[kind];
    const name = `firmnet WASM ${kind === 'simd' ? 'SIMD' : 'scalar'}`;
    // The firmware view: input codes already in the module's memory, one exported call.
    const instance = api.createInstance();
    const run = instance.exports.run as () => void;
    const input = new Int8Array(instance.memory.buffer, (instance.exports.INPUT_OFFSET as { value: number }).value, IN);
    input.set(rowsIn[0]);
    results.push({ name, api: 'run() (codes in memory)', timing: timeCalls(() => run()) });
    results.push({ name, api: 'predictInt8(Int8Array)', timing: timeCalls((i) => api.predictInt8(rowsIn[i % m.rows])) });
    results.push({ name, api: 'predict(Float32Array)', timing: timeCalls((i) => api.predict(rowsFloat[i % m.rows])) });
  }
  results.push({ name: 'TypeScript golden reference', api: 'runModel(q, Int8Array, 1)', timing: timeCalls((i) => runModel(m.q, rowsIn[i % m.rows], 1)) });
  results.push(await timeOnnxRuntime(m, rowsFloat));
  results.push(await timeNativeC(m, join(dir, `${tag}-c`), rowsIn, golden));

  const simd = builds.simd.api.sizes;
  const scalar = builds.scalar.api.sizes;
  console.log(`\n### ${m.label}: ${m.macs.toLocaleString('en-US')} MACs`);
  console.log(
    `module sizes: SIMD ${simd.wasmBytes} B (code ${simd.codeBytes} B, data ${simd.dataBytes} B), scalar ${scalar.wasmBytes} B (code ${scalar.codeBytes} B, data ${scalar.dataBytes} B); ` +
      `arena ${simd.arenaBytes} B + workspace ${simd.workspaceBytes} B, memory ${simd.memoryBytes} B; build ${builds.simd.buildMs.toFixed(0)} ms (SIMD), ${builds.scalar.buildMs.toFixed(0)} ms (scalar)`,
  );
  console.log('| implementation | call | median µs | MACs/ns | calls |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    const t = r.timing;
    console.log(`| ${r.name} | ${r.api} | ${t ? t.medianUs.toFixed(3) : '—'} | ${t ? (m.macs / (t.medianUs * 1000)).toFixed(2) : '—'} | ${t ? t.calls : r.note ?? ''} |`);
  }
  const find = (name: string, api: string): number | null => results.find((r) => r.name === name && r.api.startsWith(api))?.timing?.medianUs ?? null;
  const simdRun = find('firmnet WASM SIMD', 'run()');
  const simdInt8 = find('firmnet WASM SIMD', 'predictInt8');
  const simdFloat = find('firmnet WASM SIMD', 'predict(');
  const scalarRun = find('firmnet WASM scalar', 'run()');
  const reference = find('TypeScript golden reference', 'runModel');
  const ort = find('onnxruntime-node', 'session.run');
  const c = find('generated C', 'invoke');
  const ratio = (a: number | null, b: number | null): string => (a !== null && b !== null ? `${(b / a).toFixed(1)}×` : 'n/a (not measured, see the table)');
  const ortTarget = m.q.name === 'autoencoder' ? 3 : 5;
  console.log('ratios (same run; > 1× means firmnet WASM SIMD is faster):');
  console.log(`- vs onnxruntime-node, float in → float out (predict vs session.run): ${ratio(simdFloat, ort)} (target ≥ ${ortTarget}×)`);
  console.log(`- vs onnxruntime-node, the int8 firmware call (run() vs session.run): ${ratio(simdRun, ort)}`);
  console.log(`- vs TypeScript golden reference, int8 in → int8 out (predictInt8 vs runModel): ${ratio(simdInt8, reference)} (target ≥ 15×)`);
  console.log(`- vs generated C, gcc -O3 -march=native, codes in the arena (run() vs invoke): ${ratio(simdRun, c)} (target ≥ 1×)`);
  console.log(`- SIMD vs scalar WASM (run()): ${ratio(simdRun, scalarRun)}`);
  if (simdRun !== null) console.log(`- SIMD run(): ${(m.macs / (simdRun * 1000)).toFixed(1)} MACs/ns (sanity bar for a good int8 kernel: > 20 on the autoencoder)`);
}

interface OrtLike {
  InferenceSession: { create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: string, data: Float32Array, dims: number[]) => unknown;
}
interface OrtSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, unknown>, fetches?: string[]): Promise<Record<string, { data: Float32Array }>>;
}

async function timeOnnxRuntime(m: BenchModel, rowsFloat: Float32Array[]): Promise<Row> {
  const name = 'onnxruntime-node';
  let ort: OrtLike;
  try {
    const ortModule = 'onnxruntime-node';
    ort = (await import(ortModule)) as OrtLike;
  } catch (e) {
    return { name, api: 'session.run', timing: null, note: `not run: onnxruntime-node does not load: ${(e as Error).message}` };
  }
  const session = await ort.InferenceSession.create(floatModelToOnnx(m.float), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  const IN = m.float.inputFeatures;
  const tensors = rowsFloat.map((row) => ({ [inputName]: new ort.Tensor('float32', row, [1, IN]) }));
  // Only the prediction (the graph also offers the logits); fetching both costs onnxruntime a few µs.
  const fetches = [outputName];
  // Same weights: onnxruntime's outputs must match firmnet's float model (float rounding aside).
  const expected = predictFloat(m.float, m.features, m.rows).scores;
  const OUT = m.float.outputFeatures;
  for (let r = 0; r < m.rows; r++) {
    const y = (await session.run(tensors[r], fetches))[outputName].data;
    for (let j = 0; j < OUT; j++) {
      const e = expected[r * OUT + j];
      if (Math.abs(y[j] - e) > 1e-4 * Math.max(1, Math.abs(e))) throw new Error(`${m.label}: onnxruntime output ${y[j]} differs from firmnet's float model ${e} (row ${r}, output ${j})`);
    }
  }
  // session.run is async: time awaited calls one by one in a loop of the same shape as timeCalls.
  const samples: number[] = [];
  const warmEnd = performance.now() + 300;
  let i = 0;
  while (performance.now() < warmEnd || i < 1000) await session.run(tensors[i++ % m.rows], fetches);
  for (let k = 0; k < 10_000; k++) {
    const start = performance.now();
    await session.run(tensors[k % m.rows], fetches);
    samples.push((performance.now() - start) * 1000);
  }
  return { name, api: 'session.run (float, 1 thread)', timing: { medianUs: median(samples), calls: samples.length } };
}

const C_DRIVER = `/* Latency driver for the generated C (firmnet bench): median ns per MODEL_INVOKE call. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "model.h"

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  static model_input_t inputs[4096 * MODEL_INPUT_SIZE];
  int rows = argc < 2 ? 0 : atoi(argv[1]);
  if (rows <= 0 || rows > 4096) return 2;
  if (fread(inputs, sizeof(model_input_t) * MODEL_INPUT_SIZE, (size_t)rows, stdin) != (size_t)rows) return 3;
  model_input_t *in = model_input_buffer();
  model_output_t *out = model_output_buffer();
  /* Check: every row's output codes, written to stdout for the bench to compare with the reference. */
  for (int r = 0; r < rows; r++) {
    memcpy(in, &inputs[r * MODEL_INPUT_SIZE], sizeof(model_input_t) * MODEL_INPUT_SIZE);
    MODEL_INVOKE(in, out);
    fwrite(out, sizeof(model_output_t), MODEL_OUTPUT_SIZE, stdout);
  }
  memcpy(in, inputs, sizeof(model_input_t) * MODEL_INPUT_SIZE);
  double t0 = now_ns();
  long warm = 0;
  while (now_ns() - t0 < 3e8 || warm < 1000) { MODEL_INVOKE(in, out); warm++; }
  t0 = now_ns();
  for (int k = 0; k < 200; k++) MODEL_INVOKE(in, out);
  double per_call = (now_ns() - t0) / 200;
  long block = per_call > 20000 ? 1 : (long)(20000 / per_call) + 1;
  static double samples[100000];
  long calls = 0;
  int n = 0;
  while ((calls < 10000 || n < 200) && n < 100000) {
    double start = now_ns();
    for (long k = 0; k < block; k++) MODEL_INVOKE(in, out);
    samples[n++] = (now_ns() - start) / (double)block;
    calls += block;
  }
  qsort(samples, (size_t)n, sizeof(double), cmp);
  double med = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  fprintf(stderr, "median_ns %.3f calls %ld\\n", med, calls);
  return 0;
}
`;

async function timeNativeC(m: BenchModel, dir: string, rowsIn: Int8Array[], golden: ArrayLike<number>): Promise<Row> {
  const name = 'generated C';
  const api = 'invoke (gcc -O3 -march=native)';
  if (spawnSync('gcc', ['--version']).status !== 0) return { name, api, timing: null, note: 'not run: gcc not found' };
  emitC(m.q, dir, { command: 'npm run bench -- latency', name: 'model' });
  writeFileSync(join(dir, 'driver.c'), C_DRIVER);
  const exe = join(dir, 'latency');
  execFileSync('gcc', ['-std=c99', '-O3', '-march=native', '-o', exe, 'driver.c', 'model.c', ...KERNEL_SOURCES], { cwd: dir });
  const input = new Uint8Array(rowsIn.length * rowsIn[0].length);
  rowsIn.forEach((row, r) => input.set(new Uint8Array(row.buffer, row.byteOffset, row.length), r * row.length));
  const run = spawnSync(exe, [String(rowsIn.length)], { input, maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`C latency driver failed (status ${run.status}): ${run.stderr.toString()}`);
  const codes = new Int8Array(run.stdout.buffer, run.stdout.byteOffset, run.stdout.length);
  for (let k = 0; k < golden.length; k++) {
    if (codes[k] !== golden[k]) throw new Error(`${m.label}: generated C output differs from the golden reference at value ${k}`);
  }
  const match = /median_ns ([0-9.]+) calls ([0-9]+)/.exec(run.stderr.toString());
  if (!match) throw new Error(`C latency driver printed no timing: ${run.stderr.toString()}`);
  return { name, api, timing: { medianUs: Number(match[1]) / 1000, calls: Number(match[2]) } };
}
