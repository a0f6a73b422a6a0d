import type { Rng } from '../../rng.js';
import type { Unhashed } from '../op-types.js';
import type { KernelProfileSpec, ProbeSpec } from '../op-definition.js';
import type { FullyConnectedLayer } from './ir.js';

type Variant = 'fully_connected_s8' | 'fully_connected_s16';

/**
 * The dense kernels multiply four inputs per step with a one-at-a-time tail for in mod 4, and the
 * int8 one takes output channels in pairs (the last of an odd count alone), so besides MACs the
 * counts depend on tailMacs = outputs · (inputs mod 4), oddMacs = (outputs mod 2) · inputs,
 * oddTailMacs = (outputs mod 2) · (inputs mod 4), odd = outputs mod 2; the int16-input kernel sums
 * exact int32 blocks of 256 products: blocks = outputs · ceil(inputs / 256).
 */
export const FULLY_CONNECTED_KERNELS: Record<Variant, KernelProfileSpec> = {
  fully_connected_s8: {
    terms: ['macs', 'tailMacs', 'oddMacs', 'oddTailMacs', 'outputs', 'odd', 'calls'],
    calibrationShapes: [[8, 8], [16, 64], [64, 16], [100, 30], [33, 97], [256, 8], [8, 200], [128, 128], [30, 7], [19, 1], [65, 33], [7, 12], [50, 5], [3, 2], [1, 1], [42, 10]],
    heldOutShapes: [[640, 128], [128, 640], [128, 8], [8, 128], [64, 64], [30, 64], [17, 5], [300, 40], [32, 1], [31, 9], [2, 3]],
  },
  fully_connected_s16: {
    terms: ['macs', 'tailMacs', 'blocks', 'outputs', 'calls'],
    calibrationShapes: [[8, 8], [16, 48], [64, 16], [33, 65], [128, 32], [300, 7], [6, 3], [257, 5], [1, 1], [520, 2]],
    heldOutShapes: [[32, 32], [100, 10], [600, 2], [17, 5]],
  },
};

export function fullyConnectedVariant(layer: Unhashed<FullyConnectedLayer>): Variant {
  return layer.input.dtype === 'int16' ? 'fully_connected_s16' : 'fully_connected_s8';
}

export function fullyConnectedTerms(layer: Unhashed<FullyConnectedLayer>): Record<string, number> {
  const { inFeatures: n, outFeatures: m } = layer;
  const odd = m % 2;
  return { macs: n * m, tailMacs: m * (n % 4), oddMacs: odd * n, oddTailMacs: odd * (n % 4), outputs: m, odd, blocks: m * Math.ceil(n / 256), calls: 1 };
}

/** Seeded random float weights (He-like scale) and a fused ReLU: the kernel's usual shape. */
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
    output: { dtype: 'int8', range: { min: -4, max: 6 } },
  };
}
