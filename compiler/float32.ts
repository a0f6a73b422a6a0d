/**
 * The float32 limits every firmnet model computes within (the float trainer, the float reference,
 * C `float` and WebAssembly f32): a number read from a file must survive the conversion to
 * float32 without becoming ±Infinity, and a divisor or scale must stay a normal number.
 */

/** Largest finite float32, (2 − 2^−23) · 2^127. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Smallest positive normal float32, 2^−126; below it precision is lost (and flush-to-zero FPUs read 0). */
export const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/** True when v converts to a finite float32 (|v| at most FLOAT32_MAX after rounding). */
export function isFiniteFloat32(v: number): boolean {
  return Number.isFinite(Math.fround(v));
}

/** True when v converts to a positive, finite, normal float32: usable as a scale or divisor. */
export function isPositiveNormalFloat32(v: number): boolean {
  const f = Math.fround(v);
  return f >= FLOAT32_MIN_NORMAL && f <= FLOAT32_MAX;
}
