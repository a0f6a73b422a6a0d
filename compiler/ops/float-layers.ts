/**
 * The registry of float layer kinds. The model-file parser, the shape chain, parameter counts, the
 * importers' float32 rounding, the ONNX exporter and the fold into IR stages look the kind up here
 * instead of switching over kinds, so adding a float layer is a folder under compiler/ops/ (or a
 * file in its IR op's folder) plus one entry here and its spec in float-layer-types.ts.
 */
import { batchNormLayer } from './batch-norm/float-layer.js';
import { dropoutLayer } from './dropout/float-layer.js';
import type { ArchitectureOption, FloatLayerDefinition } from './float-layer-definition.js';
import type { LayerSpec, LayerType } from './float-layer-types.js';
import { denseLayer } from './fully-connected/float-layer.js';
import { layerNormLayer } from './layer-norm/float-layer.js';
import { leakyReluLayer } from './leaky-relu/float-layer.js';
import { geluLayer, sigmoidLayer, tanhLayer } from './lut/float-layer.js';
import { relu6Layer, reluLayer } from './relu/float-layer.js';
import { softmaxLayer } from './softmax/float-layer.js';

/** What the registry must hold: every kind's full definition (an opt-in setting's field may be any name). */
export type FloatLayerRegistry = { [K in LayerType]: FloatLayerDefinition<K, string> };

export const FLOAT_LAYERS = {
  dense: denseLayer,
  relu: reluLayer,
  relu6: relu6Layer,
  leaky_relu: leakyReluLayer,
  sigmoid: sigmoidLayer,
  tanh: tanhLayer,
  gelu: geluLayer,
  softmax: softmaxLayer,
  batchnorm: batchNormLayer,
  layer_norm: layerNormLayer,
  dropout: dropoutLayer,
} satisfies FloatLayerRegistry;

/** The kinds, in the registry's order (the model-file parser's list of accepted `type` values). */
export const FLOAT_LAYER_TYPES = Object.keys(FLOAT_LAYERS) as LayerType[];

/** The settings fields of the trainer's opt-in layers, from the kinds that declare one. */
export type ArchitectureOptionField = NonNullable<(typeof FLOAT_LAYERS)[LayerType]['architectureOption']>['field'];

/** The trainer's opt-in layers, in the registry's order (the order the architecture inserts them). */
export const ARCHITECTURE_OPTIONS = Object.values(FLOAT_LAYERS).flatMap((def) => (def.architectureOption ? [def.architectureOption] : [])) as ArchitectureOption<LayerSpec, ArchitectureOptionField>[];

/**
 * The definition of a layer's kind. The one cast of the registry: TypeScript cannot relate
 * `FLOAT_LAYERS[spec.op]` to `spec` for a union, but the registry's type pairs every kind with its
 * own definition, so the definition found by `spec.op` takes `spec`.
 */
export function floatLayerOf(spec: { op: LayerType }): FloatLayerDefinition<LayerType> {
  return FLOAT_LAYERS[spec.op] as FloatLayerDefinition<LayerType>;
}

export function floatParameterCount(layers: readonly LayerSpec[]): number {
  return layers.reduce((n, l) => n + floatLayerOf(l).parameters(l), 0);
}
