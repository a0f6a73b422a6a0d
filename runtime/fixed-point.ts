/**
 * The integer primitives of TFLite's int8 kernels (gemmlowp, double rounding), in AssemblyScript.
 * Written to read like the golden reference (compiler/ops/fixed-point.ts), operation by
 * operation: these are the scalar definitions the SIMD kernels are tested against.
 */

/**
 * SaturatingRoundingDoublingHighMul: trunc((a·b + nudge) / 2^31) with the 64-bit product,
 * nudge = 2^30 if a·b ≥ 0 else 1 − 2^30; a = b = INT32_MIN saturates to INT32_MAX.
 */
// @ts-ignore: decorator
@inline
export function srdhm(a: i32, b: i32): i32 {
  if (a == i32.MIN_VALUE && b == i32.MIN_VALUE) return i32.MAX_VALUE;
  const ab = <i64>a * <i64>b;
  const nudge: i64 = ab >= 0 ? 1 << 30 : 1 - (1 << 30);
  // i64 division truncates toward zero, like C++.
  return <i32>((ab + nudge) / (<i64>1 << 31));
}

/** RoundingDivideByPOT: x / 2^exponent, halves away from zero, 0 ≤ exponent ≤ 31. */
// @ts-ignore: decorator
@inline
export function rdbp(x: i32, exponent: i32): i32 {
  const mask = <i32>((<i64>1 << exponent) - 1);
  const remainder = x & mask;
  const threshold = (mask >> 1) + <i32>(x < 0);
  return (x >> exponent) + <i32>(remainder > threshold);
}

/**
 * MultiplyByQuantizedMultiplier (int32): a positive shift is a wrapping left shift before the high
 * multiply, a negative one a rounding right shift after it.
 */
// @ts-ignore: decorator
@inline
export function mbqm(x: i32, multiplier: i32, shift: i32): i32 {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return rdbp(srdhm(x << leftShift, multiplier), rightShift);
}

/**
 * MultiplyByQuantizedMultiplier for 64-bit accumulators (16x8 kernels): the multiplier reduced to
 * 16 bits, one rounding: (x · m16 + 2^(k−1)) >> k, k = 15 − shift, result wrapped to int32.
 */
// @ts-ignore: decorator
@inline
export function mbqm64(x: i64, multiplier: i32, shift: i32): i32 {
  const reduced: i64 = multiplier < 0x7fff0000 ? <i64>((multiplier + (1 << 15)) >> 16) : 0x7fff;
  const totalShift = <i64>(15 - shift);
  return <i32>((x * reduced + (<i64>1 << (totalShift - 1))) >> totalShift);
}

/** clamp(x, lo, hi) on i32. */
// @ts-ignore: decorator
@inline
export function clampI32(x: i32, lo: i32, hi: i32): i32 {
  return x < lo ? lo : x > hi ? hi : x;
}
