import type { QOp } from '../compiler/ops/quantized-op-types.js';
import type { PlannedTensor } from '../compiler/plan/plan-memory.js';
import type { AccuracyComparison } from '../compiler/evaluate/compare-with-float.js';
import type { InstructionCounts, WeightPlacement } from './cycle-model.js';
import type { TimingBasis } from './targets.js';

/** One line of a memory budget, with where its number comes from. */
export interface MemoryItem {
  what: string;
  bytes: number;
  source: string;
}

export interface MemoryBudget {
  items: MemoryItem[];
  totalBytes: number;
  capacityBytes: number | null;
  /** capacity − total (negative when it does not fit); null when the capacity is unknown. */
  marginBytes: number | null;
  fits: boolean | null;
}

/**
 * SRAM for one way of passing the input and output to `<name>_invoke`: the application's own
 * buffers (outside the arena) or the arena slots `<name>_input_buffer()` / `<name>_output_buffer()`.
 */
export interface SramVariant {
  io: 'caller-buffers' | 'arena-buffers';
  /** Short name for tables: 'own I/O buffers', 'I/O in arena'. */
  label: string;
  description: string;
  /** Input + output bytes this way adds beyond the arena (0 for the arena slots). */
  ioBytes: number;
  totalBytes: number;
  marginBytes: number | null;
  fits: boolean | null;
  /** True for the variant `memory.sram` (the headline, the fit, --fail-if-too-big) is. */
  headline: boolean;
}

export interface LayerReport {
  name: string;
  op: QOp;
  shape: string;
  macs: number;
  instructions: InstructionCounts;
  coreCycles: number;
  /** Constant bytes the layer streams from flash once per inference, of them the weights, and the flash reads and stalls they cost. */
  flashBytes: number;
  weightBytes: number;
  /** Bits per weight (8 or 4) of a layer with weights, else null. */
  weightBits: number | null;
  flashReads: number;
  flashStallCycles: number;
  cycles: number;
  share: number;
}

/**
 * Latency with the weight arrays in flash (the generated C as it is; the headline `cycles.totalCycles`)
 * or copied to SRAM at init (the build option of the C backend): its own variant with its SRAM cost,
 * never chosen silently.
 */
export interface WeightPlacementCycles {
  weights: WeightPlacement;
  /** Short name for tables: 'weights in flash', 'weights copied to SRAM at init'. */
  label: string;
  description: string;
  /** SRAM this placement adds to `memory.sram` (the planner's `weightPlacement(q).sramBytes`, alignment included; 0 in flash). */
  sramBytes: number;
  /** `memory.sram.totalBytes` + `sramBytes`, and whether that fits the board. */
  sramTotalBytes: number;
  fits: boolean | null;
  /** Flash stalls left (all constants' in flash; none in SRAM, where every constant array is copied). */
  flashStallCycles: number;
  totalCycles: number;
  latencyMs: number;
  inferencesPerSecond: number;
  /** True for the placement `cycles.totalCycles` and `cycles.latencyMs` are (weights in flash). */
  headline: boolean;
}

/**
 * Latency with the weights in flash under each flash configuration the board offers (e.g. the
 * STM32L4R5's bank mode, an option byte): the board's own setting first (the headline), then each
 * alternative the user can select, with how — never chosen silently.
 */
export interface FlashConfigurationCycles {
  label: string;
  /** How the user selects it (empty for the board's own setting). */
  how: string;
  source: string;
  readBytes: number;
  flashStallCycles: number;
  totalCycles: number;
  latencyMs: number;
  /** True for the board's own setting, the one `cycles.totalCycles` is for. */
  headline: boolean;
}

/**
 * The floor flash sets for streaming the weights once per inference: reads of the board's flash
 * word, each stalling the wait states (what the weights add to the core's work when loads wait for
 * them, as on the Cortex-M4), and the flash's own bandwidth (one word per 1 + wait states cycles:
 * no kernel streams the weights from flash faster).
 */
export interface FlashFloor {
  weightBytes: number;
  readBytes: number;
  stallCyclesPerRead: number;
  weightReads: number;
  stallCycles: number;
  stallMs: number;
  bandwidthCycles: number;
  bandwidthMs: number;
  /** The model's constants fit the board's data cache (`cacheBytes`): after the first inference they are not read from flash. */
  cached: boolean;
  cacheBytes: number;
  notConfirmed: string[];
}

/** The estimate against a published measurement of another kernel library on a board (firmware-sim/measured/silicon-calibration.json). */
export interface SiliconComparison {
  /** e.g. 'TFLite Micro 2.3.1 + CMSIS-NN (MLPerf Tiny v0.5)'. */
  published: string;
  publishedMs: number;
  /** The kernel-library snapshot of that stack's era, built at each optimisation level (the submissions do not state theirs). */
  builds: { snapshot: string; optimization: string; estimatedMs: number; errorPercent: number }[];
}

/** What the cycle estimate has been checked against, each labelled for what it is. */
export interface CycleAccuracy {
  /** 'manual': costs from the core's technical reference manual; 'estimate': no published cycle table. */
  timingBasis: TimingBasis;
  /** The instruction/event model against exact QEMU counts, both priced with the same cycle table: checks the fit, not the table. */
  qemu: { label: string; maxAbsErrorPercent: number; meanAbsErrorPercent: number } | null;
  /** firmnet's method applied to another kernel library, against that library's published board measurements: checks the table and flash model. */
  silicon: {
    label: string;
    board: string;
    kernelLibrary: string;
    /** Largest |error| over the era-matched builds, and the signed range. */
    maxAbsErrorPercent: number;
    minErrorPercent: number;
    maxErrorPercent: number;
    comparisons: SiliconComparison[];
    note: string;
  } | null;
}

export interface LayerSqnr {
  name: string;
  sqnrDb: number;
}

/** Everything `firmnet sim` reports for one target; the terminal, JSON and HTML reports render this. */
export interface SimulationReport {
  model: { name: string; hash: string; task: string; layers: number; parameters: number; macs: number; classNames: string[] };
  target: { id: string; description: string; core: string; clockHz: number; flashNote: string };
  memory: {
    arena: { bytes: number; lowerBoundBytes: number; alignment: number; note: string | null; tensors: PlannedTensor[] };
    /** The headline SRAM: with the caller's own input/output buffers, the most any use of the API needs. */
    sram: MemoryBudget;
    /** Both ways of passing the input and output; the first is the headline's. */
    sramVariants: SramVariant[];
    flash: MemoryBudget;
  };
  cycles: {
    layers: LayerReport[];
    /** Weights in flash: the generated C as it is. */
    totalCycles: number;
    latencyMs: number;
    inferencesPerSecond: number;
    method: string;
    /** Weights in flash (the headline above) and copied to SRAM at init. */
    weightPlacements: WeightPlacementCycles[];
    /** Weights in flash under each of the board's flash configurations; empty when it has only one. */
    flashConfigurations: FlashConfigurationCycles[];
    flashFloor: FlashFloor;
    accuracy: CycleAccuracy;
  };
  accuracy: (AccuracyComparison & { data: string; backend: string; perLayerSqnr: LayerSqnr[] }) | null;
}

/** `int4, 1,024 B`: a layer's weight width and flash bytes, or — for a layer without weights. */
export function weightsText(l: Pick<LayerReport, 'weightBits' | 'weightBytes'>): string {
  return l.weightBits === null ? '—' : `int${l.weightBits}, ${Math.round(l.weightBytes).toLocaleString('en-US')} B`;
}
