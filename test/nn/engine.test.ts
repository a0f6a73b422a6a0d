/**
 * The training kernels' float32 build against their float64 build (which the finite-difference
 * checks in gradients.test.ts validate) and against the formulas written out here: the two builds
 * share one generic source but differ in lane count, so their tiles, masks and remainders differ.
 */
import { describe, expect, it } from 'vitest';
import { applyStandardization } from '../../compiler/data/standardize.js';
import type { LayerSpec } from '../../compiler/model/float-model.js';
import { LOSSES, type LossName } from '../../compiler/nn/losses.js';
import type { FloatArray, Matrix } from '../../compiler/nn/matrix.js';
import { Network } from '../../compiler/nn/network.js';
import { DEFAULT_OPTIMIZER, type OptimizerConfig, createOptimizer, optimizerSlots } from '../../compiler/nn/optimizers.js';
import { Rng } from '../../compiler/rng.js';

function randomArray(n: number, rng: Rng, scale = 1): number[] {
  return Array.from({ length: n }, () => Math.fround(rng.normal() * scale));
}

/** Dense → BatchNorm → activation per hidden size, then Dense; random float32-exact weights. */
function specs(sizes: number[], rng: Rng, activation: LayerSpec): LayerSpec[] {
  const out: LayerSpec[] = [];
  for (let i = 1; i < sizes.length; i++) {
    const [nIn, nOut] = [sizes[i - 1], sizes[i]];
    out.push({ type: 'dense', inFeatures: nIn, outFeatures: nOut, weights: randomArray(nIn * nOut, rng, Math.sqrt(2 / nIn)), bias: randomArray(nOut, rng, 0.1) });
    if (i === sizes.length - 1) break;
    const gamma = randomArray(nOut, rng, 0.3).map((g) => Math.fround(1 + g));
    out.push({ type: 'batchnorm', features: nOut, gamma, beta: randomArray(nOut, rng, 0.1), runningMean: randomArray(nOut, rng), runningVar: randomArray(nOut, rng).map((v) => Math.fround(1 + Math.abs(v))), eps: 1e-5, momentum: 0.1 });
    out.push(activation);
  }
  return out;
}

