/**
 * Per-layer facts the reports show (MACs, parameters, constant bytes, labels), one function per fact,
 * each read from the op registries (compiler/ops): the IR's from the quantized op definitions, which
 * the simulator's cycle model and flash count and the C emitter's constant arrays read too, so a
 * report and the firmware can never disagree; the float model's from the float layer definitions.
 */
import type { LayerSpec } from '../model/float-model.js';
import { floatLayerOf } from '../ops/float-layers.js';
import type { QLayer } from '../ops/quantized-op-types.js';
import { layerConstantBytes as constantBytesByKind, quantizedOp, totalConstantBytes } from '../ops/quantized-ops.js';

/** Multiply-accumulates of one IR layer for one row. */
export function layerMacs(layer: QLayer): number {
  return quantizedOp(layer).cost.macs(layer);
}

/** Bytes of one IR layer's constant arrays in flash (weights, biases, multipliers, shifts, tables), as the generated C lays them out. */
export function layerConstantBytes(layer: QLayer): number {
  return totalConstantBytes(constantBytesByKind(layer));
}

/** What an IR layer computes, for tables: the op and what distinguishes it (`lut (sigmoid)`, `fully_connected + relu`). */
export function layerOpLabel(layer: QLayer): string {
  return quantizedOp(layer).cost.label(layer);
}

/** Learned numbers of one IR layer: weights and biases (tables and requantization constants are derived, not learned). */
export function layerParameters(layer: QLayer): number {
  return quantizedOp(layer).cost.parameters(layer);
}

/** Multiply-accumulates of one float layer for one row. */
export function floatLayerMacs(layer: LayerSpec): number {
  return floatLayerOf(layer).macs(layer);
}

/** Trainable numbers of one float layer. */
export function floatLayerParameters(layer: LayerSpec): number {
  return floatLayerOf(layer).parameters(layer);
}

/** Bytes of one float layer's float32 constants. */
export function floatLayerConstantBytes(layer: LayerSpec): number {
  return floatLayerOf(layer).constantBytes(layer);
}
