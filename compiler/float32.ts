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
 *
 * A precision that round-trips also round-trips with one digit more: the nearest (p+1)-digit decimal
 * is no farther from x than the p-digit one, which is also a (p+1)-digit decimal. (Only a power of two,
 * whose rounding interval is narrower below than above, could break this; none does, which
 * test/train/model-file.test.ts checks for every one.) So the shortest is found by bisecting 1…9
 * digits — about four toPrecision calls instead of up to nine, half the time to write the 530k
 * weights of the anomaly autoencoder.
 */
export function shortestFloat32(x: number): number {
  const f = Math.fround(x);
  if (f === 0 || !Number.isFinite(f)) return f === 0 ? 0 : f;
  let lo = 1;
  let hi = 9;
  let shortest = Number(f.toPrecision(9));
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const candidate = Number(f.toPrecision(mid));
    if (Math.fround(candidate) === f) {
      shortest = candidate;
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return shortest;
}
