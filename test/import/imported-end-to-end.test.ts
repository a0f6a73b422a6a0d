/**
 * An imported model goes through the same pipeline as a trained one: import → quantize (calibrated on
 * the training split) → golden int8 reference → accuracy against the float model on the test split →
 * emit WebAssembly and C (both bit-exact with the golden reference on every test row) → simulate.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { KERNEL_SOURCES } from '../../compiler/emit/c/kernel-sources.js';
import { emitWasm } from '../../compiler/emit/wasm/emit-wasm.js';
import { quantizeInput } from '../../compiler/reference/io.js';
import { simulate } from '../../firmware-sim/simulate.js';
import { resolveTarget } from '../../firmware-sim/targets.js';
import type { Dataset } from '../../compiler/data/dataset.js';
import { importTfjs } from '../../compiler/import/tfjs.js';
import { loadPreprocessing } from '../../compiler/import/preprocessing-sidecar.js';
import type { FloatModel } from '../../compiler/model/float-model.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { type QuantizedPrediction, predictQuantized } from '../../compiler/reference/predict.js';
import { execFileAsync, spawnAsync } from '../helpers/child-process.js';
import { TFJS_FIXTURES, importOnnxFixture } from './fixtures.js';
import { type DatasetName, loadSplit } from './trained-models.js';
import { type AccuracyComparison, compareWithFloat } from '../../compiler/evaluate/compare-with-float.js';

interface Imported {
  label: string;
  dataset: DatasetName;
  load: () => FloatModel;
  /** Largest accepted int8 cost on the headline metric (accuracy points, or RMSE increase for regression). */
  maxDrop: number;
}

interface PipelineContext {
  model: FloatModel;
  qmodel: QModel;
  test: Dataset;
  int8: QuantizedPrediction;
}

/** Steps after quantization, run for every imported model. */
const PIPELINE_STEPS: { name: string; run: (c: PipelineContext) => Promise<void> | void }[] = [
  {
    name: 'emit WebAssembly: bit-exact on every test row',
    run: async ({ qmodel, test, int8 }) => {
      const dir = mkdtempSync(join(tmpdir(), 'imported-wasm-'));
      await emitWasm(qmodel, dir, { command: 'imported end-to-end test' });
      const wasm = await import(`${pathToFileURL(join(dir, 'model.mjs')).href}?ir=${qmodel.hash}`);
      expect(Array.from(wasm.predictDetailed(test.features, test.rows).output as ArrayLike<number>)).toEqual(Array.from(int8.output));
    },
  },
  {
    name: 'emit C: bit-exact on every test row (host gcc)',
    run: async ({ qmodel, test, int8 }) => {
      const dir = mkdtempSync(join(tmpdir(), 'imported-c-'));
      const c = emitC(qmodel, dir, { name: 'model', command: 'imported end-to-end test' });
      const harness = join(dir, 'rows.c');
      writeFileSync(
        harness,
        `#include <stdio.h>\n#include "model.h"\nint main(void) {\n  model_input_t in[MODEL_INPUT_SIZE];\n  model_output_t o[MODEL_OUTPUT_SIZE];\n` +
          `  while (fread(in, sizeof in, 1, stdin) == 1) { MODEL_INVOKE(in, o); fwrite(o, sizeof o, 1, stdout); }\n  return 0;\n}\n`,
      );
      await execFileAsync('gcc', ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', `-I${dir}`, '-o', join(dir, 'rows'), harness, ...[c.names.source, ...KERNEL_SOURCES].map((f) => join(dir, f))]);
      const codes = quantizeInput(qmodel, test.features, test.rows);
      const out = (await spawnAsync(join(dir, 'rows'), [], { input: Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength) })).stdout;
      const wide = c.outputDtype === 'int16';
      const decoded = wide ? new Int16Array(out.buffer, out.byteOffset, out.byteLength / 2) : new Int8Array(out.buffer, out.byteOffset, out.byteLength);
      expect(Array.from(decoded)).toEqual(Array.from(int8.output));
    },
  },
  {
    name: 'simulate on a board',
    run: async ({ model, qmodel, test }) => {
      const [r] = await simulate(qmodel, { targets: [resolveTarget('stm32l4r5')], accuracy: { model, data: test, dataFile: 'test split' } });
      // The arena is the largest input + output pair, plus alignment padding that the report explains.
      expect(r.memory.arena.bytes).toBeGreaterThanOrEqual(r.memory.arena.lowerBoundBytes);
      if (r.memory.arena.bytes > r.memory.arena.lowerBoundBytes) expect(r.memory.arena.note).toMatch(/padding/);
      expect(r.memory.flash.fits).toBe(true);
      expect(r.cycles.totalCycles).toBeGreaterThan(0);
      expect(r.accuracy?.rows).toBe(test.rows);
    },
  },
];

