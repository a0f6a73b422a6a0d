import { isPositiveNormalFloat32, shortestFloat32 } from '../../float32.js';
import type { FloatLayerDefinition } from '../float-layer-definition.js';
import { FLOAT32_BYTES, features, float32, float32s } from '../float-fields.js';
import { batchNormReaders } from './readers.js';

export const batchNormLayer: FloatLayerDefinition<'batchnorm'> = {
  op: 'batchnorm',
  parse: (r, l, path) => {
    const n = features(r, l, 'features', path);
    const runningVar = float32s(r, l, 'runningVar', path, n, { min: 0 });
    const eps = float32(r, l, 'eps', path, { min: 0 });
    // The layer divides by sqrt(runningVar + eps) in float32.
    runningVar.forEach((v, i) => {
      if (!isPositiveNormalFloat32(Math.sqrt(Math.fround(Math.fround(v) + Math.fround(eps))))) {
        r.fail(`${path}.runningVar[${i}]`, `runningVar + eps is ${Math.fround(v) + Math.fround(eps)}, so the layer divides by (nearly) zero; give eps > 0 (PyTorch uses 1e-5)`);
      }
    });
    return {
      op: 'batchnorm',
      features: n,
      gamma: float32s(r, l, 'gamma', path, n),
      beta: float32s(r, l, 'beta', path, n),
      runningMean: float32s(r, l, 'runningMean', path, n),
      runningVar,
      eps,
      momentum: r.number(l, 'momentum', path, { min: 0, max: 1 }),
    };
  },
  outFeatures: (spec, inFeatures, fail) => {
    if (spec.features !== inFeatures) fail('features', `is ${spec.features}, but the previous layer gives ${inFeatures} features`);
    return inFeatures;
  },
  parameters: (spec) => 2 * spec.features,
  // One multiply-add per feature (folded into the neighbouring dense layer when quantized); all
  // four of its float32 vectors are constants.
  macs: (spec) => spec.features,
  constantBytes: (spec) => FLOAT32_BYTES * 4 * spec.features,
  toFloat32: (spec) => ({
    ...spec,
    gamma: spec.gamma.map(shortestFloat32),
    beta: spec.beta.map(shortestFloat32),
    runningMean: spec.runningMean.map(shortestFloat32),
    runningVar: spec.runningVar.map(shortestFloat32),
    eps: shortestFloat32(spec.eps),
    momentum: shortestFloat32(spec.momentum),
  }),
  detail: (spec) => `eps ${spec.eps}`,
  onnx: {
    opset: 11,
    write: (g, spec, name, x, out) => {
      const f = [spec.features];
      // ONNX's momentum weighs the running value (running·m + batch·(1−m)); firmnet's, like PyTorch's, the batch.
      return g.node(
        'BatchNormalization',
        [x, g.floatTensor(`${name}.scale`, f, spec.gamma), g.floatTensor(`${name}.bias`, f, spec.beta), g.floatTensor(`${name}.mean`, f, spec.runningMean), g.floatTensor(`${name}.var`, f, spec.runningVar)],
        [out],
        name,
        { epsilon: { float: spec.eps }, momentum: { float: 1 - spec.momentum } },
      );
    },
  },
  // Folded into the neighbouring dense layer before the stages are built (fold-batch-norm.ts).
  readers: batchNormReaders,
  fold: () => {},
  trainer: null,
  architectureOption: null,
};
