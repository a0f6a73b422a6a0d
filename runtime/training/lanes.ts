/** Lane helpers shared by the training kernels (T is f32 or f64). */

// @ts-ignore: decorator
@inline export function lanes<T>(): i32 {
  return <i32>(16 / sizeof<T>());
}

// @ts-ignore: decorator
@inline export function zero(): v128 {
  return i32x4.splat(0);
}

/** All-ones in the last `tail` lanes: masks a vector that overlaps `lanes - tail` lanes already summed. */
// @ts-ignore: decorator
@inline export function tailMask<T>(tail: i32): v128 {
  if (sizeof<T>() == 4) return i32x4.ge_s(i32x4(0, 1, 2, 3), i32x4.splat(4 - tail));
  return i64x2.ge_s(i64x2(0, 1), i64x2.splat(<i64>(2 - tail)));
}

/**
 * Squares for a global gradient norm are summed in float64 (a float32 square overflows from
 * |g| ≈ 1.8e19): the vector's float64 halves, lanes 0–1 and 2–3 (for f64: the vector and zero).
 */
// @ts-ignore: decorator
@inline export function lowF64<T>(v: v128): v128 {
  if (sizeof<T>() == 4) return f64x2.promote_low_f32x4(v);
  return v;
}

// @ts-ignore: decorator
@inline export function highF64<T>(v: v128): v128 {
  if (sizeof<T>() == 4) return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
  return zero();
}

/** The two float64 accumulators' four lanes, added in a fixed order. */
// @ts-ignore: decorator
@inline export function f64Total(a: v128, b: v128): f64 {
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1) + (f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1));
}

// @ts-ignore: decorator
@inline export function sqrtOf<T>(v: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.sqrt(<f32>v);
  return <T>Math.sqrt(<f64>v);
}
