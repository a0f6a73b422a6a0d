/**
 * MultiplyByQuantizedMultiplier (int32, TFLite double rounding) on four output channels at once,
 * each with its own multiplier and shift, then + output zero point (wrapping) and the activation
 * clamp. Bit-exact with `mbqm` in fixed-point.ts; docs/wasm.md proves the identities below and
 * test/wasm/requantize.test.ts checks them against the golden reference on millions of cases.
 *
 * WebAssembly SIMD has no per-lane variable shifts, so a channel's shift arrives as two factors
 * (compiler/ops/fully-connected/pack-simd.ts re-encodes the prepared left and right shifts):
 *   leftFactor  = 2^max(shift, 0)
 *   rightFactor = 2^(31 − e) with e = max(−shift, 0) the rounding right shift, or 0 when e = 0
 * and with floorHigh(P) = ⌊(P + 2^30) / 2^31⌋, read as the high 32 bits of 2P + 2^31:
 *   SRDHM(a, m) = floorHigh(a·m)                    for m ≥ 0 (the IR reader enforces it), so the
 *                                                   INT32_MIN·INT32_MIN saturation cannot occur
 *   RDBP(s, e)  = floorHigh((s − [s < 0]) · 2^(31−e)) for 1 ≤ e ≤ 31, and s for e = 0.
 */

/**
 * ⌊(P + 2^30) / 2^31⌋ of two int64 lanes, placed in the high 32 bits of each lane: 2P + 2^31, the
 * doubling as an addition (P + P), which runs on more execution ports than a shift.
 */
// @ts-ignore: decorator
@inline
function floorHigh(p: v128): v128 {
  return i64x2.add(i64x2.add(p, p), i64x2.splat(<i64>1 << 31));
}

/**
 * clamp(MBQM(acc, multiplier, shift) + outputZeroPoint, lo, hi), four int32 lanes. `leftShifts` and
 * `unroundedChannels` say whether any channel of the layer has shift > 0 (leftFactor ≠ 1) or shift ≥ 0
 * (rightFactor = 0); trained layers usually have neither, and then their steps are skipped.
 */
// @ts-ignore: decorator
@inline
export function requantize4(
  acc: v128,
  multiplier: v128,
  leftFactor: v128,
  rightFactor: v128,
  outputZeroPoint: v128,
  lo: v128,
  hi: v128,
  leftShifts: bool,
  unroundedChannels: bool,
): v128 {
  const a = leftShifts ? i32x4.mul(acc, leftFactor) : acc; // wraps like the C kernels' int32 left shift
  const s = v128.shuffle<i32>(floorHigh(i64x2.extmul_low_i32x4_s(a, multiplier)), floorHigh(i64x2.extmul_high_i32x4_s(a, multiplier)), 1, 3, 5, 7);
  const u = i32x4.add(s, i32x4.lt_s(s, i32x4.splat(0)));
  const r = v128.shuffle<i32>(floorHigh(i64x2.extmul_low_i32x4_s(u, rightFactor)), floorHigh(i64x2.extmul_high_i32x4_s(u, rightFactor)), 1, 3, 5, 7);
  const y = unroundedChannels ? v128.bitselect(s, r, i32x4.eq(rightFactor, i32x4.splat(0))) : r;
  return i32x4.min_s(i32x4.max_s(i32x4.add(y, outputZeroPoint), lo), hi);
}

/** Stores four clamped int32 lanes as int8 (or int16) outputs at output[index…index+3]. */
// @ts-ignore: decorator
@inline
export function store4(output: usize, index: usize, y: v128, outputInt16: bool): void {
  const narrow16 = i16x8.narrow_i32x4_s(y, y);
  if (outputInt16) v128.store64_lane(output + (index << 1), narrow16, 0);
  else v128.store32_lane(output + index, i8x16.narrow_i16x8_s(narrow16, narrow16), 0);
}

/** Stores 16 clamped int32 lanes (four vectors) as int8 (or int16) outputs at output[index…index+15]. */
// @ts-ignore: decorator
@inline
export function store16(output: usize, index: usize, y0: v128, y1: v128, y2: v128, y3: v128, outputInt16: bool): void {
  const low = i16x8.narrow_i32x4_s(y0, y1);
  const high = i16x8.narrow_i32x4_s(y2, y3);
  if (outputInt16) {
    v128.store(output + (index << 1), low);
    v128.store(output + (index << 1), high, 16);
  } else {
    v128.store(output + index, i8x16.narrow_i16x8_s(low, high));
  }
}

/** Stores the first `count` (1–3) lanes only: the last, partial group of a layer's channels. */
// @ts-ignore: decorator
@inline
export function storePartial(output: usize, index: usize, y: v128, count: usize, outputInt16: bool): void {
  for (let k: usize = 0; k < count; k++) {
    const v = k == 0 ? i32x4.extract_lane(y, 0) : k == 1 ? i32x4.extract_lane(y, 1) : i32x4.extract_lane(y, 2);
    if (outputInt16) store<i16>(output + ((index + k) << 1), <i16>v);
    else store<i8>(output + index + k, <i8>v);
  }
}
