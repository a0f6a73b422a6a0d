import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FirmnetError } from '../compiler/errors.js';
import { packageRoot } from '../compiler/io/package-root.js';
import type { Unhashed } from '../compiler/ops/op-types.js';
import type { KernelVariant, QLayer } from '../compiler/ops/quantized-op-types.js';
import { KERNEL_VARIANTS, kernelVariantOf, quantizedOp } from '../compiler/ops/quantized-ops.js';
import { INSTRUCTION_CLASSES, type InstructionClass, PIPELINE_EVENTS, type PipelineEvent } from './targets.js';

/** What the emulator counts per layer and the instruction profile estimates: instructions by class and pipeline events. */
export type Counted = InstructionClass | PipelineEvent;
export const COUNTED: readonly Counted[] = [...INSTRUCTION_CLASSES, ...PIPELINE_EVENTS];

/**
 * Instructions executed per unit of each term, per class, for one kernel on one core — measured
 * by the emulator on calibration shapes and fitted by least squares (scripts/measure-instruction-profile.ts).
 */
export interface KernelProfile {
  terms: string[];
  coefficients: Record<Counted, number[]>;
}

export interface CoreProfile {
  kernels: Record<KernelVariant, KernelProfile>;
  /** Instructions of `<name>_invoke`'s prologue, counted with the first layer. */
  invokeOverhead: Record<Counted, number>;
}

export interface InstructionProfile {
  /** How the kernels were built and measured, e.g. arm-none-eabi-gcc 12.2.1 -Os. */
  build: { compilers: Record<string, string>; optimization: string; measuredWith: string };
  calibrationShapes: Record<KernelVariant, number[][]>;
  cores: Record<string, CoreProfile>;
}

/**
 * Values of a layer's terms for one inference (batch 1), in the order of its kernel variant's terms:
 * the shape quantities the variant's instruction count is linear in, as its op defines them
 * (compiler/ops/<op>/, `cost.kernels`).
 */
export function termValues(layer: Unhashed<QLayer>): number[] {
  const values = quantizedOp(layer).cost.terms(layer);
  return KERNEL_VARIANTS[kernelVariantOf(layer)].terms.map((t) => values[t]);
}

export function macsOf(layer: Unhashed<QLayer>): number {
  return quantizedOp(layer).cost.macs(layer);
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
