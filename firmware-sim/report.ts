import type { QOpKind } from '../compiler/quantize/qmodel.js';
import type { AccuracyComparison } from '../compiler/quantize/accuracy.js';
import type { InstructionCounts } from './cycle-model.js';
import type { PlannedTensor } from './plan-memory.js';

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

export interface LayerReport {
  name: string;
  op: QOpKind;
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
    sram: MemoryBudget;
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
