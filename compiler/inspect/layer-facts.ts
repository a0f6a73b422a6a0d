/**
 * Per-layer facts the reports show (MACs, parameters, constant bytes), one function per fact. The IR's
 * facts come from the op registry (compiler/ops), which the simulator's cycle model and flash count
 * and the C emitter's constant arrays read too, so a report and the firmware can never disagree.
 */
import type { LayerSpec, LayerType } from '../model/float-model.js';
import type { LayerOf, QLayer, QOp } from '../ops/quantized-op-types.js';
import { layerConstantBytes as constantBytesByKind, quantizedOp, totalConstantBytes } from '../ops/quantized-ops.js';

/** Multiply-accumulates of one IR layer for one row. */
export function layerMacs(layer: QLayer): number {
  return quantizedOp(layer).cost.macs(layer);
}

/** Bytes of one IR layer's constant arrays in flash (weights, biases, multipliers, shifts, tables), as the generated C lays them out. */
export function layerConstantBytes(layer: QLayer): number {
  return totalConstantBytes(constantBytesByKind(layer));
}

/** What each op's layer computes, for tables; an op without an entry does not compile. */
const OP_LABELS: { [K in QOp]: (layer: LayerOf<K>) => string } = {
  fully_connected: (l) => (l.activation === 'none' ? 'fully_connected' : `fully_connected + ${l.activation}`),
  leaky_relu: (l) => (l.alpha === 0 ? 'leaky_relu (relu)' : `leaky_relu (alpha ${l.alpha})`),
  lut: (l) => `lut (${l.function})`,
  softmax: () => 'softmax',
};

/** What an IR layer computes, for tables: the op and what distinguishes it (`lut (sigmoid)`, `fully_connected + relu`). */
export function layerOpLabel(layer: QLayer): string {
  // The table pairs every op with its own layer type, so the entry found by layer.op takes layer.
  return (OP_LABELS[layer.op] as (l: QLayer) => string)(layer);
}

/** Learned numbers of one IR layer: weights and biases (tables and requantization constants are derived, not learned). */
export function layerParameters(layer: QLayer): number {
  return quantizedOp(layer).cost.parameters(layer);
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
