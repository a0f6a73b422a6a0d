/**
 * MultiplyByQuantizedMultiplier (int32, double rounding) on four output channels at once, each with
 * its own multiplier and shift, followed by + output zero point (wrapping) and the activation clamp.
 * Bit-exact with `mbqm` in fixed-point.ts; the two identities it rests on are proved in docs/wasm.md
 * and checked against the golden reference by test/wasm/requantize.test.ts:
 *
 *  1. SRDHM(a, b) = (a·b + 2^30) >> 31 (floor) for every a, b except a = b = INT32_MIN — which
 *     cannot occur here because fully-connected multipliers are ≥ 0 (the IR reader enforces it).
 *  2. RDBP(s, e) = floor(d · 2^−e + ½) for e ≥ 1, with d = s − (s < 0), and s for e = 0. d · 2^−e
 *     has at most 31 significant bits and ½ adds one more, so the float64 arithmetic is exact.
 *
 * WebAssembly SIMD has no per-lane variable shifts, hence the float64 power-of-two scaling for the
 * rounding right shift and a float32 exponent to build 2^leftShift.
 */

/** [Σ a0, Σ a1, Σ a2, Σ a3]: the lane sums of four int32x4 accumulators. */
// @ts-ignore: decorator
@inline
export function laneSums4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const s01 = i32x4.add(v128.shuffle<i32>(a0, a1, 0, 4, 1, 5), v128.shuffle<i32>(a0, a1, 2, 6, 3, 7));
  const s23 = i32x4.add(v128.shuffle<i32>(a2, a3, 0, 4, 1, 5), v128.shuffle<i32>(a2, a3, 2, 6, 3, 7));
  return i32x4.add(v128.shuffle<i32>(s01, s23, 0, 1, 4, 5), v128.shuffle<i32>(s01, s23, 2, 3, 6, 7));
}

/** clamp(MBQM(acc, multiplier, shift) + outputZeroPoint, lo, hi) lane by lane (int32x4). */
// @ts-ignore: decorator
@inline
export function requantize4(acc: v128, multiplier: v128, shift: v128, outputZeroPoint: v128, lo: v128, hi: v128): v128 {
  const zero = i32x4.splat(0);
  const leftShift = i32x4.max_s(shift, zero);
  const rightShift = i32x4.max_s(i32x4.neg(shift), zero);
  // 2^leftShift (0 ≤ leftShift ≤ 30) from a float32 exponent; the product wraps like C's int32 shift.
  const leftFactor = i32x4.trunc_sat_f32x4_u(i32x4.shl(i32x4.add(leftShift, i32x4.splat(127)), 23));
  const a = i32x4.mul(acc, leftFactor);
  // SRDHM via identity 1, in two int64x2 halves.
  const nudge = i64x2.splat(1 << 30);
  const low = i64x2.shr_s(i64x2.add(i64x2.extmul_low_i32x4_s(a, multiplier), nudge), 31);
  const high = i64x2.shr_s(i64x2.add(i64x2.extmul_high_i32x4_s(a, multiplier), nudge), 31);
  const s = v128.shuffle<i32>(low, high, 0, 2, 4, 6);
  // RDBP via identity 2.
  const rounds = i32x4.gt_s(rightShift, zero);
  const d = i32x4.add(s, v128.and(i32x4.lt_s(s, zero), rounds));
  const scale = i32x4.shl(i32x4.sub(i32x4.splat(127), rightShift), 23); // float32 bits of 2^−rightShift
  const half = v128.and(f32x4.splat(0.5), rounds);
  const rLow = f64x2.floor(f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(d), f64x2.promote_low_f32x4(scale)), f64x2.promote_low_f32x4(half)));
  const dHigh = v128.shuffle<i32>(d, d, 2, 3, 2, 3);
  const scaleHigh = v128.shuffle<i32>(scale, scale, 2, 3, 2, 3);
  const halfHigh = v128.shuffle<i32>(half, half, 2, 3, 2, 3);
  const rHigh = f64x2.floor(f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(dHigh), f64x2.promote_low_f32x4(scaleHigh)), f64x2.promote_low_f32x4(halfHigh)));
  const r = v128.shuffle<i32>(i32x4.trunc_sat_f64x2_s_zero(rLow), i32x4.trunc_sat_f64x2_s_zero(rHigh), 0, 1, 4, 5);
  return i32x4.min_s(i32x4.max_s(i32x4.add(r, outputZeroPoint), lo), hi);
}

/** Stores four clamped int32 lanes as int8 (or int16) outputs. */
// @ts-ignore: decorator
@inline
export function store4(output: usize, index: usize, y: v128, outputInt16: bool): void {
  const narrow16 = i16x8.narrow_i32x4_s(y, y);
  if (outputInt16) v128.store64_lane(output + (index << 1), narrow16, 0);
  else v128.store32_lane(output + index, i8x16.narrow_i16x8_s(narrow16, narrow16), 0);
}
