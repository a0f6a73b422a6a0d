/**
 * FULLY_CONNECTED with WebAssembly SIMD (v128): the default kernels. Same arguments and the same
 * results, bit for bit, as dense-scalar.ts.
 *
 * int8 input: four output channels at a time. Eight inputs are loaded sign-extended to int16
 * (`v128.load8x8_s`), the input zero point is subtracted once (x − zp fits int16), and each
 * channel's eight weights are multiplied and pair-summed into int32 lanes with `i32x4.dot_i16x8_s`.
 * Integer addition is associative modulo 2^32, so the lane-wise int32 sums wrap exactly like the
 * reference's sequential int32 accumulator. Requantization runs on the four channels together
 * (requantize-simd.ts). Tails: inputs beyond a multiple of 8 and channels beyond a multiple of 4
 * are handled in scalar code — nothing is read or written outside the tensors.
 */
import { clampI32, mbqm, mbqm64 } from './fixed-point';
import { laneSums4, requantize4, store4 } from './requantize-simd';

export function denseS8Simd(
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
  const stride = <usize>inFeatures;
  const in8 = <usize>(inFeatures & ~7);
  const inZp = i16x8.splat(<i16>inputZeroPoint);
  const outZp = i32x4.splat(outputZeroPoint);
  const lo = i32x4.splat(activationMin);
  const hi = i32x4.splat(activationMax);
  let o: usize = 0;
  const out4 = <usize>(outFeatures & ~3);
  for (; o < out4; o += 4) {
    const w0 = weights + o * stride;
    const w1 = w0 + stride;
    const w2 = w1 + stride;
    const w3 = w2 + stride;
    let a0 = i32x4.splat(0);
    let a1 = i32x4.splat(0);
    let a2 = i32x4.splat(0);
    let a3 = i32x4.splat(0);
    for (let i: usize = 0; i < in8; i += 8) {
      const x = i16x8.sub(v128.load8x8_s(input + i), inZp);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x, v128.load8x8_s(w0 + i)));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(x, v128.load8x8_s(w1 + i)));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(x, v128.load8x8_s(w2 + i)));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(x, v128.load8x8_s(w3 + i)));
    }
    let acc = i32x4.add(laneSums4(a0, a1, a2, a3), v128.load(bias + (o << 2)));
    if (in8 < stride) {
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let i = in8; i < stride; i++) {
        const x = <i32>load<i8>(input + i) - inputZeroPoint;
        t0 += x * <i32>load<i8>(w0 + i);
        t1 += x * <i32>load<i8>(w1 + i);
        t2 += x * <i32>load<i8>(w2 + i);
        t3 += x * <i32>load<i8>(w3 + i);
      }
      acc = i32x4.add(acc, i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(t0), 1, t1), 2, t2), 3, t3));
    }
    const y = requantize4(acc, v128.load(multiplier + (o << 2)), v128.load(shift + (o << 2)), outZp, lo, hi);
    store4(output, o, y, outputInt16);
  }
  for (; o < <usize>outFeatures; o++) {
    const w = weights + o * stride;
    let a = i32x4.splat(0);
    for (let i: usize = 0; i < in8; i += 8) {
      a = i32x4.add(a, i32x4.dot_i16x8_s(i16x8.sub(v128.load8x8_s(input + i), inZp), v128.load8x8_s(w + i)));
    }
    let acc = load<i32>(bias + (o << 2)) + i32x4.extract_lane(a, 0) + i32x4.extract_lane(a, 1) + i32x4.extract_lane(a, 2) + i32x4.extract_lane(a, 3);
    for (let i = in8; i < stride; i++) acc += (<i32>load<i8>(input + i) - inputZeroPoint) * <i32>load<i8>(w + i);
    const scaled = mbqm(acc, load<i32>(multiplier + (o << 2)), load<i32>(shift + (o << 2)));
    const y = clampI32(scaled + outputZeroPoint, activationMin, activationMax);
    if (outputInt16) store<i16>(output + (o << 1), <i16>y);
    else store<i8>(output + o, <i8>y);
  }
}

/**
 * int16 input (16x8): int16 inputs times int8 weights pair-summed with `i32x4.dot_i16x8_s`. A lane
 * gains at most 2·32768·127 < 2^23 per step, so blocks of up to 1024 inputs (128 steps) cannot
 * overflow int32; each block is then added to int64 accumulators, which equal the reference's exact
 * sum. Requantization (64-bit MBQM) is scalar, per channel.
 */
export function denseS16Simd(
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
  const stride = <usize>inFeatures;
  const in8 = <usize>(inFeatures & ~7);
  for (let o: usize = 0; o < <usize>outFeatures; o++) {
    const w = weights + o * stride;
    let acc = load<i64>(bias + (o << 3));
    for (let start: usize = 0; start < in8; start += 1024) {
      const end = start + 1024 < in8 ? start + 1024 : in8;
      let a = i32x4.splat(0);
      for (let i = start; i < end; i += 8) {
        a = i32x4.add(a, i32x4.dot_i16x8_s(v128.load(input + (i << 1)), v128.load8x8_s(w + i)));
      }
      acc +=
        <i64>i32x4.extract_lane(a, 0) + <i64>i32x4.extract_lane(a, 1) + <i64>i32x4.extract_lane(a, 2) + <i64>i32x4.extract_lane(a, 3);
    }
    for (let i = in8; i < stride; i++) acc += <i64>(<i32>load<i16>(input + (i << 1)) * <i32>load<i8>(w + i));
    const scaled = mbqm64(acc, load<i32>(multiplier + (o << 2)), load<i32>(shift + (o << 2)));
    const y = clampI32(scaled + outputZeroPoint, activationMin, activationMax);
    if (outputInt16) store<i16>(output + (o << 1), <i16>y);
    else store<i8>(output + o, <i8>y);
  }
}
