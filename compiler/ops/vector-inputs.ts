/**
 * Inputs for crafted test vectors (each op's vectors.ts and scripts/make-test-vectors.ts): a tensor
 * whose range is its dtype's at a scale and zero point, and input codes that sweep a dtype.
 */
import type { QDtype, QTensor } from './op-types.js';

/** A tensor of `features` values whose recorded float range is the dtype's whole code range. */
export function vectorTensor(dtype: QDtype, features: number, scale: number, zeroPoint: number): QTensor {
  return { dtype, features, scale, zeroPoint, rangeMin: scale * ((dtype === 'int8' ? -128 : -32768) - zeroPoint), rangeMax: scale * ((dtype === 'int8' ? 127 : 32767) - zeroPoint) };
}

/** Every input code of the dtype (int8: all 256; int16: the ends, knots and their neighbours), one row per code, features shifted by 7 codes each. */
export function codeSweep(dtype: QDtype, features: number): { rows: number; data: number[] } {
  const codes: number[] = [];
  if (dtype === 'int8') for (let v = -128; v <= 127; v++) codes.push(v);
  else {
    // Knots, their neighbours, and offsets around 64 where the interpolation's +64 rounding decides.
    for (let k = -256; k <= 255; k += 3) codes.push(k * 128, k * 128 + 1, k * 128 + 63, k * 128 + 64, k * 128 + 65, k * 128 + 127);
    codes.push(-32768, -32767, -1, 0, 1, 32766, 32767);
  }
  const data: number[] = [];
  for (let r = 0; r < codes.length; r++) for (let j = 0; j < features; j++) data.push(codes[(r + j * 7) % codes.length]);
  return { rows: codes.length, data };
}
