import { FirmnetError } from '../../errors.js';
import { FLOAT32_MAX, FLOAT32_MIN_NORMAL, isPositiveNormalFloat32 } from '../../float32.js';
import { checkIntegers } from '../check-integers.js';
import type { Unhashed } from '../op-types.js';
import type { FullyConnectedLayer } from './ir.js';

export function checkFullyConnected(layer: Unhashed<FullyConnectedLayer>, where: string): void {
  layer.weightScales.forEach((s, c) => {
    if (!isPositiveNormalFloat32(s)) {
      throw new FirmnetError(
        'UNSUPPORTED',
        `${where}: the weight scale of output channel ${c} is ${s}; int8 weights need a positive normal float32 scale (${FLOAT32_MIN_NORMAL.toPrecision(8)} to ${FLOAT32_MAX.toPrecision(8)}), ` +
          'and this channel\'s largest |weight| / 127 is outside it; the channel\'s weights are (nearly) zero or too large to quantize',
      );
    }
  });
  checkIntegers(where, 'bias', layer.bias);
  checkIntegers(where, 'multiplier', layer.multiplier);
  checkIntegers(where, 'shift', layer.shift);
}
