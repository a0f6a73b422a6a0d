/**
 * Per-layer facts the reports show (MACs, parameters, constant bytes), one function per fact. The IR's
 * facts come from the code that already owns them: the simulator's MAC count (the cycle model's input)
 * and the C emitter's constant arrays (what the flash budget counts), so a report and the firmware can
 * never disagree. When each op's definition owns these facts, this is the one module to point at it.
 */
import { renderLayer } from '../emit/c/render-layers.js';
import type { LayerSpec, LayerType } from '../model/float-model.js';
import type { QLayer } from '../quantize/qmodel.js';
import { macsOf } from '../../firmware-sim/instruction-profile.js';

/** Multiply-accumulates of one IR layer for one row. */
export function layerMacs(layer: QLayer): number {
  return macsOf(layer);
}

/** Bytes of one IR layer's constant arrays in flash (weights, biases, multipliers, shifts, tables), as the generated C lays them out. */
export function layerConstantBytes(layer: QLayer): number {
  return renderLayer('model', layer, 0).dataBytes;
}

/** What an IR layer computes, for tables: the op and what distinguishes it (`lut (sigmoid)`, `fully_connected + relu`). */
export function layerOpLabel(layer: QLayer): string {
  switch (layer.op) {
    case 'fully_connected':
      return layer.activation === 'none' ? 'fully_connected' : `fully_connected + ${layer.activation}`;
    case 'leaky_relu':
      return layer.alpha === 0 ? 'leaky_relu (relu)' : `leaky_relu (alpha ${layer.alpha})`;
    case 'lut':
      return `lut (${layer.function})`;
    case 'softmax':
      return 'softmax';
  }
}

/** Learned numbers of one IR layer: weights and biases (tables and requantization constants are derived, not learned). */
export function layerParameters(layer: QLayer): number {
  return layer.op === 'fully_connected' ? layer.weights.length + layer.bias.length : 0;
}

const FLOAT32_BYTES = 4;

interface FloatFacts {
  macs: number;
  parameters: number;
  constantBytes: number;
}

const NONE: FloatFacts = { macs: 0, parameters: 0, constantBytes: 0 };

/**
 * Every float layer type's facts; a layer type without an entry does not compile. A dense layer's
 * products; BatchNorm's one multiply-add per feature (folded into the neighbouring dense layer when
 * quantized), gamma and beta as its parameters and all four of its float32 vectors as constants.
 */
const FLOAT_FACTS: { [K in LayerType]: (layer: Extract<LayerSpec, { type: K }>) => FloatFacts } = {
  dense: (l) => ({ macs: l.inFeatures * l.outFeatures, parameters: l.weights.length + l.bias.length, constantBytes: FLOAT32_BYTES * (l.weights.length + l.bias.length) }),
  batchnorm: (l) => ({ macs: l.features, parameters: 2 * l.features, constantBytes: FLOAT32_BYTES * 4 * l.features }),
  dropout: () => NONE,
  relu: () => NONE,
  relu6: () => NONE,
  leaky_relu: () => NONE,
  sigmoid: () => NONE,
  tanh: () => NONE,
  gelu: () => NONE,
  softmax: () => NONE,
};

function floatFacts(layer: LayerSpec): FloatFacts {
  return (FLOAT_FACTS[layer.type] as (l: LayerSpec) => FloatFacts)(layer);
}

/** Multiply-accumulates of one float layer for one row. */
export function floatLayerMacs(layer: LayerSpec): number {
  return floatFacts(layer).macs;
}

/** Trainable numbers of one float layer. */
export function floatLayerParameters(layer: LayerSpec): number {
  return floatFacts(layer).parameters;
}

/** Bytes of one float layer's float32 constants. */
export function floatLayerConstantBytes(layer: LayerSpec): number {
  return floatFacts(layer).constantBytes;
}
