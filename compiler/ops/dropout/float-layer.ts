import { shortestFloat32 } from '../../float32.js';
import { elementwiseLayer } from '../elementwise-layer.js';
import type { FloatLayerDefinition } from '../float-layer-definition.js';
import { dropoutReaders } from './readers.js';

export const dropoutLayer: FloatLayerDefinition<'dropout'> = {
  ...elementwiseLayer('dropout'),
  parse: (r, l, path) => ({ op: 'dropout', rate: r.number(l, 'rate', path, { min: 0, max: 0.999 }) }),
  toFloat32: (spec) => ({ ...spec, rate: shortestFloat32(spec.rate) }),
  detail: (spec) => `rate ${spec.rate}`,
  // Kept (an identity at inference) so Netron shows the architecture as trained.
  onnx: { opset: 12, write: (g, spec, name, x, out) => g.node('Dropout', [x, g.floatTensor(`${name}.ratio`, [], [spec.rate])], [out], name) },
  // An identity at inference: dropped before folding (fold-batch-norm.ts).
  readers: dropoutReaders,
  fold: () => {},
  trainer: null,
  architectureOption: null,
};
