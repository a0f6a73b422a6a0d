import type { Task } from '../model/float-model.js';
import type { Matrix } from './matrix.js';

export type LossName = 'mse' | 'mae' | 'huber' | 'bce_logits' | 'softmax_ce_logits' | 'multilabel_bce_logits';

/**
 * The mean loss over the batch; with `grad` (the prediction's shape) also dLoss/dPrediction, written
 * into it. All losses average over the batch; element-wise losses (MSE, MAE, Huber, BCE) also
 * average over outputs, as Keras and PyTorch's default `reduction='mean'` do. Targets have the
 * prediction's shape (one-hot for multiclass). The loop touches each element once; the gradient
 * buffer is the caller's (the network's output-gradient buffer while training), so nothing is
 * allocated.
 */
export type LossFn = (prediction: Matrix, target: Matrix, grad?: Matrix) => number;

export function mse(p: Matrix, t: Matrix, grad?: Matrix): number {
  const n = p.data.length;
  const g = grad?.data;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = p.data[i] - t.data[i];
    sum += d * d;
    if (g) g[i] = (2 * d) / n;
  }
  return sum / n;
}

export function mae(p: Matrix, t: Matrix, grad?: Matrix): number {
  const n = p.data.length;
  const g = grad?.data;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = p.data[i] - t.data[i];
    sum += Math.abs(d);
    if (g) g[i] = Math.sign(d) / n;
  }
  return sum / n;
}

export function huber(p: Matrix, t: Matrix, grad?: Matrix, delta = 1): number {
  const n = p.data.length;
  const g = grad?.data;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = p.data[i] - t.data[i];
    const a = Math.abs(d);
    if (a <= delta) {
      sum += 0.5 * d * d;
      if (g) g[i] = d / n;
    } else {
      sum += delta * (a - 0.5 * delta);
      if (g) g[i] = (delta * Math.sign(d)) / n;
    }
  }
  return sum / n;
}

/**
 * Binary cross-entropy on logits z: max(z,0) − z·t + log(1 + e^−|z|), which never takes the log of
 * 0 and never overflows. Gradient σ(z) − t. Multi-label BCE is this loss applied to every label.
 */
export function bceWithLogits(p: Matrix, t: Matrix, grad?: Matrix): number {
  const n = p.data.length;
  const g = grad?.data;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const z = p.data[i];
    const y = t.data[i];
    sum += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    if (!g) continue;
    const s = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    g[i] = (s - y) / n;
  }
  return sum / n;
}

/** Softmax cross-entropy on logits: logsumexp(z) − Σ t·z, with the max subtracted first. Gradient softmax(z) − t. */
export function softmaxCrossEntropyWithLogits(p: Matrix, t: Matrix, grad?: Matrix): number {
  const k = p.cols;
  const g = grad?.data;
  let sum = 0;
  for (let r = 0; r < p.rows; r++) {
    const o = r * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (p.data[o + j] > max) max = p.data[o + j];
    let z = 0;
    for (let j = 0; j < k; j++) z += Math.exp(p.data[o + j] - max);
    const logZ = max + Math.log(z);
    for (let j = 0; j < k; j++) {
      const target = t.data[o + j];
      sum += target * (logZ - p.data[o + j]);
      if (g) g[o + j] = (Math.exp(p.data[o + j] - logZ) - target) / p.rows;
    }
  }
  return sum / p.rows;
}

export const LOSSES: Record<LossName, LossFn> = {
  mse,
  mae,
  huber: (p, t, grad) => huber(p, t, grad),
  bce_logits: bceWithLogits,
  softmax_ce_logits: softmaxCrossEntropyWithLogits,
  multilabel_bce_logits: bceWithLogits,
};

/** The losses that make sense for each task; the first is the default. */
export const LOSSES_FOR_TASK: Record<Task, LossName[]> = {
  regression: ['mse', 'mae', 'huber'],
  binary: ['bce_logits'],
  multiclass: ['softmax_ce_logits'],
  multilabel: ['multilabel_bce_logits'],
  autoencoder: ['mse', 'mae', 'huber'],
};

/** True for losses that expect raw logits and apply sigmoid/softmax inside. */
export function lossTakesLogits(loss: LossName): boolean {
  return loss === 'bce_logits' || loss === 'softmax_ce_logits' || loss === 'multilabel_bce_logits';
}
