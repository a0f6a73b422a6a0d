import { elementwiseLayer } from '../elementwise-layer.js';
import type { FloatLayerDefinition, FoldContext } from '../float-layer-definition.js';
import type { LutFunction } from './ir.js';
import { geluReaders, sigmoidReaders, tanhReaders } from './readers.js';

function foldTable(fn: LutFunction, at: FoldContext): void {
  at.stages.push({ op: 'lut', name: `${at.previousName}.${fn}`, features: at.features, fn, sourceLayers: [at.index] });
}

export const sigmoidLayer: FloatLayerDefinition<'sigmoid'> = {
  ...elementwiseLayer('sigmoid'),
  parse: () => ({ op: 'sigmoid' }),
  onnx: { opset: 11, write: (g, _spec, name, x, out) => g.node('Sigmoid', [x], [out], name) },
  readers: sigmoidReaders,
  fold: (_spec, at) => foldTable('sigmoid', at),
  trainer: null,
  architectureOption: null,
};

export const tanhLayer: FloatLayerDefinition<'tanh'> = {
  ...elementwiseLayer('tanh'),
  parse: () => ({ op: 'tanh' }),
  onnx: { opset: 11, write: (g, _spec, name, x, out) => g.node('Tanh', [x], [out], name) },
  readers: tanhReaders,
  fold: (_spec, at) => foldTable('tanh', at),
  trainer: null,
  architectureOption: null,
};

export const geluLayer: FloatLayerDefinition<'gelu'> = {
  ...elementwiseLayer('gelu'),
  parse: (r, l, path) => ({ op: 'gelu', approximate: r.string(l, 'approximate', path, ['none', 'tanh'] as const) }),
  detail: (spec) => `approximate ${spec.approximate}`,
  // The Gelu op only exists from opset 20.
  onnx: { opset: 20, write: (g, spec, name, x, out) => g.node('Gelu', [x], [out], name, { approximate: spec.approximate }) },
  readers: geluReaders,
  fold: (spec, at) => foldTable(spec.approximate === 'tanh' ? 'gelu_tanh' : 'gelu', at),
  trainer: null,
  architectureOption: null,
};
