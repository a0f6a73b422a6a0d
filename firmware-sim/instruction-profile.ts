import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FirmnetError } from '../compiler/errors.js';
import { packageRoot } from '../compiler/io/package-root.js';
import type { QLayer } from '../compiler/quantize/qmodel.js';
import { INSTRUCTION_CLASSES, type InstructionClass } from './targets.js';

/** The kernels whose instruction mix is profiled separately (an op and, where it matters, its input width). */
export type KernelKind = 'fully_connected_s8' | 'fully_connected_s16' | 'leaky_relu' | 'lut_s8' | 'lut_s16' | 'softmax';

/**
 * The shape quantities a kernel's instruction count is linear in. The dense kernels multiply four
 * inputs per step with a one-at-a-time tail for in mod 4, and the int8 one takes output channels in
 * pairs (the last of an odd count alone), so besides MACs the counts depend on:
 *   tailMacs = outputs · (inputs mod 4), oddMacs = (outputs mod 2) · inputs,
 *   oddTailMacs = (outputs mod 2) · (inputs mod 4), odd = outputs mod 2;
 * the int16-input kernel sums exact int32 blocks of 256 products: blocks = outputs · ceil(inputs / 256).
 */
export const KERNEL_TERMS: Record<KernelKind, readonly string[]> = {
  fully_connected_s8: ['macs', 'tailMacs', 'oddMacs', 'oddTailMacs', 'outputs', 'odd', 'calls'],
  fully_connected_s16: ['macs', 'tailMacs', 'blocks', 'outputs', 'calls'],
  leaky_relu: ['elements', 'calls'],
  lut_s8: ['elements', 'calls'],
  lut_s16: ['elements', 'calls'],
  softmax: ['elements', 'calls'],
};

export type Counted = InstructionClass | 'taken_branches';
export const COUNTED: readonly Counted[] = [...INSTRUCTION_CLASSES, 'taken_branches'];

/**
 * Instructions executed per unit of each term, per class, for one kernel on one core — measured
 * by the emulator on calibration shapes and fitted by least squares (scripts/measure-instruction-profile.ts).
 */
export interface KernelProfile {
  terms: string[];
  coefficients: Record<Counted, number[]>;
}

export interface CoreProfile {
  kernels: Record<KernelKind, KernelProfile>;
  /** Instructions of `<name>_invoke`'s prologue, counted with the first layer. */
  invokeOverhead: Record<Counted, number>;
}

export interface InstructionProfile {
  /** How the kernels were built and measured, e.g. arm-none-eabi-gcc 12.2.1 -Os. */
  build: { compilers: Record<string, string>; optimization: string; measuredWith: string };
  calibrationShapes: Record<KernelKind, number[][]>;
  cores: Record<string, CoreProfile>;
}

export function kernelKind(layer: QLayer): KernelKind {
  switch (layer.op) {
    case 'fully_connected':
      return layer.input.dtype === 'int16' ? 'fully_connected_s16' : 'fully_connected_s8';
    case 'lut':
      return layer.input.dtype === 'int16' ? 'lut_s16' : 'lut_s8';
    case 'leaky_relu':
      return 'leaky_relu';
    case 'softmax':
      return 'softmax';
  }
}

/** Values of a layer's terms for one inference (batch 1). */
export function termValues(layer: QLayer): number[] {
  const kind = kernelKind(layer);
  let values: Record<string, number> = { elements: layer.input.features, calls: 1 };
  if (layer.op === 'fully_connected') {
    const { inFeatures: n, outFeatures: m } = layer;
    const odd = m % 2;
    values = { macs: n * m, tailMacs: m * (n % 4), oddMacs: odd * n, oddTailMacs: odd * (n % 4), outputs: m, odd, blocks: m * Math.ceil(n / 256), calls: 1 };
  }
  return KERNEL_TERMS[kind].map((t) => values[t]);
}

export function macsOf(layer: QLayer): number {
  return layer.op === 'fully_connected' ? layer.inFeatures * layer.outFeatures : 0;
}

export const PROFILE_FILE = 'firmware-sim/measured/instruction-profile.json';

let cached: InstructionProfile | null = null;

export function loadInstructionProfile(): InstructionProfile {
  if (cached) return cached;
  const file = join(packageRoot(), PROFILE_FILE);
  try {
    cached = JSON.parse(readFileSync(file, 'utf8')) as InstructionProfile;
  } catch (e) {
    throw new FirmnetError('TOOL_MISSING', `cannot read the measured instruction profile ${file} (${(e as Error).message}); run scripts/measure-instruction-profile to create it`);
  }
  return cached;
}
