/**
 * The integer primitives of TFLite's int8 kernels (gemmlowp fixed-point, double rounding — the
 * default of TFLite and CMSIS-NN, not TFLITE_SINGLE_ROUNDING). Every backend must reproduce these
 * bit for bit; they are written on plain Numbers with exact 64-bit products (no BigInt on the hot
 * path) and wrap like int32 where C does.
 */

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
const TWO_POW_31 = 2147483648;
const TWO_POW_15 = 32768;

/**
 * gemmlowp SaturatingRoundingDoublingHighMul: (a·b·2 + 2^31 rounding nudge) >> 32 with C++'s
 * truncating division, i.e. trunc((a·b + nudge) / 2^31), nudge = 2^30 for a·b ≥ 0, 1 − 2^30 otherwise.
 * The one overflow, a = b = INT32_MIN, saturates to INT32_MAX.
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  // a·b needs 62 bits: split b = bh·2^16 + bl so both partial products are exact doubles.
  const bl = b & 0xffff;
  const bh = (b - bl) / 65536;
  const hi = a * bh;
  const lo = a * bl;
  const negative = a !== 0 && b !== 0 && a < 0 !== b < 0;
  const nudge = negative ? 1 - (1 << 30) : 1 << 30;
  // a·b + nudge = hi·2^16 + lo + nudge = qh·2^31 + rest, with rest small enough to be exact.
  const qh = Math.floor(hi / TWO_POW_15);
  const rh = hi - qh * TWO_POW_15;
  const rest = rh * 65536 + lo + nudge;
  const r2 = Math.floor(rest / TWO_POW_31);
  const remainder = rest - r2 * TWO_POW_31;
  const floorQuotient = qh + r2;
  // floor → trunc: a negative total with a non-zero remainder rounds toward zero.
  return (negative && remainder !== 0 ? floorQuotient + 1 : floorQuotient) | 0;
}

/**
 * gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero
 * (e.g. −2.5 → −3), for 0 ≤ exponent ≤ 31.
 */
export function roundingDivideByPOT(x: number, exponent: number): number {
  const mask = exponent === 31 ? 0x7fffffff : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return ((x >> exponent) + (remainder > threshold ? 1 : 0)) | 0;
}

/**
 * TFLite MultiplyByQuantizedMultiplier (int32): x · M with M = multiplier · 2^(shift − 31).
 * A positive shift is a left shift applied before the high multiply (wrapping like int32, as the
 * C kernels do), a negative one a rounding right shift after it.
 */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(Math.imul(x, 1 << leftShift), multiplier), rightShift);
}

/**
 * TFLite MultiplyByQuantizedMultiplier for 64-bit accumulators (16x8 kernels): the multiplier is
 * reduced to 16 bits and applied with a single rounding, (x · m16 + 2^(k−1)) >> k, k = 15 − shift.
 * Valid for |x| < 2^47 and −31 ≤ shift < 8 (checked when the IR is built).
 */
export function multiplyByQuantizedMultiplier64(x: number, multiplier: number, shift: number): number {
  const reduced = multiplier < 0x7fff0000 ? (multiplier + (1 << 15)) >> 16 : 0x7fff;
  const totalShift = 15 - shift;
  const product = BigInt(x) * BigInt(reduced) + (1n << BigInt(totalShift - 1));
  return Number(BigInt.asIntN(32, product >> BigInt(totalShift)));
}

/**
 * TFLite QuantizeMultiplier: a real multiplier M (|M| < 2^31) as a Q31 int32 significand and a
 * power-of-two shift, M ≈ multiplier · 2^(shift − 31), multiplier ∈ [2^30, 2^31) (or 0).
 */
export function quantizeMultiplier(real: number): { multiplier: number; shift: number } {
  if (real === 0) return { multiplier: 0, shift: 0 };
  const [q, exponent] = frexp(real);
  let shift = exponent;
  let qFixed = roundHalfAwayFromZero(q * TWO_POW_31);
  if (qFixed === TWO_POW_31) {
    qFixed /= 2;
    shift++;
  }
  // All bits would be shifted out: the product is 0 whatever x is.
  if (shift < -31) return { multiplier: 0, shift: 0 };
  if (shift > 30) return { multiplier: INT32_MAX, shift: 30 };
  return { multiplier: qFixed, shift };
}

/** C's frexp: x = q · 2^e with 0.5 ≤ |q| < 1. */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  // Two factors, because 2^−e alone overflows for subnormal x.
  const half = Math.trunc(-e / 2);
  let q = x * Math.pow(2, half) * Math.pow(2, -e - half);
  // log2 can be off by one near powers of two; correct into [0.5, 1).
  while (Math.abs(q) < 0.5) {
    q *= 2;
    e--;
  }
  while (Math.abs(q) >= 1) {
    q /= 2;
    e++;
  }
  return [q, e];
}

/** std::round / roundf: halves away from zero (JavaScript's Math.round rounds −2.5 to −2). */
export function roundHalfAwayFromZero(x: number): number {
  const t = Math.trunc(x);
  const f = x - t;
  if (f >= 0.5) return t + 1;
  if (f <= -0.5) return t - 1;
  return t;
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
