/**
 * FULLY_CONNECTED, scalar: the golden reference's arithmetic (compiler/ops/fully-connected/reference.ts)
 * without SIMD. Used by the scalar build (WebAssembly without SIMD,
 * e.g. WAMR on a microcontroller without the SIMD extension) and as the oracle for the SIMD kernels.
 *
 * Memory: `input`, `output` are activation tensors in the arena; `weights` int8 [out][in],
 * `bias` int32[out] (int64[out] for int16 input), `multiplier` and `shift` int32[out].
 */
import { clampI32, mbqm, mbqm64 } from './fixed-point';

/**
 * int8 input: int32 accumulator (wrapping), bias + Σ (x − zp)·w, 32-bit MBQM, + zp, clamp. Four
 * channels share each input load (integer addition is associative modulo 2^32, so the order of
 * the terms does not matter); the last 1–3 channels go one at a time.
 */
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
  const n = <usize>inFeatures;
  const count = <usize>outFeatures;
  let o: usize = 0;
  for (; o + 4 <= count; o += 4) {
    const w0 = weights + o * n;
    const w1 = w0 + n;
    const w2 = w1 + n;
    const w3 = w2 + n;
    let a0 = load<i32>(bias + (o << 2));
    let a1 = load<i32>(bias + (o << 2), 4);
    let a2 = load<i32>(bias + (o << 2), 8);
    let a3 = load<i32>(bias + (o << 2), 12);
    for (let i: usize = 0; i < n; i++) {
      const x = <i32>load<i8>(input + i) - inputZeroPoint;
      a0 += x * <i32>load<i8>(w0 + i);
      a1 += x * <i32>load<i8>(w1 + i);
      a2 += x * <i32>load<i8>(w2 + i);
      a3 += x * <i32>load<i8>(w3 + i);
    }
    requantizeStore(output, o, a0, multiplier, shift, outputZeroPoint, activationMin, activationMax, outputInt16);
    requantizeStore(output, o + 1, a1, multiplier, shift, outputZeroPoint, activationMin, activationMax, outputInt16);
    requantizeStore(output, o + 2, a2, multiplier, shift, outputZeroPoint, activationMin, activationMax, outputInt16);
    requantizeStore(output, o + 3, a3, multiplier, shift, outputZeroPoint, activationMin, activationMax, outputInt16);
  }
  for (; o < count; o++) {
    const w = weights + o * n;
    let acc = load<i32>(bias + (o << 2));
    for (let i: usize = 0; i < n; i++) acc += (<i32>load<i8>(input + i) - inputZeroPoint) * <i32>load<i8>(w + i);
    requantizeStore(output, o, acc, multiplier, shift, outputZeroPoint, activationMin, activationMax, outputInt16);
  }
}

/** output[o] = clamp(MBQM(acc, multiplier[o], shift[o]) + zp, min, max) as int8 or int16. */
// @ts-ignore: decorator
@inline
function requantizeStore(
  output: usize,
  o: usize,
  acc: i32,
  multiplier: usize,
  shift: usize,
  outputZeroPoint: i32,
  activationMin: i32,
  activationMax: i32,
  outputInt16: bool,
): void {
  storeOutput(output, o, mbqm(acc, load<i32>(multiplier + (o << 2)), load<i32>(shift + (o << 2))), outputZeroPoint, activationMin, activationMax, outputInt16);
}

/** output[o] = clamp(scaled + zp, min, max) as int8 or int16: the end of every scalar requantization. */
// @ts-ignore: decorator
@inline
export function storeOutput(output: usize, o: usize, scaled: i32, outputZeroPoint: i32, activationMin: i32, activationMax: i32, outputInt16: bool): void {
  const y = clampI32(scaled + outputZeroPoint, activationMin, activationMax);
  if (outputInt16) store<i16>(output + (o << 1), <i16>y);
  else store<i8>(output + o, <i8>y);
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
    storeOutput(output, <usize>o, scaled, outputZeroPoint, activationMin, activationMax, outputInt16);
  }
}