const tfjs = (folder: string) => () =>
  importTfjs(`${TFJS_FIXTURES}/${folder}/model.json`, { file: `${folder}/model.json`, preprocessing: loadPreprocessing(`${TFJS_FIXTURES}/${folder}/preprocessing.json`) });

const MODELS: Imported[] = [
  { label: 'PyTorch iris (ONNX opset 11)', dataset: 'iris', load: () => importOnnxFixture('torch-iris-relu-softmax-opset11.onnx', { sidecar: 'torch-iris-relu-softmax.sidecar.json' }), maxDrop: 3.4 },
  {
    label: 'PyTorch breast-cancer, BatchNorm + Erf GELU (ONNX opset 13)',
    dataset: 'breast-cancer',
    load: () => importOnnxFixture('torch-breast-cancer-bn-gelu-opset13.onnx', { sidecar: 'torch-breast-cancer-bn-gelu.sidecar.json' }),
    maxDrop: 1.8,
  },
  { label: 'PyTorch digits, logits + sidecar task (ONNX opset 15)', dataset: 'digits', load: () => importOnnxFixture('torch-digits-leaky-logits-opset15.onnx', { sidecar: 'torch-digits-leaky-logits.sidecar.json' }), maxDrop: 1.2 },
  { label: 'PyTorch diabetes regression (ONNX opset 12)', dataset: 'diabetes', load: () => importOnnxFixture('torch-diabetes-regression-opset12.onnx', { sidecar: 'torch-diabetes-regression.sidecar.json' }), maxDrop: 2 },
  { label: 'TF.js Sequential iris', dataset: 'iris', load: tfjs('sequential-iris'), maxDrop: 3.4 },
  { label: 'TF.js functional breast-cancer, GELU + BatchNorm', dataset: 'breast-cancer', load: tfjs('functional-breast-cancer'), maxDrop: 1.8 },
];

const report: string[] = [];

describe('imported models: quantize → int8 golden reference → accuracy → WASM and C → simulate', () => {
  for (const m of MODELS) {
    it(m.label, async () => {
      const model = m.load();
      const { train, test } = loadSplit(m.dataset);
      const { qmodel } = quantizeModel(model, { features: train.features, rows: train.rows, description: `${m.dataset} train split`, seed: 0 }, DEFAULT_QUANTIZE_OPTIONS);
      const int8 = predictQuantized(qmodel, test.features, test.rows);
      const accuracy: AccuracyComparison = compareWithFloat(model, qmodel, test, int8.scores, int8.dequantized);
      report.push(describeAccuracy(m.label, accuracy));
      expect(accuracy.rows).toBe(test.rows);
      if (model.task === 'regression') {
        expect(accuracy.float.rmse).toBeLessThan(70); // diabetes: predicting the mean gives ~ 73
      } else {
        expect(accuracy.float.accuracy).toBeGreaterThan(0.85);
      }
      expect(accuracy.drop).toBeLessThanOrEqual(m.maxDrop);
      for (const step of PIPELINE_STEPS) await step.run({ model, qmodel, test, int8 });
    });
  }

  afterAll(() => {
    if (report.length > 0) console.info(`imported models, float vs int8 on the test split:\n  ${report.join('\n  ')}`);
  });
});

function describeAccuracy(label: string, a: AccuracyComparison): string {
  if (a.task === 'regression') return `${label}: RMSE ${a.float.rmse?.toFixed(2)} → ${a.quantized.rmse?.toFixed(2)}`;
  const agreement = a.agreement === null ? '' : `, agreement ${(a.agreement * 100).toFixed(1)}%`;
  return `${label}: accuracy ${((a.float.accuracy ?? 0) * 100).toFixed(2)}% → ${((a.quantized.accuracy ?? 0) * 100).toFixed(2)}%${agreement}`;
}
