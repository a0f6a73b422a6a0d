import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../compiler/data/dataset.js';
import { applyStandardization } from '../../compiler/data/standardize.js';
import type { FloatModel } from '../../compiler/model/float-model.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import { foldModel } from '../../compiler/quantize/fold.js';
import { chooseQuantParams, tensorFor } from '../../compiler/quantize/quant-params.js';
import { loadQModel, qmodelToJson, saveQModel } from '../../compiler/quantize/qmodel-file.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { weightBitsOf } from '../../compiler/quantize/weight-bits.js';
import { observeTensors } from '../../compiler/quantize/stage-forward.js';
import { dequantize, quantizeValue } from '../../compiler/reference/io.js';
import { Rng } from '../../compiler/rng.js';
import { trainModel } from '../../compiler/train/train.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';
import { predictFloat } from '../../compiler/inference/float-inference.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-q-'));
const iris = loadDataset('models/data/iris/train.csv', { task: 'multiclass', labelColumns: ['label'] });

function irisModel(overrides: { batchNorm?: boolean; dropout?: number } = {}): FloatModel {
  return trainModel(
    iris,
    {
      task: 'multiclass',
      architecture: { hidden: [16, 8], activation: { op: 'relu' }, outputActivation: null, batchNorm: overrides.batchNorm ?? false, dropout: overrides.dropout ?? 0, init: 'auto' },
      loss: null,
      optimizer: DEFAULT_OPTIMIZER,
      learningRate: 1e-2,
      schedule: DEFAULT_SCHEDULE,
      clipNorm: null,
      epochs: 20,
      batchSize: 16,
      validationSplit: 0,
      earlyStopping: null,
      standardize: true,
      seed: 2,
    },
    'iris',
  ).model;
}

const calibration = { features: iris.features, rows: iris.rows, description: 'iris train', seed: 0 };

describe('quantization parameters', () => {
  it('represent real zero exactly and round-trip within half a step', () => {
    const rng = new Rng(1);
    for (let k = 0; k < 200; k++) {
      const a = (rng.uniform() - 0.7) * 10 ** (rng.uniform() * 4 - 2);
      const b = a + rng.uniform() * 10 ** (rng.uniform() * 4 - 2);
      for (const dtype of ['int8', 'int16'] as const) {
        const t = tensorFor({ min: a, max: b }, dtype, 1);
        expect(quantizeValue(0, t)).toBe(t.zeroPoint);
        expect(dequantize(t, Int16Array.of(t.zeroPoint))[0]).toBe(0);
        const lo = Math.min(a, 0);
        const hi = Math.max(b, 0);
        for (let i = 0; i <= 50; i++) {
          const x = lo + ((hi - lo) * i) / 50;
          const q = quantizeValue(x, t);
          const back = dequantize(t, Int16Array.of(q))[0];
          // Half a step, plus the small widening of the range that nudging the zero point can cost.
          expect(Math.abs(back - x)).toBeLessThanOrEqual(t.scale * 0.5 + Math.abs(x) * 1e-6 + (dtype === 'int8' ? t.scale * 0.5 : 0));
        }
      }
    }
  });

  it('choose TFLite parameters for typical ranges', () => {
    const relu6 = chooseQuantParams({ min: 0, max: 6 }, 'int8');
    expect([Math.fround(relu6.scale), relu6.zeroPoint]).toEqual([Math.fround(6 / 255), -128]);
    // −128 + 1/(2/255) = −0.5, rounded away from zero as TFLite's nudging does.
    expect(chooseQuantParams({ min: -1, max: 1 }, 'int8').zeroPoint).toBe(-1);
    expect(chooseQuantParams({ min: 2, max: 5 }, 'int8').zeroPoint).toBe(-128);
    expect(chooseQuantParams({ min: -5, max: -2 }, 'int8').zeroPoint).toBe(127);
    const wide = chooseQuantParams({ min: -3, max: 1 }, 'int16');
    expect([Math.fround(wide.scale), wide.zeroPoint]).toEqual([Math.fround(3 / 32767), 0]);
  });
});

