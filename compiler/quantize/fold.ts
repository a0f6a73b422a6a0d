import { FirmnetError } from '../errors.js';
import type { BatchNormSpec, FloatModel, LayerSpec } from '../model/float-model.js';
import type { LutFunction } from '../ops/lut/ir.js';
import type { Stage } from '../ops/quantized-op-types.js';

export interface FoldOptions {
  /** Add the task's softmax/sigmoid head as int8 layers (otherwise outputs stay logits). */
  headInFirmware: boolean;
}

/**
 * The float network rewritten into the layers firmnet quantizes, one stage per IR layer (its `op`
 * is the IR op it lowers to): BatchNorm folded into the adjacent dense layer, Dropout removed,
 * ReLU/ReLU6 fused into the dense layer before them. Weights stay float64 here; each stage's
 * output is one quantized tensor.
 */
export function foldModel(model: FloatModel, options: FoldOptions): Stage[] {
  const layers = foldBatchNorm(model);
  const stages: Stage[] = [];
  let denseCount = 0;
  let features = model.inputFeatures;
  layers.forEach(({ spec, index }, k) => {
    const prev = stages[stages.length - 1];
    // Fuse only into the dense layer immediately before (BatchNorm and Dropout are already gone).
    const fusable = prev?.op === 'fully_connected' && prev.activation === 'none' && k > 0 && layers[k - 1].index === prev.sourceLayers[0];
    switch (spec.type) {
      case 'dense':
        stages.push({
          op: 'fully_connected',
          name: `dense${denseCount++}`,
          inFeatures: spec.inFeatures,
          outFeatures: spec.outFeatures,
          weights: Float64Array.from(spec.weights),
          bias: Float64Array.from(spec.bias),
          activation: 'none',
          sourceLayers: [index],
        });
        features = spec.outFeatures;
        break;
      case 'relu':
      case 'relu6':
        if (fusable && prev.op === 'fully_connected') {
          prev.activation = spec.type;
          prev.sourceLayers.push(index);
        } else if (spec.type === 'relu') {
          // A ReLU with nothing to fuse into is a LeakyReLU with slope 0.
          stages.push({ op: 'leaky_relu', name: `${stageName(prev)}.relu`, features, alpha: 0, sourceLayers: [index] });
        } else {
          throw new FirmnetError('UNSUPPORTED', `${model.name}: layer ${index} (relu6) must directly follow a dense layer to be quantized (it is fused into its clamp)`);
        }
        break;
      case 'leaky_relu':
        stages.push({ op: 'leaky_relu', name: `${stageName(prev)}.leaky_relu`, features, alpha: spec.alpha, sourceLayers: [index] });
        break;
      case 'sigmoid':
      case 'tanh':
      case 'gelu': {
        const fn: LutFunction = spec.type === 'gelu' ? (spec.approximate === 'tanh' ? 'gelu_tanh' : 'gelu') : spec.type;
        stages.push({ op: 'lut', name: `${stageName(prev)}.${fn}`, features, fn, sourceLayers: [index] });
        break;
      }
      case 'softmax':
        stages.push({ op: 'softmax', name: 'softmax', features, sourceLayers: [index] });
        break;
      case 'dropout':
      case 'batchnorm':
        break;
    }
  });
  const softmaxAt = stages.findIndex((s) => s.op === 'softmax');
  if (softmaxAt >= 0 && softmaxAt !== stages.length - 1) {
    throw new FirmnetError('UNSUPPORTED', `${model.name}: a softmax layer is only supported as the last layer (found one before ${stages[softmaxAt + 1].name})`);
  }
  if (stages.length === 0 || stages[0].op !== 'fully_connected') {
    throw new FirmnetError('UNSUPPORTED', `${model.name}: the network must start with a dense layer to be quantized`);
  }
  if (options.headInFirmware && softmaxAt < 0) {
    if (model.head === 'softmax') stages.push({ op: 'softmax', name: 'head.softmax', features, sourceLayers: [] });
    if (model.head === 'sigmoid') stages.push({ op: 'lut', name: 'head.sigmoid', features, fn: 'sigmoid', sourceLayers: [] });
  }
  return stages;
}

function stageName(stage: Stage | undefined): string {
  return stage === undefined ? 'input' : stage.name;
}

/**
 * Folds every BatchNorm into the dense layer right before it (W' = W·γ/σ, b' = (b − μ)·γ/σ + β) or,
 * failing that, right after it (scaling the dense layer's input columns). Returns the remaining
 * layers with their original indices; Dropout is dropped here too.
 */
export function foldBatchNorm(model: FloatModel): { spec: LayerSpec; index: number }[] {
  const out: { spec: LayerSpec; index: number }[] = [];
  const pending: { bn: BatchNormSpec; index: number }[] = [];
  model.layers.forEach((spec, index) => {
    if (spec.type === 'dropout') return;
    if (spec.type === 'batchnorm') {
      const prev = out[out.length - 1];
      if (prev && prev.spec.type === 'dense' && pending.length === 0 && prev.index === previousKept(model, index)) {
        prev.spec = foldIntoPrevious(prev.spec, spec);
      } else {
        pending.push({ bn: spec, index });
      }
      return;
    }
    if (spec.type === 'dense' && pending.length > 0) {
      let dense = spec;
      for (const { bn } of pending.reverse()) dense = foldIntoNext(bn, dense);
      pending.length = 0;
      out.push({ spec: dense, index });
      return;
    }
    if (pending.length > 0) {
      throw new FirmnetError('UNSUPPORTED', `${model.name}: batchnorm layer ${pending[0].index} is not next to a dense layer, so it cannot be folded`);
    }
    out.push({ spec, index });
  });
  if (pending.length > 0) {
    throw new FirmnetError('UNSUPPORTED', `${model.name}: batchnorm layer ${pending[0].index} is not next to a dense layer, so it cannot be folded`);
  }
  return out;
}

/** Index of the nearest earlier layer that is not Dropout (which is an identity at inference). */
function previousKept(model: FloatModel, index: number): number {
  let i = index - 1;
  while (i >= 0 && model.layers[i].type === 'dropout') i--;
  return i;
}

function bnScale(bn: BatchNormSpec, j: number): number {
  return bn.gamma[j] / Math.sqrt(bn.runningVar[j] + bn.eps);
}

function foldIntoPrevious(dense: Extract<LayerSpec, { type: 'dense' }>, bn: BatchNormSpec): Extract<LayerSpec, { type: 'dense' }> {
  const weights = dense.weights.slice();
  const bias = dense.bias.slice();
  for (let o = 0; o < dense.outFeatures; o++) {
    const k = bnScale(bn, o);
    for (let i = 0; i < dense.inFeatures; i++) weights[o * dense.inFeatures + i] *= k;
    bias[o] = (bias[o] - bn.runningMean[o]) * k + bn.beta[o];
  }
  return { ...dense, weights, bias };
}

function foldIntoNext(bn: BatchNormSpec, dense: Extract<LayerSpec, { type: 'dense' }>): Extract<LayerSpec, { type: 'dense' }> {
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
