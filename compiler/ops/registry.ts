/**
 * The one shared file that names every op: each float layer kind's definition and each IR op's
 * definition, one entry per line. Everything else finds an op here by name (float-layers.ts and
 * quantized-ops.ts build the lookups; the kind and op unions come from the ops' own files), so
 * adding an op is its folder under compiler/ops/ plus its entries here. The two `satisfies` make a
 * kind or op without a definition, or a definition without its types, a compile error.
 */
import { batchNormLayer } from './batch-norm/float-layer.js';
import { dropoutLayer } from './dropout/float-layer.js';
import type { FloatLayerDefinition } from './float-layer-definition.js';
import type { LayerType } from './float-layer-types.js';
import { denseLayer } from './fully-connected/float-layer.js';
import { fullyConnected } from './fully-connected/index.js';
import { layerNormLayer } from './layer-norm/float-layer.js';
import { layerNorm } from './layer-norm/index.js';
import { leakyReluLayer } from './leaky-relu/float-layer.js';
import { leakyRelu } from './leaky-relu/index.js';
import { geluLayer, sigmoidLayer, tanhLayer } from './lut/float-layer.js';
import { lut } from './lut/index.js';
import type { QuantizedOpDefinition } from './op-definition.js';
import type { QOp } from './quantized-op-types.js';
import { relu6Layer, reluLayer } from './relu/float-layer.js';
import { softmaxLayer } from './softmax/float-layer.js';
import { softmax } from './softmax/index.js';

/** What the float registry must hold: every kind's full definition (an opt-in setting's field may be any name). */
export type FloatLayerRegistry = { [K in LayerType]: FloatLayerDefinition<K, string> };

/** The float layer kinds, in the model-file parser's order. */
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

/** The IR ops, in the IR parser's order. */
export const QUANTIZED_OPS = {
  fully_connected: fullyConnected,
  leaky_relu: leakyRelu,
  lut,
  softmax,
  layer_norm: layerNorm,
} satisfies { [K in QOp]: QuantizedOpDefinition<K> };