/** max |a − b| / max(max |b|, floor): a float32 result against its float64 counterpart. */
function relativeError(a: FloatArray, b: FloatArray, floor = 1e-3): number {
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

describe('float32 training kernels agree with the float64 build', () => {
  const shapes = [
    { rows: 1, sizes: [2, 1] },
    { rows: 3, sizes: [5, 4, 7] },
    { rows: 6, sizes: [13, 9, 6, 3] },
    { rows: 9, sizes: [33, 17, 10] },
    { rows: 32, sizes: [64, 64, 32, 10] },
  ];
  const activations: LayerSpec[] = [{ type: 'relu' }, { type: 'relu6' }, { type: 'leaky_relu', alpha: 0.1 }];
  for (const { rows, sizes } of shapes) {
    for (const activation of activations) {
      it(`${rows} rows, ${sizes.join('-')}, ${activation.type}`, () => {
        const rng = new Rng(rows * 31 + sizes.length);
        const layerSpecs = specs(sizes, rng, activation);
        const x: Matrix = { rows, cols: sizes[0], data: Float64Array.from(randomArray(rows * sizes[0], rng, 2)) };
        const dy: Matrix = { rows, cols: sizes[sizes.length - 1], data: Float64Array.from(randomArray(rows * sizes[sizes.length - 1], rng)) };
        const [f32, f64] = (['float32', 'float64'] as const).map((precision) => Network.fromSpecs(layerSpecs, sizes[0], new Rng(0), precision, { rows, inputGradient: true }));
        for (const mode of ['train', 'eval'] as const) {
          expect(relativeError(f32.forward(x, mode).data, f64.forward(x, mode).data)).toBeLessThan(2e-5);
          const dx32 = f32.backward(dy)!;
          const dx64 = f64.backward(dy)!;
          expect(relativeError(dx32.data, dx64.data)).toBeLessThan(2e-4);
          // A bias feeding BatchNorm has a zero gradient in exact arithmetic (the mean is subtracted
          // again), so float32 leaves only rounding there: compare against the largest gradient.
          const p64 = f64.params();
          const largest = Math.max(...p64.map((p) => Math.max(...Array.from(p.grad, Math.abs))));
          f32.params().forEach((p, i) => expect(relativeError(p.grad, p64[i].grad, largest), p.name).toBeLessThan(2e-5));
        }
      });
    }
  }
});

describe('optimizer kernels follow their formulas', () => {
  /** The update rules of compiler/nn/optimizers.ts, written out in float64. */
  function reference(config: OptimizerConfig, w: Float64Array, g: Float64Array, decay: boolean[], steps: number, lr: number): Float64Array {
    const out = Float64Array.from(w);
    const m = new Float64Array(w.length);
    const v = new Float64Array(w.length);
    for (let t = 1; t <= steps; t++) {
      for (let i = 0; i < w.length; i++) {
        const wd = decay[i] ? config.weightDecay : 0;
        if (config.name === 'adam' || config.name === 'adamw') {
          const gi = config.name === 'adamw' ? g[i] : g[i] + wd * out[i];
          m[i] = config.beta1 * m[i] + (1 - config.beta1) * gi;
          v[i] = config.beta2 * v[i] + (1 - config.beta2) * gi * gi;
          const step = ((lr / (1 - config.beta1 ** t)) * m[i]) / (Math.sqrt(v[i]) * (1 / Math.sqrt(1 - config.beta2 ** t)) + config.epsilon);
          out[i] -= step + (config.name === 'adamw' ? lr * wd * out[i] : 0);
        } else {
          const gi = g[i] + wd * out[i];
          if (config.name === 'sgd') {
            out[i] -= lr * gi;
            continue;
          }
          m[i] = config.momentum * m[i] + gi;
          out[i] -= lr * (config.nesterov ? gi + config.momentum * m[i] : m[i]);
        }
      }
    }
    return out;
  }

  const configs: OptimizerConfig[] = [
    { ...DEFAULT_OPTIMIZER, weightDecay: 0.01 },
    { ...DEFAULT_OPTIMIZER, name: 'adamw', weightDecay: 0.05 },
    { ...DEFAULT_OPTIMIZER, name: 'sgd', weightDecay: 0.01 },
    { ...DEFAULT_OPTIMIZER, name: 'momentum', nesterov: true, weightDecay: 0.01 },
  ];
  for (const config of configs) {
    it(`${config.name}${config.nesterov ? ' (Nesterov)' : ''}, weight decay on weights only; returns Σ g²`, () => {
      const rng = new Rng(5);
      // 7 inputs × 3 outputs + 3 biases: odd lengths leave remainders in both parts.
      const layerSpecs = specs([7, 3], rng, { type: 'relu' });
      const network = Network.fromSpecs(layerSpecs, 7, new Rng(0), 'float64', { rows: 1, optimizerSlots: optimizerSlots(config) });
      const params = network.params();
      const w = Float64Array.from(params.flatMap((p) => Array.from(p.value)));
      const grads = randomArray(w.length, rng);
      const decay = params.flatMap((p) => Array<boolean>(p.value.length).fill(p.decay));
      let at = 0;
      for (const p of params) {
        p.grad.set(grads.slice(at, at + p.grad.length));
        at += p.grad.length;
      }
      const optimizer = createOptimizer(config, network);
      let squares = 0;
      for (let t = 0; t < 3; t++) squares = optimizer.step(0.05);
      expect(squares).toBeCloseTo(grads.reduce((s, g) => s + g * g, 0), 12);
      const expected = reference(config, w, Float64Array.from(grads), decay, 3, 0.05);
      const actual = params.flatMap((p) => Array.from(p.value));
      actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    });
  }
});

describe('loss kernels', () => {
  const names: LossName[] = ['mse', 'mae', 'huber', 'bce_logits', 'softmax_ce_logits', 'multilabel_bce_logits'];
  for (const name of names) {
    it(`${name}: float32 agrees with float64, and a long evaluation in blocks equals one pass`, () => {
      const rng = new Rng(13);
      const rows = 1500;
      const cols = 7;
      const p = randomArray(rows * cols, rng, 3);
      const t = name.includes('ce') ? Array.from({ length: rows * cols }, (_, i) => (i % cols === i % 3 ? 1 : 0)) : name.includes('bce') ? p.map(() => (rng.uniform() < 0.5 ? 1 : 0)) : randomArray(rows * cols, rng);
      const as = (values: number[], precision: 'float32' | 'float64'): Matrix => ({ rows, cols, data: precision === 'float32' ? Float32Array.from(values) : Float64Array.from(values) });
      const g32 = as(new Array<number>(rows * cols).fill(0), 'float32');
      const g64 = as(new Array<number>(rows * cols).fill(0), 'float64');
      const l32 = LOSSES[name](as(p, 'float32'), as(t, 'float32'), g32);
      const l64 = LOSSES[name](as(p, 'float64'), as(t, 'float64'), g64);
      expect(Math.abs(l32 - l64) / Math.abs(l64)).toBeLessThan(1e-6);
      expect(relativeError(g32.data, g64.data)).toBeLessThan(1e-6);
      // 1500 rows run as blocks of 1024 and 476 rows through the scratch engine; the first 1024 alone must agree.
      const head = (m: Matrix): Matrix => ({ rows: 1024, cols, data: m.data.subarray(0, 1024 * cols) });
      const headLoss = LOSSES[name](head(as(p, 'float64')), head(as(t, 'float64')));
      const tailLoss = LOSSES[name]({ rows: rows - 1024, cols, data: Float64Array.from(p.slice(1024 * cols)) }, { rows: rows - 1024, cols, data: Float64Array.from(t.slice(1024 * cols)) });
      expect((headLoss * 1024 + tailLoss * (rows - 1024)) / rows).toBeCloseTo(l64, 12);
    });
  }
});

describe('batch loading', () => {
  it('standardizes rows to exactly the values of applyStandardization (the firmware arithmetic)', () => {
    const rng = new Rng(3);
    const cols = 13;
    const rows = 40;
    const features = Float32Array.from(randomArray(rows * cols, rng, 50).map((v, i) => v + (i % cols) * 7));
    const standardization = { mean: randomArray(cols, rng, 5), std: randomArray(cols, rng).map((s) => Math.fround(0.1 + Math.abs(s))) };
    const network = Network.fromSpecs(specs([cols, 2], rng, { type: 'relu' }), cols, new Rng(0), 'float32', { rows: 16, inputStandardization: standardization });
    const order = Uint32Array.from({ length: rows }, (_, i) => (i * 7) % rows);
    const expected = applyStandardization(features, cols, standardization);
    for (let start = 0; start < rows; start += 16) {
      const end = Math.min(start + 16, rows);
      const batch = network.loadRows(features, order, start, end);
      for (let r = start; r < end; r++) {
        expect(Array.from(batch.data.subarray((r - start) * cols, (r - start + 1) * cols))).toEqual(Array.from(expected.subarray(order[r] * cols, (order[r] + 1) * cols)));
      }
    }
  });
});
