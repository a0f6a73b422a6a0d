import type { QLayer } from '../compiler/ops/quantized-op-types.js';
import { kernelVariantOf, layerConstantBytes, quantizedOp, totalConstantBytes } from '../compiler/ops/quantized-ops.js';
import { COUNTED, type Counted, type InstructionProfile, macsOf, termValues } from './instruction-profile.js';
import { type CoreSpec, type FlashModel, INSTRUCTION_CLASSES, type Target } from './targets.js';

export type InstructionCounts = Record<Counted, number>;

export interface LayerCycles {
  name: string;
  op: QLayer['op'];
  shape: string;
  macs: number;
  instructions: InstructionCounts;
  /** Σ instructions × cycles per instruction (+ taken-branch refills): the core alone, zero-wait memory. */
  coreCycles: number;
  /** Flash bytes this layer streams (weights and per-channel parameters) and the stalls they cost. */
  flashBytes: number;
  flashStallCycles: number;
  cycles: number;
}

/**
 * The deterministic cycle model. Per layer:
 *   instructions[class] = Σ_term coefficient[class][term] · term   (terms: MACs, outputs, inputs, calls
 *                                                                  for dense layers; elements, calls otherwise)
 *   coreCycles  = Σ_class instructions[class] · CPI[class] + takenBranches · takenBranchExtra
 *   flashStall  = ceil(flashBytes / lineBytes) · stallCyclesPerLine
 *   cycles      = coreCycles + flashStall
 * Coefficients come from the measured instruction profile of the generated C kernels on that core;
 * CPIs and capabilities from the core's data file; flash behaviour from the board's.
 */
export function layerCycles(layer: QLayer, first: boolean, core: CoreSpec, profile: InstructionProfile, flash: FlashModel): LayerCycles {
  const instructions = estimateInstructions(layer, first, core, profile);
  const coreCycles = cyclesOf(instructions, core);
  const flashBytes = flashBytesRead(layer);
  const flashStallCycles = Math.ceil(flashBytes / flash.lineBytes) * flash.stallCyclesPerLine;
  return {
    name: layer.name,
    op: layer.op,
    shape: quantizedOp(layer).cost.shape(layer),
    macs: macsOf(layer),
    instructions,
    coreCycles,
    flashBytes,
    flashStallCycles,
    cycles: coreCycles + flashStallCycles,
  };
}

/** Estimated instructions of one layer; the first layer also carries the invoke function's prologue. */
export function estimateInstructions(layer: QLayer, first: boolean, core: CoreSpec, profile: InstructionProfile): InstructionCounts {
  const variant = kernelVariantOf(layer);
  const coreProfile = profile.cores[core.id];
  const kernel = coreProfile?.kernels[variant];
  if (!kernel) throw new Error(`the instruction profile has no ${variant} kernel for ${core.id}; re-run scripts/measure-instruction-profile`);
  const terms = termValues(layer);
  const counts = {} as InstructionCounts;
  for (const c of COUNTED) {
    const overhead = first ? coreProfile.invokeOverhead[c] : 0;
    counts[c] = Math.max(0, Math.round(kernel.coefficients[c].reduce((s, k, i) => s + k * terms[i], overhead)));
  }
  return counts;
}

/** Cycles of the core for executed instruction counts (used for estimates and emulator counts alike). */
export function cyclesOf(counts: InstructionCounts, core: CoreSpec): number {
  let cycles = counts.taken_branches * core.cyclesPerInstruction.takenBranchExtra;
  for (const c of INSTRUCTION_CLASSES) cycles += counts[c] * core.cyclesPerInstruction[c];
  return Math.round(cycles);
}

/** Constant bytes a layer reads from flash once per inference: its device constants (the arrays of the generated C). */
export function flashBytesRead(layer: QLayer): number {
  return totalConstantBytes(layerConstantBytes(layer));
}

export interface ModelCycles {
  layers: (LayerCycles & { share: number })[];
  totalCycles: number;
  latencySeconds: number;
  inferencesPerSecond: number;
}

export function modelCycles(layers: QLayer[], target: Target, profile: InstructionProfile): ModelCycles {
  const per = layers.map((l, i) => layerCycles(l, i === 0, target.core, profile, target.flash));
  const totalCycles = per.reduce((s, l) => s + l.cycles, 0);
  const latencySeconds = totalCycles / target.clockHz;
  return {
    layers: per.map((l) => ({ ...l, share: totalCycles === 0 ? 0 : l.cycles / totalCycles })),
    totalCycles,
    latencySeconds,
    inferencesPerSecond: latencySeconds === 0 ? Infinity : 1 / latencySeconds,
  };
}
