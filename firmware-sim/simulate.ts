import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../compiler/data/dataset.js';
import type { QModel } from '../compiler/ir/qmodel.js';
import { packageRoot } from '../compiler/io/package-root.js';
import type { FloatModel } from '../compiler/model/float-model.js';
import { quantizedOp } from '../compiler/ops/quantized-ops.js';
import { planMemory } from '../compiler/plan/plan-memory.js';
import { type AccuracyResult, accuracyVersusFloat } from './accuracy-vs-float.js';
import { modelCycles } from './cycle-model.js';
import { loadInstructionProfile, macsOf } from './instruction-profile.js';
import { memoryBudgets } from './memory-budget.js';
import type { SimulationReport } from './report.js';
import type { Target } from './targets.js';

export interface SimulateOptions {
  targets: Target[];
  /** Labelled data and the float model for the accuracy-versus-float section. */
  accuracy?: { model: FloatModel; data: Dataset; dataFile: string };
  /** A folder with this IR's emitted model.wasm/model.mjs to run (emitted afresh when absent). */
  wasmDir?: string;
}

const VALIDATION_FILE = 'firmware-sim/measured/cycle-validation.json';

/** The simulator: memory, cycles and (with data) accuracy of one quantized model on each target. */
export async function simulate(q: QModel, options: SimulateOptions): Promise<SimulationReport[]> {
  const accuracy: AccuracyResult | null = options.accuracy
    ? await accuracyVersusFloat(q, options.accuracy.model, options.accuracy.data, options.accuracy.dataFile, options.wasmDir ?? null)
    : null;
  const profile = loadInstructionProfile();
  const plan = planMemory(q);
  const validation = JSON.parse(readFileSync(join(packageRoot(), VALIDATION_FILE), 'utf8')) as { summary: Record<string, { maxAbsErrorPercent: number }> };
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
          `Cycles = instructions (per-kernel linear model of the generated C on ${target.core.name}, ${profile.build.optimization}, measured with ${profile.build.measuredWith}; ` +
          `firmware-sim/measured/instruction-profile.json) × the core's cycle costs (firmware-sim/targets/cores/${target.core.id}.json) + flash wait states for the constants each layer streams.`,
        validatedErrorPercent: validation.summary[target.core.id]?.maxAbsErrorPercent ?? null,
      },
      accuracy,
    };
  });
}
