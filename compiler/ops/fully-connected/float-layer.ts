import { shortestFloat32 } from '../../float32.js';
import type { FloatLayerDefinition } from '../float-layer-definition.js';
import { FLOAT32_BYTES, features, float32s } from '../float-fields.js';
import { denseReaders } from './readers.js';

/** A dense layer: a fully_connected stage; a ReLU/ReLU6 right after it fuses into its clamp. */
export const denseLayer: FloatLayerDefinition<'dense'> = {
  op: 'dense',
  parse: (r, l, path) => {
    const inFeatures = features(r, l, 'inFeatures', path);
    const outFeatures = features(r, l, 'outFeatures', path);
    return { op: 'dense', inFeatures, outFeatures, weights: float32s(r, l, 'weights', path, inFeatures * outFeatures), bias: float32s(r, l, 'bias', path, outFeatures) };
  },
  outFeatures: (spec, inFeatures, fail) => {
    if (spec.inFeatures !== inFeatures) fail('inFeatures', `is ${spec.inFeatures}, but the previous layer gives ${inFeatures} features`);
    return spec.outFeatures;
  },
  parameters: (spec) => spec.weights.length + spec.bias.length,
  macs: (spec) => spec.inFeatures * spec.outFeatures,
  constantBytes: (spec) => FLOAT32_BYTES * (spec.weights.length + spec.bias.length),
  toFloat32: (spec) => ({ ...spec, weights: spec.weights.map(shortestFloat32), bias: spec.bias.map(shortestFloat32) }),
  detail: () => '',
  onnx: {
    opset: 11,
    // Gemm with transB=1 takes the weight in firmnet's (and PyTorch Linear's) [out][in] layout as is.
    write: (g, spec, name, x, out) =>
      g.node('Gemm', [x, g.floatTensor(`${name}.weight`, [spec.outFeatures, spec.inFeatures], spec.weights), g.floatTensor(`${name}.bias`, [spec.outFeatures], spec.bias)], [out], name, { transB: 1 }),
  },
  readers: denseReaders,
  fold: (spec, at) => {
    at.stages.push({
      op: 'fully_connected',
      name: at.nextDenseName(),
      inFeatures: spec.inFeatures,
      outFeatures: spec.outFeatures,
      weights: Float64Array.from(spec.weights),
      bias: Float64Array.from(spec.bias),
      activation: 'none',
      sourceLayers: [at.index],
    });
  },
  trainer: null,
  architectureOption: null,
};
