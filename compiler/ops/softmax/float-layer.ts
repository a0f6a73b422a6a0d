import { elementwiseLayer } from '../elementwise-layer.js';
import type { FloatLayerDefinition } from '../float-layer-definition.js';
import { softmaxReaders } from './readers.js';

export const softmaxLayer: FloatLayerDefinition<'softmax'> = {
  ...elementwiseLayer('softmax'),
  parse: () => ({ op: 'softmax' }),
  onnx: { opset: 11, write: (g, _spec, name, x, out) => g.node('Softmax', [x], [out], name, { axis: 1 }) },
  readers: softmaxReaders,
  fold: (_spec, at) => {
    at.stages.push({ op: 'softmax', name: 'softmax', features: at.features, sourceLayers: [at.index] });
  },
  trainer: null,
  architectureOption: null,
};
