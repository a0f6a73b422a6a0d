import type { Unhashed } from '../op-types.js';
import type { LayerNormLayer } from './ir.js';

/** What the backends derive from a layer_norm layer, once: the IR's shifts (all ≤ 0) as right shifts, so no kernel has a left-shift path. */
export interface PreparedLayerNorm {
  rightShift: number[];
}

export function prepareLayerNorm(layer: Unhashed<LayerNormLayer>): PreparedLayerNorm {
  return { rightShift: layer.shift.map((s) => -s) };
}
