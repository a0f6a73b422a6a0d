import { clamp, multiplyByQuantizedMultiplier } from '../fixed-point.js';
import type { Unhashed } from '../op-types.js';
import { type QArray, allocQ } from '../q-array.js';
import type { LayerNormLayer } from './ir.js';

/** ⌊√d⌋ for 0 ≤ d < 2^56, exactly (a float estimate, corrected by a step or two). */
export function integerSqrt(d: bigint): bigint {
  let r = BigInt(Math.floor(Math.sqrt(Number(d))));
  while (r * r > d) r--;
  while ((r + 1n) * (r + 1n) <= d) r++;
  return r;
}

/** D · 4^k ≥ 2^52 for the smallest k ≥ 0: the square root then has 27 or 28 bits whatever the row's spread. */
export const NORMALIZED_VARIANCE_MIN = 1n << 52n;

/**
 * The row's scaling from D = n·Σx² − S² + ε (1 ≤ D < 2^55): k, r = ⌊√(D·4^k)⌋ (2^26 ≤ r < 2^28),
 * b = bit length of r, inv = round_half_up(2^(29+b) / r) ∈ (2^29, 2^30], and the final shift
 * 13 + b − k, so that t = d · inv / 2^shift = d / √D in Q16.
 */
export function rowScaling(d: bigint): { inv: bigint; shift: number } {
  let k = 0;
  let normalized = d;
  while (normalized < NORMALIZED_VARIANCE_MIN) {
    normalized <<= 2n;
    k++;
  }
  const r = integerSqrt(normalized);
  const bits = r >> 27n !== 0n ? 28 : 27;
  return { inv: ((1n << BigInt(30 + bits)) + r) / (2n * r), shift: 13 + bits - k };
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
    const { inv, shift } = rowScaling(BigInt(n) * squares - s * s + epsilon);
    for (let i = 0; i < n; i++) {
      const t = Number(roundShift(BigInt(n * input[o + i] - sum) * inv, shift));
      const y = multiplyByQuantizedMultiplier(t, layer.multiplier[i], layer.shift[i]) + layer.bias[i] + zeroPoint;
      out[o + i] = clamp(y, layer.activationMin, layer.activationMax);
    }
  }
  return out;
}
