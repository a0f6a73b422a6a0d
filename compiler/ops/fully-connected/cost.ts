import type { Rng } from '../../rng.js';
import type { Unhashed } from '../op-types.js';
import type { KernelProfileSpec, ProbeSpec } from '../op-definition.js';
import type { FullyConnectedLayer } from './ir.js';
import { GROUP_ROWS, INPUT_STEP, paddedSizes } from './prepare.js';
import type { FullyConnectedVariant } from './variant.js';

type Variant = FullyConnectedVariant;

/**
 * The int8-input kernel widens its input once (per input, per 4 inputs with a 1-3 input tail, and a
 * zeroed padding up to inPadded = in rounded up to 8), then runs groups of 4 output rows over the
 * padded inputs, 16 inputs per loop iteration with an odd 8-input block entering half-way, and
 * requantizes each row; the last, partial group (outputs mod 4) runs on its padding rows too and
 * copies the real ones. So besides the padded MACs the counts depend on groups = outPadded / 4,
 * oddGroups = groups · (inPadded / 8 mod 2), inputs, inPadded, tailInputs = inputs mod 4, outputs and
 * partial = [outputs mod 4 ≠ 0] with partialOutputs = outputs mod 4 copied out of it, and
 * whole = [outputs ≥ 4] (the call for the whole groups is skipped below 4 outputs); the DSP rendering clamps with one SSAT when the clamp is the whole
 * int8 range and with compares otherwise (clampedOutputs = outputs with a narrower clamp or int16
 * outputs). The int16-input kernel multiplies four inputs per step with a
 * one-at-a-time tail (tailMacs = outputs · (inputs mod 4)) and sums exact int32 blocks of 256
 * products: blocks = outputs · ceil(inputs / 256). The int4-weight kernel (int8 input) walks each
 * row's nibbles, one byte per pair of inputs, after a high nibble when the row starts mid-byte
 * (oddStarts = floor(outputs / 2) rows when inputs is odd) and before a last low nibble when the rest
 * is odd (oddEnds = ceil(outputs / 2) rows when inputs is odd). The Arm DSP rendering first takes
 * blocks of 4 inputs in a function of its own (blockRows: rows with at least 4 inputs after the odd
 * start), then pairs: tailPairs = Σ over rows of ((rest mod 4) >> 1), rest = the row's inputs after
 * its odd start.
 */
export const FULLY_CONNECTED_KERNELS: Record<Variant, KernelProfileSpec> = {
  fully_connected_s8: {
    terms: ['paddedMacs', 'groups', 'oddGroups', 'inputs', 'inPadded', 'tailInputs', 'outputs', 'clampedOutputs', 'partial', 'partialOutputs', 'whole', 'calls'],
    calibrationShapes: [[8, 8], [16, 64], [64, 16], [100, 30], [33, 97], [256, 8], [8, 200], [128, 128], [30, 7], [19, 1], [65, 33], [7, 12], [50, 5], [3, 2], [1, 1], [42, 10]],
    heldOutShapes: [[640, 128], [128, 640], [128, 8], [8, 128], [64, 64], [30, 64], [17, 5], [300, 40], [32, 1], [31, 9], [2, 3]],
  },
  fully_connected_s16: {
    terms: ['macs', 'tailMacs', 'blocks', 'outputs', 'calls'],
    calibrationShapes: [[8, 8], [16, 48], [64, 16], [33, 65], [128, 32], [300, 7], [6, 3], [257, 5], [1, 1], [520, 2]],
    heldOutShapes: [[32, 32], [100, 10], [600, 2], [17, 5]],
  },
  fully_connected_s4: {
    terms: ['macs', 'outputs', 'oddStarts', 'oddEnds', 'blockRows', 'tailPairs', 'calls'],
    calibrationShapes: [[8, 8], [16, 64], [64, 16], [100, 30], [33, 97], [7, 12], [128, 128], [19, 1], [65, 33], [3, 2], [1, 1], [50, 5]],
    heldOutShapes: [[64, 64], [31, 9], [17, 5], [640, 128], [2, 3]],
  },
};

export function fullyConnectedVariant(layer: Unhashed<FullyConnectedLayer>): Variant {
  if (layer.weightBits === 4) return 'fully_connected_s4';
  return layer.input.dtype === 'int16' ? 'fully_connected_s16' : 'fully_connected_s8';
}

export function fullyConnectedTerms(layer: Unhashed<FullyConnectedLayer>): Record<string, number> {
  const { inFeatures: n, outFeatures: m } = layer;
  const { inPadded, outPadded } = paddedSizes(n, m);
  const groups = outPadded / GROUP_ROWS;
  return {
    macs: n * m,
    paddedMacs: inPadded * outPadded,
    groups,
    oddGroups: groups * ((inPadded / INPUT_STEP) % 2),
    inputs: n,
    inPadded,
    tailInputs: n % 4,
    tailMacs: m * (n % 4),
    outputs: m,
    clampedOutputs: layer.output.dtype === 'int8' && layer.activationMin === -128 && layer.activationMax === 127 ? 0 : m,
    partial: m % GROUP_ROWS === 0 ? 0 : 1,
    partialOutputs: m % GROUP_ROWS,
    whole: m >= GROUP_ROWS ? 1 : 0,
    blocks: m * Math.ceil(n / 256),
    oddStarts: (n % 2) * Math.floor(m / 2),
    oddEnds: (n % 2) * Math.ceil(m / 2),
    ...int4RowTerms(n, m),
    calls: 1,
  };
}

/**
 * blockRows and tailPairs of the int4 kernel. Rows c = 0, 2, 4, … start on a byte; with an odd
 * inFeatures rows 1, 3, … start on a high nibble, so their rest is one input shorter.
 */
function int4RowTerms(inFeatures: number, outFeatures: number): { blockRows: number; tailPairs: number } {
  let blockRows = 0;
  let tailPairs = 0;
  for (const [rows, rest] of [
    [Math.ceil(outFeatures / 2), inFeatures],
    [Math.floor(outFeatures / 2), inFeatures - (inFeatures % 2)],
  ]) {
    if (rest >= 4) blockRows += rows;
    tailPairs += rows * ((rest % 4) >> 1);
  }
  return { blockRows, tailPairs };
}

/**
 * Seeded random float weights (He-like scale) and a fused ReLU: the kernel's usual shape. An odd
 * output count gets an output range starting at 0, so the ReLU's clamp is the whole int8 range (the
 * DSP rendering's SSAT path); an even one a range below 0, so the clamp is narrower (its compares).
 */
export function fullyConnectedProbe(variant: Variant, inFeatures: number, outFeatures: number, rng: Rng): ProbeSpec<'fully_connected'> {
  return {
    stage: {
      op: 'fully_connected',
      name: 'probe',
      sourceLayers: [],
      inFeatures,
      outFeatures,
      weights: Float64Array.from({ length: inFeatures * outFeatures }, () => rng.normal() / Math.sqrt(inFeatures)),
      bias: Float64Array.from({ length: outFeatures }, () => rng.normal() * 0.1),
      activation: 'relu',
    },
    inputDtype: variant === 'fully_connected_s16' ? 'int16' : 'int8',
    weightBits: variant === 'fully_connected_s4' ? 4 : 8,
    output: { dtype: 'int8', range: { min: outFeatures % 2 === 1 ? 0 : -4, max: 6 } },
  };
}