describe('folding', () => {
  it('BatchNorm folded into dense equals the unfolded float model within 1e-5', () => {
    const model = irisModel({ batchNorm: true, dropout: 0.2 });
    expect(model.layers.some((l) => l.op === 'batchnorm')).toBe(true);
    const stages = foldModel(model, { headInFirmware: false });
    expect(stages.map((s) => s.op)).toEqual(['fully_connected', 'fully_connected', 'fully_connected']);
    const folded = observeTensors(stages, applyStandardization(iris.features, 4, model.inputStandardization), iris.rows);
    const unfolded = predictFloat(model, iris.features, iris.rows).logits;
    const out = folded[folded.length - 1];
    for (let i = 0; i < out.length; i++) expect(Math.abs(out[i] - unfolded[i])).toBeLessThan(1e-5);
  });

  it('folds a BatchNorm that follows an activation into the next dense layer', () => {
    const base = irisModel();
    const firstDense = base.layers[0];
    if (firstDense.op !== 'dense') throw new Error('dense expected');
    const bn = { op: 'batchnorm' as const, features: 16, gamma: Array(16).fill(1.5), beta: Array(16).fill(0.2), runningMean: Array(16).fill(0.3), runningVar: Array(16).fill(2), eps: 1e-5, momentum: 0.1 };
    const model: FloatModel = { ...base, layers: [base.layers[0], base.layers[1], bn, ...base.layers.slice(2)] };
    const stages = foldModel(model, { headInFirmware: false });
    const folded = observeTensors(stages, applyStandardization(iris.features, 4, model.inputStandardization), iris.rows);
    const out = folded[folded.length - 1];
    const reference = predictFloat(model, iris.features, iris.rows).logits;
    for (let i = 0; i < out.length; i++) expect(Math.abs(out[i] - reference[i])).toBeLessThan(1e-5);
  });
});

describe('quantizeModel', () => {
  const model = irisModel();

  it('quantizes weights at the width the options give each layer: weightBits, overridden per layer', () => {
    const { qmodel } = quantizeModel(model, calibration, { ...DEFAULT_QUANTIZE_OPTIONS, weightBits: 4, layerWeightBits: { dense0: 8, dense2: 8 } });
    const dense = qmodel.layers.flatMap((l) => (l.op === 'fully_connected' ? [l] : []));
    expect(dense.map((l) => l.weightBits)).toEqual([8, 4, 8]);
    // int4: 16 · 8 weights in 64 bytes, and every channel's scale is its max |w| / 7 of the (unfolded) float weights.
    expect(dense[1].weights.length).toBe(64);
    const float = model.layers.flatMap((l) => (l.op === 'dense' ? [l] : []))[1];
    const maxAbs = Math.max(...float.weights.slice(0, 16).map(Math.abs));
    expect(dense[1].weightScales[0]).toBeCloseTo(maxAbs / 7, 6);
    expect(weightBitsOf({ weightBits: 4, layerWeightBits: { dense0: 8 } }, 'dense1')).toBe(4);
  });

  it('refuses a per-layer width for a layer that does not exist, and a width other than 4 or 8', () => {
    expectFirmnetError(() => quantizeModel(model, calibration, { ...DEFAULT_QUANTIZE_OPTIONS, layerWeightBits: { dense9: 4 } }), 'BAD_ARGUMENT', "layerWeightBits names 'dense9', which is not a layer with weights in this model; layers with weights are: dense0, dense1, dense2");
    expectFirmnetError(() => quantizeModel(model, calibration, { ...DEFAULT_QUANTIZE_OPTIONS, weightBits: 2 as 4 }), 'BAD_ARGUMENT', '--weight-bits must be 4 or 8 (bits per weight), got 2');
  });

  it('is deterministic: the same model and data give a byte-identical model.q.json', () => {
    const a = qmodelToJson(quantizeModel(model, calibration, DEFAULT_QUANTIZE_OPTIONS).qmodel);
    const b = qmodelToJson(quantizeModel(model, calibration, DEFAULT_QUANTIZE_OPTIONS).qmodel);
    expect(a).toBe(b);
  });

  it('fuses ReLU into clamp bounds and keeps logits as the output by default', () => {
    const { qmodel, tensors } = quantizeModel(model, calibration, DEFAULT_QUANTIZE_OPTIONS);
    expect(qmodel.layers.map((l) => l.op)).toEqual(['fully_connected', 'fully_connected', 'fully_connected']);
    const fc0 = qmodel.layers[0];
    if (fc0.op !== 'fully_connected') throw new Error();
    expect(fc0.activation).toBe('relu');
    expect(fc0.activationMin).toBe(Math.max(-128, fc0.output.zeroPoint));
    expect(qmodel.head).toBe('softmax');
    expect(tensors.map((t) => t.tensor)).toEqual(['input', 'dense0', 'dense1', 'dense2']);
    for (const t of tensors) expect(t.sqnrDb).toBeGreaterThan(15);
  });

  it('supports every calibration method, per-tensor weights, int16 tensors and an int8 softmax head', () => {
    for (const method of ['minmax', 'percentile', 'mse', 'kl'] as const) {
      const { qmodel } = quantizeModel(model, calibration, { ...DEFAULT_QUANTIZE_OPTIONS, method });
      expect(qmodel.calibration.tensorMethods.every((m) => m === method)).toBe(true);
    }
    const perTensor = quantizeModel(model, calibration, { ...DEFAULT_QUANTIZE_OPTIONS, perChannel: false }).qmodel.layers[0];
    if (perTensor.op !== 'fully_connected') throw new Error();
    expect(new Set(perTensor.weightScales).size).toBe(1);
    const mixed = quantizeModel(model, calibration, { ...DEFAULT_QUANTIZE_OPTIONS, int16: ['dense1'] }).qmodel;
    expect(mixed.layers.map((l) => l.output.dtype)).toEqual(['int8', 'int16', 'int8']);
    const head = quantizeModel(model, calibration, { ...DEFAULT_QUANTIZE_OPTIONS, headInFirmware: true }).qmodel;
    expect(head.layers[head.layers.length - 1].op).toBe('softmax');
    expect(head.head).toBe('identity');
    expect(() => quantizeModel(model, calibration, { ...DEFAULT_QUANTIZE_OPTIONS, int16: ['dense9'] })).toThrow(
      "--int16 'dense9' is not a tensor of this model; tensors are: input, dense0, dense1, dense2 (or 'all')",
    );
  });
});

