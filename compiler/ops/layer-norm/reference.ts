import { clamp, multiplyByQuantizedMultiplier } from '../fixed-point.js';
import type { Unhashed } from '../op-types.js';
import { type QArray, allocQ } from '../q-array.js';
import type { LayerNormLayer } from './ir.js';

/** ⌊√d⌋ for 0 ≤ d < 2^56, exactly (a float estimate, corrected by at most a step or two). */
export function integerSqrt(d: bigint): bigint {
  let r = BigInt(Math.floor(Math.sqrt(Number(d))));
  while (r * r > d) r--;
  while ((r + 1n) * (r + 1n) <= d) r++;
  return r;
}

/** The row's reciprocal: b = bit length of r (r ≥ 1), inv = round_half_up(2^(29+b) / r) ∈ (2^29, 2^30]. */
export function rowReciprocal(r: bigint): { inv: bigint; bits: number } {
  const bits = r.toString(2).length;
  return { inv: ((1n << BigInt(30 + bits)) + r) / (2n * r), bits };
}

/** round(p / 2^k), halves away from zero, for k ≥ 1. */
function roundShift(p: bigint, k: number): bigint {
  const half = 1n << BigInt(k - 1);
  return p >= 0n ? (p + half) >> BigInt(k) : -((-p + half) >> BigInt(k));
}

/**
 * Reference layer_norm (docs/quantized-ir.md): per row, exact sums in BigInt, one integer square root
 * and one reciprocal, then per feature the Q16 normalized value and a 32-bit requantization by γ.
 */
export function layerNorm(layer: Unhashed<LayerNormLayer>, input: QArray, rows: number): QArray {
  const n = layer.input.features;
  const out = allocQ(layer.output.dtype, rows * n);
  const zeroPoint = layer.output.zeroPoint;
  const epsilon = BigInt(layer.varianceEpsilon);
  for (let row = 0; row < rows; row++) {
    const o = row * n;
    let sum = 0;
    let squares = 0n;
    for (let i = 0; i < n; i++) {
      sum += input[o + i];
      squares += BigInt(input[o + i] * input[o + i]);
    }
    const s = BigInt(sum);
    const r = integerSqrt(BigInt(n) * squares - s * s + epsilon);
    const { inv, bits } = rowReciprocal(r);
    for (let i = 0; i < n; i++) {
      const t = Number(roundShift(BigInt(n * input[o + i] - sum) * inv, 13 + bits));
      const y = multiplyByQuantizedMultiplier(t, layer.multiplier[i], layer.shift[i]) + layer.bias[i] + zeroPoint;
      out[o + i] = clamp(y, layer.activationMin, layer.activationMax);
    }
  }
  return out;
}
