import { shortestFloat32 } from '../../float32.js';
import { elementwiseLayer } from '../elementwise-layer.js';
import type { FloatLayerDefinition } from '../float-layer-definition.js';
import { float32 } from '../float-fields.js';
import { leakyReluReaders } from './readers.js';

export const leakyReluLayer: FloatLayerDefinition<'leaky_relu'> = {
  ...elementwiseLayer('leaky_relu'),
  parse: (r, l, path) => ({ op: 'leaky_relu', alpha: float32(r, l, 'alpha', path) }),
  toFloat32: (spec) => ({ ...spec, alpha: shortestFloat32(spec.alpha) }),
  detail: (spec) => `alpha ${spec.alpha}`,
  onnx: { opset: 11, write: (g, spec, name, x, out) => g.node('LeakyRelu', [x], [out], name, { alpha: { float: spec.alpha } }) },
  readers: leakyReluReaders,
  fold: (spec, at) => {
    at.stages.push({ op: 'leaky_relu', name: `${at.previousName}.leaky_relu`, features: at.features, alpha: spec.alpha, sourceLayers: [at.index] });
  },
  trainer: null,
  architectureOption: null,
};
