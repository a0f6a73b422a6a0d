import type { QLayer } from '../compiler/ops/quantized-op-types.js';
import { kernelVariantOf, layerConstantBytes, quantizedOp, totalConstantBytes } from '../compiler/ops/quantized-ops.js';
import { weightPlacement } from '../compiler/plan/plan-memory.js';
import { COUNTED, type Counted, type InstructionProfile, macsOf, termValues } from './instruction-profile.js';
import { type CoreSpec, type FlashModel, INSTRUCTION_CLASSES, PIPELINE_EVENTS, type Target } from './targets.js';

export type InstructionCounts = Record<Counted, number>;

/** Where the weight arrays are while the model runs: in flash (the generated C's `const` arrays) or copied to SRAM at init. */
export type WeightPlacement = 'flash' | 'sram';

export interface LayerCycles {
  name: string;
  op: QLayer['op'];
  shape: string;
  macs: number;
  instructions: InstructionCounts;
  /** Σ instructions × cycles per instruction + Σ pipeline events × their cost: the core alone, zero-wait memory. */
  coreCycles: number;
  /** Constant bytes this layer reads once per inference (weights, biases, requantization, tables), and of them the weights. */
  flashBytes: number;
  weightBytes: number;
  /** Bits per weight of a layer with weights (fully_connected: 8 or 4), else null. */
  weightBits: number | null;
  /** Flash words (or cache lines) fetched for those constants and the stalls they cost, weights in flash. */
  flashReads: number;
  flashStallCycles: number;
  cycles: number;
}

/**
 * The deterministic cycle model. Per layer:
 *   counts[c]   = Σ_term coefficient[c][term] · term     (c: instruction classes and pipeline events;
 *                                                         terms: MACs, outputs, inputs, calls, … of the op)
 *   coreCycles  = Σ_class counts · cyclesPerInstruction + Σ_event counts · cyclesPerEvent
 *   flashReads  = ceil(bytes of each constant array / flash read bytes)   (0 when the model's constants fit the data cache)
 *   flashStall  = flashReads · stall cycles per read
 *   cycles      = coreCycles + flashStall
 * Coefficients come from the measured instruction profile of the generated C kernels on that core;
 * cycle costs and capabilities from the core's data file; flash behaviour from the board's.
 */
export function layerCycles(layer: QLayer, first: boolean, core: CoreSpec, profile: InstructionProfile, flash: FlashModel, cachedConstants = false): LayerCycles {
  const instructions = estimateInstructions(layer, first, core, profile);
  const coreCycles = cyclesOf(instructions, core);
  const bytes = layerConstantBytes(layer);
  const flashReads = cachedConstants ? 0 : flashReadsOf(bytes.weights, flash) + flashReadsOf(bytes.biases, flash) + flashReadsOf(bytes.requantization, flash) + flashReadsOf(bytes.tables, flash);
  const flashStallCycles = flashReads * flash.stallCyclesPerRead;
  return {
    name: layer.name,
    op: layer.op,
    shape: quantizedOp(layer).cost.shape(layer),
    macs: macsOf(layer),
    instructions,
    coreCycles,
    flashBytes: totalConstantBytes(bytes),
    weightBytes: bytes.weights,
    weightBits: 'weightBits' in layer ? layer.weightBits : null,
    flashReads,
    flashStallCycles,
    cycles: coreCycles + flashStallCycles,
  };
}

/** Flash words (or lines) a streamed array of `bytes` occupies. */
export function flashReadsOf(bytes: number, flash: FlashModel): number {
  return Math.ceil(bytes / flash.readBytes);
}

