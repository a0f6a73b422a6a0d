/**
 * The runtime kernels as one module (the `asconfig.json` entry, `npm run asbuild`), for tests and
 * for users who want to link the kernels themselves. The emitter does not use this file: the
 * module it patches per model is compiled from runtime/model.ts and a dispatcher generated from the
 * op registry (scripts/build-kernels.ts).
 *
 * Besides the kernels it exports test points over a static scratch buffer, so the test suite can
 * check the vectorised requantization against the scalar one and the golden reference on many
 * (accumulator, multiplier, shift) triples.
 */
import { mbqm, mbqm64 } from './fixed-point';
import { requantize4 } from './requantize-simd';

export { denseS8Scalar, denseS16Scalar } from './dense-scalar';
export { denseS8Simd, denseS16Simd } from './dense-simd';
export { denseS4 } from './dense-s4';
export { leakyRelu, lookupS8, lookupS16 } from './elementwise';
export { softmaxS8 } from './softmax';
export { layerNorm } from './layer-norm';
export { quantizeInput, dequantizeOutput, unstandardizeValues } from './io';
export { quantizeInputSimd, dequantizeOutputSimd, unstandardizeValuesSimd } from './io-simd';

/** Bytes of the static scratch buffer the tests write kernel operands into. */
export const SCRATCH_BYTES: i32 = 1 << 20;
const scratch = memory.data(SCRATCH_BYTES, 16);

export function scratchPointer(): usize {
  return scratch;
}

export function mbqmScalar(x: i32, multiplier: i32, shift: i32): i32 {
  return mbqm(x, multiplier, shift);
}

export function mbqm64Scalar(x: i64, multiplier: i32, shift: i32): i32 {
  return mbqm64(x, multiplier, shift);
}

/**
 * out[c] = MBQM(acc[c], multiplier[c], shift[c]) for c < count (a multiple of 4), four channels at a
 * time with the SIMD requantization, the shift given as its two factors (see requantize-simd.ts); no
 * zero point and no clamp beyond the int32 range. All arrays int32.
 */
export function requantizeSimd(acc: usize, multiplier: usize, leftFactor: usize, rightFactor: usize, out: usize, count: i32): void {
  const zero = i32x4.splat(0);
  const lo = i32x4.splat(i32.MIN_VALUE);
  const hi = i32x4.splat(i32.MAX_VALUE);
  for (let c: usize = 0; c < <usize>count; c += 4) {
    const k = c << 2;
    v128.store(out + k, requantize4(v128.load(acc + k), v128.load(multiplier + k), v128.load(leftFactor + k), v128.load(rightFactor + k), zero, lo, hi, true, true));
  }
}
