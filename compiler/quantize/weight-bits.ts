import { FirmnetError } from '../errors.js';
import type { Stage } from '../ops/quantized-op-types.js';

/** Widths a layer's weights can be quantized at (symmetric, zero point 0). */
export const WEIGHT_BIT_CHOICES = [4, 8] as const;
export type WeightBitsChoice = (typeof WEIGHT_BIT_CHOICES)[number];

export interface WeightBitsOptions {
  /** Every weighted layer's width, unless `layerWeightBits` names the layer. */
  weightBits: WeightBitsChoice;
  /** Per layer (the folded layer names the quantize table shows, e.g. `dense0`): overrides `weightBits`. */
  layerWeightBits: Record<string, WeightBitsChoice>;
}

/** The width one layer's weights are quantized at (QAT's fake quantization reads the same). */
export function weightBitsOf(options: WeightBitsOptions, layerName: string): WeightBitsChoice {
  return Object.hasOwn(options.layerWeightBits, layerName) ? options.layerWeightBits[layerName] : options.weightBits;
}

export function checkWeightBitsValue(value: unknown, setting: string): void {
  if (!WEIGHT_BIT_CHOICES.includes(value as WeightBitsChoice)) {
    throw new FirmnetError('BAD_ARGUMENT', `${setting} must be 4 or 8 (bits per weight), got ${JSON.stringify(value)}`);
  }
}

/** Every width is 4 or 8 and every per-layer entry names a layer with weights. */
export function checkWeightBits(options: WeightBitsOptions, stages: readonly Stage[]): void {
  checkWeightBitsValue(options.weightBits, '--weight-bits');
  const weighted = stages.filter((s) => 'weights' in s).map((s) => s.name);
  for (const [name, bits] of Object.entries(options.layerWeightBits)) {
    checkWeightBitsValue(bits, `layerWeightBits.${name}`);
    if (!weighted.includes(name)) {
      throw new FirmnetError('BAD_ARGUMENT', `layerWeightBits names '${name}', which is not a layer with weights in this model; layers with weights are: ${weighted.join(', ')}`);
    }
  }
}
