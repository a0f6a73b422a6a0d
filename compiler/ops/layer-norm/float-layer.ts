import { isPositiveNormalFloat32, shortestFloat32 } from '../../float32.js';
import type { FloatLayerDefinition } from '../float-layer-definition.js';
import { FLOAT32_BYTES, features, float32, float32s } from '../float-fields.js';
import { layerNormTrainer } from './float-trainer.js';
import { layerNormReaders } from './readers.js';

export const layerNormLayer: FloatLayerDefinition<'layer_norm', 'layerNorm'> = {
  op: 'layer_norm',
  parse: (r, l, path) => {
    const n = features(r, l, 'features', path);
    // A positive ε keeps the divisor away from zero on a constant row.
    const epsilon = float32(r, l, 'epsilon', path, { min: 0 });
    if (!isPositiveNormalFloat32(epsilon)) r.fail(`${path}.epsilon`, `must be a positive normal float32, got ${epsilon}; PyTorch uses 1e-5`);
    return { op: 'layer_norm', features: n, gamma: float32s(r, l, 'gamma', path, n), beta: float32s(r, l, 'beta', path, n), epsilon };
  },
  outFeatures: (spec, inFeatures, fail) => {
    if (spec.features !== inFeatures) fail('features', `is ${spec.features}, but the previous layer gives ${inFeatures} features`);
    return inFeatures;
  },
  parameters: (spec) => 2 * spec.features,
  // One multiply-add per feature after the row's mean and variance; gamma and beta.
  macs: (spec) => spec.features,
  constantBytes: (spec) => FLOAT32_BYTES * 2 * spec.features,
  toFloat32: (spec) => ({ ...spec, gamma: spec.gamma.map(shortestFloat32), beta: spec.beta.map(shortestFloat32), epsilon: shortestFloat32(spec.epsilon) }),
  detail: (spec) => `epsilon ${spec.epsilon}`,
  onnx: {
    // LayerNormalization over the last axis: what PyTorch 2.x exports for nn.LayerNorm.
    opset: 17,
    write: (g, spec, name, x, out) => {
      const f = [spec.features];
      return g.node('LayerNormalization', [x, g.floatTensor(`${name}.scale`, f, spec.gamma), g.floatTensor(`${name}.bias`, f, spec.beta)], [out], name, { axis: -1, epsilon: { float: spec.epsilon } });
    },
  },
  readers: layerNormReaders,
  fold: (spec, at) => {
    at.stages.push({
      op: 'layer_norm',
      name: `${at.previousName}.layer_norm`,
      features: spec.features,
      gamma: Float64Array.from(spec.gamma),
      beta: Float64Array.from(spec.beta),
      epsilon: spec.epsilon,
      activation: 'none',
      sourceLayers: [at.index],
    });
  },
  trainer: layerNormTrainer,
  architectureOption: {
    field: 'layerNorm',
    flag: 'layer-norm',
    describe: 'LayerNorm after each hidden dense layer (quantized as an exact integer layer_norm)',
    // PyTorch's nn.LayerNorm start: γ = 1, β = 0, ε = 1e-5.
    initial: (features) => ({ op: 'layer_norm', features, gamma: new Array<number>(features).fill(1), beta: new Array<number>(features).fill(0), epsilon: 1e-5 }),
    trainedVector: { name: 'digits-layer-norm', description: 'digits 64-32-16-10 MLP with LayerNorm before each ReLU (fused as the layer_norm clamp)', data: 'digits', task: 'multiclass', hidden: [32, 16] },
    testSets: [
      { data: 'digits', int16: false, covers: 'layer_norm:int8' },
      { data: 'iris', int16: true, covers: 'layer_norm:int16' },
    ],
  },
};
