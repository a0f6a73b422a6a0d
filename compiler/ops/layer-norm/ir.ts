import type { JsonReader } from '../../io/json-reader.js';
import { INT32_MAX } from '../fixed-point.js';
import { FUSED_ACTIVATIONS, type FusedActivation } from '../fused-activation.js';
import { DTYPE_RANGE, type LayerBase, type LayerFields, type Unhashed } from '../op-types.js';
import { sameFeatures } from '../parse-fields.js';

/**
 * LayerNorm over a row of n input codes x_i, in exact integer arithmetic (docs/quantized-ir.md,
 * "layer_norm"): S = Σ x_i, V = n·Σ x_i² − S², D = V + varianceEpsilon, k ≥ 0 the least with
 * D·4^k ≥ 2^52, r = ⌊√(D·4^k)⌋, inv = round(2^(29+b) / r) with b the bit length of r,
 * t_i = round((n·x_i − S) · inv / 2^(13+b−k)) (the normalized value in Q16), y_i = clamp(MBQM(t_i, multiplier_i, shift_i) + bias_i + outZeroPoint,
 * activationMin, activationMax). The input zero point cancels in n·x_i − S. Input and output have
 * the same dtype (int8, or int16 with zero point 0: TFLite 16x8).
 */
export interface LayerNormLayer extends LayerBase {
  op: 'layer_norm';
  /** The float model's ε, for reports; the arithmetic uses `varianceEpsilon`. */
  epsilon: number;
  /** round(n² · ε / inputScale²): ε in the units of V, at least 1 so D > 0. */
  varianceEpsilon: number;
  /** γ_i / (outputScale · 2^16) as a Q31 significand; negative where γ_i is. */
  multiplier: number[];
  /** Its power-of-two exponent, ≤ 0 (the multiplier is below 1). */
  shift: number[];
  /** β_i in output codes. */
  bias: number[];
  activation: FusedActivation;
  activationMin: number;
  activationMax: number;
}

/**
 * Bounds that keep every intermediate inside the kernels' integer types (int16 codes, worst case):
 * |S| ≤ 2^27 (int32), V < 2^54 and D < 2^55 (int64), D·4^k < 2^55, 2^26 ≤ r < 2^28,
 * |n·x_i − S| ≤ 2^28 (int32), (n·x_i − S) · inv ≤ 2^58 (int64), |t_i| < 2^23 since
 * |n·x_i − S| ≤ √(n·V) and t_i ≈ (n·x_i − S) / √D · 2^16 (int32), and
 * |MBQM + bias + zero point| < 2^26 because the multiplier is below 1.
 */
export const LAYER_NORM_MAX_FEATURES = 4096;
export const VARIANCE_EPSILON_MAX = 2 ** 53 - 1;
export const LAYER_NORM_BIAS_LIMIT = 2 ** 24;

type Json = Record<string, unknown>;

export function parseLayerNorm(r: JsonReader, l: Json, path: string, base: LayerFields): Unhashed<LayerNormLayer> {
  sameFeatures(r, path, base);
  const n = base.input.features;
  if (base.input.dtype !== base.output.dtype) r.fail(`${path}.output.dtype`, `layer_norm keeps the dtype: input is ${base.input.dtype}, output ${base.output.dtype}`);
  if (n > LAYER_NORM_MAX_FEATURES) r.fail(`${path}.input.features`, `is ${n}; layer_norm takes at most ${LAYER_NORM_MAX_FEATURES} features, so its int64 sums cannot overflow`);
  const range = DTYPE_RANGE[base.output.dtype];
  const activationMin = r.number(l, 'activationMin', path, { integer: true, min: range.min, max: range.max });
  const activationMax = r.number(l, 'activationMax', path, { integer: true, min: activationMin, max: range.max });
  return {
    op: 'layer_norm',
    ...base,
    epsilon: r.number(l, 'epsilon', path, { min: 0 }),
    varianceEpsilon: r.number(l, 'varianceEpsilon', path, { integer: true, min: 1, max: VARIANCE_EPSILON_MAX }),
    // −2^31 is left out: its negation is not an int32, and no γ quantizes to it.
    multiplier: r.numbers(l, 'multiplier', path, n, { integer: true, min: -INT32_MAX, max: INT32_MAX }),
    shift: r.numbers(l, 'shift', path, n, { integer: true, min: -31, max: 0 }),
    bias: r.numbers(l, 'bias', path, n, { integer: true, min: -LAYER_NORM_BIAS_LIMIT, max: LAYER_NORM_BIAS_LIMIT }),
    activation: r.string(l, 'activation', path, FUSED_ACTIVATIONS),
    activationMin,
    activationMax,
  };
}
