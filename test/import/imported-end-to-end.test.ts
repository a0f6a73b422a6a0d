/**
 * An imported model goes through the same pipeline as a trained one: import → quantize (calibrated on
 * the training split) → golden int8 reference → accuracy against the float model on the test split.
 *
 * Extension point: `PIPELINE_STEPS` runs after quantization for every imported model. The emit +
 * simulate steps (WebAssembly, C) belong there: each gets the quantized model and the test rows and
 * should reproduce `int8.output` bit-exactly.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../compiler/data/dataset.js';
import { importTfjs } from '../../compiler/import/tfjs.js';
import { loadPreprocessing } from '../../compiler/import/preprocessing-sidecar.js';
import type { FloatModel } from '../../compiler/model/float-model.js';
import { type AccuracyComparison, compareWithFloat } from '../../compiler/quantize/accuracy.js';
import type { QModel } from '../../compiler/quantize/qmodel.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { type QuantizedPrediction, predictQuantized } from '../../compiler/reference/predict.js';
import { TFJS_FIXTURES, importOnnxFixture } from './fixtures.js';
import { type DatasetName, loadSplit } from './trained-models.js';

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

/** Steps after quantization; emit + simulate steps are added here (see the file comment). */
const PIPELINE_STEPS: { name: string; run: (c: PipelineContext) => Promise<void> | void }[] = [];

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

describe('imported models: quantize → int8 golden reference → accuracy', () => {
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
