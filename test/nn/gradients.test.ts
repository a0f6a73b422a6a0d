import { describe, expect, it } from 'vitest';
import type { ActivationSpec } from '../../compiler/model/float-model.js';
import { activationLayer } from '../../compiler/nn/activations.js';
import { BatchNorm } from '../../compiler/nn/batchnorm.js';
import { Dense } from '../../compiler/nn/dense.js';
import { Dropout } from '../../compiler/nn/dropout.js';
import type { Layer, Mode } from '../../compiler/nn/layer.js';
import { LOSSES, type LossName, weightedLoss } from '../../compiler/nn/losses.js';
import type { Matrix } from '../../compiler/nn/matrix.js';
import { Network, layerFromSpec } from '../../compiler/nn/network.js';
import { DEFINITION_TRAINED_KINDS, trainerOf } from '../../compiler/ops/float-layers.js';
import { checkLayer, randomMatrix } from '../helpers/gradient-check.js';
import { Rng } from '../../compiler/rng.js';

const EPS = 1e-6;

describe('backward passes match finite differences (float64)', () => {
  const rng = new Rng(7);

  it('dense', () => {
    const make = (): Layer => {
      const d = new Dense(5, 4, 'float64', 0);
      d.initialize('xavier', new Rng(1));
      d.bias.value.set([0.1, -0.2, 0.3, 0.05]);
      return d;
    };
    checkLayer(make, randomMatrix(3, 5, rng), 'train', rng);
  });

  it('dense, shapes that fill every kernel tile and leave every kind of remainder', () => {
    // float64 kernels: 2 lanes; tiles of 2 rows × 4 outputs (forward), 4 outputs × 4 inputs (dW),
    // 4 rows × 4 inputs (dx). 7 rows, 11 inputs, 9 outputs leave a row, an input lane and outputs over.
    const make = (): Layer => {
      const d = new Dense(11, 9, 'float64', 0);
      d.initialize('he', new Rng(2));
      for (let o = 0; o < 9; o++) d.bias.value[o] = 0.1 * (o - 4);
      return d;
    };
    checkLayer(make, randomMatrix(7, 11, rng), 'train', rng);
  });

  const activations: ActivationSpec[] = [
    { op: 'relu' },
    { op: 'relu6' },
    { op: 'leaky_relu', alpha: 0.1 },
    { op: 'sigmoid' },
    { op: 'tanh' },
    { op: 'gelu', approximate: 'none' },
    { op: 'gelu', approximate: 'tanh' },
    { op: 'softmax' },
  ];
  for (const spec of activations) {
    it(`${spec.op}${spec.op === 'gelu' ? ` (${spec.approximate})` : ''}`, () => {
      // Scale 3 spreads inputs over ReLU6's upper kink too; kinks themselves are measure-zero.
      checkLayer(() => activationLayer(spec, 6), randomMatrix(4, 6, rng, 3), 'train', rng);
    });
  }

  it('batchnorm, train mode (batch statistics)', () => {
    const make = (): Layer => {
      const bn = new BatchNorm(4, 'float64', 0);
      bn.gamma.value.set([1.5, 0.5, -1, 2]);
      bn.beta.value.set([0.1, 0.2, -0.3, 0]);
      return bn;
    };
    checkLayer(make, randomMatrix(6, 4, rng, 2), 'train', rng);
  });

  it('batchnorm, eval mode (running statistics)', () => {
    const make = (): Layer => {
      const bn = new BatchNorm(4, 'float64', 0);
      bn.runningMean.set([0.5, -1, 0, 2]);
      bn.runningVar.set([2, 0.5, 1, 3]);
      bn.gamma.value.set([1.5, 0.5, -1, 2]);
      return bn;
    };
    checkLayer(make, randomMatrix(3, 4, rng), 'eval', rng);
  });

  // Every kind its op trains by definition, on the op's own example spec, in both modes.
  for (const kind of DEFINITION_TRAINED_KINDS) {
    it(`${kind} (its op's trainer, on the op's example)`, () => {
      const { spec, inFeatures } = trainerOf(kind).example;
      const make = (): Layer => layerFromSpec(spec, { features: inFeatures, precision: 'float64', index: 0, rng: new Rng(5) });
      const x = randomMatrix(4, inFeatures, rng, 2);
      checkLayer(make, x, 'train', rng);
      checkLayer(make, x, 'eval', rng);
    });
  }

  it('dropout (fixed mask)', () => {
    const x = randomMatrix(4, 5, rng);
    const network = new Network([new Dropout(5, 0.4, new Rng(3))], { precision: 'float64', rows: 4, inputGradient: true });
    const y = network.forward(x, 'train');
    const zeros = Array.from(y.data).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(0);
    const r = randomMatrix(4, 5, rng);
    const dx = network.backward(r)!;
    for (let i = 0; i < x.data.length; i++) expect(dx.data[i]).toBeCloseTo(r.data[i] * (y.data[i] / x.data[i]), 10);
    expect(network.forward(x, 'eval').data).toEqual(x.data);
  });
});

