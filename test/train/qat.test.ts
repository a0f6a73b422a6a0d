import { describe, expect, it } from 'vitest';
import { shortestFloat32 } from '../../compiler/float32.js';
import { loadDataset } from '../../compiler/data/dataset.js';
import { compareWithFloat } from '../../compiler/evaluate/compare-with-float.js';
import type { FloatModel } from '../../compiler/model/float-model.js';
import { foldBatchNorm } from '../../compiler/ops/batch-norm/fold-batch-norm.js';
import { quantizeWeights } from '../../compiler/ops/fully-connected/lower.js';
import type { QLayer } from '../../compiler/ops/quantized-op-types.js';
import { tensorFor } from '../../compiler/quantize/quant-params.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { dequantize, quantizeValue } from '../../compiler/reference/io.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { Rng } from '../../compiler/rng.js';
import { ActivationRange, fakeQuantizeActivations, fakeQuantizeWeights } from '../../compiler/train/qat/fake-quant.js';
import { FakeQuantActivations, FakeQuantDense } from '../../compiler/train/qat/fake-quant-layers.js';
import { INT8_WEIGHTS, buildQatNetwork, quantizeWithQat } from '../../compiler/train/qat/qat.js';
import { qatNeeded, shippedIr } from '../../compiler/train/qat/qat-choice.js';
import { DEFAULT_TRAIN_SETTINGS, trainConfig } from '../../compiler/train/settings.js';
import { trainModel } from '../../compiler/train/train.js';
import type { Layer } from '../../compiler/nn/layer.js';

const iris = loadDataset('models/data/iris/train.csv', { task: 'multiclass', labelColumns: ['label'] });
const irisTest = loadDataset('models/data/iris/test.csv', { task: 'multiclass', labelColumns: ['label'], classNames: iris.classNames });
const calibration = { features: iris.features, rows: iris.rows, description: 'iris train', seed: 0 };

function irisModel(settings: Partial<typeof DEFAULT_TRAIN_SETTINGS>): FloatModel {
  return trainModel(iris, trainConfig('multiclass', { ...DEFAULT_TRAIN_SETTINGS, ...settings }), 'iris').model;
}

function denseLayers(q: { layers: QLayer[] }): Extract<QLayer, { op: 'fully_connected' }>[] {
  return q.layers.filter((l): l is Extract<QLayer, { op: 'fully_connected' }> => l.op === 'fully_connected');
}