/** Estimated counts of one layer; the first layer also carries the invoke function's prologue. */
export function estimateInstructions(layer: QLayer, first: boolean, core: CoreSpec, profile: InstructionProfile): InstructionCounts {
  const variant = kernelVariantOf(layer);
  const coreProfile = profile.cores[core.id];
  const kernel = coreProfile?.kernels[variant];
  if (!kernel) throw new Error(`the instruction profile has no ${variant} kernel for ${core.id}; re-run scripts/measure-instruction-profile`);
  const terms = termValues(layer);
  const counts = {} as InstructionCounts;
  for (const c of COUNTED) {
    const coefficients = kernel.coefficients[c];
    if (!coefficients) throw new Error(`the instruction profile predates the '${c}' counter; re-run scripts/measure-instruction-profile`);
    const overhead = first ? (coreProfile.invokeOverhead[c] ?? 0) : 0;
    counts[c] = Math.max(0, Math.round(coefficients.reduce((s, k, i) => s + k * terms[i], overhead)));
  }
  return counts;
}

/** Executed instructions in counts of instructions and pipeline events: the classes only (events are not instructions). */
export function instructionTotal(counts: InstructionCounts): number {
  return INSTRUCTION_CLASSES.reduce((s, c) => s + counts[c], 0);
}

/** Cycles of the core for counted instructions and events (used for estimates and emulator counts alike). */
export function cyclesOf(counts: InstructionCounts, core: CoreSpec): number {
  let cycles = 0;
  for (const c of INSTRUCTION_CLASSES) cycles += counts[c] * core.cyclesPerInstruction[c];
  for (const e of PIPELINE_EVENTS) cycles += counts[e] * core.cyclesPerEvent[e];
  return Math.round(cycles);
}

export interface PlacementCycles {
  weights: WeightPlacement;
  /** Flash stalls left: every constant array's with weights in flash; none in SRAM, where the build moves all of them (`FIRMNET_WEIGHTS_IN_SRAM`). */
  flashStallCycles: number;
  totalCycles: number;
  latencySeconds: number;
  /** SRAM the placement adds on top of the arena (0 in flash): the memory planner's `weightPlacement(q).sramBytes`, alignment included. */
  sramBytes: number;
}

export interface ModelCycles {
  layers: (LayerCycles & { share: number })[];
  totalCycles: number;
  latencySeconds: number;
  inferencesPerSecond: number;
  /** Weights in flash (the generated C as it is: the layers above) and weights copied to SRAM at init. */
  placements: PlacementCycles[];
  /** All the model's constants fit the board's data cache, so repeated inferences read none from flash. */
  constantsCached: boolean;
}

export function modelCycles(layers: QLayer[], target: Target, profile: InstructionProfile): ModelCycles {
  const constantBytes = layers.reduce((s, l) => s + totalConstantBytes(layerConstantBytes(l)), 0);
  // Constants that all fit the board's data cache stay there from one inference to the next.
  const cached = target.flash.cacheBytes > 0 && constantBytes <= target.flash.cacheBytes;
  const per = layers.map((l, i) => layerCycles(l, i === 0, target.core, profile, target.flash, cached));
  const totalCycles = per.reduce((s, l) => s + l.cycles, 0);
  const latencySeconds = totalCycles / target.clockHz;
  const coreCycles = per.reduce((s, l) => s + l.coreCycles, 0);
  const inFlash = per.reduce((s, l) => s + l.flashStallCycles, 0);
  const placement = (weights: WeightPlacement, flashStallCycles: number, sramBytes: number): PlacementCycles => ({
    weights,
    flashStallCycles,
    totalCycles: coreCycles + flashStallCycles,
    latencySeconds: (coreCycles + flashStallCycles) / target.clockHz,
    sramBytes,
  });
  return {
    layers: per.map((l) => ({ ...l, share: totalCycles === 0 ? 0 : l.cycles / totalCycles })),
    totalCycles,
    latencySeconds,
    inferencesPerSecond: latencySeconds === 0 ? Infinity : 1 / latencySeconds,
    placements: [placement('flash', inFlash, 0), placement('sram', 0, weightPlacement({ layers }).sramBytes)],
    constantsCached: cached,
  };
}
