import { FirmnetError } from '../../errors.js';
import { elementwiseLayer } from '../elementwise-layer.js';
import type { FloatLayerDefinition, FoldContext } from '../float-layer-definition.js';
import { relu6Readers, reluReaders } from './readers.js';

/** ReLU and ReLU6 fuse into the clamp of the stage right before them (any op with an `activation`); a ReLU with nothing to fuse into is a LeakyReLU with slope 0. */
function foldRelu(type: 'relu' | 'relu6', at: FoldContext): void {
  if (at.fusable) {
    at.fusable.activation = type;
    at.fusable.sourceLayers.push(at.index);
  } else if (type === 'relu') {
    at.stages.push({ op: 'leaky_relu', name: `${at.previousName}.relu`, features: at.features, alpha: 0, sourceLayers: [at.index] });
  } else {
    throw new FirmnetError('UNSUPPORTED', `${at.modelName}: layer ${at.index} (relu6) must directly follow a layer with an output clamp, such as a dense layer, to be quantized (it is fused into that clamp)`);
  }
}

export const reluLayer: FloatLayerDefinition<'relu'> = {
  ...elementwiseLayer('relu'),
  parse: () => ({ op: 'relu' }),
  onnx: { opset: 11, write: (g, _spec, name, x, out) => g.node('Relu', [x], [out], name) },
  readers: reluReaders,
  fold: (_spec, at) => foldRelu('relu', at),
  trainer: null,
  architectureOption: null,
};

export const relu6Layer: FloatLayerDefinition<'relu6'> = {
  ...elementwiseLayer('relu6'),
  parse: () => ({ op: 'relu6' }),
  onnx: { opset: 11, write: (g, _spec, name, x, out) => g.node('Clip', [x, g.floatTensor(`${name}.min`, [], [0]), g.floatTensor(`${name}.max`, [], [6])], [out], name) },
  readers: relu6Readers,
  fold: (_spec, at) => foldRelu('relu6', at),
  trainer: null,
  architectureOption: null,
};
