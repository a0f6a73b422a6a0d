import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../compiler/data/dataset.js';
import type { QModel } from '../compiler/ir/qmodel.js';
import type { QLayer } from '../compiler/ops/quantized-op-types.js';
import { packageRoot } from '../compiler/io/package-root.js';
import type { FloatModel } from '../compiler/model/float-model.js';
import { quantizedOp } from '../compiler/ops/quantized-ops.js';
import { planMemory } from '../compiler/plan/plan-memory.js';
import { type AccuracyResult, accuracyVersusFloat } from './accuracy-vs-float.js';
import { type ModelCycles, flashReadsOf, modelCycles } from './cycle-model.js';
import { type InstructionProfile, loadInstructionProfile, macsOf } from './instruction-profile.js';
import { memoryBudgets } from './memory-budget.js';
import type { CycleAccuracy, FlashConfigurationCycles, FlashFloor, MemoryBudget, SimulationReport, WeightPlacementCycles } from './report.js';
import { siliconAccuracy } from './silicon-calibration.js';
import type { Target } from './targets.js';

export interface SimulateOptions {
  targets: Target[];
  /** Labelled data and the float model for the accuracy-versus-float section. */
  accuracy?: { model: FloatModel; data: Dataset; dataFile: string };
  /** A folder with this IR's emitted model.wasm/model.mjs to run (emitted afresh when absent). */
  wasmDir?: string;
}

const VALIDATION_FILE = 'firmware-sim/measured/cycle-validation.json';

/** What the QEMU agreement is: the fit of the counts, priced with the same table on both sides — not the table itself. */
export const QEMU_LABEL = 'estimate vs exact QEMU counts priced with the same cycle table (held-out shapes and whole models)';

interface CycleValidation {
  summary: Record<string, { maxAbsErrorPercent: number; meanAbsErrorPercent: number }>;
}

/** The simulator: memory, cycles and (with data) accuracy of one quantized model on each target. */
export async function simulate(q: QModel, options: SimulateOptions): Promise<SimulationReport[]> {
  const accuracy: AccuracyResult | null = options.accuracy
    ? await accuracyVersusFloat(q, options.accuracy.model, options.accuracy.data, options.accuracy.dataFile, options.wasmDir ?? null)
    : null;
  const profile = loadInstructionProfile();
  const plan = planMemory(q);
  const validation = JSON.parse(readFileSync(join(packageRoot(), VALIDATION_FILE), 'utf8')) as CycleValidation;
  const parameters = q.layers.reduce((s, l) => s + quantizedOp(l).cost.parameters(l), 0);
  const macs = q.layers.reduce((s, l) => s + macsOf(l), 0);
  return options.targets.map((target) => {
    const cycles = modelCycles(q.layers, target, profile);
    const { sram, sramVariants, flash } = memoryBudgets(q, plan, target);
    return {
      model: { name: q.name, hash: q.hash, task: q.task, layers: q.layers.length, parameters, macs, classNames: q.classNames },
      target: { id: target.id, description: target.description, core: target.core.name, clockHz: target.clockHz, flashNote: target.flash.note },
      memory: { arena: { bytes: plan.arenaBytes, lowerBoundBytes: plan.lowerBoundBytes, alignment: plan.alignment, note: plan.note, tensors: plan.tensors }, sram, sramVariants, flash },
      cycles: {
        layers: cycles.layers,
        totalCycles: cycles.totalCycles,
        latencyMs: cycles.latencySeconds * 1000,
        inferencesPerSecond: cycles.inferencesPerSecond,
        method:
          `Cycles = instructions by class and pipeline events (per-kernel linear model of the generated C on ${target.core.name}, ${profile.build.optimization}, measured with ${profile.build.measuredWith}; ` +
          `firmware-sim/measured/instruction-profile.json) × the core's cycle costs (firmware-sim/targets/cores/${target.core.id}.json, ${target.core.timingBasis === 'manual' ? "from its technical reference manual" : 'an estimate: no published cycle table'}) + flash wait states for the constants each layer streams (the board's flash word and cache).`,
        weightPlacements: weightPlacements(cycles, sram, target),
        flashConfigurations: flashConfigurations(q.layers, cycles, target, profile),
        flashFloor: flashFloor(cycles, target),
        accuracy: cycleAccuracy(validation, target),
      },
      accuracy,
    };
  });
}

