/**
 * FULLY_CONNECTED with WebAssembly SIMD (v128): the default kernels, bit-exact with dense-scalar.ts.
 *
 * int8 input, "one output channel per lane":
 *  1. The input is widened once per layer into the workspace as int16 (x − zeroPoint), padded with
 *     a 0 to an even count. (x − zp) fits int16, so nothing overflows.
 *  2. For a group of 16 channels (four int32x4 accumulators, lane = channel, starting at the bias),
 *     each input pair (x[2p], x[2p+1]) is broadcast to all lanes (`v128.load32_splat`) and
 *     `i32x4.dot_i16x8_s` multiplies it with the pair's weights of four channels (8 weights, stored
 *     as int16 so that they need no widening) and adds the two products per lane. Two pairs per
 *     loop iteration, the last odd pair after the loop. The weights are packed for this order at
 *     emit time (compiler/ops/fully-connected/pack-simd.ts): per group, per pair, the channels' two weights
 *     side by side. Integer addition is associative modulo 2^32, so the lanes' wrapping int32 sums
 *     equal the reference's sequential int32 accumulator.
 *  3. The remaining channels go four at a time; a last group of 1–3 channels is padded with zero
 *     weights in the packed data and only its real channels are stored.
 * Requantization runs on four channels at once (requantize-simd.ts); `leftShifts` and
 * `unroundedChannels` are the layer's flags for it (see there). A group of 16 channels is narrowed
 * and stored with one 16-byte store (two for int16 outputs). Nothing is read or written outside the
 * tensors, the workspace and the layer's constants.
 */
import { storeOutput } from './dense-scalar';
import { mbqm64 } from './fixed-point';
import { requantize4, store16, store4, storePartial } from './requantize-simd';

export function denseS8Simd(
  input: usize,
  output: usize,
  workspace: usize,
  weights: usize,
  bias: usize,
  multiplier: usize,
  leftFactor: usize,
  rightFactor: usize,
  inFeatures: i32,
  outFeatures: i32,
  inputZeroPoint: i32,
  outputZeroPoint: i32,
  activationMin: i32,
  activationMax: i32,
  outputInt16: bool,
  leftShifts: bool,
  unroundedChannels: bool,
): void {
  const n = <usize>inFeatures;
  const n8 = n & ~7;
  const inZp = i16x8.splat(<i16>inputZeroPoint);
  for (let i: usize = 0; i < n8; i += 8) v128.store(workspace + (i << 1), i16x8.sub(v128.load8x8_s(input + i), inZp));
  for (let i = n8; i < n; i++) store<i16>(workspace + (i << 1), <i16>(<i32>load<i8>(input + i) - inputZeroPoint));
  if (n & 1) store<i16>(workspace + (n << 1), 0);
  const end = workspace + (((n + 1) & ~1) << 1);
  // The last pair that has a partner in the two-pair loop below.
  const end2 = workspace + ((((n + 1) >> 1) & ~1) << 2);

  const outZp = i32x4.splat(outputZeroPoint);
  const lo = i32x4.splat(activationMin);
  const hi = i32x4.splat(activationMax);
  const count = <usize>outFeatures;
  let wp = weights;
  let o: usize = 0;
  for (; o + 16 <= count; o += 16) {
    const b = bias + (o << 2);
    let a0 = v128.load(b);
    let a1 = v128.load(b, 16);
    let a2 = v128.load(b, 32);
    let a3 = v128.load(b, 48);
    let xp = workspace;
    for (; xp < end2; xp += 8) {
      const x = v128.load32_splat(xp);
      const y = v128.load32_splat(xp, 4);
      a0 = i32x4.add(a0, i32x4.add(i32x4.dot_i16x8_s(x, v128.load(wp)), i32x4.dot_i16x8_s(y, v128.load(wp, 64))));
      a1 = i32x4.add(a1, i32x4.add(i32x4.dot_i16x8_s(x, v128.load(wp, 16)), i32x4.dot_i16x8_s(y, v128.load(wp, 80))));
      a2 = i32x4.add(a2, i32x4.add(i32x4.dot_i16x8_s(x, v128.load(wp, 32)), i32x4.dot_i16x8_s(y, v128.load(wp, 96))));
      a3 = i32x4.add(a3, i32x4.add(i32x4.dot_i16x8_s(x, v128.load(wp, 48)), i32x4.dot_i16x8_s(y, v128.load(wp, 112))));
      wp += 128;
    }
    if (xp < end) {
      const x = v128.load32_splat(xp);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x, v128.load(wp)));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(x, v128.load(wp, 16)));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(x, v128.load(wp, 32)));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(x, v128.load(wp, 48)));
      wp += 64;
    }
    const c = o << 2;
    const y0 = requantize4(a0, v128.load(multiplier + c), v128.load(leftFactor + c), v128.load(rightFactor + c), outZp, lo, hi, leftShifts, unroundedChannels);
    const y1 = requantize4(a1, v128.load(multiplier + c, 16), v128.load(leftFactor + c, 16), v128.load(rightFactor + c, 16), outZp, lo, hi, leftShifts, unroundedChannels);
    const y2 = requantize4(a2, v128.load(multiplier + c, 32), v128.load(leftFactor + c, 32), v128.load(rightFactor + c, 32), outZp, lo, hi, leftShifts, unroundedChannels);
    const y3 = requantize4(a3, v128.load(multiplier + c, 48), v128.load(leftFactor + c, 48), v128.load(rightFactor + c, 48), outZp, lo, hi, leftShifts, unroundedChannels);
    store16(output, o, y0, y1, y2, y3, outputInt16);
  }
  for (; o < count; o += 4) {
    let a = v128.load(bias + (o << 2));
    for (let xp = workspace; xp < end; xp += 4) {
      a = i32x4.add(a, i32x4.dot_i16x8_s(v128.load32_splat(xp), v128.load(wp)));
      wp += 16;
    }
    const c = o << 2;
    const y = requantize4(a, v128.load(multiplier + c), v128.load(leftFactor + c), v128.load(rightFactor + c), outZp, lo, hi, leftShifts, unroundedChannels);
    if (count - o >= 4) store4(output, o, y, outputInt16);
    else storePartial(output, o, y, count - o, outputInt16);
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
    storeOutput(output, o, scaled, outputZeroPoint, activationMin, activationMax, outputInt16);
  }
}
