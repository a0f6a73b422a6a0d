import { FirmnetError } from '../../errors.js';
import type { LayerSpec } from '../float-layer-types.js';
import type { DenseSpec } from '../fully-connected/float-spec.js';
import type { BatchNormSpec } from './float-spec.js';

/**
 * Folds every BatchNorm into the dense layer right before it (W' = W·γ/σ, b' = (b − μ)·γ/σ + β) or,
 * failing that, right after it (scaling the dense layer's input columns). Returns the remaining
 * layers with their original indices; Dropout is dropped here too.
 */
export function foldBatchNorm(layers: readonly LayerSpec[], modelName: string): { spec: LayerSpec; index: number }[] {
  const out: { spec: LayerSpec; index: number }[] = [];
  const pending: { bn: BatchNormSpec; index: number }[] = [];
  const notNextToDense = (index: number): FirmnetError => new FirmnetError('UNSUPPORTED', `${modelName}: batchnorm layer ${index} is not next to a dense layer, so it cannot be folded`);
  layers.forEach((spec, index) => {
    if (spec.op === 'dropout') return;
    if (spec.op === 'batchnorm') {
      const prev = out[out.length - 1];
      if (prev && prev.spec.op === 'dense' && pending.length === 0 && prev.index === previousKept(layers, index)) {
        prev.spec = foldIntoPrevious(prev.spec, spec);
      } else {
        pending.push({ bn: spec, index });
      }
      return;
    }
    if (spec.op === 'dense' && pending.length > 0) {
      let dense = spec;
      for (const { bn } of pending.reverse()) dense = foldIntoNext(bn, dense);
      pending.length = 0;
      out.push({ spec: dense, index });
      return;
    }
    if (pending.length > 0) throw notNextToDense(pending[0].index);
    out.push({ spec, index });
  });
  if (pending.length > 0) throw notNextToDense(pending[0].index);
  return out;
}

/** Index of the nearest earlier layer that is not Dropout (which is an identity at inference). */
function previousKept(layers: readonly LayerSpec[], index: number): number {
  let i = index - 1;
  while (i >= 0 && layers[i].op === 'dropout') i--;
  return i;
}

function bnScale(bn: BatchNormSpec, j: number): number {
  return bn.gamma[j] / Math.sqrt(bn.runningVar[j] + bn.eps);
}

function foldIntoPrevious(dense: DenseSpec, bn: BatchNormSpec): DenseSpec {
  const weights = dense.weights.slice();
  const bias = dense.bias.slice();
  for (let o = 0; o < dense.outFeatures; o++) {
    const k = bnScale(bn, o);
    for (let i = 0; i < dense.inFeatures; i++) weights[o * dense.inFeatures + i] *= k;
    bias[o] = (bias[o] - bn.runningMean[o]) * k + bn.beta[o];
  }
  return { ...dense, weights, bias };
}

function foldIntoNext(bn: BatchNormSpec, dense: DenseSpec): DenseSpec {
  const weights = dense.weights.slice();
  const bias = dense.bias.slice();
  for (let o = 0; o < dense.outFeatures; o++) {
    for (let i = 0; i < dense.inFeatures; i++) {
      const k = bnScale(bn, i);
      const w = dense.weights[o * dense.inFeatures + i];
      weights[o * dense.inFeatures + i] = w * k;
      bias[o] += w * (bn.beta[i] - bn.runningMean[i] * k);
    }
  }
  return { ...dense, weights, bias };
}