function weightPlacements(cycles: ModelCycles, sram: MemoryBudget, target: Target): WeightPlacementCycles[] {
  const text = {
    flash: { label: 'weights in flash', description: 'the weight arrays stay in flash, as the generated C declares them (const)' },
    sram: { label: 'weights copied to SRAM at init', description: 'built with FIRMNET_WEIGHTS_IN_SRAM: the constant arrays (weights, biases, requantization, tables) are copied to SRAM by the start-up code, so the kernels read none from flash' },
  } as const;
  return cycles.placements.map((p) => {
    const sramTotalBytes = sram.totalBytes + p.sramBytes;
    return {
      weights: p.weights,
      ...text[p.weights],
      sramBytes: p.sramBytes,
      sramTotalBytes,
      fits: sram.capacityBytes === null ? null : sramTotalBytes <= sram.capacityBytes,
      flashStallCycles: p.flashStallCycles,
      totalCycles: p.totalCycles,
      latencyMs: p.latencySeconds * 1000,
      inferencesPerSecond: p.latencySeconds === 0 ? Infinity : 1 / p.latencySeconds,
      headline: p.weights === 'flash',
    };
  });
}

function flashConfigurations(layers: QLayer[], cycles: ModelCycles, target: Target, profile: InstructionProfile): FlashConfigurationCycles[] {
  const f = target.flash;
  if (f.configuration === null || f.alternatives.length === 0) return [];
  const inFlash = (c: ModelCycles): Pick<FlashConfigurationCycles, 'flashStallCycles' | 'totalCycles' | 'latencyMs'> => {
    const p = c.placements.find((x) => x.weights === 'flash')!;
    return { flashStallCycles: p.flashStallCycles, totalCycles: p.totalCycles, latencyMs: p.latencySeconds * 1000 };
  };
  const own: FlashConfigurationCycles = { label: f.configuration, how: '', source: '', readBytes: f.readBytes, ...inFlash(cycles), headline: true };
  // Only the read width changes: the same core cycles, the same wait states per read.
  const others = f.alternatives.map((a): FlashConfigurationCycles => ({
    label: a.label,
    how: a.how,
    source: a.source,
    readBytes: a.readBytes,
    ...inFlash(modelCycles(layers, { ...target, flash: { ...f, readBytes: a.readBytes } }, profile)),
    headline: false,
  }));
  return [own, ...others];
}

function flashFloor(cycles: ModelCycles, target: Target): FlashFloor {
  const f = target.flash;
  const weightBytes = cycles.layers.reduce((s, l) => s + l.weightBytes, 0);
  const cached = cycles.constantsCached;
  const weightReads = cached ? 0 : cycles.layers.reduce((s, l) => s + flashReadsOf(l.weightBytes, f), 0);
  const ms = (c: number): number => (1000 * c) / target.clockHz;
  const stallCycles = weightReads * f.stallCyclesPerRead;
  const bandwidthCycles = weightReads * (1 + f.stallCyclesPerRead);
  return { weightBytes, readBytes: f.readBytes, stallCyclesPerRead: f.stallCyclesPerRead, weightReads, stallCycles, stallMs: ms(stallCycles), bandwidthCycles, bandwidthMs: ms(bandwidthCycles), cached, cacheBytes: f.cacheBytes, notConfirmed: f.notConfirmed };
}

function cycleAccuracy(validation: CycleValidation, target: Target): CycleAccuracy {
  const v = validation.summary[target.core.id];
  return {
    timingBasis: target.core.timingBasis,
    qemu: v ? { label: QEMU_LABEL, maxAbsErrorPercent: v.maxAbsErrorPercent, meanAbsErrorPercent: v.meanAbsErrorPercent } : null,
    silicon: siliconAccuracy(target.core.id),
  };
}
