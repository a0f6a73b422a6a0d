import { describe, expect, it } from 'vitest';
import {
  INT32_MAX,
  INT32_MIN,
  frexp,
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplier64,
  quantizeMultiplier,
  roundHalfAwayFromZero,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../compiler/ops/fixed-point.js';
import { Rng } from '../../compiler/rng.js';

/** The C definition with real 64-bit integers: trunc((a·b + nudge) / 2^31). */
function srdhmBigInt(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, like C++
}

describe('SaturatingRoundingDoublingHighMul', () => {
  it('matches hand-computed cases', () => {
    expect(saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN)).toBe(INT32_MAX);
    expect(saturatingRoundingDoublingHighMul(1 << 30, 1 << 30)).toBe(1 << 29);
    // x · 2^30 is x/2 before rounding: positive halves go up, negative halves toward zero.
    expect(saturatingRoundingDoublingHighMul(3, 1 << 30)).toBe(2);
    expect(saturatingRoundingDoublingHighMul(-3, 1 << 30)).toBe(-1);
    expect(saturatingRoundingDoublingHighMul(-17, 1 << 30)).toBe(-8);
    expect(saturatingRoundingDoublingHighMul(17, 1 << 30)).toBe(9);
    expect(saturatingRoundingDoublingHighMul(INT32_MAX, INT32_MAX)).toBe(2147483646);
    expect(saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MAX)).toBe(-2147483647);
    expect(saturatingRoundingDoublingHighMul(0, INT32_MIN)).toBe(0);
    expect(saturatingRoundingDoublingHighMul(-1, 1)).toBe(0);
  });

  it('equals the 64-bit definition on edge and random operands', () => {
    const edges = [INT32_MIN, INT32_MIN + 1, -65537, -65536, -65535, -32768, -3, -2, -1, 0, 1, 2, 3, 32767, 65535, 65536, 1 << 30, INT32_MAX - 1, INT32_MAX];
    for (const a of edges) for (const b of edges) expect(saturatingRoundingDoublingHighMul(a, b)).toBe(srdhmBigInt(a, b));
    // One assertion over all the random pairs: 200,000 expect() calls cost seconds of a loaded
    // machine's time with the event loop held, the comparisons themselves a fraction of that.
    const rng = new Rng(5);
    const wrong: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const a = rng.nextUint32() | 0;
      const b = i % 2 ? rng.nextUint32() | 0 : (rng.nextUint32() >>> (rng.int(32))) | 0;
      const got = saturatingRoundingDoublingHighMul(a, b);
      const want = srdhmBigInt(a, b);
      if (got !== want && wrong.length < 10) wrong.push(`(${a}, ${b}): ${got}, expected ${want}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('RoundingDivideByPOT', () => {
  it('rounds halves away from zero', () => {
    expect(roundingDivideByPOT(-5, 1)).toBe(-3);
    expect(roundingDivideByPOT(5, 1)).toBe(3);
    expect(roundingDivideByPOT(-4, 1)).toBe(-2);
    expect(roundingDivideByPOT(-6, 2)).toBe(-2);
    expect(roundingDivideByPOT(6, 2)).toBe(2);
    expect(roundingDivideByPOT(-7, 2)).toBe(-2);
    expect(roundingDivideByPOT(-5, 2)).toBe(-1);
    expect(roundingDivideByPOT(123, 0)).toBe(123);
    expect(roundingDivideByPOT(INT32_MIN, 31)).toBe(-1);
    expect(roundingDivideByPOT(INT32_MAX, 31)).toBe(1);
    expect(roundingDivideByPOT(1 << 30, 31)).toBe(1);
    expect(roundingDivideByPOT(-(1 << 30), 31)).toBe(-1);
    expect(roundingDivideByPOT((1 << 30) - 1, 31)).toBe(0);
  });
});

describe('MultiplyByQuantizedMultiplier', () => {
  it('applies TFLite double rounding', () => {
    expect(multiplyByQuantizedMultiplier(100, 1 << 30, 0)).toBe(50);
    expect(multiplyByQuantizedMultiplier(3, 1 << 30, -1)).toBe(1);
    expect(multiplyByQuantizedMultiplier(-3, 1 << 30, -1)).toBe(-1);
    // 5 · 0.25 = 1.25, but the two roundings give 2.5 → 3 then 1.5 → 2.
    expect(multiplyByQuantizedMultiplier(5, 1 << 30, -1)).toBe(2);
    expect(multiplyByQuantizedMultiplier(1000, 1 << 30, 2)).toBe(2000);
    // The left shift wraps like the C kernels' int32 arithmetic.
    expect(multiplyByQuantizedMultiplier(1 << 30, 1 << 30, 2)).toBe(0);
    expect(multiplyByQuantizedMultiplier(12345, 0, 0)).toBe(0);
  });

  it('64-bit variant: 16-bit multiplier, single rounding half up', () => {
    expect(multiplyByQuantizedMultiplier64(1000, 1 << 30, 0)).toBe(500);
    expect(multiplyByQuantizedMultiplier64(1001, 1 << 30, 0)).toBe(501);
    expect(multiplyByQuantizedMultiplier64(-1, 1 << 30, 0)).toBe(0);
    expect(multiplyByQuantizedMultiplier64(-3, 1 << 30, 0)).toBe(-1);
    expect(multiplyByQuantizedMultiplier64(2 ** 40, 1 << 30, -20)).toBe(2 ** 19);
    expect(multiplyByQuantizedMultiplier64(7, 0x7fffffff, 3)).toBe(56);
  });
});

describe('QuantizeMultiplier and rounding', () => {
  it('encodes real multipliers as Q31 significand and shift', () => {
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 1 << 30, shift: 0 });
    expect(quantizeMultiplier(0.25)).toEqual({ multiplier: 1 << 30, shift: -1 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 1 << 30, shift: 1 });
    expect(quantizeMultiplier(0.75)).toEqual({ multiplier: 1610612736, shift: 0 });
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 1 << 30, shift: 1 });
    expect(quantizeMultiplier(1e-12)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(3e9)).toEqual({ multiplier: INT32_MAX, shift: 30 });
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    const { multiplier, shift } = quantizeMultiplier(0.0123456);
    expect(Math.abs(multiplier * 2 ** (shift - 31) - 0.0123456)).toBeLessThan(0.0123456 * 2 ** -30);
  });

  it('frexp and half-away-from-zero rounding', () => {
    expect(frexp(8)).toEqual([0.5, 4]);
    expect(frexp(-3)).toEqual([-0.75, 2]);
    expect(frexp(2 ** -1074)).toEqual([0.5, -1073]);
    expect(roundHalfAwayFromZero(2.5)).toBe(3);
    expect(roundHalfAwayFromZero(-2.5)).toBe(-3);
    expect(roundHalfAwayFromZero(-0.5)).toBe(-1);
    expect(roundHalfAwayFromZero(Math.fround(0.49999997))).toBe(0);
    expect(roundHalfAwayFromZero(-1.4999)).toBe(-1);
  });
});
