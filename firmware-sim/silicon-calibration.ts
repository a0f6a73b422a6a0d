import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../compiler/io/package-root.js';
import { cyclesOf, flashReadsOf, type InstructionCounts } from './cycle-model.js';
import { COUNTED } from './instruction-profile.js';
import type { CycleAccuracy, SiliconComparison } from './report.js';
import { type Target, resolveTarget } from './targets.js';

export const SILICON_CALIBRATION_FILE = 'firmware-sim/measured/silicon-calibration.json';

export const SILICON_LABEL = 'estimate vs published board measurements of another kernel library';

/**
 * The emulator's counts for another kernel library running a published benchmark model, and that
 * benchmark's published latencies on a board. Only counts are kept: the library was built outside
 * the repository and nothing of it is committed.
 */
export interface SiliconCalibrationData {
  kernelLibrary: string;
  model: string;
  macs: number;
  core: string;
  board: string;
  measuredWith: string;
  /** How the library was built and run (no script: it is not part of firmnet). */
  procedure: string[];
  /** Bytes of every constant array the library reads from flash once per inference. */
  flashArrayBytes: number[];
  published: { stack: string; ms: number; source: string; snapshot: string }[];
  builds: {
    snapshot: string;
    commit: string;
    optimization: string;
    /** The CMSIS-NN function each layer calls, and whether its outputs equal firmnet's golden reference (the per-channel kernel). */
    kernel: string;
    bitExact: boolean;
    counts: Record<string, number>;
    /** Data reads from flash per inference, and the flash words the plugin fetched for them through the board's cache (a check of `flashArrayBytes`). */
    flashLoads: number;
    flashReadsSimulated: number;
  }[];
  note: string;
}

let cached: SiliconCalibrationData | null = null;

export function loadSiliconCalibration(): SiliconCalibrationData {
  cached ??= JSON.parse(readFileSync(join(packageRoot(), SILICON_CALIBRATION_FILE), 'utf8')) as SiliconCalibrationData;
  return cached;
}

/** firmnet's cycle method applied to the library's counts on `target`: core cycles from the table, flash reads of its arrays. */
export function estimatedCalibrationMs(build: SiliconCalibrationData['builds'][number], data: SiliconCalibrationData, target: Target): number {
  const counts = Object.fromEntries(COUNTED.map((c) => [c, build.counts[c] ?? 0])) as InstructionCounts;
  const flashReads = data.flashArrayBytes.reduce((s, bytes) => s + flashReadsOf(bytes, target.flash), 0);
  return (1000 * (cyclesOf(counts, target.core) + flashReads * target.flash.stallCyclesPerRead)) / target.clockHz;
}

/** Each published stack against its era's library snapshot at every optimisation level. */
export function siliconComparisons(data: SiliconCalibrationData = loadSiliconCalibration()): SiliconComparison[] {
  const target = resolveTarget(data.board);
  return data.published.map((p) => ({
    published: p.stack,
    publishedMs: p.ms,
    builds: data.builds
      .filter((b) => b.snapshot === p.snapshot)
      .map((b) => {
        const estimatedMs = estimatedCalibrationMs(b, data, target);
        return { snapshot: b.snapshot, optimization: b.optimization, estimatedMs: round(estimatedMs, 3), errorPercent: round((100 * (estimatedMs - p.ms)) / p.ms, 1) };
      }),
  }));
}

/** The silicon check for a core: only the core the library was measured on carries it. */
export function siliconAccuracy(coreId: string): CycleAccuracy['silicon'] {
  const data = loadSiliconCalibration();
  if (data.core !== coreId) return null;
  const comparisons = siliconComparisons(data);
  const errors = comparisons.flatMap((c) => c.builds.map((b) => b.errorPercent));
  return {
    label: SILICON_LABEL,
    board: data.board,
    kernelLibrary: data.kernelLibrary,
    maxAbsErrorPercent: Math.max(...errors.map(Math.abs)),
    minErrorPercent: Math.min(...errors),
    maxErrorPercent: Math.max(...errors),
    comparisons,
    note: data.note,
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
