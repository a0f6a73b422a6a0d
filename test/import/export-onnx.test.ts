import { afterAll, describe, expect, it } from 'vitest';
import { ONNX_BATCH_DIM, floatModelToOnnx } from '../../compiler/export/onnx.js';
import type { FloatModel } from '../../compiler/model/float-model.js';
import type { ArchitectureConfig } from '../../compiler/train/architecture.js';
import { maxAbsDifference, maxScaledDifference, runOrt } from './ort.js';
import { type DatasetName, trainSmall } from './trained-models.js';
import { int64ToNumber, onnx } from '../../compiler/onnx/onnx-proto.js';
import { predictFloat } from '../../compiler/inference/float-inference.js';

const TOLERANCE = 1e-5;
const measured: string[] = [];

interface Case {
  label: string;
  dataset: DatasetName;
  architecture: Partial<ArchitectureConfig>;
}

const CASES: Case[] = [
  { label: 'digits relu + batchnorm + dropout, softmax head', dataset: 'digits', architecture: { batchNorm: true, dropout: 0.1 } },
  { label: 'breast-cancer gelu(erf) + batchnorm, sigmoid head', dataset: 'breast-cancer', architecture: { activation: { type: 'gelu', approximate: 'none' }, batchNorm: true } },
  { label: 'iris leaky_relu(0.1), softmax head', dataset: 'iris', architecture: { activation: { type: 'leaky_relu', alpha: 0.1 } } },
  { label: 'iris gelu(tanh)', dataset: 'iris', architecture: { activation: { type: 'gelu', approximate: 'tanh' } } },
  { label: 'diabetes tanh, regression (target standardization)', dataset: 'diabetes', architecture: { activation: { type: 'tanh' } } },
  { label: 'diabetes relu6 + sigmoid output activation', dataset: 'diabetes', architecture: { activation: { type: 'relu6' }, outputActivation: { type: 'sigmoid' } } },
];

describe('firmnet float model → ONNX → onnxruntime-node', () => {
  for (const c of CASES) {
    it(`${c.label}: ORT equals predictFloat within ${TOLERANCE} on the test split`, async () => {
      const { model, test } = trainSmall(c.dataset, c.architecture);
      const bytes = floatModelToOnnx(model);
      const ours = predictFloat(model, test.features, test.rows);
      const ort = await runOrt(bytes, test.features, test.rows, model.inputFeatures);
      const logitsDiff = maxScaledDifference(ort.logits, ours.logits);
      // Probabilities are in [0, 1]; regression outputs are in the user's units (diabetes: ~25…350), where one
      // float32 ulp is already 1.5e-5, so those are compared relative to max(1, |value|).
      const outputDiff = model.head === 'identity' ? maxScaledDifference(ort.output, ours.scores) : maxAbsDifference(ort.output, ours.scores);
      measured.push(
        `${c.label}: output ${outputDiff.toExponential(2)}${model.head === 'identity' ? ` relative (${maxAbsDifference(ort.output, ours.scores).toExponential(2)} absolute)` : ''}, logits ${logitsDiff.toExponential(2)} relative (${maxAbsDifference(ort.logits, ours.logits).toExponential(2)} absolute)`,
      );
      expect(outputDiff).toBeLessThanOrEqual(TOLERANCE);
      expect(logitsDiff).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  it('a hand-made regression net with softmax, sigmoid and tanh layers runs the same in ORT', async () => {
    const model = handMadeModel();
    const rows = 50;
    const x = new Float32Array(rows * 3).map((_, i) => Math.sin(i * 1.7) * 3);
    const ours = predictFloat(model, x, rows);
    const ort = await runOrt(floatModelToOnnx(model), x, rows, 3);
    expect(maxAbsDifference(ort.output, ours.scores)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('declares a dynamic batch dimension: 1 row and many rows give the same per-row outputs', async () => {
    const { model, test } = trainSmall('iris', {}, 2);
    const bytes = floatModelToOnnx(model);
    const all = await runOrt(bytes, test.features, test.rows, model.inputFeatures);
    const one = await runOrt(bytes, test.features.subarray(0, model.inputFeatures), 1, model.inputFeatures);
    expect(Array.from(one.output)).toEqual(Array.from(all.output.subarray(0, model.outputFeatures)));
    const decoded = onnx.ModelProto.decode(bytes);
    const input = decoded.graph!.input![0];
    expect(input.name).toBe('input');
    expect(input.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual([ONNX_BATCH_DIM, model.inputFeatures]);
    expect(decoded.graph!.output!.map((o) => o.name)).toEqual(['output', 'logits']);
    expect(int64ToNumber(decoded.opsetImport![0].version)).toBe(17);
  });

  it('is deterministic: the same model gives the same bytes', () => {
    const model = handMadeModel();
    expect(Buffer.from(floatModelToOnnx(model)).equals(Buffer.from(floatModelToOnnx(structuredClone(model))))).toBe(true);
  });

  afterAll(() => {
    if (measured.length > 0) console.info(`max |ORT − firmnet| per case:\n  ${measured.join('\n  ')}`);
  });
});

/** Layers the trainer never produces in this order (softmax as a layer, sigmoid in the middle). */
function handMadeModel(): FloatModel {
  const w = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed + i * 0.37) * 0.8));
  return {
    format: 'firmnet.model',
    version: 1,
    name: 'hand_made',
    task: 'regression',
    head: 'identity',
    inputFeatures: 3,
    outputFeatures: 4,
    featureNames: ['a', 'b', 'c'],
    labelColumns: ['p0', 'p1', 'p2', 'p3'],
    classNames: [],
    inputStandardization: { mean: [0.5, -1, 2], std: [1.5, 2, 0.25] },
    targetStandardization: null,
    anomaly: null,
    layers: [
      { type: 'dense', inFeatures: 3, outFeatures: 5, weights: w(15, 1), bias: w(5, 2) },
      { type: 'sigmoid' },
      { type: 'dense', inFeatures: 5, outFeatures: 4, weights: w(20, 3), bias: w(4, 4) },
      { type: 'tanh' },
      { type: 'softmax' },
    ],
    seed: null,
    source: { format: 'firmnet', file: null },
    training: null,
  };
}