describe('losses: gradients match finite differences and values are stable', () => {
  const rng = new Rng(11);
  const cases: { loss: LossName; target: (m: Matrix) => Matrix }[] = [
    { loss: 'mse', target: (m) => randomMatrix(m.rows, m.cols, rng) },
    { loss: 'mae', target: (m) => randomMatrix(m.rows, m.cols, rng) },
    { loss: 'huber', target: (m) => randomMatrix(m.rows, m.cols, rng, 2) },
    { loss: 'bce_logits', target: (m) => binaryTargets(m, rng) },
    { loss: 'multilabel_bce_logits', target: (m) => binaryTargets(m, rng) },
    { loss: 'softmax_ce_logits', target: (m) => oneHot(m, rng) },
  ];
  for (const { loss, target } of cases) {
    it(loss, () => {
      const p = randomMatrix(5, 3, rng, 2);
      const t = target(p);
      const grad = randomMatrix(5, 3, rng);
      LOSSES[loss](p, t, grad);
      for (let i = 0; i < p.data.length; i++) {
        const keep = p.data[i];
        p.data[i] = keep + EPS;
        const up = LOSSES[loss](p, t);
        p.data[i] = keep - EPS;
        const down = LOSSES[loss](p, t);
        p.data[i] = keep;
        expect(grad.data[i]).toBeCloseTo((up - down) / (2 * EPS), 6);
      }
    });
  }

  // Weights far from 1 and from each other, so a swapped positive/negative weight or class shows.
  const weightedCases: { loss: LossName; weights: number[]; target: (m: Matrix) => Matrix }[] = [
    { loss: 'bce_logits', weights: [3.5, 0.25], target: (m) => binaryTargets(m, rng) },
    { loss: 'multilabel_bce_logits', weights: [2, 0.5, 4, 0.75, 1.5, 0.2], target: (m) => binaryTargets(m, rng) },
    { loss: 'softmax_ce_logits', weights: [0.4, 2.5, 1.7], target: (m) => oneHot(m, rng) },
    // Soft targets exercise the Σ_c w_c·t_c row weight of the gradient.
    { loss: 'softmax_ce_logits', weights: [0.4, 2.5, 1.7], target: (m) => softTargets(m, rng) },
  ];
  for (const { loss, weights, target } of weightedCases) {
    it(`${loss} weighted ${weights.join(',')}`, () => {
      const p = randomMatrix(5, loss === 'bce_logits' ? 1 : 3, rng, 2);
      const t = target(p);
      const fn = weightedLoss(loss, weights);
      const grad = randomMatrix(p.rows, p.cols, rng);
      const value = fn(p, t, grad);
      expect(value).toBeCloseTo(weightedByDefinition(loss, weights, p, t), 10);
      for (let i = 0; i < p.data.length; i++) {
        const keep = p.data[i];
        p.data[i] = keep + EPS;
        const up = fn(p, t);
        p.data[i] = keep - EPS;
        const down = fn(p, t);
        p.data[i] = keep;
        expect(grad.data[i]).toBeCloseTo((up - down) / (2 * EPS), 6);
      }
    });
  }

  it('weights of 1 give the unweighted losses', () => {
    const p = randomMatrix(6, 3, rng, 2);
    const bits = binaryTargets(p, rng);
    const classes = oneHot(p, rng);
    expect(weightedLoss('multilabel_bce_logits', [1, 1, 1, 1, 1, 1])(p, bits)).toBeCloseTo(LOSSES.multilabel_bce_logits(p, bits), 12);
    expect(weightedLoss('softmax_ce_logits', [1, 1, 1])(p, classes)).toBeCloseTo(LOSSES.softmax_ce_logits(p, classes), 12);
  });

  it('logit losses stay finite and exact at extreme logits', () => {
    const p: Matrix = { rows: 1, cols: 2, data: new Float64Array([1000, -1000]) };
    const t: Matrix = { rows: 1, cols: 2, data: new Float64Array([0, 1]) };
    expect(LOSSES.bce_logits(p, t)).toBeCloseTo(1000, 6);
    expect(LOSSES.softmax_ce_logits(p, t)).toBeCloseTo(2000, 6);
    const right: Matrix = { rows: 1, cols: 2, data: new Float64Array([-1000, 1000]) };
    expect(LOSSES.softmax_ce_logits(right, t)).toBe(0);
  });
});

/** The weighted losses written out term by term in float64, independently of the kernels. */
function weightedByDefinition(loss: LossName, weights: number[], p: Matrix, t: Matrix): number {
  const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  let total = 0;
  for (let r = 0; r < p.rows; r++) {
    const z = Array.from(p.data.subarray(r * p.cols, (r + 1) * p.cols));
    const y = Array.from(t.data.subarray(r * p.cols, (r + 1) * p.cols));
    if (loss === 'softmax_ce_logits') {
      const top = Math.max(...z);
      const logZ = top + Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0));
      total += z.reduce((s, v, c) => s + weights[c] * y[c] * (logZ - v), 0);
    } else {
      total += z.reduce((s, v, j) => s + weights[j] * y[j] * softplus(-v) + weights[p.cols + j] * (1 - y[j]) * softplus(v), 0);
    }
  }
  return total / (p.rows * (loss === 'softmax_ce_logits' ? 1 : p.cols));
}

function softTargets(m: Matrix, rng: Rng): Matrix {
  const data = new Float64Array(m.data.length);
  for (let r = 0; r < m.rows; r++) {
    let sum = 0;
    for (let c = 0; c < m.cols; c++) sum += data[r * m.cols + c] = rng.uniform() + 0.1;
    for (let c = 0; c < m.cols; c++) data[r * m.cols + c] /= sum;
  }
  return { rows: m.rows, cols: m.cols, data };
}

function binaryTargets(m: Matrix, rng: Rng): Matrix {
  return { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data, () => (rng.uniform() < 0.5 ? 0 : 1)) };
}

function oneHot(m: Matrix, rng: Rng): Matrix {
  const data = new Float64Array(m.data.length);
  for (let r = 0; r < m.rows; r++) data[r * m.cols + rng.int(m.cols)] = 1;
  return { rows: m.rows, cols: m.cols, data };
}
