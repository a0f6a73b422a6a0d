import { DTYPE_RANGE, type Unhashed } from '../op-types.js';
import type { LeakyReluLayer } from './ir.js';

/** What the backends derive from a LeakyReLU layer: the offset added to the input codes and the output clamp. */
export interface PreparedLeakyRelu {
  /** −(input zero point): the kernels requantize x + inputOffset. */
  inputOffset: number;
  /** The output dtype's range, the clamp after requantization. */
  outputMin: number;
  outputMax: number;
}

export function prepareLeakyRelu(layer: Unhashed<LeakyReluLayer>): PreparedLeakyRelu {
  const { min, max } = DTYPE_RANGE[layer.output.dtype];
  return { inputOffset: -layer.input.zeroPoint, outputMin: min, outputMax: max };
}
