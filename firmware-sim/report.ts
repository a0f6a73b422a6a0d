import type { QOp } from '../compiler/ops/quantized-op-types.js';
import type { PlannedTensor } from '../compiler/plan/plan-memory.js';
import type { AccuracyComparison } from '../compiler/evaluate/compare-with-float.js';
import type { InstructionCounts } from './cycle-model.js';

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
  flashStallCycles: number;
  cycles: number;
  share: number;
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
    totalCycles: number;
    latencyMs: number;
    inferencesPerSecond: number;
    method: string;
    /** Published error of the instruction model against the emulator for this core (max |%| over held-out shapes). */
    validatedErrorPercent: number | null;
  };
  accuracy: (AccuracyComparison & { data: string; backend: string; perLayerSqnr: LayerSqnr[] }) | null;
}
