import { clamp, roundHalfAwayFromZero } from '../fixed-point.js';
import { DTYPE_RANGE, type LayerFields, type QTensor, type Unhashed } from '../op-types.js';
import type { LutLayer } from './ir.js';
import { type LutStage, lutFunction } from './stage.js';

export function lowerLut(stage: LutStage, base: LayerFields): Unhashed<LutLayer> {
  return { op: 'lut', ...base, function: stage.fn, table: buildTable(lutFunction(stage.fn), base.input, base.output) };
}

/**
 * int8: one entry per input code, t[q + 128] = quantize(f(dequantize(q))). int16: 513 knots at
 * x = (j − 256)·128, interpolated by the kernel. Both scales as the float32 values the IR stores.
 */
function buildTable(f: (x: number) => number, input: QTensor, output: QTensor): number[] {
  const { min, max } = DTYPE_RANGE[output.dtype];
  const inputScale = Math.fround(input.scale);
  const outputScale = Math.fround(output.scale);
  const quantize = (y: number): number => clamp(roundHalfAwayFromZero(y / outputScale) + output.zeroPoint, min, max);
  if (input.dtype === 'int8') {
    return Array.from({ length: 256 }, (_, k) => quantize(f((k - 128 - input.zeroPoint) * inputScale)));
  }
  return Array.from({ length: 513 }, (_, j) => quantize(f((j - 256) * 128 * inputScale)));
}
