/**
 * The float32 limits every firmnet model computes within (the float trainer, the float reference,
 * C `float` and WebAssembly f32): a number read from a file must survive the conversion to
 * float32 without becoming ±Infinity, and a divisor or scale must stay a normal number; a number
 * written to a file is the shortest decimal that reads back to the same float32.
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

/**
 * The shortest decimal that reads back to the same float32 as x, so model files hold float32-exact
 * numbers without float64 noise (0.1f is written 0.1, not 0.10000000149011612).
 */
export function shortestFloat32(x: number): number {
  const f = Math.fround(x);
  if (f === 0 || !Number.isFinite(f)) return f === 0 ? 0 : f;
  for (let p = 1; p < 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return Number(f.toPrecision(9));
}