describe('fake quantization is the quantizer round trip', () => {
  const model = irisModel({ epochs: 5, hidden: [16, 8], seed: 1 });

  it('weights: the IR integers times their scales, per channel and per tensor', () => {
    for (const perChannel of [true, false]) {
      const q = quantizeModel(model, calibration, { ...DEFAULT_QUANTIZE_OPTIONS, method: 'minmax', perChannel }).qmodel;
      const specs = model.layers.filter((l) => l.op === 'dense');
      denseLayers(q).forEach((layer, k) => {
        const w = Float32Array.from(specs[k].weights);
        const fake = new Float32Array(w.length);
        fakeQuantizeWeights(w, layer.outFeatures, layer.inFeatures, perChannel, 8, fake);
        const expected = layer.weights.map((code, i) => Math.fround(code * Math.fround(layer.weightScales[Math.floor(i / layer.inFeatures)])));
        expect(Array.from(fake)).toEqual(expected);
      });
    }
  });

  it('4-bit weights: codes in [-7, 7], every channel reaching ±7, the same codes when quantized again', () => {
    const rng = new Rng(3);
    const [outF, inF] = [5, 9];
    const w = Float32Array.from({ length: outF * inF }, () => rng.normal());
    // As the quantizer reads them from a model file: the shortest decimal of each float32.
    const { weights: codes, scales } = quantizeWeights(Array.from(w, shortestFloat32), outF, inF, true, 4);
    for (let o = 0; o < outF; o++) {
      const row = codes.slice(o * inF, (o + 1) * inF);
      expect(Math.max(...row.map(Math.abs))).toBe(7);
      for (const c of row) expect(Number.isInteger(c) && Math.abs(c) <= 7).toBe(true);
    }
    const fake = new Float32Array(w.length);
    fakeQuantizeWeights(w, outF, inF, true, 4, fake);
    expect(Array.from(fake)).toEqual(codes.map((c, i) => Math.fround(c * Math.fround(scales[Math.floor(i / inF)]))));
    // Quantizing the fake-quantized weights again gives the same integers (−0 and 0 alike, as in the IR's JSON).
    const asIntegers = (c: number[]): number[] => c.map((v) => v + 0);
    expect(asIntegers(quantizeWeights(Array.from(fake, shortestFloat32), outF, inF, true, 4).weights)).toEqual(asIntegers(codes));
    // Far coarser than int8: the worst error is half a 4-bit step, not half an 8-bit one.
    const err = Math.max(...Array.from(w, (v, i) => Math.abs(v - fake[i])));
    expect(err).toBeGreaterThan(Math.min(...scales) / 127);
  });

  it('activations: quantizeValue then dequantize, gradients passed only inside the range', () => {
    for (const dtype of ['int8', 'int16'] as const) {
      const t = tensorFor({ min: -1.3, max: 2.1 }, dtype, 1);
      const x = Float32Array.from({ length: 401 }, (_, i) => -3 + (6 * i) / 400);
      const out = new Float32Array(x.length);
      const pass = new Uint8Array(x.length);
      fakeQuantizeActivations(x, t, out, pass);
      const codes = Int16Array.from(x, (v) => quantizeValue(v, t));
      expect(Array.from(out)).toEqual(Array.from(dequantize(t, codes)));
      const lo = dequantize(t, Int16Array.of(dtype === 'int8' ? -128 : -32768))[0];
      const hi = dequantize(t, Int16Array.of(dtype === 'int8' ? 127 : 32767))[0];
      x.forEach((v, i) => {
        // Half a step beyond either end still rounds to the end code, so it still passes.
        if (v < lo - t.scale / 2 - 1e-6 || v > hi + t.scale / 2 + 1e-6) expect(pass[i]).toBe(0);
        if (v > lo && v < hi) expect(pass[i]).toBe(1);
      });
      expect(pass.includes(0) && pass.includes(1)).toBe(true);
    }
  });

  it('ranges: the first batch sets them, later batches move them 1% of the way', () => {
    const r = new ActivationRange('int8', 2, null);
    r.observe(Float32Array.of(-1, 3));
    expect(r.current()).toEqual({ min: -1, max: 3 });
    r.observe(Float32Array.of(-11, 13, 0));
    expect(r.current()!.min).toBeCloseTo(-1.1, 12);
    expect(r.current()!.max).toBeCloseTo(3.1, 12);
    expect(r.tensor()).toEqual(tensorFor(r.current()!, 'int8', 2));
    const softmax = new ActivationRange('int8', 3, { scale: 1 / 256, zeroPoint: -128 });
    softmax.observe(Float32Array.of(-5, 5));
    expect([softmax.tensor().scale, softmax.tensor().zeroPoint]).toEqual([1 / 256, -128]);
  });
});

