import type { JsonReader } from '../../io/json-reader.js';
import { INT32_MAX, INT32_MIN } from '../fixed-point.js';
import { FUSED_ACTIVATIONS, type FusedActivation } from '../fused-activation.js';
import { DTYPE_RANGE, type LayerBase, type LayerFields, type Unhashed } from '../op-types.js';
import { SHIFT } from '../parse-fields.js';
import { WEIGHT_BITS, type WeightBits, int4StreamProblem, packedInt4Bytes } from './int4.js';

/**
 * y = clamp(MBQM(bias + Σ (x − inZeroPoint)·w, multiplier, shift) + outZeroPoint, activationMin, activationMax).
 * int8 input: int32 accumulator and 32-bit MBQM; int16 input (zeroPoint 0): 64-bit accumulator and
 * TFLite's 64-bit MBQM. Weights symmetric, row-major [outFeatures][inFeatures]: int8 in [−127, 127],
 * or int4 in [−7, 7] packed two per byte (int4.ts; int8 input only).
 */
export interface FullyConnectedLayer extends LayerBase {
  op: 'fully_connected';
  inFeatures: number;
  outFeatures: number;
  weightGranularity: 'per_channel' | 'per_tensor';
  /** Per output channel (per_tensor repeats one value); bias scale = input.scale · weightScales[c]. */
  weightScales: number[];
  /** 8: one value per weight; 4: packed, ceil(in · out / 2) bytes in [0, 255] (int4.ts). Absent in version 1 files: 8. */
  weightBits: WeightBits;
  weights: number[];
  /** int32 for int8 input; for int16 input a 64-bit value with |bias| < 2^47. */
  bias: number[];
  /** Per output channel: M = input.scale · weightScales[c] / output.scale ≈ multiplier · 2^(shift − 31). */
  multiplier: number[];
  shift: number[];
  activation: FusedActivation;
  activationMin: number;
  activationMax: number;
}

/** Largest |bias| and |accumulator| the 64-bit MBQM of the 16x8 path is defined for. */
export const INT16_ACC_LIMIT = 2 ** 47 - 1;

/** The 16x8 kernel's 64-bit MBQM takes shifts up to 7 (a left shift of 8 could overflow its accumulator). */
export const INT16_INPUT_MAX_SHIFT = 7;

/** Inputs of an int4 row: |Σ x·w| ≤ 2^16 · 128 · 7 < 2^27, so the DSP kernel's 16 · Σ is exact in int32. */
export const INT4_MAX_IN_FEATURES = 65536;

type Json = Record<string, unknown>;

export function parseFullyConnected(r: JsonReader, l: Json, path: string, base: LayerFields): Unhashed<FullyConnectedLayer> {
  const inFeatures = r.number(l, 'inFeatures', path, { integer: true, min: 1 });
  const outFeatures = r.number(l, 'outFeatures', path, { integer: true, min: 1 });
  if (base.input.features !== inFeatures) r.fail(`${path}.inFeatures`, `is ${inFeatures}, but input.features is ${base.input.features}`);
  if (base.output.features !== outFeatures) r.fail(`${path}.outFeatures`, `is ${outFeatures}, but output.features is ${base.output.features}`);
  const wide = base.input.dtype === 'int16';
  const biasLimit = wide ? INT16_ACC_LIMIT : INT32_MAX;
  const range = DTYPE_RANGE[base.output.dtype];
  const activationMin = r.number(l, 'activationMin', path, { integer: true, min: range.min, max: range.max });
  const activationMax = r.number(l, 'activationMax', path, { integer: true, min: activationMin, max: range.max });
  const shift = r.numbers(l, 'shift', path, outFeatures, wide ? { integer: true, min: -31, max: INT16_INPUT_MAX_SHIFT } : SHIFT);
  const weightBits = l.weightBits === undefined ? 8 : r.number(l, 'weightBits', path, { integer: true });
  if (!WEIGHT_BITS.includes(weightBits as WeightBits)) r.fail(`${path}.weightBits`, `is ${weightBits}; fully-connected weights are 8 or 4 bits`);
  if (weightBits === 4 && inFeatures > INT4_MAX_IN_FEATURES) r.fail(`${path}.inFeatures`, `is ${inFeatures}; an int4 layer takes at most ${INT4_MAX_IN_FEATURES} inputs (the DSP kernel's 16 · Σ x·w stays exact in int32 below that); quantize this layer's weights at 8 bits`);
  if (weightBits === 4 && wide) r.fail(`${path}.weightBits`, 'is 4, but the layer\'s input is int16; int4 weights take an int8 input (quantize this layer\'s weights at 8 bits, or keep its input int8)');
  const weights =
    weightBits === 4
      ? r.numbers(l, 'weights', path, packedInt4Bytes(inFeatures * outFeatures), { integer: true, min: 0, max: 255 })
      : r.numbers(l, 'weights', path, inFeatures * outFeatures, { integer: true, min: -127, max: 127 });
  const packing = weightBits === 4 ? int4StreamProblem(weights, inFeatures * outFeatures) : null;
  if (packing) r.fail(`${path}.weights`, `${packing} (re-run \`firmnet quantize\`)`);
  return {
    op: 'fully_connected',
    ...base,
    inFeatures,
    outFeatures,
    weightGranularity: r.string(l, 'weightGranularity', path, ['per_channel', 'per_tensor'] as const),
    weightScales: r.numbers(l, 'weightScales', path, outFeatures, { min: Number.MIN_VALUE }),
    weightBits: weightBits as WeightBits,
    weights,
    bias: r.numbers(l, 'bias', path, outFeatures, { integer: true, min: wide ? -biasLimit : INT32_MIN, max: biasLimit }),
    multiplier: r.numbers(l, 'multiplier', path, outFeatures, { integer: true, min: 0, max: INT32_MAX }),
    shift,
    activation: r.string(l, 'activation', path, FUSED_ACTIVATIONS),
    activationMin,
    activationMax,
  };
}