describe('quantized IR file', () => {
  const { qmodel } = quantizeModel(irisModel(), calibration, DEFAULT_QUANTIZE_OPTIONS);
  const file = join(dir, 'm.q.json');
  saveQModel(file, qmodel);
  const text = readFileSync(file, 'utf8');

  function rejectWith(mutate: (j: any) => void, message: string | RegExp): void {
    const j = JSON.parse(text);
    mutate(j);
    const bad = join(dir, 'bad.q.json');
    writeFileSync(bad, JSON.stringify(j));
    expect(() => loadQModel(bad)).toThrow(message);
  }

  it('round-trips byte for byte', () => {
    expect(qmodelToJson(loadQModel(file))).toBe(text);
  });

  it('rejects malformed and inconsistent files, naming the field', () => {
    rejectWith((j) => (j.version = 7), /quantized IR version 7 is not supported/);
    rejectWith((j) => (j.format = 'firmnet.model'), /format: expected 'firmnet.qmodel', got "firmnet.model" \(this is a float model/);
    rejectWith((j) => (j.layers[1].weights[3] = 128), /layers\[1\]\.weights\[3\]: must be ≤ 127, got 128/);
    rejectWith((j) => (j.layers[0].multiplier[2] = 1.5), /layers\[0\]\.multiplier\[2\]: expected an integer, got 1.5/);
    rejectWith((j) => (j.layers[2].shift = j.layers[2].shift.slice(1)), /layers\[2\]\.shift: has 2 entries, expected 3/);
    rejectWith((j) => (j.layers[1].input.zeroPoint += 1), /layers\[1\]\.input\.zeroPoint: is -?\d+, but the previous layer's output has -?\d+/);
    rejectWith((j) => (j.layers[0].output.dtype = 'int4'), /layers\[0\]\.output\.dtype: expected one of 'int8', 'int16', got 'int4'/);
    rejectWith((j) => (j.layers[0].bias[0] += 1), /layers\[0\]\.hash: is [0-9a-f]{16} but the layer hashes to [0-9a-f]{16}: the layer was changed/);
    rejectWith((j) => (j.name = 'renamed'), /hash: is [0-9a-f]{16} but the content hashes to/);
    rejectWith((j) => delete j.layers[0].activationMax, /layers\[0\]\.activationMax: missing/);
  });
});