describe('straight-through gradients', () => {
  // BatchNorm in the model: QAT folds it first, so the check also covers the folded network.
  const model = irisModel({ epochs: 4, hidden: [6, 4], batchNorm: true, seed: 5 });

  it('equal finite differences of the network with its rounding frozen (float64)', () => {
    const rows = 8;
    const { network } = buildQatNetwork(model, DEFAULT_QUANTIZE_OPTIONS, INT8_WEIGHTS, 'float64', { rows, optimizerSlots: 0, parallel: false });
    const indices = Uint32Array.from({ length: rows }, (_, i) => i * 13);
    // Another batch sets the moving-average ranges, so some values of the checked one saturate; the checked passes are in eval mode (ranges fixed).
    const other = Uint32Array.from({ length: rows }, (_, i) => i * 13 + 5);
    network.run(network.loadRows(iris.features, other, 0, rows), 'train');
    const x: Float64Array = Float64Array.from(network.loadRows(iris.features, indices, 0, rows).data);
    const targets = Float64Array.from({ length: rows * 3 }, (_, i) => iris.targets[indices[Math.floor(i / 3)] * 3 + (i % 3)]);
    const xb = network.loadRows(iris.features, indices, 0, rows);
    const out = network.run(xb, 'eval');
    const dOut = network.outputGradientRows(rows);
    const lossAt = softmaxCe(Float64Array.from(out.data), targets, rows, 3, Float64Array.from(dOut.data));
    for (let i = 0; i < out.data.length; i++) dOut.data[i] = lossAt.grad[i];
    network.backward(dOut);

    // The network as a chain the test computes itself: dense (fake-quantized weights), ReLU, fake-quantized tensors.
    const chain = network.layers.map(chainLink);
    expect(chain.map((c) => c.kind)).toEqual(['dense', 'relu', 'dense', 'relu', 'dense']);
    const params = chain.filter((c) => c.kind === 'dense').flatMap((c) => [c.weight!, c.bias!]);
    const base = params.map((p) => Float64Array.from(p.value));
    const frozen = new Map<number, { residual: Float64Array; pass: Uint8Array; value: Float64Array }>();
    let point = 0;
    const quantized = (v: Float64Array, range: ActivationRange): Float64Array<ArrayBuffer> => {
      const key = point++;
      let f = frozen.get(key);
      if (!f) {
        const q = new Float64Array(v.length);
        const pass = new Uint8Array(v.length);
        fakeQuantizeActivations(v, range.tensor(), q, pass);
        f = { residual: q.map((qi, i) => qi - v[i]), pass, value: q };
        frozen.set(key, f);
      }
      return v.map((vi, i) => (f!.pass[i] ? vi + f!.residual[i] : f!.value[i]));
    };
    const weightResidual = base.map((w, k) => {
      const c = chain.filter((l) => l.kind === 'dense')[k >> 1];
      if (k % 2 === 1) return new Float64Array(w.length);
      const q = new Float64Array(w.length);
      fakeQuantizeWeights(w, c.outFeatures, c.inFeatures, true, 8, q);
      return q.map((qi, i) => qi - w[i]);
    });
    const surrogateLoss = (values: Float64Array[]): number => {
      point = 0;
      let h: Float64Array = x;
      let dense = 0;
      for (const c of chain) {
        if (c.input) h = quantized(h, c.input);
        if (c.kind === 'dense') {
          const w = values[2 * dense].map((wi, i) => wi + weightResidual[2 * dense][i]);
          const b = values[2 * dense + 1];
          const y = new Float64Array(rows * c.outFeatures);
          for (let r = 0; r < rows; r++) {
            for (let o = 0; o < c.outFeatures; o++) {
              let acc = b[o];
              for (let i = 0; i < c.inFeatures; i++) acc += w[o * c.inFeatures + i] * h[r * c.inFeatures + i];
              y[r * c.outFeatures + o] = acc;
            }
          }
          h = y;
          dense++;
        } else {
          h = h.map((v) => Math.max(v, 0));
        }
        if (c.output) h = quantized(h, c.output);
      }
      return softmaxCe(h, targets, rows, 3, null).loss;
    };
    expect(surrogateLoss(base)).toBeCloseTo(lossAt.loss, 9);
    const eps = 1e-6;
    let checked = 0;
    params.forEach((p, k) => {
      const step = Math.max(1, Math.floor(p.value.length / 7));
      for (let i = 0; i < p.value.length; i += step) {
        const plus = base.map((b) => b.slice());
        const minus = base.map((b) => b.slice());
        plus[k][i] += eps;
        minus[k][i] -= eps;
        const numeric = (surrogateLoss(plus) - surrogateLoss(minus)) / (2 * eps);
        expect(Math.abs(p.grad[i] - numeric), `${p.name}[${i}]: ${p.grad[i]} vs ${numeric}`).toBeLessThan(1e-6 + 1e-5 * Math.abs(numeric));
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(30);
    // Some tensor saturated somewhere, so the clipped part of the estimator was exercised too.
    expect([...frozen.values()].some((f) => f.pass.includes(0))).toBe(true);
  });
});

interface ChainLink {
  kind: 'dense' | 'relu';
  inFeatures: number;
  outFeatures: number;
  input: ActivationRange | null;
  output: ActivationRange | null;
  weight?: { name: string; value: Float64Array; grad: Float64Array };
  bias?: { name: string; value: Float64Array; grad: Float64Array };
}

/** A layer of the QAT network as the surrogate reads it: its kind, its fake-quantized tensors and parameters. */
function chainLink(layer: Layer): ChainLink {
  const wrapped = layer instanceof FakeQuantActivations ? layer : null;
  const inner = wrapped ? wrapped.inner : layer;
  const link: ChainLink = { kind: inner.op === 'dense' ? 'dense' : 'relu', inFeatures: inner.inFeatures, outFeatures: inner.outFeatures, input: wrapped?.input ?? null, output: wrapped?.output ?? null };
  if (inner.op === 'relu') return link;
  if (!(inner instanceof FakeQuantDense)) throw new Error(`expected a fake-quantized dense layer, got ${inner.op}`);
  const [weight, bias] = inner.params() as { name: string; value: Float64Array; grad: Float64Array }[];
  return { ...link, weight, bias };
}

/** Mean softmax cross-entropy over rows, and its gradient (into `grad` when given). */
function softmaxCe(z: Float64Array, t: Float64Array, rows: number, cols: number, grad: Float64Array | null): { loss: number; grad: Float64Array } {
  const g = grad ?? new Float64Array(z.length);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const row = z.subarray(r * cols, (r + 1) * cols);
    const max = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
    for (let c = 0; c < cols; c++) {
      const p = Math.exp(row[c] - max) / sum;
      loss -= t[r * cols + c] * (row[c] - max - Math.log(sum));
      g[r * cols + c] = (p - t[r * cols + c]) / rows;
    }
  }
  return { loss: loss / rows, grad: g };
}

describe('QAT on a seeded model', () => {
  // firmnet build models/data/iris/train.csv --epochs 30 --seed 3 --method kl: post-training int8 loses one of 30 test rows.
  const model = irisModel({ epochs: 30, seed: 3 });
  const options = { ...DEFAULT_QUANTIZE_OPTIONS, method: 'kl' as const };
  const settings = { epochs: 10, learningRate: 1e-4, batchSize: null, seed: 3 };
  const dropOf = (q: ReturnType<typeof quantizeModel>['qmodel']): number => {
    const p = predictQuantized(q, irisTest.features, irisTest.rows);
    return compareWithFloat(model, q, irisTest, p.scores, p.dequantized).drop;
  };

  it('recovers the post-training drop, deterministically, as an ordinary IR of the same model', () => {
    const ptq = quantizeModel(model, calibration, options).qmodel;
    const qat = quantizeWithQat(model, iris, calibration, options, settings);
    expect(dropOf(ptq)).toBeCloseTo(100 / 30, 9);
    expect(dropOf(qat.qmodel)).toBe(0);
    expect(qat.history).toHaveLength(10);
    // Same seed, same bytes.
    expect(quantizeWithQat(model, iris, calibration, options, settings).qmodel.hash).toBe(qat.qmodel.hash);
    // The IR names the original float model and its layer indices; only the numbers differ.
    expect(qat.qmodel.source).toEqual(ptq.source);
    expect(qat.qmodel.layers.map((l) => [l.name, l.op, l.sourceLayers])).toEqual(ptq.layers.map((l) => [l.name, l.op, l.sourceLayers]));
    expect(denseLayers(qat.qmodel)[0].weights).not.toEqual(denseLayers(ptq)[0].weights);
    // The conversion lowers the tuned weights with the quantizer's own weight quantization.
    const tunedDense = qat.tuned.layers.filter((l) => l.op === 'dense');
    denseLayers(qat.qmodel).forEach((layer, k) => {
      expect(layer.weights).toEqual(quantizeWeights(tunedDense[k].weights, layer.outFeatures, layer.inFeatures, true).weights);
    });
  });

  it('folds BatchNorm away before fine-tuning: the tuned model has no BatchNorm or Dropout', () => {
    const bn = irisModel({ epochs: 3, hidden: [8], batchNorm: true, dropout: 0.1, seed: 1 });
    const tuned = quantizeWithQat(bn, iris, calibration, DEFAULT_QUANTIZE_OPTIONS, { ...settings, epochs: 1 }).tuned;
    expect(tuned.layers.map((l) => l.op)).toEqual(foldBatchNorm(bn.layers, bn.name).map((k) => k.spec.op));
    expect(tuned.layers.some((l) => l.op === 'batchnorm' || l.op === 'dropout')).toBe(false);
  });
});

describe('when a build runs QAT', () => {
  it('auto: only when the post-training drop exceeds maxDrop', () => {
    expect(qatNeeded('auto', 0.5, 0.5)).toBe(false);
    expect(qatNeeded('auto', 0.51, 0.5)).toBe(true);
    expect(qatNeeded('auto', 0, 0)).toBe(false);
    expect(qatNeeded('auto', null, 0.5)).toBe(false);
    expect(qatNeeded(true, 0, 0.5)).toBe(true);
    expect(qatNeeded(false, 9, 0.5)).toBe(false);
  });

  it('ships QAT under auto only when it costs less; always under true', () => {
    expect(shippedIr('auto', 3.3, 0)).toBe('qat');
    expect(shippedIr('auto', 3.3, 3.3)).toBe('ptq');
    expect(shippedIr('auto', 3.3, 4)).toBe('ptq');
    expect(shippedIr(true, 0, 4)).toBe('qat');
  });
});
