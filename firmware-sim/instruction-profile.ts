import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FirmnetError } from '../compiler/errors.js';
import { packageRoot } from '../compiler/io/package-root.js';
import type { QLayer } from '../compiler/quantize/qmodel.js';
import { INSTRUCTION_CLASSES, type InstructionClass } from './targets.js';

/** The kernels whose instruction mix is profiled separately (an op and, where it matters, its input width). */
export type KernelKind = 'fully_connected_s8' | 'fully_connected_s16' | 'leaky_relu' | 'lut_s8' | 'lut_s16' | 'softmax';

/** The shape quantities a kernel's instruction count is linear in. */
export const KERNEL_TERMS: Record<KernelKind, readonly string[]> = {
  fully_connected_s8: ['macs', 'outputs', 'inputs', 'calls'],
  fully_connected_s16: ['macs', 'outputs', 'inputs', 'calls'],
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
  const values: Record<string, number> =
    layer.op === 'fully_connected'
      ? { macs: layer.inFeatures * layer.outFeatures, outputs: layer.outFeatures, inputs: layer.inFeatures, calls: 1 }
      : { elements: layer.input.features, calls: 1 };
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
