/**
 * FULLY_CONNECTED, scalar: one output channel at a time, exactly the golden reference's loops
 * (compiler/reference/fully-connected.ts). Used by the scalar build (WebAssembly without SIMD,
 * e.g. WAMR on a microcontroller without the SIMD extension) and as the oracle for the SIMD kernels.
 *
 * Memory: `input`, `output` are activation tensors in the arena; `weights` int8 [out][in],
 * `bias` int32[out] (int64[out] for int16 input), `multiplier` and `shift` int32[out].
 */
import { clampI32, mbqm, mbqm64 } from './fixed-point';

/** int8 input: int32 accumulator (wrapping), bias + Σ (x − zp)·w, 32-bit MBQM, + zp, clamp. */
export function denseS8Scalar(
  input: usize,
  output: usize,
  weights: usize,
  bias: usize,
  multiplier: usize,
  shift: usize,
  inFeatures: i32,
  outFeatures: i32,
  inputZeroPoint: i32,
  outputZeroPoint: i32,
  activationMin: i32,
  activationMax: i32,
  outputInt16: bool,
): void {
  for (let o = 0; o < outFeatures; o++) {
    const w = weights + <usize>o * <usize>inFeatures;
    let acc = load<i32>(bias + (<usize>o << 2));
    for (let i = 0; i < inFeatures; i++) {
      acc += (<i32>load<i8>(input + <usize>i) - inputZeroPoint) * <i32>load<i8>(w + <usize>i);
    }
    const scaled = mbqm(acc, load<i32>(multiplier + (<usize>o << 2)), load<i32>(shift + (<usize>o << 2)));
    const y = clampI32(scaled + outputZeroPoint, activationMin, activationMax);
    if (outputInt16) store<i16>(output + (<usize>o << 1), <i16>y);
    else store<i8>(output + <usize>o, <i8>y);
  }
}

/** int16 input (zero point 0): exact int64 accumulator, bias int64, TFLite's 64-bit MBQM. */
export function denseS16Scalar(
  input: usize,
  output: usize,
  weights: usize,
  bias: usize,
  multiplier: usize,
  shift: usize,
  inFeatures: i32,
  outFeatures: i32,
  outputZeroPoint: i32,
  activationMin: i32,
  activationMax: i32,
  outputInt16: bool,
): void {
  for (let o = 0; o < outFeatures; o++) {
    const w = weights + <usize>o * <usize>inFeatures;
    let acc = load<i64>(bias + (<usize>o << 3));
    for (let i = 0; i < inFeatures; i++) {
      acc += <i64>(<i32>load<i16>(input + (<usize>i << 1)) * <i32>load<i8>(w + <usize>i));
    }
    const scaled = mbqm64(acc, load<i32>(multiplier + (<usize>o << 2)), load<i32>(shift + (<usize>o << 2)));
    const y = clampI32(scaled + outputZeroPoint, activationMin, activationMax);
    if (outputInt16) store<i16>(output + (<usize>o << 1), <i16>y);
    else store<i8>(output + <usize>o, <i8>y);
  }
}
